import type * as pulumi from "@pulumi/pulumi";

/**
 * A machine the configuration layer pushes to over SSH. Cloud-agnostic: the AWS layer produces
 * these from EC2 instances, existing-hosts mode from `webtier:hosts`.
 */
export interface RemoteHost {
  name: string;
  /** Where SSH connects (through `proxy` when set). */
  address: pulumi.Input<string>;
  /** Where the tiers talk to each other (uWSGI socket, upstream); defaults to `address`. */
  privateAddress?: pulumi.Input<string>;
  user?: string;
  port?: number;
  /** Pinned SSH host public key ("ssh-ed25519 AAAA…"). Without it the host key is not checked. */
  hostKey?: pulumi.Input<string>;
  /** Changes when the machine is replaced (an EC2 instance id): everything is pushed again. */
  identity?: pulumi.Input<string>;
  /** When this resource is deleted the host is gone: its commands are not run on destroy. */
  instance?: pulumi.Resource;
  /** Upstream weight, health and flags (app hosts). */
  weight?: number;
  maxFails?: number;
  failTimeout?: number;
  backup?: boolean;
  down?: boolean;
}
