import { describe, expect, it } from "vitest";
import { logDecades, niceStep, renderChart } from "../../lab/bench/chart";
import { record } from "./records";

describe("axes", () => {
  it("steps a linear axis by 1, 2 or 5 × 10^k, about five ticks", () => {
    expect([niceStep(40000), niceStep(7300), niceStep(12), niceStep(0)]).toEqual([10000, 2000, 5, 1]);
  });

  it("spans a log axis with whole decades around the values, nothing below 0.1 ms", () => {
    expect(logDecades(0.5, 2000)).toEqual([0.1, 1, 10, 100, 1000, 10000]);
    expect(logDecades(0.01, 0.05)).toEqual([0.1, 1]);
    expect(logDecades(100, 100)).toEqual([100, 1000]);
  });
});

describe("renderChart", () => {
  const svg = renderChart([record("tuned", 100, { rps: 10000, p99Ms: 100 }), record("static", 100, { rps: 40000, p99Ms: 10 })]);
  const lines = svg.split("\n");

  it("is one SVG document sized for both panels", () => {
    expect(lines[0]).toBe('<svg xmlns="http://www.w3.org/2000/svg" width="960" height="696" viewBox="0 0 960 696" font-family="sans-serif" font-size="12">');
    expect(lines.at(-2)).toBe("</svg>");
    expect(lines).toContain('<rect x="70" y="30" width="12" height="12" fill="#4e79a7"/><text x="86" y="40">c=100</text>');
  });

  it("draws rps bars on a linear axis from 0, scenarios in the bench's order", () => {
    expect(lines).toContain('<rect x="113.5" y="76" width="348" height="220" fill="#4e79a7"><title>static c=100: 40000 rps</title></rect>');
    expect(lines).toContain('<rect x="548.5" y="241" width="348" height="55" fill="#4e79a7"><title>tuned c=100: 10000 rps</title></rect>');
    expect(lines.filter((l) => l.endsWith('dominant-baseline="middle">10,000</text>'))).toEqual(['<text x="64" y="241" text-anchor="end" dominant-baseline="middle">10,000</text>']);
  });

  it("draws p99 bars on a log axis", () => {
    expect(lines).toContain('<rect x="113.5" y="606" width="348" height="0" fill="#4e79a7"><title>static c=100: 10 ms</title></rect>');
    expect(lines).toContain('<rect x="548.5" y="386" width="348" height="220" fill="#4e79a7"><title>tuned c=100: 100 ms</title></rect>');
    expect(lines.filter((l) => l.includes('text-anchor="end" dominant-baseline="middle">') && /y="(606|386)"/.test(l))).toEqual([
      '<text x="64" y="606" text-anchor="end" dominant-baseline="middle">10</text>',
      '<text x="64" y="386" text-anchor="end" dominant-baseline="middle">100</text>',
    ]);
  });

  it("colours each concurrency alike and sets the sweeps apart with a dashed line", () => {
    const two = renderChart([record("tuned", 100), record("tuned", 1000), record("workers-2x1", 1000)]).split("\n");
    expect(two.filter((l) => l.includes("<title>tuned c=1000") || l.includes("<title>workers-2x1 c=1000")).map((l) => /fill="([^"]+)"/.exec(l)![1]))
      .toEqual(["#f28e2b", "#f28e2b", "#f28e2b", "#f28e2b"]);
    expect(two.filter((l) => l.includes("stroke-dasharray"))).toEqual([
      '<line x1="505" x2="505" y1="76" y2="296" stroke="#999999" stroke-dasharray="4 3"/>',
      '<line x1="505" x2="505" y1="386" y2="606" stroke="#999999" stroke-dasharray="4 3"/>',
    ]);
    expect(svg).not.toContain("stroke-dasharray");
  });
});
