import { expect, it } from "vitest";
import { runLine } from "../../lab/bench/bench";
import { wrkDescription, WRK_TIMEOUT_SECONDS } from "../../lab/bench/measure";
import { SCENARIOS } from "../../lab/bench/scenarios";
import { wrkCommand } from "../../lab/load/wrk";
import { sample } from "./records";

const tuned = SCENARIOS.find((s) => s.name === "tuned")!;

it("prints one line per run: position, round, scenario, concurrency, figures, time spent and left", () => {
  const s = sample({ rps: 9832.4, p50Ms: 97.04, p99Ms: 804.26, non2xx: 0, socketErrors: 3, listenOverflows: 12 });
  expect(runLine(14, 72, 2, 3, { scenario: tuned, connections: 1000 }, s, 300, 1260)).toBe(
    "bench: 14/72  round 2/3  tuned            c=1000    9,832 rps  p50 97.0 ms  p99 804.3 ms  non-2xx 0  socket errors 3  ListenOverflows 12  (5 min in, ~21 min left)",
  );
  expect(runLine(72, 72, 3, 3, { scenario: tuned, connections: 5000 }, s, 1700, 0)).toMatch(/ c=5000 .*\(28 min in\)$/);
});

it("names the load with the arguments wrk really gets", () => {
  expect(wrkDescription(10)).toBe("wrk -t2 -c<c> -d10s --timeout 10s --latency");
  const argv = wrkCommand({ url: "http://x/", connections: 100, seconds: 10, timeoutSeconds: WRK_TIMEOUT_SECONDS });
  expect(argv.slice(argv.lastIndexOf("wrk"))).toEqual(["wrk", "-t2", "-c100", "-d10s", "--timeout", "10s", "--latency", "http://x/"]);
});
