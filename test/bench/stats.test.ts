import { describe, expect, it } from "vitest";
import { median, ratios, summarize } from "../../lab/bench/stats";
import { record, sample } from "./records";

describe("median", () => {
  it("takes the middle value of an odd count, whatever the order", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([5])).toBe(5);
    expect(median([9, 1, 7, 3, 5])).toBe(5);
  });

  it("takes the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
  });

  it("refuses no values and leaves its input in place", () => {
    expect(() => median([])).toThrow("median of no values");
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe("summarize", () => {
  it("takes the median of each figure on its own and keeps the runs", () => {
    const runs = [
      sample({ rps: 900, p50Ms: 12, p99Ms: 300, non2xx: 4, socketErrors: 0, listenOverflows: 10, requests: 9000 }),
      sample({ rps: 1100, p50Ms: 8, p99Ms: 100, non2xx: 0, socketErrors: 7, listenOverflows: 0, requests: 11000 }),
      sample({ rps: 1000, p50Ms: 10, p99Ms: 200, non2xx: 1, socketErrors: 1, listenOverflows: 5, requests: 10000 }),
    ];
    expect(summarize("tuned", 1000, runs)).toEqual({
      scenario: "tuned", connections: 1000,
      rps: 1000, p50Ms: 10, p99Ms: 200, non2xx: 1, socketErrors: 1, listenOverflows: 5, listenDrops: 0, timeouts: 0, requests: 10000,
      samples: runs,
    });
  });

  it("adds the capacity only when given one", () => {
    expect(summarize("io-bound", 1000, [sample()], 3600).capacityRps).toBe(3600);
    expect("capacityRps" in summarize("tuned", 1000, [sample()])).toBe(false);
  });
});

describe("ratios", () => {
  it("divides tuned by static, direct and article per concurrency, and article's p99 by tuned's", () => {
    const records = [
      record("tuned", 1000, { rps: 6000, p99Ms: 400 }),
      record("static", 1000, { rps: 40000 }),
      record("direct", 1000, { rps: 5000 }),
      record("article", 1000, { rps: 4000, p99Ms: 1200 }),
      record("tuned", 100, { rps: 7000, p99Ms: 20 }),
      record("static", 100, { rps: 35000 }),
    ];
    expect(ratios(records)).toEqual([
      { connections: 100, tunedStatic: 0.2 },
      { connections: 1000, tunedStatic: 0.15, tunedDirect: 1.2, tunedArticle: 1.5, articleP99: 3 },
    ]);
  });

  it("leaves out a ratio whose divisor is zero, and has nothing without tuned", () => {
    expect(ratios([record("tuned", 100, { rps: 10 }), record("static", 100, { rps: 0 })])).toEqual([{ connections: 100 }]);
    expect(ratios([record("static", 100)])).toEqual([]);
  });
});
