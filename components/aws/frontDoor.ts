import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_DEFAULTS, type FrontDoor, NLB_HEALTH_CHECK, NLB_TLS_POLICY, type TlsOffload } from "./defaults";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkFrontDoor, checkTags, checkTierCount } from "./validate";

/** Where nginx receives one kind of client traffic: one NLB target group each. */
export interface DoorTarget {
  /** Names the target group, its attachments and its security-group rules. */
  key: "http" | "https" | "offload";
  port: number;
}

/** One NLB listener, forwarding to its own target group. */
export interface DoorListener {
  key: "http" | "https";
  port: number;
  protocol: "TCP" | "TLS";
  target: DoorTarget;
}

export interface DoorPorts {
  nginxPort?: number;
  tlsPort?: number;
  tlsOffload?: TlsOffload;
}

/** The port clients use for TLS, if TLS is configured: nginx's (passthrough) or the NLB's (offload). */
export function clientTlsPort(args: DoorPorts): number | undefined {
  return args.tlsPort ?? (args.tlsOffload ? AWS_DEFAULTS.tlsPort : undefined);
}

/**
 * The NLB's listeners: HTTP on nginx's port, and with TLS one listener on the TLS port — TCP
 * passthrough to nginx's TLS port, or (tlsOffload) TLS terminated here and forwarded to nginx's
 * plain offload port. Security groups (securityGroups.ts) open exactly these ports.
 */
export function doorListeners(args: DoorPorts): DoorListener[] {
  const httpPort = args.nginxPort ?? AWS_DEFAULTS.nginxPort;
  const listeners: DoorListener[] = [{ key: "http", port: httpPort, protocol: "TCP", target: { key: "http", port: httpPort } }];
  const tlsPort = clientTlsPort(args);
  if (tlsPort !== undefined) {
    listeners.push(
      args.tlsOffload
        ? { key: "https", port: tlsPort, protocol: "TLS", target: { key: "offload", port: args.tlsOffload.targetPort } }
        : { key: "https", port: tlsPort, protocol: "TCP", target: { key: "https", port: tlsPort } },
    );
  }
  return listeners;
}

export interface AwsFrontDoorArgs extends DoorPorts {
  mode: FrontDoor;
  vpcId: pulumi.Input<string>;
  /** nlb: the NLB's subnets, one per AZ (at least two). */
  publicSubnetIds: pulumi.Input<string>[];
  /** nlb: the NLB's own security group (AwsSecurityGroups.loadBalancerSecurityGroupId). */
  securityGroupId?: pulumi.Input<string>;
  /** The nginx hosts by host name (`lb-1`, …): targets (nlb) or EIP owners (eip). */
  nginxHosts: { name: string; instanceId: pulumi.Input<string> }[];
  /** nginx's health location, checked over HTTP on nginx's port. */
  healthPath?: string;
  tags?: Tags;
}

/** What clients connect to. */
export interface FrontDoorOutputs {
  mode: FrontDoor;
  /** nlb: the NLB's DNS name. eip: the first nginx host's EIP public DNS name. */
  dnsName: pulumi.Output<string>;
  /** eip: each nginx host's Elastic IP, in host order. The NLB's addresses are not fixed. */
  addresses?: pulumi.Output<string[]>;
}

/**
 * One front door for the nginx tier. "nlb": an internet-facing Network Load Balancer across the
 * public subnets that preserves client IPs (nginx's ip_hash and logs see clients). "eip": an
 * Elastic IP per nginx host, so the address survives the host's replacement.
 */
export class AwsFrontDoor extends pulumi.ComponentResource {
  readonly mode: FrontDoor;
  readonly dnsName: pulumi.Output<string>;
  readonly addresses?: pulumi.Output<string[]>;
  /** eip: per host, its EIP's address resolving once associated (the address SSH dials). */
  readonly hostAddresses?: pulumi.Output<string>[];

