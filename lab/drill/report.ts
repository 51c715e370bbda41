// The drill's report for a person: what the client saw per phase, what nginx logged, what the
// scenario changed and its proof, and the machine it all ran on.
import { SLICE_SECONDS } from "../load/slices";
import type { DrillReport, LoadFigures } from "./types";

const int = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

const twoXx = (f: LoadFigures) => Object.entries(f.statuses).filter(([c]) => /^2\d\d$/.test(c)).reduce((sum, [, n]) => sum + n, 0);

/** "0" or "7 (502×5 503×2)": responses outside 2xx, by status. */
export function non2xxCell(f: LoadFigures): string {
  const other = Object.entries(f.statuses).filter(([c]) => !/^2\d\d$/.test(c));
  if (other.length === 0) return int(f.non2xx);
  return `${int(f.non2xx)} (${other.map(([c, n]) => `${c}×${int(n)}`).join(" ")})`;
}

export function socketCell(f: LoadFigures): string {
  const e = f.socketErrors;
  return `${e.connect}/${e.read}/${e.write}/${e.timeout}`;
}

/** Columns padded to their widest cell; numbers right-aligned, the first column left-aligned. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd());
}

function figureRow(name: string, seconds: string, f: LoadFigures): string[] {
  return [name, seconds, int(f.requests), int(twoXx(f)), non2xxCell(f), socketCell(f), ms(f.p50Ms), ms(f.p99Ms), ms(f.maxMs)];
}

export function formatReport(r: DrillReport): string {
  const out: string[] = [];
  const keepAlive = r.connectionClose ? "Connection: close" : "keep-alive";
  out.push(`drill ${r.scenario}: ${int(r.connections)} connections (${keepAlive}), ${r.durationSeconds} s asked, ${r.phases.length} phase(s)`);
  out.push("");
  const end = r.phases[r.phases.length - 1]?.endSeconds ?? 0;
  const rows = [
    ["phase", "seconds", "requests", "2xx", "non-2xx", "socket c/r/w/t", "p50 ms", "p99 ms", "max ms"],
    ...r.phases.map((p) => figureRow(p.name, `${p.startSeconds.toFixed(1)}–${p.endSeconds.toFixed(1)}`, p)),
    figureRow("total", `0.0–${end.toFixed(1)}`, r),
  ];
  out.push(...table(rows));
  const unreachable = r.phases.filter((p) => p.unreachableSlices > 0);
  if (unreachable.length > 0) {
    out.push(`unreachable: wrk could not open a single connection in ${unreachable.map((p) => `${p.unreachableSlices} slice(s) of ${p.name}`).join(", ")}`);
  }
  out.push(
    `(wrk -t2 in ${SLICE_SECONDS}-s slices attributed to the phase they started in; socket errors connect/read/write/timeout;`,
    " p50 = request-weighted median of the slices' p50, p99 and max = the worst slice's: conservative, and blind to",
    " requests slower than a slice, which show as missing throughput instead)",
  );

  out.push("", r.nginxErrors.length === 0 ? "nginx error.log: nothing logged during the run" : "nginx error.log during the run:");
  for (const e of r.nginxErrors) out.push(`  ${e.host}  ${String(e.count).padStart(7)} × [${e.level || "?"}] ${e.message}`);

  out.push("", `scenario: ${r.outcome.summary}`);
  if (r.outcome.deployExitCode !== undefined) out.push(`deploy exit code: ${r.outcome.deployExitCode}`);
  if (r.outcome.deployError) out.push("deploy error:", ...r.outcome.deployError.split("\n").map((l) => `  ${l}`));
  out.push("proof:", ...JSON.stringify(r.outcome.proof, null, 2).split("\n").map((l) => `  ${l}`));
  if (r.outcome.counters) {
    // Per app host over the run, or grouped as the scenario measured them (backlog: per half).
    out.push("kernel counters (change):");
    for (const [host, counters] of Object.entries(r.outcome.counters)) {
      out.push(`  ${host}  ${Object.entries(counters).map(([k, v]) => `${k} +${v}`).join("  ")}`);
    }
  }
  const m = r.machine;
  out.push("", `machine: ${m.cores} cores (${m.cpu}), kernel ${m.kernel}, nginx ${m.nginx}, uWSGI ${m.uwsgi}, wrk ${m.wrk}`);
  return `${out.join("\n")}\n`;
}
