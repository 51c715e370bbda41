import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { asRoot, connectionFor, type SshAccess } from "./connection";
import type { AppSource } from "./appSource";
import type { RemoteHost } from "./host";
import { REMOTE, sha256, shellQuote, type HostPlan, type PlannedStep } from "./render";
import { stepBundle } from "./stepFiles";

export interface HostConfigurationArgs {
  host: RemoteHost;
  access: SshAccess;
  /** The steps this host runs, known before any address is (their content may not be). */
  shape: PlannedStep[];
  /** This host's rendered plan, once every address it depends on is known. */
  plan: pulumi.Output<HostPlan>;
  /** The application, delivered to the step that has an `archivePath`. */
  app?: AppSource;
  /** Secret KEY=value lines for the app, written to the host through stdin only. */
  appEnvironment?: pulumi.Input<string>;
  /** Resources that must finish before this host starts (rolling order, the app tier). */
  after?: pulumi.Input<pulumi.Resource>[];
  /** Shell command run when the host leaves the stack, so a host that outlives it stays sane. */
  retire: string;
}

// Commands that wait on package installs or a rolling reload get bounded, generous timeouts.
const STEP_TIMEOUTS: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "5m" };

/**
 * Pushes one host's rendered files and runs its step scripts over SSH, in order. Each step is
 * content-addressed: unchanged content on the same machine means no remote command on `up`; new
 * content or a replaced machine (`identity`) runs it again.
 */
export class HostConfiguration extends pulumi.ComponentResource {
  /** The last command on the host: later hosts and tiers wait for it. */
  readonly done: remote.Command;
  /** Output of every step, for the user (`pulumi stack output`). */
  readonly stepOutputs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: HostConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:HostConfiguration", name, {}, opts);
    const { host, access } = args;
    const identity = host.identity ?? pulumi.output(host.address);
    const childOpts = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn,
      customTimeouts: STEP_TIMEOUTS,
      ...(host.instance ? { deletedWith: host.instance } : {}),
    });

    let previous: pulumi.Input<pulumi.Resource>[] = [];
    // Steps after the app environment re-run when it changes (uWSGI must restart to read it).
    let environment: pulumi.Input<string>[] = [];
    const outputs: Record<string, pulumi.Output<string>> = {};
    let last: remote.Command | undefined;
    args.shape.forEach((shape, index) => {
      const step = args.plan.apply((plan) => stepAt(plan, index, shape));
      const digest = step.apply(stepDigest);
      const stage = digest.apply((d) => `${REMOTE.stageRoot}/${shape.name}-${d.slice(0, 16)}`);
      const triggers = [digest, identity, ...environment];
      // Provisioning runs on every host at once; the last step (the one that changes what is
      // served) waits for `after`: the rolling order.
      if (index === args.shape.length - 1) previous = [...previous, ...(args.after ?? [])];

      // One copy per step that has files: a directory laid out as the host sees it from the stage.
      const copies =
        shape.files.length > 0 || shape.archivePath
          ? [
              new remote.CopyToRemote(
                `${name}-${shape.name}-files`,
                {
                  connection: connectionFor(host, access),
                  source: pulumi
                    .all([step, digest])
                    .apply(([s, d]) => new pulumi.asset.FileArchive(stepBundle(host.name, s, d, args.app))),
                  remotePath: stage,
                  triggers,
                },
                childOpts(previous),
              ),
            ]
          : [];

      const command = new remote.Command(
        `${name}-${shape.name}`,
        {
          connection: connectionFor(host, access, { firstContact: index === 0 }),
          // The script travels on stdin; the command line holds nothing but its stage directory.
          create: stage.apply((dir) => asRoot(host, `bash -s -- ${shellQuote(dir)}`)),
          stdin: step.apply((s) => s.script),
          triggers,
          addPreviousOutputInEnv: false,
        },
        childOpts([...previous, ...copies]),
      );
      outputs[shape.name] = command.stdout;
      previous = [command];
      last = command;

      // App secrets go in right before uWSGI is (re)started, which loads them.
      if (shape.name === "app" && args.appEnvironment !== undefined) {
        const env = this.appEnvironment(name, args, childOpts(previous), identity);
        previous = [env.command];
        environment = [env.digest];
      }
    });
    if (!last) throw new Error(`host ${host.name} has no steps`);
    this.done = last;

    new remote.Command(
      `${name}-retire`,
      {
        connection: connectionFor(host, access),
        create: "true",
        delete: asRoot(host, `bash -c ${shellQuote(args.retire)}`),
        triggers: [identity],
        addPreviousOutputInEnv: false,
      },
      { parent: this, dependsOn: [last], ...(host.instance ? { deletedWith: host.instance } : {}) },
    );

    this.stepOutputs = pulumi.all(outputs);
    this.registerOutputs({ stepOutputs: this.stepOutputs });
  }

  /** Writes the app's environment file from stdin; the uwsgi step restarts uWSGI to apply it. */
  private appEnvironment(
    name: string,
    args: HostConfigurationArgs,
    opts: pulumi.CustomResourceOptions,
    identity: pulumi.Input<string>,
  ): { command: remote.Command; digest: pulumi.Output<string> } {
    const env = pulumi.secret(args.appEnvironment!);
    // A hash, not the value: triggers are stored in state and shown in diffs.
    const digest = pulumi.secret(pulumi.output(env).apply((text) => sha256(text)));
    const install =
      `sh -c 'umask 077 && install -d -m 0755 /etc/webtier && cat > ${REMOTE.appEnv}.new && ` +
      `mv ${REMOTE.appEnv}.new ${REMOTE.appEnv}'`;
    const command = new remote.Command(
      `${name}-app-environment`,
      {
        connection: connectionFor(args.host, args.access),
        create: asRoot(args.host, install),
        stdin: env,
        triggers: [digest, identity],
        addPreviousOutputInEnv: false,
      },
      opts,
    );
    return { command, digest };
  }
}

function stepAt(plan: HostPlan, index: number, shape: PlannedStep): PlannedStep {
  const step = plan.steps[index];
  const sameShape =
    step !== undefined &&
    step.name === shape.name &&
    step.files.length === shape.files.length &&
    step.files.every((file, i) => file.path === shape.files[i]!.path);
  if (!sameShape) throw new Error(`host ${plan.host.name}: step ${index} (${shape.name}) changed shape after addresses resolved`);
  return step;
}

/** Content address of a step: its script, every file, and the release it installs. */
export function stepDigest(step: PlannedStep): string {
  const parts = [step.scriptName, step.script, ...step.files.flatMap((f) => [f.path, f.mode, f.content]), step.archivePath ?? ""];
  return sha256(parts.join("\0"));
}
