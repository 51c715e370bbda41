// Helpers for the lab end-to-end tests: the CLI and a deploy-only child process, commands on lab
// hosts, requests from the client namespace, and what the hosts' sshd logged.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { LAB_BINARIES, sshRun, type LabState } from "../../lab";
import { labStackConfig } from "../../lab/deployConfig";
import { run, type RunResult } from "../../lab/hosts/exec";
import { labRequirements } from "./labRequirements";

export const ROOT = path.resolve(__dirname, "..", "..");
export const MIN = 60_000;

export const { runnable, requirement } = labRequirements("the lab e2e tests", [...LAB_BINARIES, "curl", "tar", "timeout", "ps", "openssl", "wrk"]);

/** `webtier <args>` as a user runs it (bin/webtier.js), output captured. */
export function webtier(args: string[], timeoutMs = 20 * MIN): Promise<RunResult> {
  return run(process.execPath, [path.join(ROOT, "bin", "webtier.js"), ...args], { cwd: ROOT, timeoutMs });
}

export interface ChildOutcome {
  ok: boolean;
  error?: string;
  stats?: { executed: number; unchanged: number; deleted: number; remoteCommands: number; dialAttempts: number; bastionPeakConnections?: number };
  durationMs?: number;
  stdout: string;
}

/** One deploy (no boot, no host removal) in its own process: see deployChild.ts. */
export async function deployOnly(opts: {
  appHosts?: number;
  stackFile?: string;
  hostKeys?: Record<string, string>;
  retire?: string[];
  addresses?: Record<string, string>;
  program?: string;
  secrets?: Record<string, unknown>;
}): Promise<ChildOutcome> {
  const r = await run(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "deployChild.ts"), JSON.stringify(opts)], {
    cwd: ROOT, timeoutMs: 20 * MIN,
  });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return { ...(JSON.parse(last) as Omit<ChildOutcome, "stdout">), stdout: r.stdout };
  } catch {
    throw new Error(`deploy child exited ${r.code} without an outcome:\n${r.stdout}\n${r.stderr}`);
  }
}

/** Runs a shell script as root on a lab host; throws unless it exits 0. */
export async function onHost(state: LabState, host: string, script: string): Promise<string> {
  const r = await sshRun(state, host, ["sudo", "-n", "bash", "-c", script], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${host}: ${script} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** HTTP GET from the lab's client namespace: status, X-Served-By, body. */
export async function getFromClient(state: LabState, url: string): Promise<{ status: number; servedBy: string; body: string }> {
  const r = await run("ip", ["netns", "exec", state.clients[0]!.namespace, "curl", "-sS", "-i", "-m", "10", url], { timeoutMs: 20_000 });
  const split = r.stdout.indexOf("\r\n\r\n");
  const head = split < 0 ? r.stdout : r.stdout.slice(0, split);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1] ?? 0);
  const servedBy = /^x-served-by: *(\S+)/im.exec(head)?.[1] ?? "";
  return { status, servedBy, body: split < 0 ? "" : r.stdout.slice(split + 4) };
}

/** Whether a TCP connection from the client namespace to address:port succeeds within 3 s. */
export async function clientCanConnect(state: LabState, address: string, port: number): Promise<boolean> {
  const r = await run("ip", ["netns", "exec", state.clients[0]!.namespace, "timeout", "3", "bash", "-c", `</dev/tcp/${address}/${port}`]);
  return r.code === 0;
}

/** SSH logins sshd accepted on a host between two instants (epoch seconds). */
export async function sshLogins(state: LabState, host: string, since: number, until: number): Promise<number> {
  const out = await onHost(state, host, `journalctl --no-pager -q _COMM=sshd --since @${Math.floor(since)} --until @${Math.ceil(until)} | grep -c 'Accepted publickey' || true`);
  return Number(out.trim());
}

/** A stack config file holding `values` (webtier:* keys), like a Pulumi.<stack>.yaml. */
export function writeStackFile(file: string, values: Record<string, unknown>): string {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) config[`webtier:${key}`] = value;
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/** The stack file `webtier render` needs for the lab as deployed: its hosts plus the settings. */
export function renderStackFile(file: string, state: LabState, settings: Record<string, unknown>): string {
  return writeStackFile(file, labStackConfig(state, settings).values);
}

/** Relative paths of every file under dir (recursive), sorted. */
export function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** `path → "mode sha256"` for files on a host. */
export async function remoteDigests(state: LabState, host: string, paths: string[]): Promise<Record<string, string>> {
  const quoted = paths.map((p) => `'${p}'`).join(" ");
  const out = await onHost(state, host, `for f in ${quoted}; do printf '%s %s %s\\n' "$f" "$(stat -c %a "$f")" "$(sha256sum < "$f" | cut -d' ' -f1)"; done`);
  return Object.fromEntries(out.trim().split("\n").map((line) => {
    const [file, mode, hash] = line.split(" ");
    return [file!, `${mode} ${hash}`];
  }));
}
