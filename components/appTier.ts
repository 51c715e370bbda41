import * as pulumi from "@pulumi/pulumi";
import type { SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { HostConfiguration, type ReleaseUpload } from "./hostConfiguration";
import { ConfigError } from "./stackConfig";

export interface AppTierArgs {
  hosts: RemoteHost[];
  access: SshAccess;
  /** Per host, its encoded provision and activate bundles (each waits only for its own inputs). */
  provision: pulumi.Output<string>[];
  activate: pulumi.Output<string>[];
  release: ReleaseUpload;
  /** Hosts changed at once; each batch is healthy (its probe passed) before the next starts. */
  batchSize: number;
  /** Per host name, what runs before anything else on it: its key rotation, the bastion's provisioning. */
  ready?: Record<string, pulumi.Input<pulumi.Resource>[]>;
}

/** The rule on rollout.batchSize: how many app hosts change at once. */
export function checkBatchSize(batchSize: number): string[] {
  return Number.isInteger(batchSize) && batchSize >= 1 ? [] : [`rollout.batchSize (${batchSize}) must be a positive integer`];
}

/** uWSGI on N app hosts: provisioned all at once, activated batch by batch. */
export class AppTier extends pulumi.ComponentResource {
  readonly hosts: HostConfiguration[];
  /** The last command of every host: what the nginx tier waits for. */
  readonly done: pulumi.Resource[];

  constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = checkBatchSize(args.batchSize);
    if (problems.length > 0) throw new ConfigError(problems);
    super("webtier:index:AppTier", name, {}, opts);
    this.hosts = [];
    args.hosts.forEach((host, i) => {
      const batchStart = Math.floor(i / args.batchSize) * args.batchSize;
      const previousBatch = this.hosts.slice(Math.max(0, batchStart - args.batchSize), batchStart);
      this.hosts.push(
        new HostConfiguration(`${name}-${host.name}`, {
          host,
          access: args.access,
          provision: args.provision[i]!,
          activate: args.activate[i]!,
          release: args.release,
          after: previousBatch.map((c) => c.done),
          ...(args.ready?.[host.name] ? { ready: args.ready[host.name]! } : {}),
        }, { parent: this }),
      );
    });
    this.done = this.hosts.map((h) => h.done);
    this.registerOutputs({});
  }
}
