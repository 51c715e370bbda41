// From K runs to one record (the median of each figure on its own), and the ratios the report
// puts side by side. Only figures from the same bench compare: every host shares the machine.
import type { BenchRecord, Sample } from "./types";

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const FIELDS = ["rps", "p50Ms", "p99Ms", "non2xx", "socketErrors", "listenOverflows", "listenDrops", "timeouts", "requests"] as const;

export function summarize(scenario: string, connections: number, samples: readonly Sample[], capacityRps?: number): BenchRecord {
  const medians = Object.fromEntries(FIELDS.map((f) => [f, median(samples.map((s) => s[f]))])) as Record<(typeof FIELDS)[number], number>;
  return {
    scenario,
    connections,
    ...medians,
    ...(capacityRps === undefined ? {} : { capacityRps }),
    samples: [...samples],
  };
}

export function findRecord(records: readonly BenchRecord[], scenario: string, connections: number): BenchRecord | undefined {
  return records.find((r) => r.scenario === scenario && r.connections === connections);
}

export interface Ratios {
  connections: number;
  /** tuned rps / static rps: how much of nginx's own ceiling the full path keeps. */
  tunedStatic?: number;
  /** tuned rps / direct rps: N app hosts behind nginx against one app host alone. */
  tunedDirect?: number;
  /** tuned rps / article rps. */
  tunedArticle?: number;
  /** article p99 / tuned p99. */
  articleP99?: number;
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

/** Per concurrency at which `tuned` ran: its ratios to static, direct and article (those measured). */
export function ratios(records: readonly BenchRecord[]): Ratios[] {
  return records
    .filter((r) => r.scenario === "tuned")
    .sort((a, b) => a.connections - b.connections)
    .map((tuned) => {
      const at = (s: string) => findRecord(records, s, tuned.connections);
      const out: Ratios = { connections: tuned.connections };
      const entries: [keyof Ratios, number | undefined][] = [
        ["tunedStatic", ratio(tuned.rps, at("static")?.rps)],
        ["tunedDirect", ratio(tuned.rps, at("direct")?.rps)],
        ["tunedArticle", ratio(tuned.rps, at("article")?.rps)],
        ["articleP99", ratio(at("article")?.p99Ms, tuned.p99Ms)],
      ];
      for (const [k, v] of entries) if (v !== undefined) out[k] = v;
      return out;
    });
}
