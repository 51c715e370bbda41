import { NGINX_DEFAULTS, UWSGI_DEFAULTS } from "../render/defaults";

// Every default of the AWS provisioning layer, in one place.

export type Egress = "nat" | "proxy";
export const EGRESS_MODES: readonly Egress[] = ["nat", "proxy"];

export type TierRole = "nginx" | "app";

export const AWS_DEFAULTS = {
  nginxInstanceType: "t3.small",
  appInstanceType: "t3.small",
  vpcCidr: "10.0.0.0/16",
  // Two AZs is the minimum for surviving the loss of one.
  azCount: 2,
  // Works without extra setup; "proxy" saves the NAT gateway's cost (see network.ts).
  egress: "nat" as Egress,
  httpCidrs: ["0.0.0.0/0"] as readonly string[],
  // Same ports the render layer configures nginx and uWSGI with.
  nginxPort: NGINX_DEFAULTS.port as number,
  httpsPort: 443,
  uwsgiPort: UWSGI_DEFAULTS.socketPort as number,
  sshPort: 22,
  // GiB; Debian's image is 8 GiB, the rest is room for logs, packages and the app.
  rootVolumeSize: 16,
  // Debian cloud images log in as "admin" (https://wiki.debian.org/Cloud/AmazonEC2Image).
  sshUser: "admin",
} as const;

// The subnet layout (cidr.ts) has 8 public and 8 private /prefix+4 slots; 2 AZs survive losing one.
export const MAX_AZ_COUNT = 8; // = PRIVATE_SLOT_OFFSET in cidr.ts
export const MIN_AZ_COUNT = 2;

/** Host names handed to the configuration layer: `lb-1`, `app-1`, … (DNS labels, stack-unique). */
export const HOST_PREFIX: Record<TierRole, string> = { nginx: "lb", app: "app" };
