// Deploys the REAL Pulumi program (index.ts) to the lab's hosts: the lab's hosts and the user's
// stack settings become the `webtier:*` config, the deploy key the secret `webtier:sshPrivateKey`,
// and the program runs under the lab executor, which performs its remote commands and copies.
// Pulumi's mocks and config are process-global: one deploy per process.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackFile } from "../components";
import { labStackConfig } from "./deployConfig";
import { LabExecutor, type ExecutorStats } from "./engine/executor";
import { withLabLock } from "./hosts/lock";
import type { LabState } from "./hosts/state";

const REPO_ROOT = path.resolve(__dirname, "..");
const PROGRAM = path.join(REPO_ROOT, "index.ts");
const DEFAULT_TIMEOUT_MS = 40 * 60_000;
// After a failure, let commands already running on hosts finish before reporting.
const DRAIN_MS = 2 * 60_000;

export interface DeployOptions {
  /** The lab (or the subset of its hosts) to deploy to. */
  state: LabState;
  /** A `Pulumi.<stack>.yaml`-like file: app source/module/packages, tuning. */
  stackFile?: string;
  /** Host name → pinned key to use instead of the lab's (tests pin a wrong one). */
  hostKeys?: Record<string, string>;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface DeployResult {
  url: string;
  stepOutputs: Record<string, Record<string, string>>;
  stats: ExecutorStats;
  durationMs: number;
}

let used = false;

/** The bastion's host key is generated when the lab is created and removed with it. */
function labIdentity(state: LabState): string {
  const bastion = state.hosts.find((h) => h.name === state.bastion);
  if (!bastion) throw new Error(`lab bastion ${state.bastion} is not among the hosts to deploy`);
  return createHash("sha256").update(bastion.hostKey).digest("hex").slice(0, 16);
}

// Internal SDK helper: resolves once every resource registration in flight has finished.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

function after<T>(ms: number, fn: () => T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(fn()), ms).unref());
}

export async function deployLab(opts: DeployOptions): Promise<DeployResult> {
  if (used) throw new Error("one lab deploy per process: Pulumi's mocks and config are process-global");
  used = true;
  const log = opts.log ?? ((line: string) => console.log(line));
  const stack = opts.stackFile === undefined ? undefined : readStackFile(opts.stackFile);
  if (stack && stack.secrets.length > 0) {
    log(`warning: ${stack.secrets.join(", ")} in ${opts.stackFile} ignored: the lab cannot decrypt Pulumi secrets`);
  }
  const { values, warnings } = labStackConfig(opts.state, stack?.values ?? {}, opts.hostKeys);
  for (const w of warnings) log(`warning: ${w}`);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) config[`webtier:${key}`] = JSON.stringify(value);
  config["webtier:sshPrivateKey"] = fs.readFileSync(opts.state.privateKeyPath, "utf8");
  const hostNames: Record<string, string> = {};
  for (const h of opts.state.hosts) hostNames[h.address] = hostNames[h.privateAddress] = h.name;

  return withLabLock(async () => {
    const started = Date.now();
    const executor = new LabExecutor({ hostNames, log, owner: labIdentity(opts.state) });
    await pulumi.runtime.setMocks(executor.mocks, "webtier", "lab", false);
    pulumi.runtime.setAllConfig(config, ["webtier:sshPrivateKey"]);
    // A failed registration surfaces as unhandled rejections in the SDK (the resource's and every
    // dependent's): the first one fails the deploy; later ones, even after it returned, are echoes
    // of a failure already reported. The handler stays for the life of the process.
    let reportRejection!: (err: Error) => void;
    const rejected = new Promise<Error>((resolve) => (reportRejection = resolve));
    process.on("unhandledRejection", (reason: unknown) => reportRejection(reason instanceof Error ? reason : new Error(String(reason))));
    const cwd = process.cwd();
    // `app.source` resolves against the project directory: the stack file's, else the repo root.
    process.chdir(stack?.baseDir ?? REPO_ROOT);
    try {
      const program = require(PROGRAM) as { url: pulumi.Output<string>; stepOutputs: pulumi.Output<DeployResult["stepOutputs"]> };
      const exported = new Promise<{ url: string; stepOutputs: DeployResult["stepOutputs"] }>((resolve) => {
        pulumi.all([program.url, program.stepOutputs]).apply(([url, stepOutputs]) => resolve({ url, stepOutputs }));
      });
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      // Every contender resolves (a stray rejection after the race would crash the CLI later).
      const outcome = await Promise.race([
        exported.then(async (v) => {
          // Exports resolve before the last commands (retire) registered: wait for all of them.
          await waitForRPCs();
          await executor.idle();
          return v;
        }),
        executor.failed,
        rejected,
        after(timeoutMs, () => new Error(`lab deploy did not finish within ${Math.round(timeoutMs / 60_000)} min`)),
      ]);
      if (outcome instanceof Error) throw outcome;
      if (executor.error) throw executor.error;
      await executor.finish(outcome.url);
      return { ...outcome, stats: executor.stats, durationMs: Date.now() - started };
    } catch (err) {
      await Promise.race([executor.idle(), after(DRAIN_MS, () => undefined)]);
      throw executor.error ?? err;
    } finally {
      process.chdir(cwd);
      executor.dispose();
    }
  });
}
