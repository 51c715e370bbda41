// What `webtier bench` measures and writes: one record per scenario and concurrency, each the
// median of K runs with identical load settings.

/** Where a scenario's load goes. */
export type Target =
  /** The stack's own URL: client → nginx → uWSGI hosts. */
  | "nginx"
  /** A `return 200` server on the measured nginx host: the path's upper bound. */
  | "static"
  /** The stack's server on a second port whose listen socket has `reuseport`. */
  | "reuseport"
  /** One app host's uWSGI over HTTP from the nginx host's namespace, no nginx in between. */
  | "direct";

/** What one wrk run measured, with the kernel's accept-queue counters of every lab host around it. */
export interface Sample {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Responses with a status of 400 or more (wrk's "Non-2xx or 3xx" line). */
  non2xx: number;
  /** connect + read + write errors (wrk's "timeout" counts slow requests and is kept apart). */
  socketErrors: number;
  timeouts: number;
  /** ListenOverflows summed over the namespaces of every lab host (nginx and app). */
  listenOverflows: number;
  listenDrops: number;
}

/** One scenario at one concurrency: the median of its runs, field by field, and the runs themselves. */
export interface BenchRecord {
  scenario: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
  listenOverflows: number;
  listenDrops: number;
  timeouts: number;
  requests: number;
  /** The I/O-bound app: app hosts × workers × threads / its delay, in requests per second. */
  capacityRps?: number;
  samples: Sample[];
}

/** results.json. */
export interface BenchResults {
  /** The command line that produced these figures. */
  command: string;
  startedAt: string;
  finishedAt: string;
  load: { connections: number[]; durationSeconds: number; repeat: number; tool: string };
  machine: Record<string, string | number>;
  records: BenchRecord[];
}
