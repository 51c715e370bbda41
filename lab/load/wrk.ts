// wrk, run from a network namespace, and what it prints: the classic report (throughput, latency
// percentiles, non-2xx, socket errors kept apart) and the one JSON line slice.lua adds (responses
// by status, latency in microseconds). wrk's "timeout" counts requests slower than --timeout, not
// failed sockets. A refused connection mid-run surfaces as a WRITE error (the non-blocking connect
// "succeeds", the first write fails); "connect" counts only connect() failing at once (no file
// descriptor, no local port, no route).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "../hosts/exec";

/**
 * The Lua script that counts statuses and prints the slice's JSON line, shipped in lab/load/ (the
 * CLI runs from the TypeScript sources; from a build in dist/lab/load/ it is three levels up).
 */
export const SLICE_LUA = [path.join(__dirname, "slice.lua"), path.join(__dirname, "..", "..", "..", "lab", "load", "slice.lua")]
  .find((f) => fs.existsSync(f)) ?? path.join(__dirname, "slice.lua");
/** slice.lua prints its JSON after this marker, on a line of its own. */
export const SLICE_MARKER = "WEBTIER-SLICE ";
/** The soft open-files limit wrk may raise itself to (the hard limit on our machines is ~20,000). */
export const MAX_WRK_NOFILE = 16384;

export interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  non2xx: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : Number.NaN;
}

