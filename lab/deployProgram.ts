// Runs the REAL Pulumi program (index.ts) once in this process under a DeployEngine, as `pulumi up`
// or `pulumi preview` would run it. Pulumi's monitor, config and the program's module are
// process-global: one run per process.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { DeployEngine } from "./engine/engine";
import { installEngine } from "./engine/monitor";

const REPO_ROOT = path.resolve(__dirname, "..");
const PROGRAM = path.join(REPO_ROOT, "index.ts");
// After a failure, let commands already running on hosts finish before reporting.
const DRAIN_MS = 2 * 60_000;

export interface ProgramRun {
  /** The program's entry file (default: the repo's index.ts). */
  program?: string;
  /** `webtier:*` config values, JSON-encoded, as `pulumi.runtime.setAllConfig` takes them. */
  config: Record<string, string>;
  secretKeys: string[];
  /** `app.source` resolves against the project directory: the stack file's, else the repo root. */
  projectDir?: string;
  timeoutMs: number;
}

export interface ProgramExports {
  url: string;
  /** The certificate chain nginx serves, when it terminates TLS. */
  tlsCertificate?: string;
}

// Internal SDK helper: resolves once every resource registration in flight has finished.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

function after<T>(ms: number, fn: () => T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(fn()), ms).unref());
}

let used = false;

/**
 * Resolves with the program's exports once every resource registered (in a preview, where the
 * exports may be unknown, with undefined). Rejects with the engine's first failure.
 */
export async function runProgram(engine: DeployEngine, run: ProgramRun, preview: boolean): Promise<ProgramExports | undefined> {
  if (used) throw new Error("one program run per process: Pulumi's monitor and config are process-global");
  used = true;
  installEngine(engine, "webtier", "lab", preview);
  pulumi.runtime.setAllConfig(run.config, run.secretKeys);
  // A failed registration surfaces as unhandled rejections in the SDK (the resource's and every
  // dependent's): the first one fails the run; later ones, even after it returned, are echoes of
  // a failure already reported. The handler stays for the life of the process.
  let reportRejection!: (err: Error) => void;
  const rejected = new Promise<Error>((resolve) => (reportRejection = resolve));
  process.on("unhandledRejection", (reason: unknown) => reportRejection(reason instanceof Error ? reason : new Error(String(reason))));
  const cwd = process.cwd();
  process.chdir(run.projectDir ?? REPO_ROOT);
  try {
    const program = require(run.program ?? PROGRAM) as {
      url: pulumi.Output<string>;
      tlsCertificate?: pulumi.Output<string | undefined>;
    };
    // In a preview the exports may stay unknown (their apply never runs): wait for the registrations only.
    const exported = preview
      ? Promise.resolve(undefined)
      : new Promise<ProgramExports>((resolve) => {
          pulumi.all([program.url, program.tlsCertificate]).apply(([url, tlsCertificate]) =>
            resolve({ url, ...(tlsCertificate === undefined ? {} : { tlsCertificate }) }));
        });
    // Every contender resolves (a stray rejection after the race would crash the CLI later).
    const outcome = await Promise.race([
      exported.then(async (v) => {
        // Exports resolve before the last commands (retire) registered: wait for all of them.
        await waitForRPCs();
        await engine.idle();
        return v;
      }),
      engine.failed,
      rejected,
      after(run.timeoutMs, () => new Error(`lab ${preview ? "preview" : "deploy"} did not finish within ${Math.round(run.timeoutMs / 60_000)} min`)),
    ]);
    if (outcome instanceof Error) throw outcome;
    if (engine.error) throw engine.error;
    return outcome;
  } catch (err) {
    await Promise.race([engine.idle(), after(DRAIN_MS, () => undefined)]);
    throw engine.error ?? err;
  } finally {
    process.chdir(cwd);
  }
}
