// One bench run: wrk for the asked time from a namespace, with every lab host's accept-queue
// counters read before and after (in each host's own network namespace, no SSH).
import type { LabState } from "../index";
import { counterDeltas, readAllCounters } from "../drill/counters";
import { parseWrk, startWrk } from "../load/wrk";
import type { Endpoint } from "./hostServers";
import type { Sample } from "./types";

const COUNTERS = ["ListenOverflows", "ListenDrops"] as const;
/** wrk's --timeout: a request slower than this counts as a timeout, not as latency. */
export const WRK_TIMEOUT_SECONDS = 10;

/** How the report names the load: the arguments wrkCommand gives wrk. */
export function wrkDescription(durationSeconds: number): string {
  return `wrk -t2 -c<c> -d${durationSeconds}s --timeout ${WRK_TIMEOUT_SECONDS}s --latency`;
}

/** `signal` kills wrk (by its PID) when the bench is stopped. */
export async function measure(
  state: LabState, at: Endpoint, connections: number, seconds: number, log: (line: string) => void, signal?: AbortSignal,
): Promise<Sample> {
  const before = await readAllCounters(state.hosts, COUNTERS, log);
  const wrk = startWrk({ namespace: at.namespace, url: at.url, connections, seconds, timeoutSeconds: WRK_TIMEOUT_SECONDS });
  const kill = () => wrk.kill();
  signal?.addEventListener("abort", kill, { once: true });
  const r = await wrk.done.finally(() => signal?.removeEventListener("abort", kill));
  const after = await readAllCounters(state.hosts, COUNTERS, log);
  if (r.code !== 0) throw new Error(`wrk -c${connections} ${at.url} from ${at.namespace} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  const w = parseWrk(r.stdout);
  const deltas = Object.values(counterDeltas(before, after));
  const sum = (name: string) => deltas.reduce((n, d) => n + (d[name] ?? 0), 0);
  return {
    rps: w.rps,
    p50Ms: w.p50ms,
    p99Ms: w.p99ms,
    requests: w.requests,
    non2xx: w.non2xx,
    socketErrors: w.connectErrors + w.readErrors + w.writeErrors,
    timeouts: w.timeouts,
    listenOverflows: sum("ListenOverflows"),
    listenDrops: sum("ListenDrops"),
  };
}
