// report.md for a small bench: every section, exactly.
import { expect, it } from "vitest";
import { renderReport } from "../../lab/bench/report";
import type { BenchResults } from "../../lab/bench/types";
import { record } from "./records";

const RESULTS: BenchResults = {
  command: "npx webtier bench --connections 1000 --duration 10 --repeat 1 --out out",
  startedAt: "2026-01-02T03:04:05.000Z",
  finishedAt: "2026-01-02T03:30:00.000Z",
  load: { connections: [1000], durationSeconds: 10, repeat: 1, tool: "wrk -t2 -c<c> -d10s --timeout 10s --latency" },
  machine: { cores: 2, kernel: "6.1.0" },
  records: [
    record("static", 1000, { rps: 40000, p50Ms: 2.25, p99Ms: 30 }),
    record("direct", 1000, { rps: 5000, p50Ms: 150, p99Ms: 900 }),
    record("tuned", 1000, { rps: 8000, p50Ms: 100, p99Ms: 400 }),
    record("article", 1000, { rps: 7000, p50Ms: 120, p99Ms: 1200, listenOverflows: 42 }),
    record("workers-2x1", 1000, { rps: 6000, p50Ms: 140, p99Ms: 500 }),
    { ...record("io-bound", 1000, { rps: 2700, p50Ms: 350, p99Ms: 700 }), capacityRps: 3600 },
  ],
};

it("renders the machine, the side-by-side table, ratios, targets, sweeps with verdicts, and the scenarios", () => {
  expect(renderReport(RESULTS).split("\n")).toEqual([
    "# webtier bench",
    "",
    "`npx webtier bench --connections 1000 --duration 10 --repeat 1 --out out`, 2026-01-02T03:04:05.000Z to 2026-01-02T03:30:00.000Z.",
    "",
    "Every figure is the median of 1 run of `wrk -t2 -c<c> -d10s --timeout 10s --latency` with the same settings (10 s each, keep-alive clients); each round deploys every configuration in turn, every other round in reverse order. Every lab host and wrk share the machine below: compare figures within this report, not with other hardware. ListenOverflows: the kernel's count, summed over the namespaces of every lab host, during the run.",
    "",
    "## Machine",
    "",
    "| cores | kernel |",
    "| --- | --- |",
    "| 2 | 6.1.0 |",
    "",
    "## Side by side",
    "",
    "| scenario | c | rps | p50 ms | p99 ms | non-2xx | socket errors | ListenOverflows |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    "| static | 1000 | 40,000 | 2.3 | 30 | 0 | 0 | 0 |",
    "| direct | 1000 | 5,000 | 150 | 900 | 0 | 0 | 0 |",
    "| tuned | 1000 | 8,000 | 100 | 400 | 0 | 0 | 0 |",
    "| article | 1000 | 7,000 | 120 | 1,200 | 0 | 0 | 42 |",
    "",
    "## Ratios",
    "",
    "| c | tuned/static rps | tuned/direct rps | tuned/article rps | article/tuned p99 |",
    "| --- | --- | --- | --- | --- |",
    "| 1000 | 0.20 | 1.60 | 1.14 | 3.00 |",
    "",
    "## Targets",
    "",
    "| target | status | figures |",
    "| --- | --- | --- |",
    "| tuned at c=5000: 0 non-2xx, 0 socket errors, p99 < 1 s | not measured | c=5000 was not run |",
    "| tuned/static rps ≥ 0.20 at c=1000 | met | 0.20 (8,000 / 40,000 rps) |",
    "| article measurably worse than tuned at c=1000 or c=5000 (more failed requests or overflows, or p99 ≥ 2×) | met | c=1000: 42 ListenOverflows against 0; c=1000: p99 1,200 ms against 400 ms |",
    "",
    "## Sweeps: which defaults they support",
    "",
    "- uWSGI workers × threads: supports the default (6 × 2): no variant beat it at c=1000.",
    "",
    "A variant beats the default with ≥ 5% more rps (every run faster than every run of the default) and no more failed requests or ListenOverflows; or, at ≥ 95% of its rps, with fewer failed requests, fewer ListenOverflows, or at most half its p99 (every run below every run of the default).",
    "",
    "### uWSGI workers × threads, c=1000",
    "",
    "| variant | c | rps | p50 ms | p99 ms | non-2xx | socket errors | ListenOverflows | rps vs default |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    "| 6 × 2 (default) | 1000 | 8,000 | 100 | 400 | 0 | 0 | 0 | 1.00 |",
    "| 2 × 1 | 1000 | 6,000 | 140 | 500 | 0 | 0 | 0 | 0.75 |",
    "",
    "Verdict: supports the default (6 × 2): no variant beat it at c=1000.",
    "",
    "### I/O-bound app (10 ms per request), c=1000",
    "",
    "| c | capacity rps | rps | of capacity | p50 ms | p99 ms | non-2xx | socket errors | ListenOverflows |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    "| 1000 | 3,600 | 2,700 | 75% | 350 | 700 | 0 | 0 | 0 |",
    "",
    "Capacity: app hosts × uWSGI workers × threads / 10 ms. Below it, something other than the app's threads is the limit (CPU shared with nginx, wrk and the other hosts).",
    "",
    "## Scenarios",
    "",
    "- **static**: nginx on the nginx host answering `return 200` itself: the upper bound of the path.",
    "- **direct**: one app host's uWSGI over HTTP (`http-socket`, a connection per request), no nginx: the app's own limit.",
    "- **tuned**: the full stack with webtier's defaults: nginx → every app host's uWSGI.",
    "- **article**: the same stack with the reference article's settings (listen 1000, 6 workers × 1 thread, thunder-lock, harakiri 30, post-buffering 2768, somaxconn 2000, nginx backlog 511, kernel defaults).",
    "- **workers-2x1**: uWSGI 2 workers × 1 thread(s) per app host.",
    "- **io-bound**: an app that waits 10 ms per request (I/O bound) with webtier's defaults, against its capacity app hosts × workers × threads / 10 ms.",
    "",
  ]);
});

it("orders the side-by-side rows by concurrency, then static, direct, tuned, article", () => {
  const records = [record("tuned", 5000), record("article", 100), record("tuned", 100), record("static", 5000)];
  const rows = renderReport({ ...RESULTS, records }).split("\n").filter((l) => /^\| (static|direct|tuned|article) \|/.test(l)).map((l) => l.split(" | ").slice(0, 2).join(" "));
  expect(rows).toEqual(["| tuned 100", "| article 100", "| static 5000", "| tuned 5000"]);
});

it("says so when no sweep ran", () => {
  expect(renderReport({ ...RESULTS, records: [record("tuned", 100)] })).toContain("## Sweeps: which defaults they support\n\nNo sweep ran.\n");
});
