import * as pulumi from "@pulumi/pulumi";
import type { SshAccess } from "./connection";
import type { RemoteHost } from "./host";
import { HostConfiguration } from "./hostConfiguration";

export interface NginxTierArgs {
  hosts: RemoteHost[];
  access: SshAccess;
  /** Per host, its encoded provision and activate bundles (each waits only for its own inputs). */
  provision: pulumi.Output<string>[];
  activate: pulumi.Output<string>[];
  /** nginx verifies requests through the app tier: every app host serves first. */
  after: pulumi.Resource[];
  /** Per host name, what must run before anything else on it (its host-key rotation). */
  ready?: Record<string, pulumi.Input<pulumi.Resource>[]>;
}

/**
 * nginx on M hosts, each with the upstream rendered from the app tier's private addresses. One host
 * at a time changes what it serves (a restart closes its port), after the whole app tier.
 */
export class NginxTier extends pulumi.ComponentResource {
  readonly hosts: HostConfiguration[];
  /** The last nginx host's activation: hosts that are retired wait for it. */
  readonly done: pulumi.Resource[];

  constructor(name: string, args: NginxTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:NginxTier", name, {}, opts);
    this.hosts = [];
    args.hosts.forEach((host, i) => {
      this.hosts.push(
        new HostConfiguration(`${name}-${host.name}`, {
          host,
          access: args.access,
          provision: args.provision[i]!,
          activate: args.activate[i]!,
          after: i === 0 ? args.after : [this.hosts[i - 1]!.done],
          ...(args.ready?.[host.name] ? { ready: args.ready[host.name]! } : {}),
        }, { parent: this }),
      );
    });
    this.done = this.hosts.slice(-1).map((h) => h.done);
    this.registerOutputs({});
  }
}
