// A drill: bounded load from the lab's client while a scenario changes or breaks something through
// webtier's own deploy path (`webtier lab up` in a child process), measured per phase.
//
//   prepare (no load) → baselines (error-log sizes, kernel counters) → load in 1-s slices while the
//   scenario runs → "after" for ≥ 3 s, until the asked duration has passed → what nginx logged,
//   the counters' change, the report.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { stringify } from "yaml";
import { readStackFile } from "../../components";
import { assertLabSettings } from "../deployConfig";
import { readDeployState } from "../engine/state";
import { labStatus } from "../hosts/lab";
import type { LabState } from "../hosts/state";
import { SlicedLoad, type Slice } from "../load/slices";
import { allowTimeWaitReuse } from "../load/wrk";
import { BACKLOG_COUNTERS, counterDeltas, readAllCounters } from "./counters";
import { machineFacts } from "./machine";
import { countErrorLogSince, ErrorLogCounter, errorLogSize } from "./nginxErrors";
import { attributePhases, combineSlices, PhaseMarks } from "./phases";
import type { DrillContext, DrillReport, Scenario, ScenarioOutcome } from "./types";

const ROOT = path.resolve(__dirname, "..", "..");
/** The load goes on at least this long after the scenario has returned, in "after". */
export const AFTER_MIN_MS = 3000;
/** However long the scenario takes, the load stops this long after the asked duration. */
export const HARD_CAP_EXTRA_MS = 900_000;

export interface DrillOptions {
  scenario: Scenario;
  connections: number;
  durationSeconds: number;
  connectionClose: boolean;
  /** A stack file (Pulumi.<stack>.yaml) with the settings the lab runs with. */
  configFile?: string;
  /** The drill's log: deploy output, scenario lines. */
  log: (line: string) => void;
  /** One line per phase change and milestone. */
  progress: (line: string) => void;
  /** Aborts the drill (SIGINT/SIGTERM): the load stops, deploys are killed, the work dir removed. */
  signal?: AbortSignal;
}

/** Thrown when the drill cannot run at all (no lab, bad settings, the scenario failed, stopped). */
export class DrillError extends Error {}

/** Settings from a stack file, with app.source made absolute: the drill writes its stack files elsewhere. */
export function readDrillSettings(file: string, log: (line: string) => void): Record<string, unknown> {
  const stack = readStackFile(file);
  if (stack.errors.length > 0) throw new DrillError(stack.errors.join("\n"));
  for (const w of stack.warnings) log(`warning: ${w}`);
  if (stack.secrets.length > 0) log(`warning: ${stack.secrets.join(", ")} in ${file} ignored: the lab cannot decrypt Pulumi secrets`);
  assertLabSettings(stack.values);
  const settings = structuredClone(stack.values);
  const app = settings.app;
  if (app && typeof app === "object" && !Array.isArray(app) && typeof (app as Record<string, unknown>).source === "string") {
    (app as Record<string, unknown>).source = path.resolve(stack.baseDir, (app as Record<string, unknown>).source as string);
  }
  return settings;
}

/** A stack file holding `settings` as `webtier:*` keys, like a Pulumi.<stack>.yaml. */
export function writeDrillStackFile(file: string, settings: Record<string, unknown>): void {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) config[`webtier:${key}`] = value;
  fs.writeFileSync(file, stringify({ config }), { mode: 0o600 });
}

const countOf = (state: LabState, role: "nginx" | "app") => state.hosts.filter((h) => h.role === role).length;

/**
 * `lab up` arguments for a deploy: always the lab's current host counts, since `lab up` would
 * otherwise scale to its defaults (1 nginx host, 3 app hosts); `appHosts` changes the app tier.
 */
export function labUpArgs(stackFile: string, state: LabState, appHosts?: number): string[] {
  return ["--config", stackFile, "--nginx-hosts", String(countOf(state, "nginx")), "--app-hosts", String(appHosts ?? countOf(state, "app"))];
}

/**
 * Whether the load may stop: the asked duration has passed, the scenario has returned and the
 * load went on AFTER_MIN_MS more since; or the hard cap (duration + HARD_CAP_EXTRA_MS) is reached.
 */
