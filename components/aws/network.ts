import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetLayout } from "./cidr";
import { AWS_DEFAULTS, type Egress } from "./defaults";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkNetwork, checkTags } from "./validate";

export interface AwsNetworkArgs {
  /** Bring your own network: with vpcId, both subnet lists are required and nothing is created. */
  vpcId?: pulumi.Input<string>;
  /** Subnets routed to an internet gateway (nginx hosts). */
  publicSubnetIds?: pulumi.Input<string>[];
  /** Subnets for app hosts; their egress is the owner's business. */
  privateSubnetIds?: pulumi.Input<string>[];
  /** Created network only. */
  vpcCidr?: string;
  azCount?: number;
  /** How private subnets of a created network reach package mirrors. */
  egress?: Egress;
  tags?: Tags;
}

/**
 * The VPC and subnets both tiers live in: either the caller's (ids passed through) or a new VPC
 * with one public and one private subnet per AZ, an internet gateway and, for egress "nat",
 * a NAT gateway.
 */
export class AwsNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** Resolve once the subnet is routed, so hosts placed in it can reach what they need. */
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly created: boolean;

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    assertValid([...checkNetwork(args), ...checkTags(args.tags)]);
    super("webtier:index:AwsNetwork", name, {}, opts);
    this.created = args.vpcId === undefined;
    if (args.vpcId !== undefined) {
      this.vpcId = pulumi.output(args.vpcId);
      this.publicSubnetIds = args.publicSubnetIds!.map((id) => pulumi.output(id));
      this.privateSubnetIds = args.privateSubnetIds!.map((id) => pulumi.output(id));
    } else {
      const created = this.createNetwork(name, args);
      this.vpcId = created.vpcId;
      this.publicSubnetIds = created.publicSubnetIds;
      this.privateSubnetIds = created.privateSubnetIds;
    }
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }

  private createNetwork(name: string, args: AwsNetworkArgs) {
    const vpcCidr = args.vpcCidr ?? AWS_DEFAULTS.vpcCidr;
    const azCount = args.azCount ?? AWS_DEFAULTS.azCount;
    const egress = args.egress ?? AWS_DEFAULTS.egress;
    const layout = subnetLayout(vpcCidr, azCount);
    const child = { parent: this };
    const tags = (n: string) => resourceTags(n, args.tags);

    // Only default AZs: Local and Wavelength Zones (opt-in) lack most instance types.
    const zones = aws.getAvailabilityZonesOutput(
      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
      child,
    );
    const zone = (i: number) =>
      zones.names.apply((names) => {
        if (i >= names.length) throw new Error(`aws.azCount (${azCount}) exceeds the ${names.length} availability zones of this region`);
        return names[i]!;
      });

    // DNS hostnames let hosts resolve each other's private names (and VPC endpoints, if added).
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: vpcCidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags(`${name}-vpc`) }, child);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags(`${name}-igw`) }, child);

    const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags(`${name}-public`) }, child);
    const internetRoute = new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, child);
    const publicSubnets = layout.public.map((cidr, i) => {
      const n = `${name}-public-${i + 1}`;
      // No automatic public IPs: instances ask for one explicitly (only nginx hosts do).
      return new aws.ec2.Subnet(n, { vpcId: vpc.id, cidrBlock: cidr, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: tags(n) }, child);
    });
    const publicAssociations = publicSubnets.map(
      (subnet, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: subnet.id, routeTableId: publicTable.id }, child),
    );

    // Private subnets get their own table even without NAT: explicit beats the VPC's main table,
    // and switching egress later adds or removes one route instead of re-associating subnets.
    const privateTable = new aws.ec2.RouteTable(`${name}-private`, { vpcId: vpc.id, tags: tags(`${name}-private`) }, child);
    let natRoute: aws.ec2.Route | undefined;
    if (egress === "nat") {
      // ONE NAT gateway, in the first public subnet: about $32/month plus $0.045/GB processed
      // (us-east-1). Per-AZ NAT gateways would survive an AZ outage but multiply that cost; app
      // hosts only need egress for packages, so losing it with its AZ is an accepted trade-off.
      const eip = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: tags(`${name}-nat`) }, child);
      const nat = new aws.ec2.NatGateway(
        `${name}-nat`,
        { allocationId: eip.id, subnetId: publicSubnets[0]!.id, tags: tags(`${name}-nat`) },
        // AWS: a NAT gateway needs the VPC's internet gateway to route anything.
        { parent: this, dependsOn: [igw] },
      );
      natRoute = new aws.ec2.Route(`${name}-private-default`, { routeTableId: privateTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, child);
    }
    const privateSubnets = layout.private.map((cidr, i) => {
      const n = `${name}-private-${i + 1}`;
      return new aws.ec2.Subnet(n, { vpcId: vpc.id, cidrBlock: cidr, availabilityZone: zone(i), mapPublicIpOnLaunch: false, tags: tags(n) }, child);
    });
    const privateAssociations = privateSubnets.map(
      (subnet, i) => new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: subnet.id, routeTableId: privateTable.id }, child),
    );

    // A subnet id that resolves only after its routes exist: hosts that use it are created once
    // they can reach the internet (nginx) or the NAT (app), not before.
    const routed = (subnet: aws.ec2.Subnet, deps: pulumi.Output<string>[]) =>
      pulumi.all([subnet.id, ...deps]).apply(([id]) => id);
    return {
      vpcId: vpc.id,
      publicSubnetIds: publicSubnets.map((s, i) => routed(s, [publicAssociations[i]!.id, internetRoute.id])),
      privateSubnetIds: privateSubnets.map((s, i) => routed(s, [privateAssociations[i]!.id, ...(natRoute ? [natRoute.id] : [])])),
    };
  }
}
