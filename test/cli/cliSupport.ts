import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { stringify } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

/** A scratch directory removed by the caller (afterAll). */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A Pulumi.<stack>.yaml holding `values` as `webtier:*` keys (and an aws:region, as real files do). */
export function stackYaml(values: Record<string, unknown>): string {
  const config: Record<string, unknown> = { "aws:region": "eu-west-1" };
  for (const [key, value] of Object.entries(values)) config[`webtier:${key}`] = value;
  return stringify({ config });
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/webtier.js) in `cwd`; asynchronous so that table rows run side by side. */
export function webtier(cwd: string, ...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd });
}

/** Runs the real CLI with its arguments, working directory and environment (default: this one's). */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Node by its own path: a test may run the CLI with a PATH that has no node on it.
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "webtier.js"), ...args], { cwd: options.cwd, env: options.env ?? process.env, timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `webtier <command>` against an empty lab directory of its own (no lab is running there). */
export function runWithoutLab(scratchDir: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const labDir = fs.mkdtempSync(path.join(scratchDir, "lab-"));
  return runCli([command, ...args], { cwd: ROOT, env: { ...process.env, WEBTIER_LAB_DIR: labDir, ...env } });
}

/** stderr of a refused config: the header, then one line per problem. */
export function refusal(problems: string[]): string {
  return ["invalid webtier configuration:", ...problems.map((p) => `  - ${p}`), ""].join("\n");
}