export function loadFinished(elapsedMs: number, durationMs: number, returnedAtMs: number | undefined): "no" | "done" | "capped" {
  if (returnedAtMs !== undefined && elapsedMs >= durationMs && elapsedMs - returnedAtMs >= AFTER_MIN_MS) return "done";
  return elapsedMs >= durationMs + HARD_CAP_EXTRA_MS ? "capped" : "no";
}

/** Kills what the drill started, by PID, even when the process is exiting. */
class Children {
  private readonly live = new Set<ChildProcess>();
  add(child: ChildProcess): void {
    this.live.add(child);
    child.on("close", () => this.live.delete(child));
  }
  killAll(signal: NodeJS.Signals = "SIGTERM"): void {
    for (const c of this.live) {
      if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) continue;
      try {
        process.kill(c.pid, signal);
      } catch {
        // Gone between the check and the kill.
      }
    }
  }
}

/** `node bin/webtier.js lab up …` with its output streamed to the log and captured. */
function labUp(args: string[], log: (line: string) => void, children: Children): Promise<{ code: number; stdout: string; stderr: string; durationMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "webtier.js"), "lab", "up", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    readline.createInterface({ input: child.stdout! }).on("line", (l) => {
      stdout += `${l}\n`;
      log(`  | ${l}`);
    });
    readline.createInterface({ input: child.stderr! }).on("line", (l) => {
      stderr += `${l}\n`;
      log(`  ! ${l}`);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, durationMs: Date.now() - started }));
  });
}

function phaseLine(atMs: number, name: string, slices: readonly Slice[], previous: { name: string; since: number }): string {
  const f = combineSlices(slices.filter((s) => s.startMs >= previous.since));
  const e = f.socketErrors;
  return `drill: ${(atMs / 1000).toFixed(1).padStart(6)} s  phase ${name}` +
    (atMs > 0 ? `   (${previous.name}: ${f.requests} requests, ${f.non2xx} non-2xx, socket errors ${e.connect}/${e.read}/${e.write}/${e.timeout})` : "");
}

