import * as pulumi from "@pulumi/pulumi";
import type { remote, types } from "@pulumi/command";
import { bundleCommand, DEFAULT_SSH_PORT, DEFAULT_SSH_USER } from "./render";
import type { RemoteHost } from "./host";

// Bounded dialing: a host that never answers fails the deployment instead of hanging it.
const DIAL_ERROR_LIMIT = 10;
const PER_DIAL_TIMEOUT_SECONDS = 15;
// A fresh instance may take minutes to boot: its first command dials longer. Still bounded: the
// provider retries every failed dial, a host key mismatch included, so "unlimited" would turn a
// wrong pinned key into a 30-minute hang. 60 dials with backoff cover several minutes of boot.
// Through a bastion only the connect is really retried (a refused port while the machine boots):
// after a failed handshake every retry fails at once with "ssh: handshake failed: EOF"
// (pulumi-command v1.2.1 remote/connection.go `Dial`: NewClientConn again on the closed conn).
export const FIRST_CONTACT_DIAL_LIMIT = 60;

export interface SshAccess {
  /** OpenSSH private key text; always handled as a secret. */
  privateKey: pulumi.Input<string>;
  /** Jump host for hosts without a route from the deployer (app hosts behind the nginx tier). */
  bastion?: RemoteHost;
}

function endpoint(host: RemoteHost, privateKey: pulumi.Input<string>) {
  return {
    host: host.address,
    port: host.port ?? DEFAULT_SSH_PORT,
    user: host.user ?? DEFAULT_SSH_USER,
    privateKey: pulumi.secret(privateKey),
    ...(host.hostKey === undefined ? {} : { hostKey: host.hostKey }),
    dialErrorLimit: DIAL_ERROR_LIMIT,
    perDialTimeout: PER_DIAL_TIMEOUT_SECONDS,
  };
}

/**
 * How the provider reaches a host. On first contact the bastion may be booting as well (on AWS it
 * is created alongside the app hosts), and the provider dials it under the proxy's own limit: both
 * get the longer one.
 */
export function connectionFor(
  host: RemoteHost,
  access: SshAccess,
  options: { firstContact?: boolean } = {},
): types.input.remote.ConnectionArgs {
  const limit = options.firstContact ? { dialErrorLimit: FIRST_CONTACT_DIAL_LIMIT } : {};
  return {
    ...endpoint(host, access.privateKey),
    ...limit,
    ...(access.bastion ? { proxy: { ...endpoint(access.bastion, access.privateKey), ...limit } } : {}),
  };
}

/** Runs a step as root: through sudo (never prompting) unless the SSH user is root already. */
export function asRoot(host: RemoteHost, command: string): string {
  return (host.user ?? DEFAULT_SSH_USER) === "root" ? command : `sudo -n ${command}`;
}

export interface BundleRun {
  /** The encoded bundle (encodeBundle) the command reads from stdin. */
  stdin: pulumi.Input<string>;
  /** Bound on the host: `timeout` stops the whole command after this long. */
  seconds: number;
  triggers: pulumi.Input<string>[];
  firstContact?: boolean;
}

/** A remote Command that runs an encoded bundle as root on `host`: every webtier command is one. */
export function bundleCommandArgs(host: RemoteHost, access: SshAccess, run: BundleRun): remote.CommandArgs {
  return {
    connection: connectionFor(host, access, { firstContact: run.firstContact ?? false }),
    create: asRoot(host, bundleCommand(run.seconds)),
    stdin: run.stdin,
    triggers: run.triggers,
    addPreviousOutputInEnv: false,
  };
}
