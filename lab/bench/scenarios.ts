// The bench's scenarios: the four side by side at every concurrency, and the sweeps behind
// webtier's defaults, each variant against the default (the `tuned` scenario) at a subset of
// the concurrencies.
import { NGINX_DEFAULTS, UWSGI_DEFAULTS } from "../../components";
import type { Target } from "./types";

export interface BenchScenario {
  name: string;
  /** The configuration (configs.ts) deployed while it runs. */
  config: string;
  target: Target;
  /** The sweep it belongs to (absent for the four main scenarios). */
  sweep?: string;
  /** The value its sweep varies, as a reader names it. */
  variant?: string;
  description: string;
}

export const MAIN_SCENARIOS = ["static", "direct", "tuned", "article"] as const;

export const SCENARIOS: readonly BenchScenario[] = [
  { name: "static", config: "defaults", target: "static", description: "nginx on the nginx host answering `return 200` itself: the upper bound of the path" },
  { name: "direct", config: "defaults", target: "direct", description: "one app host's uWSGI over HTTP (`http-socket`, a connection per request), no nginx: the app's own limit" },
  { name: "tuned", config: "defaults", target: "nginx", description: "the full stack with webtier's defaults: nginx → every app host's uWSGI" },
  { name: "article", config: "article", target: "nginx", description: "the same stack with the reference article's settings (listen 1000, 6 workers × 1 thread, thunder-lock, harakiri 30, post-buffering 2768, somaxconn 2000, nginx backlog 511, kernel defaults)" },
  ...(["2x1", "6x1", "12x1", "6x4"] as const).map((wt): BenchScenario => ({
    name: `workers-${wt}`, config: `workers-${wt}`, target: "nginx", sweep: "workers", variant: wt.replace("x", " × "),
    description: `uWSGI ${wt.replace("x", " workers × ")} thread(s) per app host`,
  })),
  { name: "thunder-lock-off", config: "thunder-lock-off", target: "nginx", sweep: "thunder-lock", variant: "off", description: "uWSGI without thunder-lock (accept() not serialised across workers)" },
  { name: "reuseport-on", config: "defaults", target: "reuseport", sweep: "reuseport", variant: "on", description: "nginx's listen socket with `reuseport` (one accept queue per worker)" },
  { name: "listen-1024", config: "listen-1024", target: "nginx", sweep: "listen", variant: "1024", description: "uWSGI listen 1024" },
  { name: "listen-100", config: "listen-100", target: "nginx", sweep: "listen", variant: "100", description: "uWSGI listen 100 (uWSGI's own default)" },
  { name: "io-bound", config: "io-bound", target: "nginx", sweep: "io-bound", variant: "10 ms", description: "an app that waits 10 ms per request (I/O bound) with webtier's defaults, against its capacity app hosts × workers × threads / 10 ms" },
];

export interface Sweep {
  id: string;
  title: string;
  /** The default's variant label (its row is the `tuned` record); absent: judged against a capacity instead. */
  defaultVariant?: string;
  /** Concurrencies it runs at when they are asked for; otherwise the middle one asked for. */
  connections: readonly number[];
  /** Why these concurrencies. */
  why: string;
}

export const SWEEPS: readonly Sweep[] = [
  { id: "workers", title: "uWSGI workers × threads", defaultVariant: `${UWSGI_DEFAULTS.workers} × ${UWSGI_DEFAULTS.threads}`, connections: [1000], why: "throughput is what processes and threads change" },
  { id: "thunder-lock", title: "uWSGI thunder-lock", defaultVariant: UWSGI_DEFAULTS.thunderLock ? "on" : "off", connections: [1000], why: "accept() contention across workers" },
  { id: "reuseport", title: "nginx reuseport", defaultVariant: "off", connections: [1000, 5000], why: "accept-queue behaviour shows at high concurrency" },
  { id: "listen", title: "uWSGI listen (socket backlog)", defaultVariant: String(UWSGI_DEFAULTS.listen), connections: [1000, 5000], why: "a queue overflows only when more connections wait than it holds" },
  { id: "io-bound", title: "I/O-bound app (10 ms per request)", connections: [1000], why: "enough clients to keep every uWSGI thread waiting" },
];

/** nginx's own port in the stack the bench deploys. */
export const STACK_PORT = NGINX_DEFAULTS.port;

export function findSweep(id: string): Sweep {
  const s = SWEEPS.find((x) => x.id === id);
  if (!s) throw new Error(`no sweep ${JSON.stringify(id)}`);
  return s;
}

/** The scenarios by name, in their declared order; an unknown name throws, listing the known ones. */
export function selectScenarios(names: readonly string[] | undefined): BenchScenario[] {
  if (names === undefined) return [...SCENARIOS];
  const known = SCENARIOS.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.map((n) => JSON.stringify(n)).join(", ")}: known scenarios are ${known.join(", ")}`);
  return SCENARIOS.filter((s) => names.includes(s.name));
}

/**
 * The concurrencies a scenario runs at: the main ones at every asked concurrency; a sweep at
 * those of its own that were asked for, or else at the middle one asked for (the lower of two).
 */
export function scenarioConnections(scenario: BenchScenario, asked: readonly number[]): number[] {
  const sorted = [...asked].sort((a, b) => a - b);
  if (!scenario.sweep) return sorted;
  const own = findSweep(scenario.sweep).connections.filter((c) => sorted.includes(c));
  return own.length > 0 ? own : [sorted[Math.floor((sorted.length - 1) / 2)]!];
}
