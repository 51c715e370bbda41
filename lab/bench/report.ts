// report.md: the side-by-side table, the ratios, the targets, every sweep with its verdict on
// webtier's default, and the machine the figures belong to.
import { formatCount, formatMs, formatRatio, formatRps } from "./format";
import { findRecord, ratios } from "./stats";
import { MAIN_SCENARIOS, SCENARIOS, SWEEPS, type Sweep } from "./scenarios";
import type { BenchRecord, BenchResults } from "./types";
import { sweepVerdict, targetChecks } from "./verdicts";


function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

const figureCells = (r: BenchRecord) => [
  formatRps(r.rps), formatMs(r.p50Ms), formatMs(r.p99Ms), formatCount(r.non2xx), formatCount(r.socketErrors), formatCount(r.listenOverflows),
];
const FIGURE_HEADER = ["rps", "p50 ms", "p99 ms", "non-2xx", "socket errors", "ListenOverflows"];

const byConnections = (records: readonly BenchRecord[]) => [...records].sort((a, b) => a.connections - b.connections);

function sideBySide(records: readonly BenchRecord[]): string[] {
  const main = MAIN_SCENARIOS.flatMap((s) => byConnections(records.filter((r) => r.scenario === s)));
  const rows = byConnections(main).map((r) => [r.scenario, String(r.connections), ...figureCells(r)]);
  return table(["scenario", "c", ...FIGURE_HEADER], rows);
}

function ratioTable(records: readonly BenchRecord[]): string[] {
  const rows = ratios(records).map((q) => [String(q.connections), formatRatio(q.tunedStatic), formatRatio(q.tunedDirect), formatRatio(q.tunedArticle), formatRatio(q.articleP99)]);
  return table(["c", "tuned/static rps", "tuned/direct rps", "tuned/article rps", "article/tuned p99"], rows);
}

function sweepSection(sweep: Sweep, records: readonly BenchRecord[]): string[] {
  const variants = SCENARIOS.filter((s) => s.sweep === sweep.id);
  const ran = records.filter((r) => variants.some((v) => v.name === r.scenario));
  if (ran.length === 0) return [];
  const levels = [...new Set(ran.map((r) => r.connections))].sort((a, b) => a - b);
  const lines = [`### ${sweep.title}, c=${levels.join(", ")}`, ""];
  if (sweep.defaultVariant === undefined) {
    const rows = byConnections(ran).map((r) => {
      const capacity = r.capacityRps ?? 0;
      return [String(r.connections), formatRps(capacity), formatRps(r.rps), capacity > 0 ? `${Math.round((100 * r.rps) / capacity)}%` : "—", ...figureCells(r).slice(1)];
    });
    lines.push(...table(["c", "capacity rps", "rps", "of capacity", ...FIGURE_HEADER.slice(1)], rows));
    lines.push("", "Capacity: app hosts × uWSGI workers × threads / 10 ms. Below it, something other than the app's threads is the limit (CPU shared with nginx, wrk and the other hosts).");
    return lines;
  }
  const rows: string[][] = [];
  for (const c of levels) {
    const base = findRecord(records, "tuned", c);
    if (base) rows.push([`${sweep.defaultVariant} (default)`, String(c), ...figureCells(base), "1.00"]);
    for (const v of variants) {
      const r = findRecord(records, v.name, c);
      if (r) rows.push([v.variant!, String(c), ...figureCells(r), base && base.rps > 0 ? (r.rps / base.rps).toFixed(2) : "—"]);
    }
  }
  lines.push(...table(["variant", "c", ...FIGURE_HEADER, "rps vs default"], rows));
  lines.push("", `Verdict: ${sweepVerdict(sweep, records).text}.`);
  return lines;
}

function machineTable(machine: Record<string, string | number>): string[] {
  const entries = Object.entries(machine);
  return table(entries.map(([k]) => k), [entries.map(([, v]) => String(v))]);
}

export function renderReport(results: BenchResults): string {
  const { load, records } = results;
  const repeat = load.repeat;
  const sweeps = SWEEPS.map((s) => sweepSection(s, records)).filter((l) => l.length > 0);
  const verdicts = SWEEPS.filter((s) => s.defaultVariant !== undefined && records.some((r) => SCENARIOS.some((v) => v.sweep === s.id && v.name === r.scenario)))
    .map((s) => `- ${s.title}: ${sweepVerdict(s, records).text}.`);
  const lines = [
    "# webtier bench",
    "",
    `\`${results.command}\`, ${results.startedAt} to ${results.finishedAt}.`,
    "",
    `Every figure is the median of ${repeat} run${repeat === 1 ? "" : "s"} of \`${load.tool}\` with the same settings (${load.durationSeconds} s each, ` +
      "keep-alive clients); each round deploys every configuration in turn, every other round in reverse order. Every lab host and wrk share " +
      "the machine below: compare figures within this report, not with other hardware. ListenOverflows: the kernel's count, summed over the " +
      "namespaces of every lab host, during the run.",
    "",
    "## Machine",
    "",
    ...machineTable(results.machine),
    "",
    "## Side by side",
    "",
    ...sideBySide(records),
    "",
    "## Ratios",
    "",
    ...ratioTable(records),
    "",
    "## Targets",
    "",
    ...table(["target", "status", "figures"], targetChecks(records).map((t) => [t.target, t.status, t.detail])),
    "",
    "## Sweeps: which defaults they support",
    "",
    ...(verdicts.length > 0 ? verdicts : ["No sweep ran."]),
    "",
    "A variant beats the default with ≥ 5% more rps (every run faster than every run of the default) and no more failed requests or " +
      "ListenOverflows; or, at ≥ 95% of its rps, with fewer failed requests, fewer ListenOverflows, or at most half its p99 (every run " +
      "below every run of the default).",
    ...sweeps.flatMap((s) => ["", ...s]),
    "",
    "## Scenarios",
    "",
    ...SCENARIOS.filter((s) => records.some((r) => r.scenario === s.name)).map((s) => `- **${s.name}**: ${s.description}.`),
    "",
  ];
  return lines.join("\n");
}
