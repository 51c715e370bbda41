// Bench records for the pure tests: every figure given, samples derived from them.
import type { BenchRecord, Sample } from "../../lab/bench/types";

export function sample(over: Partial<Sample> = {}): Sample {
  return { rps: 1000, p50Ms: 10, p99Ms: 100, requests: 10_000, non2xx: 0, socketErrors: 0, timeouts: 0, listenOverflows: 0, listenDrops: 0, ...over };
}

/** A record whose one sample is its own figures (K = 1), or the given samples' medians taken as written. */
export function record(scenario: string, connections: number, over: Partial<Sample> = {}, samples?: Sample[]): BenchRecord {
  const s = sample(over);
  return {
    scenario, connections,
    rps: s.rps, p50Ms: s.p50Ms, p99Ms: s.p99Ms, non2xx: s.non2xx, socketErrors: s.socketErrors,
    listenOverflows: s.listenOverflows, listenDrops: s.listenDrops, timeouts: s.timeouts, requests: s.requests,
    samples: samples ?? [s],
  };
}
