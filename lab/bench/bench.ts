// `webtier bench`: the plan's blocks in order (deploy a configuration, add the bench servers its
// scenarios need, a warm-up per target, the runs, remove the servers), then one record per scenario
// and concurrency, and webtier's defaults deployed again at the end.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { labStatus, type LabState } from "../index";
import { machineFacts } from "../drill/machine";
import { allowTimeWaitReuse } from "../load/wrk";
import { deploySettings, findConfig, ioCapacityRps } from "./configs";
import { BenchDeployer } from "./deploy";
import { addNginxServers, endpoint, removeNginxServers, startDirect, stopDirect } from "./hostServers";
import { measure, WRK_TIMEOUT_SECONDS, wrkDescription } from "./measure";
import { describePlan, formatDuration, planBench, secondsLeft, WARMUP_SECONDS, type Block, type PlannedRun } from "./plan";
import { SCENARIOS, selectScenarios } from "./scenarios";
import { summarize } from "./stats";
import type { BenchRecord, BenchResults, Sample } from "./types";

/** The bench could not run or was stopped (exit 1, or 130/143 when interrupted). */
export class BenchError extends Error {}

export interface BenchOptions {
  connections: number[];
  durationSeconds: number;
  repeat: number;
  /** Scenario names; all when absent. */
  scenarios?: string[];
  /** The command line, for the report. */
  command: string;
  /** One line per run, per deploy and per milestone. */
  progress: (line: string) => void;
  /** Details: counters that could not be read. */
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** Between runs: connections of the last one close before the next opens its own. */
const PAUSE_MS = 1000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const loadAverage = () => os.loadavg()[0]!.toFixed(2);

export function runLine(done: number, total: number, round: number, rounds: number, run: PlannedRun, s: Sample, elapsedS: number, leftS: number): string {
  const left = done < total ? `, ~${formatDuration(leftS)} left` : "";
  return `bench: ${String(done).padStart(String(total).length)}/${total}  round ${round}/${rounds}  ${run.scenario.name.padEnd(16)} c=${String(run.connections).padEnd(5)} ` +
    `${Math.round(s.rps).toLocaleString("en-US").padStart(7)} rps  p50 ${s.p50Ms.toFixed(1)} ms  p99 ${s.p99Ms.toFixed(1)} ms  ` +
    `non-2xx ${s.non2xx}  socket errors ${s.socketErrors}  ListenOverflows ${s.listenOverflows}  (${formatDuration(elapsedS)} in${left})`;
}

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const first = await labStatus();
  if (!first) throw new BenchError("the lab is not running: npx webtier lab up");
  const scenarios = selectScenarios(opts.scenarios);
  const plan = planBench(scenarios, opts.connections, opts.repeat);
  const appHosts = first.hosts.filter((h) => h.role === "app").length;
  const nginxHosts = first.hosts.filter((h) => h.role === "nginx").length;
  opts.progress(describePlan(plan, scenarios.length, opts.repeat, opts.durationSeconds));

  const startedAt = new Date();
  const machine: Record<string, string | number> = {
    ...(await machineFacts(first)),
    "nginx hosts": nginxHosts,
    "app hosts": appHosts,
    "load average at start": loadAverage(),
  };
  await allowTimeWaitReuse(first.clients[0]!.namespace);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-bench-"));
  const deployer = new BenchDeployer(workDir);
  const onAbort = () => deployer.stop();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const samples = new Map<string, Sample[]>();
  const key = (scenario: string, c: number) => `${scenario}@${c}`;
  let state: LabState = first;
  let done = 0;

  const stopped = () => {
    if (opts.signal?.aborted) throw new BenchError(`the bench was stopped (${String(opts.signal.reason)}) after ${done} of ${plan.runs} runs`);
  };
  const deploy = async (label: string, settings: Record<string, unknown>) => {
    stopped();
    opts.progress(`bench: deploying ${label}`);
    const d = await deployer.deploy(state, settings).catch((err: Error) => {
      stopped();
      throw new BenchError(`deploying ${label}: ${err.message}`);
    });
    opts.progress(`bench: deployed ${label} in ${(d.durationMs / 1000).toFixed(1)} s`);
    state = (await labStatus()) ?? state;
  };

  const runBlock = async (block: Block, index: number) => {
    const nginxServers = block.targets.some((t) => t === "static" || t === "reuseport");
    const direct = block.targets.includes("direct");
    try {
      if (nginxServers) await addNginxServers(state);
      // systemd stops it after this long whatever happens to the bench: the block's runs and warm-ups, each at wrk's bound.
      if (direct) await startDirect(state, 120 + (block.runs.length + block.targets.length) * (opts.durationSeconds + WRK_TIMEOUT_SECONDS + 30));
      const lowest = Math.min(...block.runs.map((r) => r.connections));
      for (const target of block.targets) {
        stopped();
        await measure(state, endpoint(state, target), lowest, WARMUP_SECONDS, opts.log, opts.signal);
      }
      for (const [i, run] of block.runs.entries()) {
        stopped();
        const s = await measure(state, endpoint(state, run.scenario.target), run.connections, opts.durationSeconds, opts.log, opts.signal);
        const k = key(run.scenario.name, run.connections);
        samples.set(k, [...(samples.get(k) ?? []), s]);
        done++;
        const elapsed = (Date.now() - startedAt.getTime()) / 1000;
        opts.progress(runLine(done, plan.runs, block.round, opts.repeat, run, s, elapsed, secondsLeft(plan, opts.durationSeconds, index, i + 1, elapsed)));
        await sleep(PAUSE_MS);
      }
    } finally {
      if (nginxServers) await removeNginxServers(state).catch((err: Error) => opts.progress(`bench: removing the nginx bench servers: ${err.message}`));
      if (direct) await stopDirect(state).catch((err: Error) => opts.progress(`bench: stopping the direct uWSGI: ${err.message}`));
    }
  };

  try {
    for (const [index, block] of plan.blocks.entries()) {
      if (block.deploy) await deploy(`${block.config} (round ${block.round}/${opts.repeat})`, deploySettings(findConfig(block.config), appHosts));
      await runBlock(block, index).catch((err: Error) => {
        stopped();
        throw err;
      });
    }
    await deploy("webtier's defaults again", {});
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const records: BenchRecord[] = [];
  for (const s of SCENARIOS) {
    for (const c of [...opts.connections].sort((a, b) => a - b)) {
      const runs = samples.get(key(s.name, c));
      if (runs) records.push(summarize(s.name, c, runs, s.name === "io-bound" ? ioCapacityRps(appHosts) : undefined));
    }
  }
  machine["load average at end"] = loadAverage();
  return {
    command: opts.command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    load: { connections: [...opts.connections].sort((a, b) => a - b), durationSeconds: opts.durationSeconds, repeat: opts.repeat, tool: wrkDescription(opts.durationSeconds) },
    machine,
    records,
  };
}
