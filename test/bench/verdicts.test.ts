import { describe, expect, it } from "vitest";
import { findSweep } from "../../lab/bench/scenarios";
import { beats, sweepVerdict, targetChecks } from "../../lab/bench/verdicts";
import { record, sample } from "./records";

const base = record("tuned", 1000, { rps: 1000, p99Ms: 400, non2xx: 0, socketErrors: 2, listenOverflows: 10 });

describe("beats", () => {
  it("counts 5% more rps with no more failures or overflows", () => {
    expect(beats(record("v", 1000, { rps: 1050, p99Ms: 400, socketErrors: 2, listenOverflows: 10 }), base)).toBe("1.05× the default's rps");
    expect(beats(record("v", 1000, { rps: 1049, p99Ms: 400, socketErrors: 2, listenOverflows: 10 }), base)).toBeUndefined();
  });

  it("does not count more rps that comes with more failed requests or overflows", () => {
    expect(beats(record("v", 1000, { rps: 2000, socketErrors: 3, listenOverflows: 10 }), base)).toBeUndefined();
    expect(beats(record("v", 1000, { rps: 2000, socketErrors: 2, listenOverflows: 11 }), base)).toBeUndefined();
  });

  it("does not count more rps when the runs overlap (the difference is within their spread)", () => {
    const spread = record("tuned", 1000, { rps: 1000 }, [sample({ rps: 900 }), sample({ rps: 1000 }), sample({ rps: 1150 })]);
    const overlapping = record("v", 1000, { rps: 1100 }, [sample({ rps: 1100 }), sample({ rps: 1100 }), sample({ rps: 1140 })]);
    const apart = record("v", 1000, { rps: 1200 }, [sample({ rps: 1160 }), sample({ rps: 1200 }), sample({ rps: 1300 })]);
    expect(beats(overlapping, spread)).toBeUndefined();
    expect(beats(apart, spread)).toBe("1.20× the default's rps");
  });

  it("counts fewer failed requests, then fewer overflows, then half the p99, at no less than 95% of the rps", () => {
    expect(beats(record("v", 1000, { rps: 950, socketErrors: 0, listenOverflows: 10 }), base)).toBe("0 failed requests against the default's 2");
    expect(beats(record("v", 1000, { rps: 950, socketErrors: 2, listenOverflows: 3 }), base)).toBe("3 ListenOverflows against the default's 10");
    expect(beats(record("v", 1000, { rps: 950, socketErrors: 2, listenOverflows: 10, p99Ms: 200 }), base)).toBe("p99 200 ms against the default's 400 ms");
    expect(beats(record("v", 1000, { rps: 950, socketErrors: 2, listenOverflows: 10, p99Ms: 201 }), base)).toBeUndefined();
    expect(beats(record("v", 1000, { rps: 949, socketErrors: 0, listenOverflows: 0, p99Ms: 10 }), base)).toBeUndefined();
  });
});

describe("sweepVerdict", () => {
  const workers = findSweep("workers");

  it("supports the default when no variant beats it at any concurrency it ran", () => {
    const records = [record("tuned", 1000, { rps: 1000 }), record("workers-2x1", 1000, { rps: 1040 }), record("workers-6x1", 1000, { rps: 700 })];
    expect(sweepVerdict(workers, records)).toEqual({ supported: true, text: "supports the default (6 × 2): no variant beat it at c=1000" });
  });

  it("names each variant that beat it, where and how", () => {
    const records = [
      record("tuned", 1000, { rps: 1000 }), record("workers-2x1", 1000, { rps: 1100 }),
      record("workers-6x4", 1000, { rps: 1000, p99Ms: 40 }),
    ];
    expect(sweepVerdict(workers, records)).toEqual({
      supported: false,
      text: "disagrees with the default (6 × 2): at c=1000, 2 × 1 had 1.10× the default's rps; at c=1000, 6 × 4 had p99 40 ms against the default's 100 ms",
    });
  });

  it("gives no verdict without the default beside the variants, and says when nothing ran", () => {
    expect(sweepVerdict(workers, [record("workers-2x1", 1000), record("tuned", 100)])).toEqual({ text: "the default (tuned) was not measured at c=1000: no verdict" });
    expect(sweepVerdict(workers, [record("tuned", 1000)])).toEqual({ text: "not measured" });
  });
});

describe("targetChecks", () => {
  it("judges the three targets on the records", () => {
    const records = [
      record("tuned", 5000, { rps: 6000, p99Ms: 999, non2xx: 0, socketErrors: 0 }),
      record("tuned", 1000, { rps: 8000, p99Ms: 300 }),
      record("static", 1000, { rps: 40000 }),
      record("article", 1000, { rps: 7000, p99Ms: 600, listenOverflows: 12 }),
      record("article", 5000, { rps: 5000, p99Ms: 1000, socketErrors: 3 }),
    ];
    expect(targetChecks(records)).toEqual([
      { target: "tuned at c=5000: 0 non-2xx, 0 socket errors, p99 < 1 s", status: "met", detail: "6,000 rps, p99 999 ms, 0 non-2xx, 0 socket errors, 0 ListenOverflows" },
      { target: "tuned/static rps ≥ 0.20 at c=1000", status: "met", detail: "0.20 (8,000 / 40,000 rps)" },
      {
        target: "article measurably worse than tuned at c=1000 or c=5000 (more failed requests or overflows, or p99 ≥ 2×)",
        status: "met",
        detail: "c=1000: 12 ListenOverflows against 0; c=1000: p99 600 ms against 300 ms; c=5000: 3 failed requests against 0",
      },
    ]);
  });

  it("says not met, with the figures, and not measured when a concurrency was not run", () => {
    const records = [
      record("tuned", 5000, { rps: 6000, p99Ms: 1000 }),
      record("tuned", 1000, { rps: 7999, p99Ms: 300 }),
      record("static", 1000, { rps: 40000 }),
      record("article", 1000, { rps: 8000, p99Ms: 599 }),
    ];
    expect(targetChecks(records).map((t) => [t.status, t.detail])).toEqual([
      ["not met", "6,000 rps, p99 1,000 ms, 0 non-2xx, 0 socket errors, 0 ListenOverflows"],
      ["not met", "0.19 (7,999 / 40,000 rps)"],
      ["not met", "not at c=1000: see the side-by-side table"],
    ]);
    // Rounded down, and free of binary-fraction artefacts (0.29 × 100 is 28.999… in floating point).
    expect(targetChecks([record("tuned", 1000, { rps: 11600 }), record("static", 1000, { rps: 40000 })])[1]!.detail).toBe("0.29 (11,600 / 40,000 rps)");
    expect(targetChecks([record("tuned", 100)]).map((t) => [t.status, t.detail])).toEqual([
      ["not measured", "c=5000 was not run"],
      ["not measured", "tuned and static were not both run at c=1000"],
      ["not measured", "article and tuned were not both run at c=1000 or c=5000"],
    ]);
  });
});
