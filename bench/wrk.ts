// Runs wrk and reads its report: throughput, latency percentiles, non-2xx and socket errors kept
// apart (wrk's "timeout" counts slow requests, not failed sockets).
import { execFile } from "node:child_process";

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

export function parseWrk(text: string): WrkResult {
  const latency = (pct: string) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([0-9.]+)(us|ms|s|m)\\s*$`, "m").exec(text);
    if (!m) throw new Error(`wrk output has no ${pct}% latency:\n${text}`);
    return toMs(m[1]!, m[2]!);
  };
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(text);
  const total = /([0-9]+) requests in /.exec(text);
  if (!rps || !total) throw new Error(`unexpected wrk output:\n${text}`);
  const sockets = /Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: ([0-9]+)/.exec(text);
  return {
    rps: Number(rps[1]),
    p50ms: latency("50"),
    p99ms: latency("99"),
    requests: Number(total[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    connectErrors: sockets ? Number(sockets[1]) : 0,
    readErrors: sockets ? Number(sockets[2]) : 0,
    writeErrors: sockets ? Number(sockets[3]) : 0,
    timeouts: sockets ? Number(sockets[4]) : 0,
  };
}

/** One bounded wrk run from a network namespace (the lab's client). */
export function runWrk(namespace: string, url: string, connections: number, seconds: number): Promise<WrkResult> {
  // Connections need file descriptors: raise the soft limit for wrk only (the hard limit here is ~20k).
  const script = `ulimit -n ${Math.min(connections * 2 + 64, 16384)} && exec wrk -t2 -c${connections} -d${seconds}s --timeout 10s --latency ${url}`;
  return new Promise((resolve, reject) => {
    execFile("ip", ["netns", "exec", namespace, "bash", "-c", script], { timeout: (seconds + 30) * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      else resolve(parseWrk(stdout));
    });
  });
}
