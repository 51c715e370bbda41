// What every scenario needs: the lab as it is now (hosts come and go during a drill), commands on
// its hosts, requests through nginx from the client namespace, settings overlays, deploys that are
// logged and timed, and the list of proof checks that did not hold.
import * as fs from "node:fs";
import { labStatus, sshRun, type LabHost, type LabState } from "../../index";
import { requestFromClient } from "../../deployVerify";
import { readDeployState } from "../../engine/state";
import { TLS_CERTIFICATE_FILE } from "../../hosts/paths";
import type { RunResult } from "../../hosts/exec";
import type { DrillContext } from "../types";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** The lab's state file now: a scale or a reboot changes hosts and PIDs after the drill started. */
export async function currentState(ctx: DrillContext): Promise<LabState> {
  return (await labStatus()) ?? ctx.state;
}

export const hostsOf = (state: LabState, role: LabHost["role"]) => state.hosts.filter((h) => h.role === role).map((h) => h.name);

/** Load before the first change, so the "before" phase has figures: a fifth of the run, 2–10 s. */
export function leadMs(ctx: DrillContext): number {
  return Math.round(Math.min(10, Math.max(2, ctx.durationSeconds * 0.2)) * 1000);
}

/** A root shell script on a lab host; throws with the host and stderr unless it exits 0. */
export async function onHost(state: LabState, host: string, script: string, timeoutMs = 60_000): Promise<string> {
  const r = await tryOnHost(state, host, script, timeoutMs);
  if (r.code !== 0) throw new Error(`${host}: \`${script}\` exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function tryOnHost(state: LabState, host: string, script: string, timeoutMs = 60_000): Promise<RunResult> {
  return sshRun(state, host, ["sudo", "-n", "bash", "-c", script], { timeoutMs, connectTimeoutSec: 3 });
}

/** The same script on several hosts at once: host → trimmed stdout. */
export async function onHosts(state: LabState, hosts: string[], script: string): Promise<Record<string, string>> {
  const out = await Promise.all(hosts.map((h) => onHost(state, h, script)));
  return Object.fromEntries(hosts.map((h, i) => [h, out[i]!.trim()]));
}

/** Whether the host answers over SSH now (a short connect timeout: a host that is off fails fast). */
export async function answersSsh(state: LabState, host: LabHost): Promise<boolean> {
  const r = await sshRun(state, host, "true", { timeoutMs: 10_000, connectTimeoutSec: 2 });
  return r.code === 0;
}

/** The site's URL as the last deploy published it (https when the stack has TLS), and what to trust. */
export function site(state: LabState): { url: string; caFile?: string } {
  const url = readDeployState().url ?? state.url;
  return url.startsWith("https:") && fs.existsSync(TLS_CERTIFICATE_FILE) ? { url, caFile: TLS_CERTIFICATE_FILE } : { url };
}

export interface Served {
  /** X-Served-By → answers. */
  hits: Record<string, number>;
  /** HTTP status (or "curl: …" when the request failed) → count. */
  statuses: Record<string, number>;
  requests: number;
}

/**
 * GETs the site from the client namespace (Connection: close) until every host in `want` has
 * answered, at most `requests` times and `timeoutMs` long (nginx takes a host that failed back
 * only after fail_timeout). With `want` empty it makes all `requests`.
 */
export async function servedBy(state: LabState, want: string[], requests: number, timeoutMs = 30_000): Promise<Served> {
  const { url, caFile } = site(state);
  const served: Served = { hits: {}, statuses: {}, requests: 0 };
  const deadline = Date.now() + timeoutMs;
  while (served.requests < requests && Date.now() < deadline && !(want.length > 0 && want.every((h) => served.hits[h]))) {
    served.requests++;
    try {
      const answer = await requestFromClient(state, url, 5, caFile);
      served.statuses[String(answer.status)] = (served.statuses[String(answer.status)] ?? 0) + 1;
      const host = answer.headers["x-served-by"];
      if (answer.status === 200 && host) served.hits[host] = (served.hits[host] ?? 0) + 1;
    } catch (err) {
      const key = `curl: ${(err as Error).message.split(": ").pop()!.slice(0, 80)}`;
      served.statuses[key] = (served.statuses[key] ?? 0) + 1;
      await sleep(200);
    }
  }
  return served;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `base` with `patch` laid over it, objects merged key by key; arrays and scalars replaced; `undefined` removes a key. */
export function overlay(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = overlay(out[key] as Record<string, unknown>, value);
    else out[key] = structuredClone(value);
  }
  return out;
}

/** A number setting of `settings` (e.g. `uwsgi`, `maxRequests`), or the default when unset. */
export function setting(settings: Record<string, unknown>, section: string, key: string, fallback: number): number {
  const s = settings[section];
  const v = isPlainObject(s) ? s[key] : undefined;
  return typeof v === "number" ? v : fallback;
}

export interface Deployed {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** ctx.deploy, logged and always with an explicit app host count (the CLI's default is 3). */
export async function deploy(ctx: DrillContext, label: string, settings: Record<string, unknown>, appHosts: number): Promise<Deployed> {
  ctx.log(`${label}: webtier lab up --app-hosts ${appHosts}`);
  const r = await ctx.deploy(settings, { appHosts });
  ctx.log(`${label}: exit ${r.code} after ${seconds(r.durationMs)} s`);
  return r;
}

/** Deploys for `prepare` (no load yet): a failure there stops the drill before it measures anything. */
export async function deployOrThrow(ctx: DrillContext, label: string, settings: Record<string, unknown>, appHosts: number): Promise<Deployed> {
  const r = await deploy(ctx, label, settings, appHosts);
  if (r.code !== 0) throw new Error(`${label}: webtier lab up exited ${r.code}:\n${errorText(r)}`);
  return r;
}

/** What a failed deploy said: webtier's own error lines first (host, step, the tool's message), capped. */
export function errorText(r: { stdout: string; stderr: string }): string {
  const text = (r.stderr.trim() || r.stdout.trim().split("\n").slice(-20).join("\n"));
  return text.length > 6000 ? `${text.slice(0, 6000)}…` : text;
}

/** Per-host progress lines of a deploy (`app-2  activate  3.1s`), in the order they were printed. */
export function stepLines(stdout: string, step: string): string[] {
  return stdout.split("\n").filter((l) => new RegExp(`^(lb|app)-\\d+ +${step} `).test(l)).map((l) => l.replace(/ +/g, " ").trim());
}

/** Proof checks: each one that fails adds a line; the outcome carries them as `proof.problems`. */
export class Checks {
  readonly problems: string[] = [];

  /** Records `message` unless `ok`. */
  expect(ok: boolean, message: string): void {
    if (!ok) this.problems.push(message);
  }

  /** One line for the summary: the change, or the checks that failed. */
  summary(text: string): string {
    return this.problems.length === 0 ? text : `${text} — ${this.problems.length} proof check(s) failed: ${this.problems.join("; ")}`;
  }
}

export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A scenario's `prepare`: the stack's own settings deployed on the lab's app hosts (at least
 * `minAppHosts`), so every scenario starts from a known config whatever ran before it.
 */
export function deployBaseline(minAppHosts = 1): (ctx: DrillContext) => Promise<void> {
  return async (ctx) => {
    const state = await currentState(ctx);
    await deployOrThrow(ctx, "baseline", ctx.settings, Math.max(minAppHosts, hostsOf(state, "app").length));
  };
}
