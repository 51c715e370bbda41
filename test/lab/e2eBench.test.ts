// `webtier bench` on the lab, short (c=100, 5 s, one round): every scenario yields a complete
// record, the report and the chart are written, static is no slower than the full stack, and the
// lab is left on webtier's defaults with nothing of the bench on the hosts. Figures are reported,
// never asserted as timings.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus } from "../../lab";
import { SCENARIOS } from "../../lab/bench/scenarios";
import type { BenchResults } from "../../lab/bench/types";
import { MIN, onHost, requirement, runnable, webtier } from "./e2eSupport";

const APP_HOSTS = 2;
const out = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-bench-e2e-"));
let results: BenchResults;

describe("webtier bench on the lab (1 nginx + 2 app hosts), c=100 for 5 s, one round", () => {
  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", String(APP_HOSTS)]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
    const started = Date.now();
    const r = await webtier(["bench", "--connections", "100", "--duration", "5", "--repeat", "1", "--out", out, "--json"], 20 * MIN);
    expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr.slice(-4000) }).toEqual({ code: 0, stderr: "" });
    console.log(`bench took ${((Date.now() - started) / 1000).toFixed(0)} s; its progress:\n${r.stderr}`);
    results = JSON.parse(r.stdout) as BenchResults;
  }, 30 * MIN);

  afterAll(async () => {
    if (runnable) await webtier(["lab", "down"]);
    fs.rmSync(out, { recursive: true, force: true });
  }, 5 * MIN);

  it("measures every scenario once at c=100, each record complete, every request answered", () => {
    expect(results.records.map((r) => [r.scenario, r.connections, r.samples.length])).toEqual(SCENARIOS.map((s) => [s.name, 100, 1]));
    for (const r of results.records) {
      const figures = [r.rps, r.p50Ms, r.p99Ms, r.requests, r.listenOverflows, r.listenDrops];
      expect({ scenario: r.scenario, finite: figures.every(Number.isFinite), served: r.requests > 0 && r.rps > 0 }).toEqual({ scenario: r.scenario, finite: true, served: true });
      expect({ scenario: r.scenario, non2xx: r.non2xx, socketErrors: r.socketErrors }).toEqual({ scenario: r.scenario, non2xx: 0, socketErrors: 0 });
    }
    expect(results.records.find((r) => r.scenario === "io-bound")!.capacityRps).toBe(APP_HOSTS * 6 * 2 * 100);
    expect([results.load, results.machine["app hosts"], results.machine["nginx hosts"]]).toEqual([
      { connections: [100], durationSeconds: 5, repeat: 1, tool: "wrk -t2 -c<c> -d5s --timeout 10s --latency" }, APP_HOSTS, 1,
    ]);
  });

  it("finds nginx's own return 200 at least as fast as the full stack", () => {
    const rps = (s: string) => results.records.find((r) => r.scenario === s)!.rps;
    console.log(`c=100: static ${rps("static")}, direct ${rps("direct")}, tuned ${rps("tuned")}, article ${rps("article")} rps`);
    expect(rps("static")).toBeGreaterThanOrEqual(rps("tuned"));
  });

  it("writes results.json, report.md with its tables, and chart.svg with a bar per record and panel", () => {
    expect(JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"))).toEqual(results);
    const report = fs.readFileSync(path.join(out, "report.md"), "utf8");
    const headings = report.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toEqual([
      "# webtier bench", "## Machine", "## Side by side", "## Ratios", "## Targets", "## Sweeps: which defaults they support",
      "### uWSGI workers × threads, c=100", "### uWSGI thunder-lock, c=100", "### nginx reuseport, c=100",
      "### uWSGI listen (socket backlog), c=100", "### I/O-bound app (10 ms per request), c=100", "## Scenarios",
    ]);
    const rows = report.split("\n").filter((l) => /^\| (static|direct|tuned|article) \| 100 \|/.test(l)).map((l) => l.split(" | ")[0]);
    expect(rows).toEqual(["| static", "| direct", "| tuned", "| article"]);
    expect(report).toMatch(/^\| 100 \| \d\.\d\d \| \d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \|$/m);
    const chart = fs.readFileSync(path.join(out, "chart.svg"), "utf8");
    expect(chart.startsWith("<svg ")).toBe(true);
    expect(chart.match(/<title>[^<]+ c=100: /g)).toHaveLength(2 * SCENARIOS.length);
  });

  it("leaves the lab on webtier's defaults, with nothing of the bench on its hosts", async () => {
    const state = (await labStatus())!;
    const lb = await onHost(state, "lb-1", "grep -c webtier-bench /etc/nginx/nginx.conf || true; ls /etc/nginx/webtier-bench 2>&1 || true; ss -Hltn | awk '{print $4}' | LC_ALL=C sort");
    expect(lb.split("\n")).toEqual(["0", "ls: cannot access '/etc/nginx/webtier-bench': No such file or directory", "0.0.0.0:22", "0.0.0.0:80", "[::]:22", ""]);
    const app = await onHost(state, "app-1", "systemctl is-active webtier-bench-direct.service || true; ls /run/webtier-bench 2>&1 || true; grep '^listen' /etc/webtier/uwsgi.ini");
    expect(app.split("\n")).toEqual(["inactive", "ls: cannot access '/run/webtier-bench': No such file or directory", "listen = 4096", ""]);
  });
});
