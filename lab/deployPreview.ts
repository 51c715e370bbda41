// The preview pass of a lab deploy, as `pulumi up` previews before applying: the program runs once
// with preview = true, the engine plans every resource against the state, runs the provider's
// Check, dials nothing. It runs in a child process: the SDK's monitor, config, stack resource and
// the program's module cache are process-global, and a second run of index.ts in one process
// would register every resource twice; a child gives the apply a runtime no preview touched.
// The inputs (deploy key included) travel on the child's stdin, the plan back as its last line.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { DeployEngine } from "./engine/engine";
import type { PlannedStep } from "./engine/format";
import { runProgram, type ProgramRun } from "./deployProgram";

export interface PreviewInput extends ProgramRun {
  owner: string;
  hostNames: Record<string, string>;
  stateFile?: string;
}

export interface PreviewOutcome {
  plan: PlannedStep[];
  /** One message per resource that failed the provider's Check. */
  checkFailures: string[];
  /** Any other failure of the preview run. */
  error?: string;
}

const RESULT_MARK = "@@lab-preview ";

/** Why the apply must not start (a Check failure, or the preview itself failed), else undefined. */
export function previewRefusal(outcome: PreviewOutcome): string | undefined {
  if (outcome.checkFailures.length > 0) return `preview failed, nothing applied:\n${outcome.checkFailures.join("\n")}`;
  if (outcome.error !== undefined) return `preview failed, nothing applied: ${outcome.error}`;
  return undefined;
}
const REPO_ROOT = path.resolve(__dirname, "..");

/** Runs the preview in a child process; its other output goes to `log` line by line. */
export function previewInChild(input: PreviewInput, log: (line: string) => void): Promise<PreviewOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", "tsx/cjs", __filename], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout.split("\n");
      const result = lines.find((l) => l.startsWith(RESULT_MARK));
      for (const line of lines) if (line !== "" && line !== result) log(line);
      if (!result) return reject(new Error(`lab preview exited ${code} without a plan:\n${stderr.trim()}`));
      resolve(JSON.parse(result.slice(RESULT_MARK.length)) as PreviewOutcome);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

async function childMain(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const input = JSON.parse(Buffer.concat(chunks).toString()) as PreviewInput;
  const engine = new DeployEngine({
    preview: true, hostNames: input.hostNames, owner: input.owner, log: (line) => console.log(line),
    ...(input.stateFile ? { stateFile: input.stateFile } : {}),
  });
  let error: string | undefined;
  try {
    await runProgram(engine, input, true);
    await engine.finish();
  } catch (err) {
    error = (err as Error).message;
  }
  const outcome: PreviewOutcome = { plan: engine.plan, checkFailures: engine.checkFailures, ...(error ? { error } : {}) };
  console.log(`${RESULT_MARK}${JSON.stringify(outcome)}`);
  process.exit(0);
}

if (require.main === module) void childMain();
