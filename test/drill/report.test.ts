// The report a person reads: the phases table, totals, what nginx logged, the scenario's proof and
// the machine, exactly.
import { expect, it } from "vitest";
import { formatReport } from "../../lab/drill/report";
import type { DrillReport } from "../../lab/drill/types";

const none = { connect: 0, read: 0, write: 0, timeout: 0 };

const REPORT: DrillReport = {
  scenario: "nginx-change", connections: 1000, durationSeconds: 30, connectionClose: false,
  requests: 51234, statuses: { "200": 51000, "502": 230, "503": 4 }, non2xx: 234, socketErrors: { connect: 0, read: 237, write: 1, timeout: 0 },
  p50Ms: 41.5, p99Ms: 812.25, maxMs: 1003, unreachableSlices: 1,
  phases: [
    { name: "before", startSeconds: 0, endSeconds: 6.004, requests: 20000, statuses: { "200": 20000 }, non2xx: 0, socketErrors: none, p50Ms: 40.123, p99Ms: 95.5, maxMs: 120, unreachableSlices: 0 },
    { name: "change", startSeconds: 6.004, endSeconds: 14.2, requests: 11234, statuses: { "200": 11000, "502": 230, "503": 4 }, non2xx: 234, socketErrors: { connect: 0, read: 237, write: 1, timeout: 0 }, p50Ms: 55, p99Ms: 812.25, maxMs: 1003, unreachableSlices: 1 },
    { name: "after", startSeconds: 14.2, endSeconds: 30.05, requests: 20000, statuses: { "200": 20000 }, non2xx: 0, socketErrors: none, p50Ms: 9.87, p99Ms: 60, maxMs: 70, unreachableSlices: 0 },
  ],
  nginxErrors: [{ host: "lb-1", level: "error", message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://10.77.1.102:3031"', count: 230 }],
  outcome: { summary: "nginx config changed on lb-1", proof: { reloaded: true }, deployExitCode: 0, counters: { "app-1": { ListenOverflows: 0, ListenDrops: 2 } } },
  machine: { cores: 2, cpu: "AMD EPYC", kernel: "6.1.0", nginx: "1.22.1", uwsgi: "2.0.21-debian", wrk: "debian/4.1.0-3+b2" },
};

it("prints the phases and totals as a table, then the errors, the proof, the counters and the machine", () => {
  expect(formatReport(REPORT).split("\n")).toEqual([
    "drill nginx-change: 1,000 connections (keep-alive), 30 s asked, 3 phase(s)",
    "",
    "phase     seconds  requests     2xx              non-2xx  socket c/r/w/t  p50 ms  p99 ms  max ms",
    "before    0.0–6.0    20,000  20,000                    0         0/0/0/0    40.1    95.5     120",
    "change   6.0–14.2    11,234  11,000  234 (502×230 503×4)       0/237/1/0    55.0     812    1003",
    "after   14.2–30.1    20,000  20,000                    0         0/0/0/0    9.87    60.0    70.0",
    "total    0.0–30.1    51,234  51,000  234 (502×230 503×4)       0/237/1/0    41.5     812    1003",
    "unreachable: wrk could not open a single connection in 1 slice(s) of change",
    "(wrk -t2 in 1-s slices attributed to the phase they started in; socket errors connect/read/write/timeout;",
    " p50 = request-weighted median of the slices' p50, p99 and max = the worst slice's: conservative, and blind to",
    " requests slower than a slice, which show as missing throughput instead)",
    "",
    "nginx error.log during the run:",
    '  lb-1      230 × [error] connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://10.77.1.102:3031"',
    "",
    "scenario: nginx config changed on lb-1",
    "deploy exit code: 0",
    "proof:",
    "  {",
    '    "reloaded": true',
    "  }",
    "kernel counters (change):",
    "  app-1  ListenOverflows +0  ListenDrops +2",
    "",
    "machine: 2 cores (AMD EPYC), kernel 6.1.0, nginx 1.22.1, uWSGI 2.0.21-debian, wrk debian/4.1.0-3+b2",
    "",
  ]);
});

it("says so when nginx logged nothing, and shows a failed deploy's error", () => {
  const text = formatReport({ ...REPORT, connectionClose: true, nginxErrors: [], outcome: { summary: "refused", proof: {}, deployExitCode: 1, deployError: "lb-1 nginx-test: nginx: [emerg] unknown directive \"bogus\"" } });
  expect(text).toContain("1,000 connections (Connection: close)");
  expect(text).toContain("\nnginx error.log: nothing logged during the run\n");
  expect(text).toContain('\ndeploy exit code: 1\ndeploy error:\n  lb-1 nginx-test: nginx: [emerg] unknown directive "bogus"\n');
  expect(text).not.toContain("kernel counters");
});
