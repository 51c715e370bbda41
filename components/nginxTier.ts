import * as pulumi from "@pulumi/pulumi";
import type { SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { HostConfiguration } from "./hostConfiguration";
import { renderRetireScript, type HostPlan, type PlannedStep } from "./render";

export interface NginxTierArgs {
  hosts: RemoteHost[];
  access: SshAccess;
  shapes: PlannedStep[][];
  plans: pulumi.Output<HostPlan[]>;
  /** nginx verifies requests through the app tier: every app host serves first. */
  after: pulumi.Resource[];
}

/**
 * nginx on M hosts, each with the upstream rendered from the app tier's private addresses. One host
 * at a time changes what it serves (a restart closes its port), after the whole app tier.
 */
export class NginxTier extends pulumi.ComponentResource {
  readonly hosts: HostConfiguration[];

  constructor(name: string, args: NginxTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:NginxTier", name, {}, opts);
    this.hosts = [];
    args.hosts.forEach((host, i) => {
      this.hosts.push(
        new HostConfiguration(`${name}-${host.name}`, {
          host,
          access: args.access,
          shape: args.shapes[i]!,
          plan: args.plans.apply((plans) => plans[i]!),
          after: i === 0 ? args.after : [this.hosts[i - 1]!.done],
          retire: renderRetireScript("nginx", host.name),
        }, { parent: this }),
      );
    });
    this.registerOutputs({});
  }
}