export async function runDrill(opts: DrillOptions): Promise<DrillReport> {
  const { scenario, log, progress } = opts;
  const initial = await labStatus();
  if (!initial) throw new DrillError("the lab is not running: npx webtier lab up");
  const settings = opts.configFile ? readDrillSettings(opts.configFile, log) : {};
  const children = new Children();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-drill-"));
  let load: SlicedLoad | undefined;
  let stopped: string | undefined;
  const marks = new PhaseMarks();
  let deploys = 0;
  let announced = false;

  const abort = () => {
    stopped = String(opts.signal?.reason ?? "stopped");
    load?.stop();
    children.killAll();
  };
  opts.signal?.addEventListener("abort", abort, { once: true });
  const onExit = () => {
    load?.stop();
    children.killAll("SIGKILL");
  };
  process.once("exit", onExit);

  const ctx: DrillContext = {
    state: initial,
    settings: structuredClone(settings),
    workDir,
    durationSeconds: opts.durationSeconds,
    mark(phase: string) {
      if (!load) {
        log(`drill: mark("${phase}") outside the load is ignored`);
        return;
      }
      const atMs = load.elapsedMs();
      const previous = { name: marks.current(), since: marks.currentSince() };
      if (!marks.mark(phase, atMs)) return;
      // A first mark within the grace renames the initial phase: announced once, under its name.
      if (marks.marks.length > 1) progress(phaseLine(atMs, phase, load.slices, previous));
      else if (announced) progress(`drill: ${(atMs / 1000).toFixed(1).padStart(6)} s  phase ${previous.name} is named ${phase}`);
    },
    async deploy(next, deployOpts = {}) {
      if (stopped !== undefined) throw new DrillError(`the drill was stopped (${stopped}): no deploy`);
      const file = path.join(workDir, `stack-${++deploys}.yaml`);
      writeDrillStackFile(file, next);
      const args = labUpArgs(file, (await labStatus()) ?? ctx.state, deployOpts.appHosts);
      log(`drill: webtier lab up ${args.join(" ")}`);
      const r = await labUp(args, log, children);
      ctx.state = (await labStatus()) ?? ctx.state;
      return r;
    },
    log,
  };

  try {
    if (scenario.prepare) {
      progress(`drill: preparing ${scenario.name} (no load)`);
      await scenario.prepare(ctx);
    }
    if (stopped !== undefined) throw new DrillError(`the drill was stopped (${stopped})`);

    // Baselines, with the lab as prepare left it.
    const before = (await labStatus()) ?? ctx.state;
    ctx.state = before;
    const nginxHosts = before.hosts.filter((h) => h.role === "nginx");
    const [logSizes, countersBefore, machine] = await Promise.all([
      Promise.all(nginxHosts.map((h) => errorLogSize(before, h))).then((sizes) => Object.fromEntries(nginxHosts.map((h, i) => [h.name, sizes[i]!]))),
      readAllCounters(before.hosts.filter((h) => h.role === "app"), BACKLOG_COUNTERS, log),
      machineFacts(before),
    ]);
    const url = readDeployState().url ?? before.url;
    await allowTimeWaitReuse(before.clients[0]!.namespace);

    // The load runs until the asked duration has passed AND the scenario has returned, then at
    // least AFTER_MIN_MS more in "after" (marked when it returns, unless it marked it itself); or,
    // whatever the scenario does, until the hard cap.
    const durationMs = opts.durationSeconds * 1000;
    let returned = false;
    let returnedAtMs: number | undefined;
    let capped = false;
    progress(`drill: ${scenario.name}: wrk -c${opts.connections}${opts.connectionClose ? " (Connection: close)" : ""} from ${before.clients[0]!.namespace} → ${url}, ${opts.durationSeconds} s`);
    load = new SlicedLoad({
      namespace: before.clients[0]!.namespace,
      url,
      connections: opts.connections,
      connectionClose: opts.connectionClose,
      finished: (elapsed) => {
        const verdict = loadFinished(elapsed, durationMs, returnedAtMs);
        capped = verdict === "capped";
        return verdict !== "no";
      },
    });
    const loadDone = load.done;

    let scenarioError: unknown;
    let outcome: ScenarioOutcome | undefined;
    const running = scenario.run(ctx).then(
      (o) => (outcome = o),
      (err: unknown) => {
        scenarioError = err;
        load?.stop();
      },
    ).finally(() => {
      returned = true;
      returnedAtMs = load?.elapsedMs();
      ctx.mark("after");
    });
    // After run's synchronous start, so a first phase it marks at once is announced by its name.
    progress(phaseLine(0, marks.current(), [], { name: "", since: 0 }));
    announced = true;
    // A load failure ends the drill without waiting for the scenario (its deploy is killed below).
    await Promise.race([loadDone, running.then(() => loadDone)]);
    const slices = await loadDone;
    const endMs = load.elapsedMs();
    load = undefined;
    if (stopped !== undefined) throw new DrillError(`the drill was stopped (${stopped}) after ${(endMs / 1000).toFixed(1)} s`);
    if (scenarioError !== undefined) throw new DrillError(`scenario ${scenario.name} failed: ${(scenarioError as Error)?.message ?? String(scenarioError)}`);
    if (capped && !returned) {
      throw new DrillError(`scenario ${scenario.name} did not finish within ${opts.durationSeconds} s + ${HARD_CAP_EXTRA_MS / 1000} s: the load stopped`);
    }
    await running;
    progress(`drill: load stopped after ${(endMs / 1000).toFixed(1)} s (${slices.length} slices); reading nginx error logs and counters`);

    const after = (await labStatus()) ?? ctx.state;
    const errors = new ErrorLogCounter();
    for (const h of after.hosts.filter((x) => x.role === "nginx")) {
      await countErrorLogSince(after, h, logSizes[h.name] ?? 0, errors).then(
        (r) => r.rotated && log(`drill: ${h.name}'s error log was rotated during the run: read from its start`),
        (err: Error) => log(`drill: ${h.name}: error log not read: ${err.message}`),
      );
    }
    const finalOutcome: ScenarioOutcome = outcome!;
    if (finalOutcome.counters === undefined) {
      const countersAfter = await readAllCounters(after.hosts.filter((h) => h.role === "app"), BACKLOG_COUNTERS, log);
      finalOutcome.counters = counterDeltas(countersBefore, countersAfter);
    }
    return {
      scenario: scenario.name,
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
      connectionClose: opts.connectionClose,
      ...combineSlices(slices),
      phases: attributePhases(slices, marks.marks, endMs),
      nginxErrors: errors.lines(),
      outcome: finalOutcome,
      machine,
    };
  } finally {
    load?.stop();
    children.killAll();
    opts.signal?.removeEventListener("abort", abort);
    process.removeListener("exit", onExit);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
