// wrk's report plus slice.lua's JSON line, on output captured from real runs (wrk 4.1.0 against
// nginx 1.22.1 → uWSGI on 127.0.0.1, see fixtures/): clean, 503s from limit_req, 502s from a dead
// upstream, nginx closing every connection (444), nginx stopped mid-run, too few descriptors, slow
// responses past --timeout, and nothing listening at all.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSlice, parseWrk, SLICE_LUA, wrkCommand } from "../../lab/load/wrk";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", `wrk-${name}.txt`), "utf8");
const none = { connect: 0, read: 0, write: 0, timeout: 0 };

describe("parseSlice", () => {
  it("reads requests, statuses and latency (µs → ms) from a clean run", () => {
    expect(parseSlice(fixture("clean"))).toEqual({
      requests: 19769, statuses: { "200": 19769 }, non2xx: 0, socketErrors: none,
      p50Ms: 2.613, p99Ms: 6.134, maxMs: 18.616, durationMs: 1103.634,
    });
  });

  it("counts responses by status: 503s from limit_req next to 200s", () => {
    expect(parseSlice(fixture("limited"))).toEqual({
      requests: 99101, statuses: { "200": 612, "503": 98489 }, non2xx: 98489, socketErrors: none,
      p50Ms: 1.847, p99Ms: 69.261, maxMs: 116.001, durationMs: 1002.916,
    });
  });

  it("counts 502s from a dead upstream, and 502s next to 200s while uWSGI restarts", () => {
    expect(parseSlice(fixture("dead"))).toMatchObject({ requests: 32109, statuses: { "502": 32109 }, non2xx: 32109, socketErrors: none });
    expect(parseSlice(fixture("restart"))).toMatchObject({
      requests: 143889, statuses: { "200": 6637, "502": 137252 }, non2xx: 137252, p99Ms: 889.898, maxMs: 1045.838,
    });
  });

  it("keeps socket errors apart: read (444), write (nginx stopped: refused reconnects), connect (no descriptor), timeout", () => {
    expect(parseSlice(fixture("close"))).toMatchObject({ requests: 0, statuses: {}, non2xx: 0, socketErrors: { ...none, read: 30753 }, p50Ms: 0 });
    expect(parseSlice(fixture("stopped")).socketErrors).toEqual({ connect: 0, read: 191, write: 75215, timeout: 0 });
    expect(parseSlice(fixture("emfile")).socketErrors).toEqual({ ...none, connect: 46 });
    // Timed-out requests are counted as requests (and by status) but have no latency.
    expect(parseSlice(fixture("timeout"))).toMatchObject({ requests: 20, statuses: { "200": 20 }, socketErrors: { ...none, timeout: 20 }, maxMs: 0 });
  });

  it("turns wrk's refusal to start into an unreachable slice", () => {
    expect(parseSlice(fixture("refused"))).toEqual({
      requests: 0, statuses: {}, non2xx: 0, socketErrors: none, p50Ms: 0, p99Ms: 0, maxMs: 0, durationMs: 0,
      unreachable: "unable to connect to 127.0.0.1:1 Connection refused",
    });
  });

  it("refuses output without the JSON line, with a report that disagrees with it, or with a malformed line", () => {
    const clean = fixture("clean");
    expect(() => parseSlice(clean.replace(/^WEBTIER-SLICE .*$/m, ""))).toThrow(/^unexpected wrk output \(no report or no WEBTIER-SLICE line\):\nRunning 1s test/);
    expect(() => parseSlice(clean.replace("19769 requests in", "19768 requests in"))).toThrow(/^wrk reported 19768 requests but slice.lua 19769:/);
    expect(() => parseSlice(clean.replace('"max":18616}', '"max":18616'))).toThrow(/^slice.lua printed invalid JSON/);
    expect(() => parseSlice(clean.replace('"p99":6134', '"p99":-1'))).toThrow(/^slice.lua printed an unexpected object: WEBTIER-SLICE/);
    expect(() => parseSlice(clean.replace('"read":0', '"read":5'))).toThrow(/^wrk's socket errors \(connect 0, read 0, write 0, timeout 0\) and slice.lua's \(connect 0, read 5, write 0, timeout 0\) differ/);
  });
});

describe("parseWrk (wrk's own report)", () => {
  it("reads throughput, percentiles, non-2xx (wrk counts ≥ 400) and socket errors from real output", () => {
    expect(parseWrk(fixture("limited"))).toEqual({
      rps: 98812.86, p50ms: 1.85, p99ms: 69.26, requests: 99101, non2xx: 98489,
      connectErrors: 0, readErrors: 0, writeErrors: 0, timeouts: 0,
    });
    expect(parseWrk(fixture("stopped"))).toMatchObject({ requests: 8875, non2xx: 0, readErrors: 191, writeErrors: 75215 });
  });
});

describe("wrkCommand", () => {
  it("runs wrk in the namespace with a raised soft limit, the slice script and Connection: close as asked", () => {
    expect(wrkCommand({ namespace: "wtlab-client-1", url: "http://10.77.0.11/", connections: 1000, seconds: 1, script: SLICE_LUA, connectionClose: true })).toEqual([
      "ip", "netns", "exec", "wtlab-client-1", "bash", "-c", 'ulimit -n 2064 && exec "$@"', "wrk",
      "wrk", "-t2", "-c1000", "-d1s", "--timeout", "10s", "--latency", "-s", SLICE_LUA, "-H", "Connection: close", "http://10.77.0.11/",
    ]);
  });

  it("never asks for more than 16384 descriptors (the hard limit here is ~20,000)", () => {
    const argv = wrkCommand({ namespace: "ns", url: "https://10.77.0.11/", connections: 16000, seconds: 1 });
    expect(argv[6]).toBe('ulimit -n 16384 && exec "$@"');
    expect(argv).not.toContain("-H");
    expect(argv).not.toContain("-s");
  });

  it("ships slice.lua next to the code (package.json files: lab/)", () => {
    expect(path.relative(path.join(__dirname, "..", ".."), SLICE_LUA)).toBe(path.join("lab", "load", "slice.lua"));
    expect(fs.readFileSync(SLICE_LUA, "utf8")).toContain("function done(summary, latency, requests)");
  });
});
