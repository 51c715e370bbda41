// Helpers for the lab end-to-end tests: the CLI and a deploy-only child process, commands on lab
// hosts, requests from the client namespace (one by one, or a probe running through a change), and
// windows on the hosts' journals (what sshd or a service logged during an action).
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
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

// Journal windows: a line with its own tag, written through the syslog socket, opens or closes a
// window once journald has stored it. journald reads that socket in order, so every line logged
// through it before the mark (sshd's logins among them) is stored by then too: no clock and no
// sleep decide what falls inside a window.
const MARK_TAG = "webtier-e2e";

/** Writes `mark` into the journal and waits (30 s at most) until journald has stored it. */
function markScript(mark: string): string {
  return [
    `logger -t ${MARK_TAG} '${mark}'`,
    "deadline=$((SECONDS + 30))",
    `until journalctl -q --no-pager -o cat -t ${MARK_TAG} | grep -qx '${mark}'; do`,
    `  [ "$SECONDS" -lt "$deadline" ] || { echo 'journald did not store ${mark} within 30 s' >&2; exit 1; }`,
    "  sleep 0.2",
    "done",
  ].join("\n");
}

/** Opens a journal window on a host: returns its mark. */
export async function journalMark(state: LabState, host: string): Promise<string> {
  const mark = `mark-${randomUUID()}`;
  await onHost(state, host, markScript(mark));
  return mark;
}

/**
 * The lines journalctl `matches` selects that a host logged after `mark` (since its boot without
 * one), polled (every 0.5 s, `timeoutMs` at most) until `done` accepts them: journald stores a
 * service's output when it reads it, a moment after the event.
 */
export async function journalAfter(
  state: LabState, host: string, mark: string | undefined, matches: string, done: (lines: string[]) => boolean, timeoutMs = 60_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await onHost(state, host, `journalctl -q --no-pager -b -o cat ${matches} + SYSLOG_IDENTIFIER=${MARK_TAG}`);
    const all = out.split("\n").filter((l) => l !== "");
    if (mark !== undefined && !all.includes(mark)) throw new Error(`${host}: ${mark} is not in the journal`);
    const lines = all.slice(mark === undefined ? 0 : all.indexOf(mark) + 1).filter((l) => !/^mark-[0-9a-f-]{36}$/.test(l));
    if (done(lines) || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Closes a window opened by `from` and counts the logins sshd accepted inside it, less this session's own. */
async function loginsSince(state: LabState, host: string, from: string): Promise<number> {
  const to = `mark-${randomUUID()}`;
  const out = await onHost(state, host, [
    markScript(to),
    `journalctl -q --no-pager -o cat _COMM=sshd + SYSLOG_IDENTIFIER=${MARK_TAG}`
      + ` | awk '$0 == "${from}" { on = 1; next } $0 == "${to}" { on = 0 } on && /Accepted publickey/ { n++ } END { print n + 0 }'`,
  ].join("\n"));
  // sshd logs a login before the session's command runs: this session's own is inside the window.
  return Number(out.trim()) - 1;
}

/**
 * The SSH logins each host's sshd accepted while `action` ran. App hosts are reached through the
 * bastion, which logs each hop as a login too: the windows open on app hosts first and close on
 * them last, so no hop of this bookkeeping lands inside the bastion's window.
 */
export async function sshLoginsDuring<T>(state: LabState, hosts: string[], action: () => Promise<T>): Promise<{ result: T; logins: Record<string, number> }> {
  const role = (name: string) => state.hosts.find((h) => h.name === name)?.role;
  const apps = hosts.filter((h) => role(h) === "app");
  const nginx = hosts.filter((h) => role(h) !== "app");
  const marks: Record<string, string> = {};
  for (const host of [...apps, ...nginx]) marks[host] = await journalMark(state, host);
  const result = await action();
  const logins: Record<string, number> = {};
  for (const host of [...nginx, ...apps]) logins[host] = await loginsSince(state, host, marks[host]!);
  return { result, logins: Object.fromEntries(hosts.map((h) => [h, logins[h]!])) };
}

export interface ProbeOutcome {
  requests: number;
  /** `status served-by` → count; a failed request shows as `000 `. */
  answers: Record<string, number>;
}

/**
 * Sends requests one after another from the client namespace, each on a new connection, while
 * `action` runs: what a user would have seen during a change.
 */
export async function probeDuring<T>(state: LabState, url: string, action: () => Promise<T>): Promise<{ result: T; probe: ProbeOutcome }> {
  const stop = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-probe-")), "stop");
  const loop = [
    'while [ ! -e "$1" ]; do',
    "  curl -s -o /dev/null -m 10 -w '%{http_code} %header{x-served-by}\\n' \"$2\" || true",
    "  sleep 0.02",
    "done",
  ].join("\n");
  const probing = run("ip", ["netns", "exec", state.clients[0]!.namespace, "bash", "-c", loop, "probe", stop, url], { timeoutMs: 40 * MIN });
  let result: T;
  try {
    result = await action();
  } finally {
    fs.writeFileSync(stop, "");
  }
  const r = await probing;
  fs.rmSync(path.dirname(stop), { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`probe loop exited ${r.code}: ${r.stderr}`);
  const answers: Record<string, number> = {};
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  for (const line of lines) answers[line] = (answers[line] ?? 0) + 1;
  return { result, probe: { requests: lines.length, answers } };
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
