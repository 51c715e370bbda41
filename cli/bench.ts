// `webtier bench`: side-by-side load measurements on the lab, written to <dir> as results.json,
// report.md and chart.svg. Exit 0 when the bench ran (the figures are the result, errors
// included); 2 for a bad argument; 1 when it could not run (no lab, no wrk, a deploy failed);
// 130/143 when interrupted.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { labStatus } from "../lab";
import { missingBinaries } from "../lab/hosts/exec";
import { BenchError, runBench } from "../lab/bench/bench";
import { renderChart } from "../lab/bench/chart";
import { renderReport } from "../lab/bench/report";
import { SCENARIOS, selectScenarios } from "../lab/bench/scenarios";
import { CONNECTIONS_RANGE, DrillUsageError as UsageError, integerIn } from "./drill";
import { abortOnSignals } from "./signals";

export const DEFAULT_CONNECTIONS = "100,1000,5000";
export const DEFAULT_DURATION = 10;
export const DEFAULT_REPEAT = 3;
export const DURATION_RANGE = [1, 600] as const;
export const REPEAT_RANGE = [1, 15] as const;
export const OUTPUT_FILES = ["results.json", "report.md", "chart.svg"] as const;

interface BenchFlags {
  connections: string;
  duration: string;
  repeat: string;
  scenarios?: string;
  out?: string;
  json?: boolean;
}

export interface BenchArguments {
  connections: number[];
  durationSeconds: number;
  repeat: number;
  scenarios?: string[];
  out: string;
}

/** The flags checked and converted; a bad one throws a UsageError naming the option, the value and the rule. */
export function parseBenchFlags(flags: BenchFlags): BenchArguments {
  const connections = flags.connections.split(",").map((c) => integerIn("--connections", CONNECTIONS_RANGE)(c.trim()));
  const twice = connections.find((c, i) => connections.indexOf(c) !== i);
  if (twice !== undefined) throw new UsageError(`--connections (${flags.connections}) lists ${twice} twice`);
  const durationSeconds = integerIn("--duration", DURATION_RANGE, " (seconds)")(flags.duration);
  const repeat = integerIn("--repeat", REPEAT_RANGE)(flags.repeat);
  let scenarios: string[] | undefined;
  if (flags.scenarios !== undefined) {
    scenarios = flags.scenarios.split(",").map((s) => s.trim());
    try {
      selectScenarios(scenarios);
    } catch (err) {
      throw new UsageError(`--scenarios: ${(err as Error).message}`);
    }
  }
  if (flags.out === undefined || flags.out === "") throw new UsageError("--out <dir> is required: the directory for results.json, report.md and chart.svg");
  if (fs.existsSync(flags.out) && !fs.statSync(flags.out).isDirectory()) throw new UsageError(`--out (${flags.out}) is not a directory`);
  return { connections: [...connections].sort((a, b) => a - b), durationSeconds, repeat, ...(scenarios ? { scenarios } : {}), out: flags.out };
}

const say = (stream: NodeJS.WriteStream) => (line: string) => stream.write(`${line}\n`);

async function bench(flags: BenchFlags): Promise<void> {
  const args = parseBenchFlags(flags);
  if (!(await labStatus())) throw new BenchError("the lab is not running: npx webtier lab up");
  if ((await missingBinaries(["wrk"])).length > 0) throw new BenchError("wrk is not installed (apt-get install wrk): the bench's load comes from it");
  fs.mkdirSync(args.out, { recursive: true });

  const signals = abortOnSignals();
  try {
    const command = [
      "npx webtier bench", `--connections ${args.connections.join(",")}`, `--duration ${args.durationSeconds}`, `--repeat ${args.repeat}`,
      ...(args.scenarios ? [`--scenarios ${args.scenarios.join(",")}`] : []), `--out ${args.out}`,
    ].join(" ");
    const results = await runBench({ ...args, command, progress: say(process.stderr), log: say(process.stderr), signal: signals.signal });
    const report = renderReport(results);
    fs.writeFileSync(path.join(args.out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(path.join(args.out, "report.md"), report);
    fs.writeFileSync(path.join(args.out, "chart.svg"), renderChart(results.records));
    process.stderr.write(`bench: wrote ${OUTPUT_FILES.map((f) => path.join(args.out, f)).join(", ")}\n`);
    process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : report);
  } finally {
    signals.release();
  }
}

export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("static, direct, tuned and article side by side on the lab, and the sweeps behind webtier's defaults; results.json, report.md, chart.svg")
    .option("--connections <list>", `wrk connections, comma-separated, each ${CONNECTIONS_RANGE[0]}–${CONNECTIONS_RANGE[1]}`, DEFAULT_CONNECTIONS)
    .option("--duration <s>", `seconds per run, ${DURATION_RANGE[0]}–${DURATION_RANGE[1]}`, String(DEFAULT_DURATION))
    .option("--repeat <k>", `rounds (each figure is the median of k runs), ${REPEAT_RANGE[0]}–${REPEAT_RANGE[1]}`, String(DEFAULT_REPEAT))
    .option("--scenarios <list>", `comma-separated subset of: ${SCENARIOS.map((s) => s.name).join(", ")}`)
    .option("--out <dir>", "directory for results.json, report.md and chart.svg (created if missing; those files are replaced)")
    .option("--json", "results.json on stdout instead of the report")
    // commander's own refusals (an unknown option, a missing value) are usage errors too.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (flags: BenchFlags) => {
      try {
        await bench(flags);
      } catch (err) {
        process.stderr.write(`webtier bench: ${(err as Error).message}\n`);
        process.exit(err instanceof UsageError ? 2 : typeof process.exitCode === "number" && process.exitCode > 1 ? process.exitCode : 1);
      }
    });
}
