// Phase attribution on synthetic slices: each slice belongs to the phase it started in; sums are
// exact, p50 is the request-weighted median of slice p50s, p99 and max the worst slice's.
import { describe, expect, it } from "vitest";
import { attributePhases, combineSlices, INITIAL_GRACE_MS, PhaseMarks, type SliceLike } from "../../lab/drill/phases";

const none = { connect: 0, read: 0, write: 0, timeout: 0 };

function slice(startMs: number, requests: number, p50Ms: number, p99Ms: number, maxMs: number, extra: Partial<SliceLike> = {}): SliceLike {
  return { startMs, requests, statuses: { "200": requests }, non2xx: 0, socketErrors: none, p50Ms, p99Ms, maxMs, ...extra };
}

// 0–3 s before, 3–5 s change (502s, read errors, one second unreachable), 5–7 s after.
const SLICES: SliceLike[] = [
  slice(2, 1000, 10, 50, 80),
  slice(1010, 1200, 12, 40, 60),
  slice(2020, 800, 11, 45, 70),
  slice(3030, 600, 30, 400, 900, { statuses: { "200": 590, "502": 10 }, non2xx: 10, socketErrors: { connect: 0, read: 237, write: 3, timeout: 0 } }),
  slice(4040, 0, 0, 0, 0, { statuses: {}, unreachable: "unable to connect to 10.77.0.11:80 Connection refused" }),
  slice(5050, 900, 20, 100, 150),
  slice(6060, 1100, 15, 60, 90, { statuses: { "200": 1099, "503": 1 }, non2xx: 1 }),
];

describe("attributePhases", () => {
  it("gives each slice to the phase it started in, with exact sums and conservative percentiles", () => {
    const marks = [{ name: "before", atMs: 0 }, { name: "change", atMs: 3000 }, { name: "after", atMs: 5000 }];
    expect(attributePhases(SLICES, marks, 7070)).toEqual([
      {
        name: "before", startSeconds: 0, endSeconds: 3,
        requests: 3000, statuses: { "200": 3000 }, non2xx: 0, socketErrors: none,
        // p50s sorted: 10 (1000), 11 (800), 12 (1200): 1800 of 3000 requests reach 11.
        p50Ms: 11, p99Ms: 50, maxMs: 80, unreachableSlices: 0,
      },
      {
        name: "change", startSeconds: 3, endSeconds: 5,
        requests: 600, statuses: { "200": 590, "502": 10 }, non2xx: 10, socketErrors: { connect: 0, read: 237, write: 3, timeout: 0 },
        p50Ms: 30, p99Ms: 400, maxMs: 900, unreachableSlices: 1,
      },
      {
        name: "after", startSeconds: 5, endSeconds: 7.07,
        requests: 2000, statuses: { "200": 1999, "503": 1 }, non2xx: 1, socketErrors: none,
        // 15 (1100) reaches half of 2000 on its own.
        p50Ms: 15, p99Ms: 100, maxMs: 150, unreachableSlices: 0,
      },
    ]);
  });

  it("attributes a slice that started just before a mark to the earlier phase, even though most of it ran in the next", () => {
    const phases = attributePhases(SLICES, [{ name: "before", atMs: 0 }, { name: "change", atMs: 1011 }], 7070);
    expect(phases.map((p) => [p.name, p.requests])).toEqual([["before", 2200], ["change", 3400]]);
  });

  it("keeps a phase no slice started in, with zero figures", () => {
    const phases = attributePhases(SLICES, [{ name: "before", atMs: 0 }, { name: "blip", atMs: 1500 }, { name: "after", atMs: 1900 }], 7070);
    expect(phases[1]).toEqual({
      name: "blip", startSeconds: 1.5, endSeconds: 1.9, requests: 0, statuses: {}, non2xx: 0, socketErrors: none, p50Ms: 0, p99Ms: 0, maxMs: 0, unreachableSlices: 0,
    });
    expect(phases[2]!.requests).toBe(3400);
  });

  it("totals over the run are the same combination over every slice", () => {
    expect(combineSlices(SLICES)).toEqual({
      requests: 5600, statuses: { "200": 5589, "502": 10, "503": 1 }, non2xx: 11,
      socketErrors: { connect: 0, read: 237, write: 3, timeout: 0 },
      // p50s sorted: 10 (1000), 11 (800), 12 (1200), …: 3000 ≥ 2800 at 12.
      p50Ms: 12, p99Ms: 400, maxMs: 900, unreachableSlices: 1,
    });
    expect(combineSlices([])).toEqual({ requests: 0, statuses: {}, non2xx: 0, socketErrors: none, p50Ms: 0, p99Ms: 0, maxMs: 0, unreachableSlices: 0 });
  });
});

describe("combineSlices", () => {
  it("weights slice medians by their requests: one busy slow second outweighs two quiet fast ones", () => {
    const f = combineSlices([slice(0, 100, 5, 9, 10), slice(1000, 5000, 90, 300, 450), slice(2000, 100, 6, 8, 12)]);
    // Unweighted, the median of 5, 6, 90 would be 6; 5000 of 5200 requests were answered in the 90 ms slice.
    expect([f.p50Ms, f.p99Ms, f.maxMs]).toEqual([90, 300, 450]);
  });

  it("ignores slices without an answer for the percentiles", () => {
    const f = combineSlices([slice(0, 0, 0, 0, 0, { statuses: {}, socketErrors: { ...none, read: 40 } }), slice(1000, 10, 7, 20, 30)]);
    expect([f.requests, f.p50Ms, f.p99Ms, f.socketErrors.read]).toEqual([10, 7, 20, 40]);
  });
});

describe("PhaseMarks", () => {
  it("starts in before; a repeated mark changes nothing; marks never go back in time", () => {
    const m = new PhaseMarks();
    expect(m.current()).toBe("before");
    expect(m.mark("before", 1500)).toBe(false);
    expect(m.mark("change", 5000)).toBe(true);
    expect(m.mark("change", 6000)).toBe(false);
    expect(m.mark("after", 4000)).toBe(true);
    expect(m.marks).toEqual([{ name: "before", atMs: 0 }, { name: "change", atMs: 5000 }, { name: "after", atMs: 5000 }]);
    expect(m.currentSince()).toBe(5000);
  });

  it("lets a first mark made at once name the initial phase instead of leaving an empty before", () => {
    const m = new PhaseMarks();
    expect(m.mark("article", 3)).toBe(true);
    expect(m.mark("switch", 12_000)).toBe(true);
    expect(m.marks).toEqual([{ name: "article", atMs: 0 }, { name: "switch", atMs: 12_000 }]);
    const late = new PhaseMarks();
    late.mark("down", INITIAL_GRACE_MS);
    expect(late.marks).toEqual([{ name: "before", atMs: 0 }, { name: "down", atMs: INITIAL_GRACE_MS }]);
  });

  it("refuses a phase without a name", () => {
    expect(() => new PhaseMarks().mark(" ", 10)).toThrow('a phase needs a name (got " ")');
  });
});
