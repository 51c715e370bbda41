// The drills on the lab, short (c=200, 10 s): each change or failure happens through webtier's own
// deploy path under load, and the JSON report must show no failed request where webtier promises
// none, and that the change really happened. The scenarios run in sequence on one lab.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrillReport } from "../../lab/drill/types";
import { MIN, requirement, runnable, webtier } from "./e2eSupport";

const CONNECTIONS = 200;
const SECONDS = 10;
const NO_SOCKET_ERRORS = { connect: 0, read: 0, write: 0, timeout: 0 };

async function drill(scenario: string, extra: string[] = []): Promise<DrillReport> {
  const r = await webtier(["drill", scenario, "--connections", String(CONNECTIONS), "--duration", String(SECONDS), "--json", ...extra], 15 * MIN);
  expect({ scenario, code: r.code }, r.stderr.slice(-3000)).toEqual({ scenario, code: 0 });
  const report = JSON.parse(r.stdout) as DrillReport;
  // Every scenario checks its own change on the hosts and lists what did not hold.
  expect({ scenario, problems: report.outcome.proof.problems }).toEqual({ scenario, problems: [] });
  console.log(
    `${scenario}${extra.length ? ` ${extra.join(" ")}` : ""}: ${report.requests} requests, non-2xx ${report.non2xx}, ` +
    `socket errors ${JSON.stringify(report.socketErrors)}, p99 ${report.p99Ms} ms; ${report.outcome.summary}`,
  );
  return report;
}

/** The common promises: the load ran its course at the asked size and every phase saw requests. */
function expectCompleteRun(report: DrillReport, scenario: string, phases: string[]): void {
  expect([report.scenario, report.connections, report.durationSeconds]).toEqual([scenario, CONNECTIONS, SECONDS]);
  expect(report.phases.map((p) => p.name)).toEqual(phases);
  for (const phase of report.phases) expect({ phase: phase.name, served: phase.requests > 0 }).toEqual({ phase: phase.name, served: true });
  expect(report.requests).toBe(report.phases.reduce((sum, p) => sum + p.requests, 0));
}

describe("drills on the lab (1 nginx + 3 app hosts), c=200 for 10 s", () => {
  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "3"]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
  }, 20 * MIN);

  afterAll(async () => {
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("rolling-app-change: a new release and uWSGI setting roll over the app hosts with no failed request", async () => {
    const report = await drill("rolling-app-change");
    expectCompleteRun(report, "rolling-app-change", ["before", "change", "after"]);
    expect([report.non2xx, report.socketErrors]).toEqual([0, NO_SOCKET_ERRORS]);
    const proof = report.outcome.proof as { releaseBefore: Record<string, string>; releaseAfter: Record<string, string> };
    for (const host of ["app-1", "app-2", "app-3"]) expect(proof.releaseAfter[host]).not.toBe(proof.releaseBefore[host]);
    expect(new Set(Object.values(proof.releaseAfter)).size).toBe(1);
  }, 15 * MIN);

  it("nginx-change: a reload, no failed request for clients that do not keep connections alive", async () => {
    const report = await drill("nginx-change", ["--connection-close"]);
    expectCompleteRun(report, "nginx-change", ["before", "change", "after"]);
    expect(report.connectionClose).toBe(true);
    expect([report.non2xx, report.socketErrors]).toEqual([0, NO_SOCKET_ERRORS]);
    const proof = report.outcome.proof as { masterPidBefore: Record<string, string>; masterPidAfter: Record<string, string> };
    expect(proof.masterPidAfter).toEqual(proof.masterPidBefore);
  }, 15 * MIN);

  it("bad-nginx-config: the deploy fails naming host and nginx's message; the old config keeps serving", async () => {
    const report = await drill("bad-nginx-config");
    expect(report.non2xx).toBe(0);
    expect(report.socketErrors).toEqual(NO_SOCKET_ERRORS);
    expect(report.outcome.deployExitCode).not.toBe(0);
    expect(report.outcome.deployError).toContain("lb-1");
    expect(report.outcome.deployError).toContain('unknown directive "bogus_directive"');
  }, 15 * MIN);

  it("scale-out: a fourth app host joins the upstream with no failed request (Connection: close)", async () => {
    const report = await drill("scale-out", ["--connection-close"]);
    expect([report.non2xx, report.socketErrors]).toEqual([0, NO_SOCKET_ERRORS]);
    const proof = report.outcome.proof as { appHostsBefore: number; appHostsAfter: number };
    expect([proof.appHostsBefore, proof.appHostsAfter]).toEqual([3, 4]);
  }, 15 * MIN);

  it("scale-in: the fourth app host leaves the upstream with no failed request (Connection: close)", async () => {
    const report = await drill("scale-in", ["--connection-close"]);
    expect([report.non2xx, report.socketErrors]).toEqual([0, NO_SOCKET_ERRORS]);
    const proof = report.outcome.proof as { appHostsBefore: number; appHostsAfter: number };
    expect([proof.appHostsBefore, proof.appHostsAfter]).toEqual([4, 3]);
  }, 15 * MIN);

  it("kill-app-host: nginx routes around a powered-off app host, which comes back", async () => {
    const report = await drill("kill-app-host");
    expect([report.non2xx, report.socketErrors]).toEqual([0, NO_SOCKET_ERRORS]);
    const proof = report.outcome.proof as { unreachableWhileDown: boolean; servingAfter: boolean };
    expect([proof.unreachableWhileDown, proof.servingAfter]).toEqual([true, true]);
  }, 15 * MIN);

  it("backlog: the article's settings and webtier's, each measured with the app hosts' listen-queue counters", async () => {
    const report = await drill("backlog");
    expect(report.phases.map((p) => p.name)).toEqual(expect.arrayContaining(["article", "webtier"]));
    const counters = report.outcome.counters!;
    for (const half of ["article", "webtier"]) {
      expect(Object.keys(counters[half]!).sort()).toEqual(["ListenDrops", "ListenOverflows"]);
    }
  }, 15 * MIN);
});
