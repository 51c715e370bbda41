// What nginx logged during a drill: each nginx host's /var/log/nginx/error.log from the size it had
// before the load, its lines grouped so that identical failures count as one message.
//
// nginx writes `YYYY/MM/DD HH:MM:SS [level] PID#TID: *CONN message, client: …, server: …,
// request: "…", upstream: "…", host: "…", referrer: "…"`. The date, PID#TID and *CONN differ
// on every line, and so do the client, server, request, host and referrer; the upstream names the
// backend that failed, which is the point: it stays.
import { spawn } from "node:child_process";
import * as readline from "node:readline";
import { shellQuote, sshArgs, sshRun } from "../hosts/ssh";
import type { LabHost, LabState } from "../hosts/state";
import type { ErrorLogLine } from "./types";

export const NGINX_ERROR_LOG = "/var/log/nginx/error.log";

const LINE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[(\w+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
/** One `, key: value` context field; values are either quoted (with \" escapes) or run to the next comma. */
const FIELD = /^, ([a-z_]+): ("(?:[^"\\]|\\.)*"|[^,]*)/;
/** Context fields nginx appends (ngx_http_log_error); only the upstream is kept. */
const KEPT_FIELDS = new Set(["upstream"]);

/** The level and the message of one error-log line, with what differs per request removed. */
export function normaliseErrorLine(line: string): { level: string; message: string } {
  const text = line.replace(/\r$/, "");
  const m = LINE.exec(text);
  if (!m) return { level: "", message: text.trim() };
  const [, level, rest] = m as unknown as [string, string, string];
  const at = rest.indexOf(", client: ");
  if (at < 0) return { level: level!, message: rest };
  let tail = rest.slice(at);
  const kept: string[] = [];
  for (;;) {
    const f = FIELD.exec(tail);
    if (!f) break;
    if (KEPT_FIELDS.has(f[1]!)) kept.push(`${f[1]}: ${f[2]}`);
    tail = tail.slice(f[0].length);
  }
  // Anything the field syntax did not explain stays, so nothing is silently lost.
  const message = [rest.slice(0, at), ...kept].join(", ") + tail;
  return { level: level!, message };
}

/** Counts normalised lines per host, level and message. */
export class ErrorLogCounter {
  private readonly counts = new Map<string, ErrorLogLine>();

  add(host: string, line: string): void {
    if (line.trim() === "") return;
    const { level, message } = normaliseErrorLine(line);
    const key = JSON.stringify([host, level, message]);
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { host, level, message, count: 1 });
  }

  /** Most frequent first, then by host and message. */
  lines(): ErrorLogLine[] {
    return [...this.counts.values()].sort((a, b) =>
      b.count - a.count || a.host.localeCompare(b.host, "en", { numeric: true }) || a.message.localeCompare(b.message));
  }
}

/** Groups a list of lines from one host (what the drill does while streaming). */
export function groupErrorLines(host: string, lines: Iterable<string>): ErrorLogLine[] {
  const counter = new ErrorLogCounter();
  for (const line of lines) counter.add(host, line);
  return counter.lines();
}

const root = (script: string) => ["sudo", "-n", "bash", "-c", script];

/** The error log's size in bytes now (0 when nginx has not written one yet). */
export async function errorLogSize(state: LabState, host: LabHost | string): Promise<number> {
  const r = await sshRun(state, host, root(`stat -c %s ${NGINX_ERROR_LOG} 2>/dev/null || echo 0`), { timeoutMs: 30_000 });
  const size = Number(r.stdout.trim());
  if (r.code !== 0 || !Number.isInteger(size)) throw new Error(`${typeof host === "string" ? host : host.name}: cannot read the size of ${NGINX_ERROR_LOG} (exit ${r.code}): ${r.stderr.trim()}`);
  return size;
}

/**
 * Streams the lines written after `offset` bytes into the counter (the log can be large: a backlog
 * drill writes one line per failed request). The byte before `offset` is read too, so a line that
 * was being written when the size was taken is recognised and skipped. A log smaller than
 * `offset` was rotated: it is read from its start.
 */
export function countErrorLogSince(state: LabState, host: LabHost, offset: number, counter: ErrorLogCounter, timeoutMs = 300_000): Promise<{ lines: number; rotated: boolean }> {
  const script = [
    `f=${NGINX_ERROR_LOG}; [ -e "$f" ] || { echo from-start; exit 0; }`,
    `if [ "$(stat -c %s "$f")" -lt ${offset} ]; then echo from-start; exec tail -c +1 "$f"; fi`,
    offset > 0 ? `echo from-offset; exec tail -c +${offset} "$f"` : `echo from-start; exec tail -c +1 "$f"`,
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", [...sshArgs(state, host), "--", shellQuote(root(script))], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stderr = "";
    let mode: string | undefined;
    let skip = false;
    let lines = 0;
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
      if (mode === undefined) {
        mode = line;
        skip = mode === "from-offset"; // the first line is the byte before the offset and the rest of its line
        return;
      }
      if (skip) {
        skip = false;
        return;
      }
      lines++;
      counter.add(host.name, line);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${host.name}: reading ${NGINX_ERROR_LOG} exited ${code}: ${stderr.trim()}`));
      else resolve({ lines, rotated: mode === "from-start" && offset > 0 });
    });
  });
}