/** wrk's own report (`--latency`). Absent error lines read as zero. */
export function parseWrk(text: string): WrkResult {
  const latency = (pct: string) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([0-9.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
    if (!m) throw new Error(`wrk output has no ${pct}% latency:\n${text}`);
    return toMs(m[1]!, m[2]!);
  };
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(text);
  const total = /([0-9]+) requests in /.exec(text);
  if (!rps || !total) throw new Error(`unexpected wrk output:\n${text}`);
  const sockets = parseSocketErrors(text);
  const non2xx = /Non-2xx or 3xx responses: ([0-9]+)/.exec(text);
  return {
    rps: Number(rps[1]),
    p50ms: latency("50"),
    p99ms: latency("99"),
    requests: Number(total[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    connectErrors: sockets.connect,
    readErrors: sockets.read,
    writeErrors: sockets.write,
    timeouts: sockets.timeout,
  };
}

/** wrk's "Socket errors: connect C, read R, write W, timeout T" line; absent means none. */
export function parseSocketErrors(text: string): { connect: number; read: number; write: number; timeout: number } {
  const m = /Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)/.exec(text);
  return m
    ? { connect: Number(m[1]), read: Number(m[2]), write: Number(m[3]), timeout: Number(m[4]) }
    : { connect: 0, read: 0, write: 0, timeout: 0 };
}

/** What one wrk run (a slice) measured. Latencies in milliseconds. */
export interface SliceFigures {
  requests: number;
  /** Responses by HTTP status, from slice.lua (requests that timed out are counted too). */
  statuses: Record<string, number>;
  /** Responses outside 200–299 (wrk's own "Non-2xx or 3xx" line counts only ≥ 400). */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** wrk's own measured duration. */
  durationMs: number;
  /** wrk could not open even its first connection ("unable to connect to …"): nothing measured. */
  unreachable?: string;
}

interface SliceJson {
  requests: number;
  durationUs: number;
  statuses: Record<string, number>;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { p50: number; p99: number; max: number };
}

const nonNegativeInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/**
 * A slice's output: wrk's report for the request count and the socket errors, slice.lua's JSON
 * line for statuses and latency. Throws with the output when either is missing or they disagree.
 */
export function parseSlice(text: string): SliceFigures {
  const unreachable = /^unable to connect to .*$/m.exec(text);
  if (unreachable) {
    return { requests: 0, statuses: {}, non2xx: 0, socketErrors: parseSocketErrors(""), p50Ms: 0, p99Ms: 0, maxMs: 0, durationMs: 0, unreachable: unreachable[0].trim() };
  }
  const total = /^\s*([0-9]+) requests in /m.exec(text);
  const line = text.split("\n").find((l) => l.startsWith(SLICE_MARKER));
  if (!total || !line) throw new Error(`unexpected wrk output (no report or no ${SLICE_MARKER.trim()} line):\n${text}`);
  let json: SliceJson;
  try {
    json = JSON.parse(line.slice(SLICE_MARKER.length)) as SliceJson;
  } catch (err) {
    throw new Error(`slice.lua printed invalid JSON (${(err as Error).message}): ${line}`);
  }
  const counts = Object.values(json.statuses ?? {});
  const latencies = [json.latencyUs?.p50, json.latencyUs?.p99, json.latencyUs?.max];
  if (!nonNegativeInt(json.requests) || !counts.every(nonNegativeInt) || !latencies.every(nonNegativeInt)) {
    throw new Error(`slice.lua printed an unexpected object: ${line}`);
  }
  const requests = Number(total[1]);
  if (json.requests !== requests) throw new Error(`wrk reported ${requests} requests but slice.lua ${json.requests}:\n${text}`);
  const socketErrors = parseSocketErrors(text);
  const fromLua = { connect: json.errors?.connect, read: json.errors?.read, write: json.errors?.write, timeout: json.errors?.timeout };
  if (JSON.stringify(fromLua) !== JSON.stringify(socketErrors)) {
    throw new Error(`wrk's socket errors (${describeErrors(socketErrors)}) and slice.lua's (${describeErrors(fromLua)}) differ:\n${text}`);
  }
  const statuses: Record<string, number> = {};
  for (const [code, n] of Object.entries(json.statuses)) statuses[code] = n;
  const non2xx = Object.entries(statuses).filter(([code]) => !/^2\d\d$/.test(code)).reduce((sum, [, n]) => sum + n, 0);
  return {
    requests,
    statuses,
    non2xx,
    socketErrors,
    p50Ms: json.latencyUs.p50 / 1000,
    p99Ms: json.latencyUs.p99 / 1000,
    maxMs: json.latencyUs.max / 1000,
    durationMs: json.durationUs / 1000,
  };
}

const describeErrors = (e: Record<string, unknown>) => `connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}`;

export interface WrkOptions {
  /** Network namespace to run wrk in (the lab's client); none: this one. */
  namespace?: string;
  url: string;
  connections: number;
  seconds: number;
  /** Send `Connection: close`: every request on a new connection. */
  connectionClose?: boolean;
  /** A Lua script (slice.lua for drill slices). */
  script?: string;
  timeoutSeconds?: number;
}

/** `[ip netns exec <ns>] bash -c …` argv: raises the soft open-files limit for wrk only, then execs it. */
export function wrkCommand(opts: WrkOptions): string[] {
  // Each connection needs a descriptor; wrk also keeps a few of its own.
  const nofile = Math.min(opts.connections * 2 + 64, MAX_WRK_NOFILE);
  const wrk = [
    "wrk", "-t2", `-c${opts.connections}`, `-d${opts.seconds}s`, "--timeout", `${opts.timeoutSeconds ?? 10}s`, "--latency",
    ...(opts.script ? ["-s", opts.script] : []),
    ...(opts.connectionClose ? ["-H", "Connection: close"] : []),
    opts.url,
  ];
  // Positional parameters, not interpolation: nothing from the options is parsed by the shell.
  const inNamespace = opts.namespace === undefined ? [] : ["ip", "netns", "exec", opts.namespace];
  return [...inNamespace, "bash", "-c", `ulimit -n ${nofile} && exec "$@"`, "wrk", ...wrk];
}

/** A running wrk: its PID (ip → bash → wrk each exec in place, so the PID is wrk's) and its output. */
export interface WrkProcess {
  pid: number | undefined;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
  kill(): void;
}

export function startWrk(opts: WrkOptions): WrkProcess {
  const [cmd, ...args] = wrkCommand(opts);
  const child = spawn(cmd!, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  // A slice that does not end on its own (wrk stuck) is killed well after its duration.
  const guard = setTimeout(() => child.kill("SIGKILL"), (opts.seconds + 30) * 1000);
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", (err) => {
      clearTimeout(guard);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
  return {
    pid: child.pid,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** One bounded wrk run from a network namespace (the lab's client), wrk's own report. */
export async function runWrk(namespace: string, url: string, connections: number, seconds: number): Promise<WrkResult> {
  const r = await startWrk({ namespace, url, connections, seconds }).done;
  if (r.code !== 0) throw new Error(`wrk failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return parseWrk(r.stdout);
}

/**
 * Lets the client namespace reuse its TIME_WAIT ports for new connections (per namespace, default
 * 2 = loopback only). Every slice's wrk exits with its connections open, and the client closes
 * first: measured, ~57% of them sit in TIME_WAIT for 60 s, so 1000 connections a second exhaust
 * the 28,232 local ports to one nginx address in under a minute, and wrk would report the load
 * generator's own `connect` errors. Read back: `sysctl -w` may print an error and exit 0.
 */
export async function allowTimeWaitReuse(namespace: string): Promise<void> {
  const set = await run("ip", ["netns", "exec", namespace, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1"]);
  const now = await run("ip", ["netns", "exec", namespace, "sysctl", "-n", "net.ipv4.tcp_tw_reuse"]);
  if (now.stdout.trim() !== "1") throw new Error(`${namespace}: net.ipv4.tcp_tw_reuse is ${now.stdout.trim() || "unreadable"} after setting 1: ${set.stderr.trim()}`);
}
