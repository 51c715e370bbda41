// The slice loop with a fake wrk and a fake clock: back-to-back 1-second runs until told to stop,
// an unreachable second kept as a second, a wrk failure ending the load, and stop() killing the
// running wrk by its PID.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { SlicedLoad } from "../../lab/load/slices";
import { SLICE_LUA, type WrkOptions, type WrkProcess } from "../../lab/load/wrk";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", `wrk-${name}.txt`), "utf8");

interface FakeRun { code: number; stdout: string; takesMs: number }

/** A fake wrk: each start() takes the next canned run, which "lasts" takesMs on the fake clock. */
function fakeWrk(runs: FakeRun[]) {
  let clock = 0;
  const started: WrkOptions[] = [];
  const killed: number[] = [];
  const sleeps: number[] = [];
  let pending: (() => void) | undefined;
  const start = (opts: WrkOptions): WrkProcess => {
    started.push(opts);
    const pid = 1000 + started.length;
    const run = runs.shift();
    if (!run) {
      // Hangs until killed.
      let finish!: (r: { code: number; stdout: string; stderr: string }) => void;
      const done = new Promise<{ code: number; stdout: string; stderr: string }>((r) => (finish = r));
      pending = () => finish({ code: 137, stdout: "", stderr: "" });
      return { pid, done, kill: () => { killed.push(pid); pending?.(); } };
    }
    clock += run.takesMs;
    return { pid, done: Promise.resolve({ code: run.code, stdout: run.stdout, stderr: "" }), kill: () => killed.push(pid) };
  };
  return {
    start, started, killed, sleeps,
    now: () => clock,
    sleep: async (ms: number) => { sleeps.push(ms); clock += ms; },
  };
}

it("runs 1-second slices back to back until finished() says so, each timed on the load's clock", async () => {
  const wrk = fakeWrk([{ code: 0, stdout: fixture("clean"), takesMs: 1100 }, { code: 0, stdout: fixture("limited"), takesMs: 1003 }, { code: 0, stdout: fixture("dead"), takesMs: 1100 }]);
  const seen: number[] = [];
  const load = new SlicedLoad({
    namespace: "wtlab-client-1", url: "http://10.77.0.11/", connections: 1000, connectionClose: true,
    finished: (elapsed) => elapsed >= 2000, onSlice: (s) => seen.push(s.requests), start: wrk.start, now: wrk.now, sleep: wrk.sleep,
  });
  const slices = await load.done;
  expect(slices.map((s) => [s.startMs, s.endMs, s.requests])).toEqual([[0, 1100, 19769], [1100, 2103, 99101]]);
  expect(seen).toEqual([19769, 99101]);
  expect(wrk.started).toEqual([1, 2].map(() => ({
    namespace: "wtlab-client-1", url: "http://10.77.0.11/", connections: 1000, connectionClose: true, seconds: 1, script: SLICE_LUA,
    finished: expect.any(Function), onSlice: expect.any(Function), start: wrk.start, now: wrk.now, sleep: wrk.sleep,
  })));
});

it("keeps an unreachable second as a slice of its own and waits out the rest of it", async () => {
  const wrk = fakeWrk([{ code: 1, stdout: fixture("refused"), takesMs: 4 }, { code: 0, stdout: fixture("clean"), takesMs: 1100 }]);
  const load = new SlicedLoad({ url: "http://10.77.0.11/", connections: 10, finished: (e) => e >= 2000, start: wrk.start, now: wrk.now, sleep: wrk.sleep });
  const slices = await load.done;
  expect(wrk.sleeps).toEqual([996]);
  expect(slices.map((s) => [s.startMs, s.endMs, s.unreachable ?? "", s.requests])).toEqual([
    [0, 1000, "unable to connect to 127.0.0.1:1 Connection refused", 0],
    [1000, 2100, "", 19769],
  ]);
});

it("ends the load when wrk fails, with wrk's exit code and output", async () => {
  const wrk = fakeWrk([{ code: 1, stdout: "Usage: wrk <options> <url>\n", takesMs: 3 }]);
  const load = new SlicedLoad({ url: "http://10.77.0.11/", connections: 10, finished: () => false, start: wrk.start, now: wrk.now, sleep: wrk.sleep });
  await expect(load.done).rejects.toThrow("wrk exited 1:\nUsage: wrk <options> <url>\n");
});

it("stop() kills the running wrk by its PID, drops its unfinished slice and starts no other", async () => {
  const wrk = fakeWrk([{ code: 0, stdout: fixture("clean"), takesMs: 1100 }]);
  const load = new SlicedLoad({ url: "http://10.77.0.11/", connections: 10, finished: () => false, start: wrk.start, now: wrk.now, sleep: wrk.sleep });
  await new Promise((r) => setTimeout(r, 10));
  expect(load.runningPid).toBe(1002);
  load.stop();
  const slices = await load.done;
  expect(wrk.killed).toEqual([1002]);
  expect(slices.map((s) => s.requests)).toEqual([19769]);
  expect(wrk.started).toHaveLength(2);
  expect(load.runningPid).toBeUndefined();
});
