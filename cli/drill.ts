// `webtier drill <scenario>`: load from the lab's client while a scenario changes or breaks
// something through webtier's deploy path, measured per phase. Exit 0 when the drill ran (the
// figures, errors included, are the result); 2 for a bad argument or an unknown scenario; 1 when
// the drill could not run (no lab, no wrk, the scenario failed); 130/143 when interrupted.
import type { Command } from "commander";
import { labStatus } from "../lab";
import { missingBinaries } from "../lab/hosts/exec";
import { DrillError, runDrill } from "../lab/drill/drill";
import { formatReport } from "../lab/drill/report";
import { SCENARIOS } from "../lab/drill/scenarios";
import type { Scenario } from "../lab/drill/types";
import { abortOnSignals } from "./signals";

export const DEFAULT_CONNECTIONS = 1000;
export const DEFAULT_DURATION = 30;
// wrk -t2 needs at least one connection per thread; wrk's descriptors stay under its raised soft
// limit (16384; the hard limit on our machines is ~20,000).
export const CONNECTIONS_RANGE = [2, 16000] as const;
export const DURATION_RANGE = [1, 3600] as const;

/** A bad argument: exit 2, nothing started. */
export class DrillUsageError extends Error {}

export function integerIn(name: string, [min, max]: readonly [number, number], unit = "") {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
      throw new DrillUsageError(`${name} (${value}) must be an integer from ${min} to ${max}${unit}`);
    }
    return n;
  };
}

/** The scenario by name, or an error listing every known one. */
export function findScenario(name: string, scenarios: Record<string, Scenario> = SCENARIOS): Scenario {
  const s = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
  if (!s) throw new DrillUsageError(`unknown scenario ${JSON.stringify(name)}: known scenarios are ${Object.keys(scenarios).join(", ")}`);
  return s;
}

interface DrillFlags {
  connections: string;
  duration: string;
  connectionClose?: boolean;
  config?: string;
  json?: boolean;
}

const say = (stream: NodeJS.WriteStream) => (line: string) => stream.write(`${line}\n`);

/**
 * Arguments are checked here, not by commander, so a bad one exits 2 with one line naming the
 * option, the value and the rule (commander's own errors exit 1).
 */
async function drill(name: string, flags: DrillFlags): Promise<void> {
  const connections = integerIn("--connections", CONNECTIONS_RANGE)(flags.connections);
  const duration = integerIn("--duration", DURATION_RANGE, " (seconds)")(flags.duration);
  const scenario = findScenario(name);
  if (!(await labStatus())) throw new DrillError("the lab is not running: npx webtier lab up");
  if ((await missingBinaries(["wrk"])).length > 0) throw new DrillError("wrk is not installed (apt-get install wrk): the drill's load comes from it");

  // With --json, stdout carries the report object and nothing else.
  const log = flags.json ? say(process.stderr) : say(process.stdout);
  const restoreConsole = flags.json ? divertConsoleLog() : () => undefined;
  const signals = abortOnSignals();
  try {
    const report = await runDrill({
      scenario,
      connections,
      durationSeconds: duration,
      connectionClose: flags.connectionClose === true,
      ...(flags.config ? { configFile: flags.config } : {}),
      log,
      progress: say(process.stderr),
      signal: signals.signal,
    });
    restoreConsole();
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(formatReport(report));
  } finally {
    restoreConsole();
    signals.release();
  }
}

/** console.log/info to stderr until the returned function is called. */
function divertConsoleLog(): () => void {
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  return () => {
    console.log = log;
    console.info = info;
  };
}

export function registerDrillCommand(program: Command): void {
  program
    .command("drill")
    .description("load from the lab's client while a scenario changes or breaks the stack; figures per phase")
    .argument("<scenario>", `one of: ${Object.keys(SCENARIOS).join(", ")}`)
    .option("--connections <n>", `wrk connections, ${CONNECTIONS_RANGE[0]}–${CONNECTIONS_RANGE[1]}`, String(DEFAULT_CONNECTIONS))
    .option("--duration <s>", "seconds of load at least (longer while the scenario runs, then ≥ 3 s after it)", String(DEFAULT_DURATION))
    .option("--connection-close", "send Connection: close (every request on a new connection)")
    .option("--config <file>", "stack config like Pulumi.<stack>.yaml: the settings the scenario starts from")
    .option("--json", "one JSON object (the report) on stdout, everything else on stderr")
    .action(async (name: string, flags: DrillFlags) => {
      try {
        await drill(name, flags);
      } catch (err) {
        // An interrupted drill keeps its 130/143; the scenario's timers must not keep the process alive.
        process.stderr.write(`webtier drill: ${(err as Error).message}\n`);
        process.exit(err instanceof DrillUsageError ? 2 : typeof process.exitCode === "number" && process.exitCode > 1 ? process.exitCode : 1);
      }
    });
}
