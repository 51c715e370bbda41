import { isNetworkAddress, parseCidr } from "./cidr";
import { AWS_DEFAULTS, EGRESS_MODES, FRONT_DOOR_MODES, MAX_AZ_COUNT, MIN_AZ_COUNT, type TierRole } from "./defaults";
import type { Tags } from "./tags";

// Synchronous checks of the plain (known at construction) arguments. One message style
// everywhere: `<key> (<value>) <rule>`, keys as the `webtier:aws` config names them.

export function show(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "undefined";
}

/** Throws one error listing every problem, so a user fixes them in one round. */
export function assertValid(errors: readonly string[]): void {
  const unique = [...new Set(errors)];
  if (unique.length > 0) throw new Error(unique.join("\n"));
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

export function checkPositiveInt(key: string, value: unknown): string[] {
  return isInt(value) && value > 0 ? [] : [`${key} (${show(value)}) must be a positive integer`];
}

export function checkPort(key: string, value: unknown): string[] {
  return isInt(value) && value >= 1 && value <= 65535 ? [] : [`${key} (${show(value)}) must be an integer from 1 to 65535`];
}

export function checkCidr(key: string, value: unknown): string[] {
  const cidr = typeof value === "string" ? parseCidr(value) : undefined;
  if (!cidr) return [`${key} (${show(value)}) must be an IPv4 CIDR such as 203.0.113.0/24`];
  // AWS normalises host bits away, which would show as a diff on every run.
  if (!isNetworkAddress(cidr)) return [`${key} (${show(value)}) must have zero host bits (a network address)`];
  return [];
}

export function checkAdminCidr(value: unknown): string[] {
  if (value === undefined) return ["aws.adminCidr (undefined) is required (the network allowed to SSH to the nginx hosts)"];
  const errors = checkCidr("aws.adminCidr", value);
  if (errors.length > 0) return errors;
  if (parseCidr(value as string)!.prefix === 0) return [`aws.adminCidr (${show(value)}) must not open SSH to the whole internet`];
  return [];
}

export function checkHttpCidrs(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) return [`aws.httpCidrs (${show(value)}) must list at least one CIDR`];
  const errors = value.flatMap((cidr, i) => checkCidr(`aws.httpCidrs[${i}]`, cidr));
  value.forEach((cidr, i) => {
    const first = value.indexOf(cidr);
    if (first !== i) errors.push(`aws.httpCidrs[${i}] (${show(cidr)}) duplicates aws.httpCidrs[${first}]`);
  });
  return errors;
}

export function checkTags(tags: Tags | undefined): string[] {
  if (tags === undefined) return [];
  return Object.entries(tags).flatMap(([key, value]) => {
    if (key.toLowerCase().startsWith("aws:")) return [`aws.tags.${key} (${show(value)}) must not use the aws: prefix (reserved by AWS)`];
    // Set by resourceTags on every resource; a caller's value would be overwritten silently.
    if (key.startsWith("webtier:") || key === "Name") return [`aws.tags.${key} (${show(value)}) must not be set (webtier sets it on every resource)`];
    if (typeof value !== "string") return [`aws.tags.${key} (${show(value)}) must be a string`];
    return [];
  });
}

export function checkEgress(value: unknown): string[] {
  return (EGRESS_MODES as readonly unknown[]).includes(value) ? [] : [`aws.egress (${show(value)}) must be one of ${EGRESS_MODES.join(", ")}`];
}

export interface NetworkShape {
  vpcId?: unknown;
  publicSubnetIds?: readonly unknown[];
  privateSubnetIds?: readonly unknown[];
  vpcCidr?: unknown;
  azCount?: unknown;
  egress?: unknown;
}

export function checkNetwork(args: NetworkShape): string[] {
  const errors = args.egress === undefined ? [] : checkEgress(args.egress);
  const subnetKeys = ["publicSubnetIds", "privateSubnetIds"] as const;
  if (args.vpcId !== undefined) {
    for (const key of subnetKeys) {
      const ids = args[key];
      if (!Array.isArray(ids) || ids.length === 0) errors.push(`aws.${key} (${show(ids)}) must list at least one subnet when aws.vpcId is set`);
    }
    for (const key of ["vpcCidr", "azCount"] as const) {
      if (args[key] !== undefined) errors.push(`aws.${key} (${show(args[key])}) must not be set with aws.vpcId (that network is not created here)`);
    }
    return errors;
  }
  for (const key of subnetKeys) {
    if (args[key] !== undefined) errors.push(`aws.${key} (${show(args[key])}) needs aws.vpcId (subnets of a VPC you bring)`);
  }
  if (args.vpcCidr !== undefined) {
    const cidrErrors = checkCidr("aws.vpcCidr", args.vpcCidr);
    errors.push(...cidrErrors);
    const prefix = cidrErrors.length === 0 ? parseCidr(args.vpcCidr as string)!.prefix : undefined;
    // AWS: VPCs are /16–/28, subnets at least /28; our subnets are /prefix+4.
    if (prefix !== undefined && (prefix < 16 || prefix > 24)) errors.push(`aws.vpcCidr (${show(args.vpcCidr)}) must have a prefix from /16 to /24`);
  }
  if (args.azCount !== undefined && !(isInt(args.azCount) && args.azCount >= MIN_AZ_COUNT && args.azCount <= MAX_AZ_COUNT)) {
    errors.push(`aws.azCount (${show(args.azCount)}) must be an integer from ${MIN_AZ_COUNT} to ${MAX_AZ_COUNT}`);
  }
  return errors;
}