  constructor(name: string, args: AwsFrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    assertValid([
      ...checkFrontDoor({ ...args, frontDoor: args.mode }),
      ...checkTierCount("nginx", args.nginxHosts.length),
      ...(args.mode === "nlb" && args.securityGroupId === undefined ? ["aws.frontDoor (nlb) needs the load balancer's security group (securityGroupId)"] : []),
      ...checkTags(args.tags),
    ]);
    super("webtier:index:AwsFrontDoor", name, {}, opts);
    this.mode = args.mode;
    if (args.mode === "nlb") {
      this.dnsName = this.createLoadBalancer(name, args);
    } else {
      const eips = this.createElasticIps(name, args);
      this.hostAddresses = eips.map((e) => e.address);
      this.addresses = pulumi.all(this.hostAddresses);
      this.dnsName = eips[0]!.dnsName;
    }
    this.registerOutputs({ mode: this.mode, dnsName: this.dnsName, addresses: this.addresses });
  }

  private createLoadBalancer(name: string, args: AwsFrontDoorArgs): pulumi.Output<string> {
    const child = { parent: this };
    const tags = (n: string) => resourceTags(n, args.tags);
    const httpPort = args.nginxPort ?? AWS_DEFAULTS.nginxPort;
    const nlb = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: "network",
        internal: false,
        subnets: args.publicSubnetIds,
        // Off by default for NLBs: each AZ's node would only reach the nginx hosts in its AZ.
        enableCrossZoneLoadBalancing: true,
        // An NLB created without a security group can never get one:
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html
        securityGroups: [args.securityGroupId!],
        tags: tags(name),
      },
      child,
    );
    for (const listener of doorListeners(args)) {
      const target = listener.target;
      const tgName = `${name}-${target.key}`;
      // No fixed name: a port change replaces the group, and create-before-delete needs a new name.
      const group = new aws.lb.TargetGroup(
        tgName,
        {
          vpcId: args.vpcId,
          targetType: "instance",
          protocol: "TCP",
          port: target.port,
          // Clients' addresses reach nginx (ip_hash, access logs); target security groups still
          // admit the NLB by its security group (securityGroups.ts).
          preserveClientIp: "true",
          healthCheck: {
            enabled: true,
            protocol: "HTTP",
            port: String(httpPort),
            path: args.healthPath ?? AWS_DEFAULTS.healthPath,
            matcher: NLB_HEALTH_CHECK.matcher,
            interval: NLB_HEALTH_CHECK.intervalSeconds,
            timeout: NLB_HEALTH_CHECK.timeoutSeconds,
            healthyThreshold: NLB_HEALTH_CHECK.healthyThreshold,
            unhealthyThreshold: NLB_HEALTH_CHECK.unhealthyThreshold,
          },
          tags: tags(tgName),
        },
        child,
      );
      const listenerName = `${name}-${listener.key}`;
      new aws.lb.Listener(
        listenerName,
        {
          loadBalancerArn: nlb.arn,
          port: listener.port,
          protocol: listener.protocol,
          ...(listener.protocol === "TLS" ? { certificateArn: args.tlsOffload!.certificateArn, sslPolicy: NLB_TLS_POLICY } : {}),
          defaultActions: [{ type: "forward", targetGroupArn: group.arn }],
          tags: tags(listenerName),
        },
        child,
      );
      // Named by host: a scale-out adds attachments and leaves the existing ones alone.
      for (const host of args.nginxHosts) {
        new aws.lb.TargetGroupAttachment(`${tgName}-${host.name}`, { targetGroupArn: group.arn, targetId: host.instanceId }, child);
      }
    }
    return nlb.dnsName;
  }

  private createElasticIps(name: string, args: AwsFrontDoorArgs) {
    const child = { parent: this };
    return args.nginxHosts.map((host) => {
      const n = `${name}-${host.name}`;
      const eip = new aws.ec2.Eip(n, { domain: "vpc", tags: resourceTags(n, args.tags) }, child);
      // A separate association, not Eip.instance: replacing the instance replaces only the
      // association (the provider ignores the old one's NotFound on delete, hashicorp/
      // terraform-provider-aws#3653), while moving Eip.instance fails with AlreadyAssociated under
      // create-before-delete (hashicorp/terraform-provider-aws#42). The EIP and its address stay.
      const association = new aws.ec2.EipAssociation(n, { allocationId: eip.id, instanceId: host.instanceId }, child);
      // Associating releases the instance's own public IP: SSH must wait for, and dial, the EIP.
      const address = pulumi.all([eip.publicIp, association.id]).apply(([ip]) => ip);
      const dnsName = pulumi.all([eip.publicDns, association.id]).apply(([dns]) => dns);
      return { address, dnsName };
    });
  }
}
