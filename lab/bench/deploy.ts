// A bench configuration deployed the way a user deploys one: `webtier lab up --config <file>` in a
// child process, with the lab's current host counts. Bounded in time; stoppable by its PID.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LabState } from "../index";
import { labUpArgs, writeDrillStackFile } from "../drill/drill";

const ROOT = path.resolve(__dirname, "..", "..");
/** A deploy that has not finished after this long is stopped and fails the bench. */
export const DEPLOY_TIMEOUT_MS = 15 * 60_000;

export interface Deployed {
  durationMs: number;
  output: string;
}

export class BenchDeployer {
  private child: ChildProcess | undefined;
  private count = 0;

  constructor(private readonly workDir: string) {}

  /** Deploys `settings` (stack settings, `webtier:` keys without the prefix); throws with lab up's last lines on failure. */
  async deploy(state: LabState, settings: Record<string, unknown>): Promise<Deployed> {
    const file = path.join(this.workDir, `stack-${++this.count}.yaml`);
    writeDrillStackFile(file, settings);
    const started = Date.now();
    const r = await this.labUp(labUpArgs(file, state));
    const output = `${r.stdout}${r.stderr}`;
    if (r.code !== 0) {
      throw new Error(`webtier lab up --config ${file} exited ${r.code}${r.timedOut ? ` (stopped after ${DEPLOY_TIMEOUT_MS / 60_000} min)` : ""}:\n${output.trim().split("\n").slice(-30).join("\n")}`);
    }
    fs.rmSync(file, { force: true });
    return { durationMs: Date.now() - started, output };
  }

  /** Stops a running deploy (SIGTERM to the `lab up` process it started). */
  stop(): void {
    const c = this.child;
    if (c?.pid !== undefined && c.exitCode === null && c.signalCode === null) process.kill(c.pid, "SIGTERM");
  }

  private labUp(args: string[]): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, "bin", "webtier.js"), "lab", "up", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      this.child = child;
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      const guard = setTimeout(() => {
        timedOut = true;
        this.stop();
      }, DEPLOY_TIMEOUT_MS);
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (err) => {
        clearTimeout(guard);
        reject(err);
      });
      child.on("close", (code, signal) => {
        clearTimeout(guard);
        this.child = undefined;
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
      });
    });
  }
}
