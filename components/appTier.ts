import * as pulumi from "@pulumi/pulumi";
import type { AppSource } from "./appSource";
import type { SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { HostConfiguration } from "./hostConfiguration";
import { renderRetireScript, type HostPlan, type PlannedStep } from "./render";
import { ConfigError } from "./stackConfig";

export interface AppTierArgs {
  hosts: RemoteHost[];
  access: SshAccess;
  /** Per host, the steps it runs (known before addresses are). */
  shapes: PlannedStep[][];
  /** Per host, its rendered plan. */
  plans: pulumi.Output<HostPlan[]>;
  app: AppSource;
  /** Secret KEY=value lines for the app. */
  appEnvironment?: pulumi.Input<string>;
  /** Hosts changed at once; each batch is healthy (its probe passed) before the next starts. */
  batchSize: number;
}

/** uWSGI on N app hosts, rolled out batch by batch. */
export class AppTier extends pulumi.ComponentResource {
  readonly hosts: HostConfiguration[];
  /** The last command of every host: what the nginx tier waits for. */
  readonly done: pulumi.Resource[];

  constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:AppTier", name, {}, opts);
    if (!Number.isInteger(args.batchSize) || args.batchSize < 1) {
      throw new ConfigError([`rollout.batchSize (${args.batchSize}) must be a positive integer`]);
    }
    this.hosts = [];
    args.hosts.forEach((host, i) => {
      const batchStart = Math.floor(i / args.batchSize) * args.batchSize;
      const previousBatch = this.hosts.slice(Math.max(0, batchStart - args.batchSize), batchStart);
      this.hosts.push(
        new HostConfiguration(`${name}-${host.name}`, {
          host,
          access: args.access,
          shape: args.shapes[i]!,
          plan: args.plans.apply((plans) => plans[i]!),
          app: args.app,
          ...(args.appEnvironment === undefined ? {} : { appEnvironment: args.appEnvironment }),
          after: previousBatch.map((c) => c.done),
          retire: renderRetireScript("app", host.name),
        }, { parent: this }),
      );
    });
    this.done = this.hosts.map((h) => h.done);
    this.registerOutputs({});
  }
}
