// Small process helpers: argv only (no shell strings built from data), captured output, and
// errors that carry the command and the tool's own message.
import { spawn, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { stdio: ["pipe", "pipe", "pipe"], env: opts.env, cwd: opts.cwd };
    const child = spawn(cmd, args, spawnOpts);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, opts.timeoutMs)
      : undefined;
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) stderr += `\n(timed out after ${opts.timeoutMs} ms)`;
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin!.on("error", () => undefined); // the tool may exit before reading stdin
    child.stdin!.end(opts.input ?? "");
  });
}

/** Like run, but throws with the command line and stderr when the exit code is not 0. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const msg = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-15).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${msg}`);
  }
  return r.stdout;
}

/** Runs with stdio inherited (interactive use); resolves with the exit code. */
export function runInherit(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reads /proc/<pid>/cmdline as argv; undefined when the process is gone or a zombie. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // State is the field after the parenthesised comm, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return undefined;
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter((s, i, a) => !(s === "" && i === a.length - 1));
  } catch {
    return undefined;
  }
}

/** All live PIDs whose argv satisfies the predicate. */
export function findProcesses(pred: (argv: string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = processArgv(pid);
    if (argv && argv.length > 0 && pred(argv)) pids.push(pid);
  }
  return pids;
}

/** Which binaries from the list are not on PATH. */
export async function missingBinaries(names: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const n of names) {
    const r = await run("bash", ["-c", 'command -v -- "$1"', "_", n]);
    if (r.code !== 0) missing.push(n);
  }
  return missing;
}
