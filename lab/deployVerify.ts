// Checks a lab deploy the way a user would: HTTP requests to the URL from a client namespace on the
// public segment (never from the root namespace, which can reach every segment).
import { run } from "./hosts/exec";
import type { LabState } from "./hosts/state";

const VERIFY_MS = 30_000;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One GET from the lab's first client namespace; throws when curl cannot connect at all. */
export async function requestFromClient(state: LabState, url: string, timeoutSec = 10, caFile?: string): Promise<HttpAnswer> {
  const ns = state.clients[0]!.namespace;
  const trust = caFile === undefined ? [] : ["--cacert", caFile];
  const r = await run("ip", ["netns", "exec", ns, "curl", "-sS", "-i", ...trust, "-m", String(timeoutSec), "-H", "Connection: close", url], {
    timeoutMs: (timeoutSec + 5) * 1000,
  });
  if (r.code !== 0) throw new Error(`GET ${url} from ${ns}: curl exited ${r.code}: ${r.stderr.trim()}`);
  const split = r.stdout.indexOf("\r\n\r\n");
  const head = (split < 0 ? r.stdout : r.stdout.slice(0, split)).split("\r\n");
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head[0] ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const at = line.indexOf(":");
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return { status, headers, body: split < 0 ? "" : r.stdout.slice(split + 4) };
}

/**
 * Requests the URL until every app host has answered (the sample app names itself in
 * `X-Served-By`). An app that does not name its host only has to answer below 500. Any 5xx, or a
 * host that has not answered within 30 s, fails. Bounded by time, not a count: under other load
 * (a drill) nginx's balancing may send a short run of requests elsewhere. Returns the answers per host.
 */
export async function verifyServing(state: LabState, url: string, appHosts: string[], caFile?: string): Promise<Record<string, number>> {
  const hits: Record<string, number> = {};
  const deadline = Date.now() + VERIFY_MS;
  let requests = 0;
  while (!appHosts.every((h) => hits[h]) && (requests < appHosts.length || Date.now() < deadline)) {
    requests++;
    const answer = await requestFromClient(state, url, 10, caFile);
    const host = answer.headers["x-served-by"];
    const ok = host === undefined ? answer.status < 500 : answer.status === 200;
    if (!ok) throw new Error(`GET ${url} answered ${answer.status}: ${answer.body.trim().slice(0, 300)}`);
    if (host === undefined) return { "(app does not name its host)": 1 };
    hits[host] = (hits[host] ?? 0) + 1;
  }
  const silent = appHosts.filter((h) => !hits[h]);
  if (silent.length > 0) throw new Error(`${silent.join(", ")} never answered through ${url} in ${requests} requests over ${VERIFY_MS / 1000} s (answers: ${JSON.stringify(hits)})`);
  return hits;
}
