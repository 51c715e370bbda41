import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { bundleCommandArgs, connectionFor, type SshAccess } from "./connection";
import { createdInstanceOf, type RemoteHost } from "./host";
import { REMOTE } from "./render";

/** An app release to upload: a local directory (ending in "/") and its content id. */
export interface ReleaseUpload {
  dir: string;
  id: string;
}

export interface HostConfigurationArgs {
  host: RemoteHost;
  access: SshAccess;
  /** Encoded bundle (see renderHostBundle) of packages, kernel and firewall: runs on every host at once. */
  provision: pulumi.Input<string>;
  /** Encoded bundle of what changes what the host serves; secret when it carries the app's environment. */
  activate: pulumi.Input<string>;
  /** App hosts: the release the activation installs. */
  release?: ReleaseUpload;
  /** Resources the activation waits for (the rolling order, the app tier). */
  after?: pulumi.Input<pulumi.Resource>[];
  /** Resources the first command waits for (the machine's host-key rotation). */
  ready?: pulumi.Input<pulumi.Resource>[];
}

// Bounds on the host itself: the provider never stops a command that hangs (customTimeouts only
// abandon it). Package installs and a pip install each have their own shorter bounds inside.
const COMMAND_SECONDS = 40 * 60;
const STEP_TIMEOUTS: pulumi.CustomTimeouts = { create: "45m", update: "45m", delete: "5m" };

/** What identifies the machine behind a host: a new one gets everything again. */
export function machineIdentity(host: RemoteHost): pulumi.Input<string> {
  return host.identity ?? host.hostKey ?? host.name;
}

/**
 * Configures one host with at most three remote resources: `provision` and `activate` commands
 * that carry their files on stdin, and (app hosts) the release upload between them. Every input
 * of the upload is known at preview; the commands' content may not be, which the provider allows.
 * A change of content or connection is an update that runs the command again with everything it
 * needs; a new machine (identity) replaces them.
 */
export class HostConfiguration extends pulumi.ComponentResource {
  /** The host's first command (packages, kernel, firewall; the bastion's sshd). */
  readonly provisioned: remote.Command;
  /** The host's last command: later hosts and tiers wait for it. */
  readonly done: remote.Command;
  /** Output of each command, for the user (`pulumi stack output stepOutputs`). */
  readonly stepOutputs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: HostConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:HostConfiguration", name, {}, opts);
    const { host, access } = args;
    const instance = createdInstanceOf(host);
    const triggers = [machineIdentity(host)];
    const childOpts = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({
      parent: this,
      dependsOn,
      customTimeouts: STEP_TIMEOUTS,
      ...(instance ? { deletedWith: instance } : {}),
    });

    const provision = new remote.Command(
      `${name}-provision`,
      // A machine this stack just created may still be booting; an existing one is up, and a long
      // dial there would only delay reporting a wrong address or host key.
      bundleCommandArgs(host, access, { stdin: args.provision, seconds: COMMAND_SECONDS, triggers, firstContact: instance !== undefined }),
      childOpts(args.ready ?? []),
    );

    const uploads = args.release
      ? [
          new remote.CopyToRemote(
            `${name}-release`,
            {
              connection: connectionFor(host, access),
              source: new pulumi.asset.FileArchive(args.release.dir),
              remotePath: `${REMOTE.uploadRoot}/release-${args.release.id}`,
              triggers,
            },
            childOpts([provision]),
          ),
        ]
      : [];

    this.done = new remote.Command(
      `${name}-activate`,
      bundleCommandArgs(host, access, { stdin: args.activate, seconds: COMMAND_SECONDS, triggers }),
      childOpts([provision, ...uploads, ...(args.after ?? [])]),
    );

    this.provisioned = provision;
    this.stepOutputs = pulumi.all({ provision: provision.stdout, activate: this.done.stdout });
    // Not registered: each command's state holds its stdout already.
    this.registerOutputs({});
  }
}