const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

export function checkInstanceType(key: string, value: unknown): string[] {
  return typeof value === "string" && INSTANCE_TYPE_RE.test(value) ? [] : [`${key} (${show(value)}) must be an EC2 instance type such as t3.small`];
}

export function checkRootVolumeSize(value: unknown): string[] {
  // The Debian image's snapshot is 8 GiB; gp3 volumes go up to 16 TiB.
  return isInt(value) && value >= 8 && value <= 16384 ? [] : [`aws.rootVolumeSize (${show(value)}) must be an integer from 8 to 16384 (GiB)`];
}

export function checkTierCount(role: TierRole, value: unknown): string[] {
  return checkPositiveInt(`aws.${role}Count`, value);
}

// EC2 imports RSA and ED25519 keys only. The value is cut short in the message in case someone
// pasted the private key by mistake.
const PUBLIC_KEY_RE = /^(ssh-ed25519|ssh-rsa) [A-Za-z0-9+/]+=*( [^\n]*)?\n?$/;

export function checkSshPublicKey(value: unknown): string[] {
  if (value === undefined) return ["aws.sshPublicKey (undefined) is required (the deploy key's OpenSSH public key line)"];
  if (typeof value !== "string" || PUBLIC_KEY_RE.test(value)) return [];
  const shown = value.length > 16 ? `${value.slice(0, 16)}…` : value;
  return [`aws.sshPublicKey (${shown}) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line`];
}

export interface TlsShape {
  frontDoor?: unknown;
  nginxPort?: unknown;
  tlsPort?: unknown;
  tlsOffload?: unknown;
}

// ACM issues the certificates an NLB TLS listener uses here (any partition: aws, aws-cn, aws-us-gov).
const ACM_CERTIFICATE_ARN_RE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/** TLS ports: one listener (and one client-facing rule) per port; offload only at an NLB. */
export function checkTls(args: TlsShape): string[] {
  const errors: string[] = [];
  const nginxPort = args.nginxPort ?? AWS_DEFAULTS.nginxPort;
  if (args.tlsPort !== undefined && args.tlsPort === nginxPort) {
    errors.push(`aws.tlsPort (${show(args.tlsPort)}) must differ from aws.nginxPort (${show(nginxPort)}) (one listener per port)`);
  }
  if (args.tlsOffload === undefined) return errors;
  const offload = args.tlsOffload as { certificateArn?: unknown; targetPort?: unknown };
  if (typeof offload !== "object" || offload === null) return [...errors, `aws.tlsOffload (${show(offload)}) must be { certificateArn, targetPort }`];
  if ((args.frontDoor ?? "eip") !== "nlb") {
    errors.push(`aws.tlsOffload (${show(offload)}) needs aws.frontDoor nlb (only a load balancer terminates TLS for nginx)`);
  }
  if (typeof offload.certificateArn !== "string" || !ACM_CERTIFICATE_ARN_RE.test(offload.certificateArn)) {
    errors.push(`aws.tlsOffload.certificateArn (${show(offload.certificateArn)}) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>`);
  }
  const portErrors = checkPort("aws.tlsOffload.targetPort", offload.targetPort);
  errors.push(...portErrors);
  if (portErrors.length === 0 && offload.targetPort === nginxPort) {
    // nginx tells offloaded TLS from plain client HTTP by the port the connection arrives on.
    errors.push(`aws.tlsOffload.targetPort (${show(offload.targetPort)}) must differ from aws.nginxPort (${show(nginxPort)}) (nginx tells offloaded TLS from plain HTTP by port)`);
  }
  return errors;
}

export interface FrontDoorShape extends TlsShape {
  healthPath?: unknown;
  vpcId?: unknown;
  publicSubnetIds?: readonly unknown[];
}

const HEALTH_PATH_RE = /^\/[A-Za-z0-9._/-]*$/;

export function checkFrontDoor(args: FrontDoorShape): string[] {
  const errors = (FRONT_DOOR_MODES as readonly unknown[]).includes(args.frontDoor)
    ? []
    : [`aws.frontDoor (${show(args.frontDoor)}) must be one of ${FRONT_DOOR_MODES.join(", ")}`];
  errors.push(...checkTls(args));
  if (args.healthPath !== undefined && !(typeof args.healthPath === "string" && HEALTH_PATH_RE.test(args.healthPath))) {
    errors.push(`aws.healthPath (${show(args.healthPath)}) must be an absolute URL path such as /healthz`);
  }
  // An NLB needs subnets in two AZs at least (a created network has azCount >= 2 public subnets).
  const ids = args.publicSubnetIds;
  if (args.frontDoor === "nlb" && args.vpcId !== undefined && Array.isArray(ids) && ids.length > 0 && new Set(ids).size < 2) {
    errors.push(`aws.publicSubnetIds (${show(ids)}) must list at least 2 subnets in distinct availability zones when aws.frontDoor is nlb`);
  }
  return errors;
}
