// Deploys the REAL Pulumi program (index.ts) to the lab's hosts as `pulumi up` does: a preview
// first (in a child process: plan per resource, the provider's Check, nothing dialed), printed;
// then the apply in this process, through the lab engine over SSH. The lab's hosts and the user's
// stack settings become the `webtier:*` config, the deploy key the secret `webtier:sshPrivateKey`.
// One deploy per process: Pulumi's monitor and config are process-global.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackFile } from "../components";
import { labStackConfig } from "./deployConfig";
import { previewInChild, previewRefusal } from "./deployPreview";
import { runProgram, type ProgramExports, type ProgramRun } from "./deployProgram";
import { DeployEngine, type EngineStats } from "./engine/engine";
import { planLines } from "./engine/format";
import { SshTransport } from "./engine/sshTransport";
import { withLabLock } from "./hosts/lock";
import { establishedSshConnections } from "./hosts/sshConnections";
import type { LabHost, LabState } from "./hosts/state";

const DEFAULT_TIMEOUT_MS = 40 * 60_000;

export interface DeployOptions {
  /** The lab (or the subset of its hosts) to deploy to. */
  state: LabState;
  /** A `Pulumi.<stack>.yaml`-like file: app source/module/packages, tuning. */
  stackFile?: string;
  /** Host name → pinned key to use instead of the lab's (tests pin a wrong one). */
  hostKeys?: Record<string, string>;
  /** Hosts that leave the stack but still run: listed in `hosts.retire`. */
  retire?: LabHost[];
  /** Another program than the repository's index.ts (tests deploy components directly). */
  program?: string;
  /**
   * Secret `webtier:*` values (e.g. appEnvironment), set as `pulumi config set --secret` would: a
   * stack file's encrypted ones cannot be read here.
   */
  secrets?: Record<string, unknown>;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export interface DeployStats extends EngineStats {
  /** Established connections to the bastion's sshd at the end of the run, before the held ones closed. */
  bastionPeakConnections?: number;
}

export interface DeployResult extends ProgramExports {
  stats: DeployStats;
  durationMs: number;
}

/** The bastion's host key is generated when the lab is created and removed with it. */
function labIdentity(state: LabState): string {
  const bastion = state.hosts.find((h) => h.name === state.bastion);
  if (!bastion) throw new Error(`lab bastion ${state.bastion} is not among the hosts to deploy`);
  return createHash("sha256").update(bastion.hostKey).digest("hex").slice(0, 16);
}

function programRun(opts: DeployOptions, log: (line: string) => void): ProgramRun {
  const stack = opts.stackFile === undefined ? undefined : readStackFile(opts.stackFile);
  if (stack && stack.secrets.length > 0) {
    log(`warning: ${stack.secrets.join(", ")} in ${opts.stackFile} ignored: the lab cannot decrypt Pulumi secrets`);
  }
  const { values, warnings } = labStackConfig(opts.state, stack?.values ?? {}, opts.hostKeys, opts.retire);
  for (const w of warnings) log(`warning: ${w}`);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) config[`webtier:${key}`] = JSON.stringify(value);
  config["webtier:sshPrivateKey"] = fs.readFileSync(opts.state.privateKeyPath, "utf8");
  const secretKeys = ["webtier:sshPrivateKey"];
  for (const [key, value] of Object.entries(opts.secrets ?? {})) {
    // As `pulumi config set --secret`: a string as it is (a PEM key), anything else as JSON.
    config[`webtier:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    secretKeys.push(`webtier:${key}`);
  }
  return {
    config, secretKeys, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.program ? { program: opts.program } : {}),
    ...(stack ? { projectDir: stack.baseDir } : {}),
  };
}

export async function deployLab(opts: DeployOptions): Promise<DeployResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const run = programRun(opts, log);
  const owner = labIdentity(opts.state);
  const hostNames: Record<string, string> = {};
  for (const h of [...opts.state.hosts, ...(opts.retire ?? [])]) hostNames[h.address] = hostNames[h.privateAddress] = h.name;
  const bastion = opts.state.hosts.find((h) => h.name === opts.state.bastion)!;

  return withLabLock(async () => {
    const started = Date.now();
    const preview = await previewInChild({ ...run, owner, hostNames }, log);
    for (const line of planLines(preview.plan)) log(line);
    const refusal = previewRefusal(preview);
    if (refusal !== undefined) throw new Error(refusal);

    const transport = new SshTransport(fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-ssh-")));
    const engine = new DeployEngine({ preview: false, transport, hostNames, log, owner });
    const stats: DeployStats = engine.stats;
    try {
      await engine.begin();
      const exported = (await runProgram(engine, run, false))!;
      await engine.finish(exported.url);
      return { ...exported, stats, durationMs: Date.now() - started };
    } finally {
      // Measured on the bastion itself before the run's held connections close: the provider
      // holds them until `pulumi up` exits, so this is the run's peak.
      stats.bastionPeakConnections = await establishedSshConnections(bastion).catch(() => undefined);
      await engine.closeHeld();
      transport.dispose();
    }
  });
}
