// What the figures say: whether each sweep supports webtier's default, and whether the targets
// webtier sets itself were met. Judged on the medians of one bench (ratios, not absolute numbers).
import { formatMs, formatRps } from "./format";
import { findRecord } from "./stats";
import { SCENARIOS, type Sweep } from "./scenarios";
import type { BenchRecord } from "./types";

/** Requests that failed as the client saw them. */
export const failures = (r: BenchRecord) => r.non2xx + r.socketErrors;

/** A variant must beat the default by this much rps to count (runs on a shared machine vary by a few %). */
export const RPS_MARGIN = 0.05;

/** Two decimals, rounded down: a ratio just under a threshold never prints as the threshold. */
const floor2 = (n: number) => (Math.floor(n * 100 + 1e-9) / 100).toFixed(2);
const x = (n: number) => `${n.toFixed(2)}×`;
const ms = (n: number) => `${formatMs(n)} ms`;

/** Every run of `a` above every run of `b`: the difference is larger than the runs' own spread. */
export function apart(a: BenchRecord, b: BenchRecord, figure: (s: BenchRecord["samples"][number]) => number): boolean {
  return Math.min(...a.samples.map(figure)) > Math.max(...b.samples.map(figure));
}

/**
 * Why `variant` beats `base`, or undefined when it does not: at least RPS_MARGIN more rps (every
 * run of it faster than every run of the default) with no more failed requests and ListenOverflows;
 * or, at no less than 1 − RPS_MARGIN of its rps and none of the others worse, fewer failed
 * requests, fewer overflows, or at most half its p99 (every run of it below every run of the default).
 */
export function beats(variant: BenchRecord, base: BenchRecord): string | undefined {
  const noMoreFailures = failures(variant) <= failures(base);
  const noMoreOverflows = variant.listenOverflows <= base.listenOverflows;
  const faster = variant.rps >= base.rps * (1 + RPS_MARGIN) && apart(variant, base, (s) => s.rps);
  if (noMoreFailures && noMoreOverflows && faster) return `${x(variant.rps / base.rps)} the default's rps`;
  if (variant.rps < base.rps * (1 - RPS_MARGIN) || !noMoreFailures || !noMoreOverflows) return undefined;
  if (failures(variant) < failures(base)) return `${failures(variant)} failed requests against the default's ${failures(base)}`;
  if (variant.listenOverflows < base.listenOverflows) return `${variant.listenOverflows} ListenOverflows against the default's ${base.listenOverflows}`;
  if (variant.p99Ms * 2 <= base.p99Ms && apart(base, variant, (s) => s.p99Ms)) return `p99 ${ms(variant.p99Ms)} against the default's ${ms(base.p99Ms)}`;
  return undefined;
}

export interface SweepVerdict {
  /** undefined: the default was not measured next to the variants. */
  supported?: boolean;
  text: string;
}

/** Whether the sweep's figures support webtier's default (the `tuned` record at each concurrency). */
export function sweepVerdict(sweep: Sweep, records: readonly BenchRecord[]): SweepVerdict {
  const variants = SCENARIOS.filter((s) => s.sweep === sweep.id);
  const ran = records.filter((r) => variants.some((v) => v.name === r.scenario));
  const levels = [...new Set(ran.map((r) => r.connections))].sort((a, b) => a - b);
  if (levels.length === 0) return { text: "not measured" };
  const missing = levels.filter((c) => !findRecord(records, "tuned", c));
  if (missing.length > 0) return { text: `the default (tuned) was not measured at c=${missing.join(", ")}: no verdict` };
  const wins: string[] = [];
  for (const c of levels) {
    const base = findRecord(records, "tuned", c)!;
    for (const v of variants) {
      const r = findRecord(records, v.name, c);
      const why = r && beats(r, base);
      if (why) wins.push(`at c=${c}, ${v.variant} had ${why}`);
    }
  }
  return wins.length === 0
    ? { supported: true, text: `supports the default (${sweep.defaultVariant}): no variant beat it at c=${levels.join(", ")}` }
    : { supported: false, text: `disagrees with the default (${sweep.defaultVariant}): ${wins.join("; ")}` };
}

export interface TargetCheck {
  target: string;
  status: "met" | "not met" | "not measured";
  detail: string;
}

const figures = (r: BenchRecord) => `${formatRps(r.rps)} rps, p99 ${ms(r.p99Ms)}, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors, ${r.listenOverflows} ListenOverflows`;

/** The targets webtier's README sets for the lab (measured and reported, never asserted). */
export function targetChecks(records: readonly BenchRecord[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const t5000 = findRecord(records, "tuned", 5000);
  const first = "tuned at c=5000: 0 non-2xx, 0 socket errors, p99 < 1 s";
  checks.push(t5000
    ? { target: first, status: t5000.non2xx === 0 && t5000.socketErrors === 0 && t5000.p99Ms < 1000 ? "met" : "not met", detail: figures(t5000) }
    : { target: first, status: "not measured", detail: "c=5000 was not run" });

  const t1000 = findRecord(records, "tuned", 1000);
  const s1000 = findRecord(records, "static", 1000);
  const second = "tuned/static rps ≥ 0.20 at c=1000";
  checks.push(t1000 && s1000 && s1000.rps > 0
    ? { target: second, status: t1000.rps / s1000.rps >= 0.2 ? "met" : "not met", detail: `${floor2(t1000.rps / s1000.rps)} (${formatRps(t1000.rps)} / ${formatRps(s1000.rps)} rps)` }
    : { target: second, status: "not measured", detail: "tuned and static were not both run at c=1000" });

  const third = "article measurably worse than tuned at c=1000 or c=5000 (more failed requests or overflows, or p99 ≥ 2×)";
  const worse: string[] = [];
  const compared: number[] = [];
  for (const c of [1000, 5000]) {
    const a = findRecord(records, "article", c);
    const t = findRecord(records, "tuned", c);
    if (!a || !t) continue;
    compared.push(c);
    if (failures(a) > failures(t)) worse.push(`c=${c}: ${failures(a)} failed requests against ${failures(t)}`);
    if (a.listenOverflows > t.listenOverflows) worse.push(`c=${c}: ${a.listenOverflows} ListenOverflows against ${t.listenOverflows}`);
    if (a.p99Ms >= 2 * t.p99Ms) worse.push(`c=${c}: p99 ${ms(a.p99Ms)} against ${ms(t.p99Ms)}`);
  }
  checks.push(compared.length === 0
    ? { target: third, status: "not measured", detail: "article and tuned were not both run at c=1000 or c=5000" }
    : worse.length > 0
      ? { target: third, status: "met", detail: worse.join("; ") }
      : { target: third, status: "not met", detail: `not at c=${compared.join(", ")}: see the side-by-side table` });
  return checks;
}
