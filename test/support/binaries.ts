import { spawnSync } from "node:child_process";

/**
 * Real-binary checks never skip: a missing tool fails the test with the way to install it
 * (`scripts/install-prereqs.sh`, which `npm test` runs first).
 */
export function requireBinary(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === "") {
    throw new Error(`${name} is not installed: run scripts/install-prereqs.sh (npm test does)`);
  }
  return path;
}

export function run(cmd: string, args: string[], options: { cwd?: string } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, { encoding: "utf8", cwd: options.cwd, timeout: 60_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
