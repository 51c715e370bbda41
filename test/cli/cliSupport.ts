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
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "bin", "webtier.js"), args, { cwd, timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** stderr of a refused config: the header, then one line per problem. */
export function refusal(problems: string[]): string {
  return ["invalid webtier configuration:", ...problems.map((p) => `  - ${p}`), ""].join("\n");
}
