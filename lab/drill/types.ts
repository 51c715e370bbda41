// What a drill is made of: a bounded load from the lab's client while a scenario changes or breaks
// something through webtier's own deploy path, measured per phase of the scenario.
import type { LabState } from "../hosts/state";

/** wrk's socket errors, kept apart: each points at a different failure. */
export interface SocketErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

/** What the client saw in one stretch of time. */
export interface LoadFigures {
  requests: number;
  /** Responses by HTTP status ("200", "502", …). */
  statuses: Record<string, number>;
  non2xx: number;
  socketErrors: SocketErrors;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 1-second slices in which wrk could not open a single connection (nothing else measured in them). */
  unreachableSlices: number;
}

/** One phase of a scenario ("before", "rolling", "after", …) and what the client saw in it. */
export interface PhaseReport extends LoadFigures {
  name: string;
  /** Seconds since the load started. */
  startSeconds: number;
  endSeconds: number;
}

/** One nginx error-log message during the run (timestamps, PIDs and connection ids stripped). */
export interface ErrorLogLine {
  host: string;
  /** nginx's level ("error", "warn", "crit", …); "" for a line not in nginx's format. */
  level: string;
  message: string;
  count: number;
}

/** How a scenario ran: what it changed, and the proof the change really happened. */
export interface ScenarioOutcome {
  /** One line a person reads: "app release a1b2… → c3d4… on app-1, app-2, app-3". */
  summary: string;
  /** Facts the tests assert on, scenario-specific (release ids, host counts, a host back, …). */
  proof: Record<string, unknown>;
  /** The deploy's exit code, when the scenario deployed (bad-nginx-config expects non-zero). */
  deployExitCode?: number;
  /** The deploy's error output (host, step and the tool's message), when it failed. */
  deployError?: string;
  /** App hosts' kernel counters over the run (backlog): ListenOverflows, ListenDrops per host. */
  counters?: Record<string, Record<string, number>>;
}

/** Everything a scenario may use; it never starts load itself. */
export interface DrillContext {
  state: LabState;
  /** The stack settings the lab runs with (from `--config`, or {}): scenarios change a copy. */
  settings: Record<string, unknown>;
  /** A private directory for stack files and app copies, removed after the drill. */
  workDir: string;
  /** How long the load runs (`--duration`), in seconds: scenarios time their phases by it. */
  durationSeconds: number;
  /** Starts the named phase now (the previous one ends). */
  mark(phase: string): void;
  /** `webtier lab up --config <file holding settings>` (plus `--app-hosts n`) as a child process. */
  deploy(settings: Record<string, unknown>, opts?: { appHosts?: number }): Promise<{ code: number; stdout: string; stderr: string; durationMs: number }>;
  log(line: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** Prepares the lab before the load starts (a known baseline), without measuring. */
  prepare?(ctx: DrillContext): Promise<void>;
  /** Runs while the load runs: marks its phases, performs the change, returns its proof. */
  run(ctx: DrillContext): Promise<ScenarioOutcome>;
}

/** `webtier drill --json`: one object. */
export interface DrillReport extends LoadFigures {
  scenario: string;
  connections: number;
  durationSeconds: number;
  /** Whether clients sent `Connection: close` (each request on a new connection). */
  connectionClose: boolean;
  phases: PhaseReport[];
  nginxErrors: ErrorLogLine[];
  outcome: ScenarioOutcome;
  /** The machine the figures were measured on (cores, kernel, nginx and uWSGI versions). */
  machine: Record<string, string | number>;
}
