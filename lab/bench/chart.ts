// chart.svg: requests per second (linear) and p99 latency (logarithmic) per scenario, one bar per
// concurrency, in the colour of its concurrency. Plain SVG, written by hand: no chart library.
import { MAIN_SCENARIOS, SCENARIOS } from "./scenarios";
import type { BenchRecord } from "./types";

export const WIDTH = 960;
const LEFT = 70;
const RIGHT = 20;
const TOP = 76;
const PANEL = 220;
/** Room under a panel for the rotated scenario names. */
const LABELS = 90;
const COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];

const n1 = (v: number) => (Math.round(v * 10) / 10).toString();
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The tick step for an axis from 0 to `max` with about five ticks: 1, 2 or 5 × 10^k. */
export function niceStep(max: number): number {
  if (max <= 0) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw)! * power;
  return step;
}

/** Powers of ten from below `min` to above `max` (a log axis in ms; nothing below 0.1 ms). */
export function logDecades(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 0.1)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 0.1))));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

const tickLabel = (v: number) => (v >= 1 ? Math.round(v).toLocaleString("en-US") : String(v));

interface Panel {
  top: number;
  title: string;
  /** Value → y within [top, top + PANEL]. */
  y: (v: number) => number;
  ticks: number[];
  value: (r: BenchRecord) => number;
  unit: string;
}

export function renderChart(records: readonly BenchRecord[]): string {
  const scenarios = SCENARIOS.map((s) => s.name).filter((name) => records.some((r) => r.scenario === name));
  const levels = [...new Set(records.map((r) => r.connections))].sort((a, b) => a - b);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const slot = plotWidth / Math.max(1, scenarios.length);
  const bar = (slot * 0.8) / Math.max(1, levels.length);
  const colour = (c: number) => COLOURS[levels.indexOf(c) % COLOURS.length]!;

  const maxRps = Math.max(0, ...records.map((r) => r.rps));
  const step = niceStep(maxRps);
  const rpsTop = Math.max(step, Math.ceil(maxRps / step) * step);
  const rpsPanel: Panel = {
    top: TOP, title: "Requests per second (median)", unit: "rps", value: (r) => r.rps,
    y: (v) => TOP + PANEL - (v / rpsTop) * PANEL,
    ticks: Array.from({ length: Math.round(rpsTop / step) + 1 }, (_, i) => i * step),
  };
  const p99s = records.length > 0 ? records.map((r) => r.p99Ms) : [1];
  const decades = logDecades(Math.min(...p99s), Math.max(...p99s));
  const [lo, hi] = [Math.log10(decades[0]!), Math.log10(decades.at(-1)!)];
  const p99Top = TOP + PANEL + LABELS;
  const p99Panel: Panel = {
    top: p99Top, title: "p99 latency, ms (median, log scale)", unit: "ms", value: (r) => r.p99Ms,
    y: (v) => p99Top + PANEL - ((Math.log10(Math.max(v, decades[0]!)) - lo) / (hi - lo)) * PANEL,
    ticks: decades,
  };
  const height = p99Top + PANEL + LABELS;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="15" font-weight="bold">webtier bench: rps and p99 per scenario and concurrency</text>`,
    ...levels.map((c, i) => `<rect x="${LEFT + i * 90}" y="30" width="12" height="12" fill="${colour(c)}"/><text x="${LEFT + i * 90 + 16}" y="40">c=${c}</text>`),
  ];
  for (const panel of [rpsPanel, p99Panel]) {
    const bottom = panel.top + PANEL;
    out.push(`<text x="${LEFT}" y="${panel.top - 8}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    for (const t of panel.ticks) {
      const y = n1(panel.y(t));
      out.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" stroke="#dddddd"/>`);
      out.push(`<text x="${LEFT - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(t)}</text>`);
    }
    out.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${bottom}" y2="${bottom}" stroke="#333333"/>`);
    // The sweeps come after the four scenarios side by side: a dashed line between them.
    const mains = scenarios.filter((name) => (MAIN_SCENARIOS as readonly string[]).includes(name)).length;
    if (mains > 0 && mains < scenarios.length) {
      const sx = n1(LEFT + mains * slot);
      out.push(`<line x1="${sx}" x2="${sx}" y1="${panel.top}" y2="${bottom}" stroke="#999999" stroke-dasharray="4 3"/>`);
      out.push(`<text x="${n1(LEFT + mains * slot + 6)}" y="${panel.top + 12}" fill="#666666">sweeps</text>`);
    }
    scenarios.forEach((name, i) => {
      const x0 = LEFT + i * slot + slot * 0.1;
      for (const r of records.filter((x) => x.scenario === name)) {
        const x = x0 + levels.indexOf(r.connections) * bar;
        const y = panel.y(panel.value(r));
        out.push(
          `<rect x="${n1(x)}" y="${n1(y)}" width="${n1(bar)}" height="${n1(bottom - y)}" fill="${colour(r.connections)}">` +
            `<title>${escapeXml(name)} c=${r.connections}: ${n1(panel.value(r))} ${panel.unit}</title></rect>`,
        );
      }
      const lx = n1(LEFT + (i + 0.5) * slot);
      out.push(`<text x="${lx}" y="${bottom + 14}" text-anchor="end" transform="rotate(-35 ${lx} ${bottom + 14})">${escapeXml(name)}</text>`);
    });
  }
  out.push("</svg>", "");
  return out.join("\n");
}
