// The order of a bench: K rounds, each visiting every configuration once (one deploy) and running
// its scenarios at their concurrencies; every other round visits the configurations backwards, so
// a drift in the machine's load (it is shared) spreads over every scenario instead of favouring one.
import { CONFIGS } from "./configs";
import { scenarioConnections, type BenchScenario } from "./scenarios";
import type { Target } from "./types";

export interface PlannedRun {
  scenario: BenchScenario;
  connections: number;
}

export interface Block {
  round: number;
  config: string;
  /** False when the previous block left this configuration deployed (at a round's turn). */
  deploy: boolean;
  /** The bench servers the runs need on the hosts (set up before, removed after). */
  targets: Target[];
  runs: PlannedRun[];
}

export interface BenchPlan {
  blocks: Block[];
  runs: number;
  /** Deploys of bench configurations, plus the one that puts webtier's defaults back at the end. */
  deploys: number;
}

// Measured on the lab (1 nginx + 2 app hosts, machine shared): `webtier lab up` took 12 s when a
// uWSGI reload picks the change up and 27 s when uWSGI restarts (nginx's fail_timeout wait).
export const DEPLOY_SECONDS = 20;
/** Per run: counters before and after, wrk starting and exiting, the pause between runs. */
export const RUN_OVERHEAD_SECONDS = 3;
/** Per target and block: a warm-up run that is not recorded. */
export const WARMUP_SECONDS = 1;
/** Per block needing bench servers: nginx reload or a uWSGI start, and their removal. */
export const TARGET_SETUP_SECONDS = 6;

export function planBench(scenarios: readonly BenchScenario[], asked: readonly number[], repeat: number): BenchPlan {
  const order = CONFIGS.map((c) => c.id).filter((id) => scenarios.some((s) => s.config === id));
  const blocks: Block[] = [];
  for (let round = 1; round <= repeat; round++) {
    for (const config of round % 2 === 1 ? order : [...order].reverse()) {
      const own = scenarios.filter((s) => s.config === config);
      const byScenario = own.map((s) => ({ s, at: scenarioConnections(s, asked) }));
      const levels = [...new Set(byScenario.flatMap((x) => x.at))].sort((a, b) => a - b);
      const runs = levels.flatMap((c) => byScenario.filter((x) => x.at.includes(c)).map((x) => ({ scenario: x.s, connections: c })));
      const targets = [...new Set(own.map((s) => s.target))];
      blocks.push({ round, config, deploy: blocks.at(-1)?.config !== config, targets, runs });
    }
  }
  return {
    blocks,
    runs: blocks.reduce((n, b) => n + b.runs.length, 0),
    deploys: blocks.filter((b) => b.deploy).length + 1,
  };
}

/** What a block costs before its first run: its deploy, its bench servers, a warm-up per target. */
export function blockSetupSeconds(block: Block): number {
  const servers = block.targets.some((t) => t !== "nginx") ? TARGET_SETUP_SECONDS : 0;
  return (block.deploy ? DEPLOY_SECONDS : 0) + servers + block.targets.length * (WARMUP_SECONDS + RUN_OVERHEAD_SECONDS);
}

export const runSeconds = (durationSeconds: number) => durationSeconds + RUN_OVERHEAD_SECONDS;

/** A generous estimate of the whole bench in seconds (printed before it starts): the blocks and the deploy back to the defaults. */
export function estimateSeconds(plan: BenchPlan, durationSeconds: number): number {
  return plan.blocks.reduce((n, b) => n + blockSetupSeconds(b) + b.runs.length * runSeconds(durationSeconds), 0) + DEPLOY_SECONDS;
}

/**
 * Seconds left after `runsDone` runs of block `blockIndex`: what the estimate gives the rest of the
 * plan, scaled by how the time actually spent compares with what it gave the part done.
 */
export function secondsLeft(plan: BenchPlan, durationSeconds: number, blockIndex: number, runsDone: number, elapsedSeconds: number): number {
  const before = plan.blocks.slice(0, blockIndex).reduce((n, b) => n + blockSetupSeconds(b) + b.runs.length * runSeconds(durationSeconds), 0);
  const done = before + blockSetupSeconds(plan.blocks[blockIndex]!) + runsDone * runSeconds(durationSeconds);
  return ((estimateSeconds(plan, durationSeconds) - done) * elapsedSeconds) / done;
}

/** "1 h 02 min", "27 min", "45 s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
}

/** The line printed before the first deploy: what will run and about how long it takes. */
export function describePlan(plan: BenchPlan, scenarios: number, repeat: number, durationSeconds: number): string {
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;
  return `bench: ${n(plan.runs, "run")} of ${durationSeconds} s (${n(scenarios, "scenario")}, ${n(repeat, "round")}), ` +
    `${plan.deploys} deploys: about ${formatDuration(estimateSeconds(plan, durationSeconds))}`;
}
