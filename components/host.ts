import type * as pulumi from "@pulumi/pulumi";

/**
 * A machine the configuration layer pushes to over SSH. Cloud-agnostic: the AWS layer produces
 * these from EC2 instances, existing-hosts mode from `webtier:hosts`.
 */
export interface RemoteHost {
  /** Host name (a DNS label): names the host's resources and its upstream entry. */
  name: string;
  /** Where SSH connects (through the bastion when one is given). */
  address: pulumi.Input<string>;
  /** Where the tiers talk to each other (uWSGI socket, upstream); defaults to `address`. */
  privateAddress?: pulumi.Input<string>;
  /** SSH user (root, or one with passwordless sudo); default root. */
  user?: string;
  /** SSH port; default 22. */
  port?: number;
  /** Pinned SSH host public key ("ssh-ed25519 AAAA…"). Without it the host key is not checked. */
  hostKey?: pulumi.Input<string>;
  /** Changes when the machine is replaced (an EC2 instance id): everything is pushed again. */
  identity?: pulumi.Input<string>;
  /** App hosts: upstream weight; default 1. */
  weight?: number;
  /** App hosts: failed attempts before nginx marks the host unavailable; default `upstream.maxFails`. */
  maxFails?: number;
  /** App hosts: seconds a failed host stays unavailable; default `upstream.failTimeout`. */
  failTimeout?: number;
  /** App hosts: serve only when every other host is unavailable. */
  backup?: boolean;
  /** App hosts: listed in the upstream but sent no requests. */
  down?: boolean;
}

/**
 * A host whose machine the stack itself created (the AWS layer's instances). When `instance` is
 * deleted the host is gone, so its commands are not run on destroy; and a machine that may still
 * be booting is dialed longer on first contact. Kept out of RemoteHost: a component package's
 * schema cannot describe an arbitrary resource, and existing hosts have none.
 */
export interface CreatedHost extends RemoteHost {
  instance: pulumi.Resource;
  /**
   * The machine first offers the key its user data installed (readable through the EC2 API and
   * the metadata service): a first command, pinned to it, installs the key `hostKey` names.
   */
  bootstrap?: { hostKey: pulumi.Input<string>; newHostPrivateKey: pulumi.Input<string> };
}

/** The host-key bootstrap of a host the stack created, if it has one. */
export function bootstrapOf(host: RemoteHost): CreatedHost["bootstrap"] {
  return (host as Partial<CreatedHost>).bootstrap;
}

/** The resource behind a host the stack created; undefined for an existing host. */
export function createdInstanceOf(host: RemoteHost): pulumi.Resource | undefined {
  return (host as Partial<CreatedHost>).instance;
}
