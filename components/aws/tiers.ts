import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedHost } from "../host";
import type { FrontDoor } from "./defaults";
import { AwsFrontDoor, type FrontDoorOutputs } from "./frontDoor";
import { AwsInstances, checkInstances } from "./instances";
import { AwsNetwork, type AwsNetworkArgs } from "./network";
import { AwsSecurityGroups, checkSecurityGroups, type AwsSecurityGroupsArgs } from "./securityGroups";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkFrontDoor, checkNetwork, checkSshPublicKey } from "./validate";

/** The network and security-group settings, plus the instances of both tiers. */
export interface AwsTiersArgs
  extends Omit<AwsNetworkArgs, "tags">,
    Omit<AwsSecurityGroupsArgs, "vpcId" | "tags" | "frontDoor"> {
  /** The effective front door (see defaultFrontDoor): an NLB, or an Elastic IP per nginx host. */
  frontDoor: FrontDoor;
  /** nginx's health location; the NLB checks it over HTTP on nginx's port. Default /healthz. */
  healthPath?: string;
  nginxCount: number;
  appCount: number;
  nginxInstanceType?: string;
  appInstanceType?: string;
  /** Both tiers' image. Default: newest Debian 12 per architecture, then kept (see instances.ts). */
  ami?: pulumi.Input<string>;
  /** The deploy key's OpenSSH public key line; the private half stays with the caller. */
  sshPublicKey: pulumi.Input<string>;
  rootVolumeSize?: number;
  tags?: Tags;
}

export function checkTiers(args: AwsTiersArgs): string[] {
  const shared = { rootVolumeSize: args.rootVolumeSize, tags: args.tags };
  return [
    ...checkInstances({ role: "nginx", count: args.nginxCount, instanceType: args.nginxInstanceType, ...shared }),
    ...checkInstances({ role: "app", count: args.appCount, instanceType: args.appInstanceType, ...shared }),
    ...checkNetwork(args),
    ...checkSecurityGroups(args),
    ...checkFrontDoor(args),
    ...checkSshPublicKey(args.sshPublicKey),
  ];
}

/**
 * Everything webtier needs on AWS: network, security groups, key pair and both tiers' instances,
 * handed on as hosts (CreatedHost) for the configuration layer.
 */
export class AwsTiers extends pulumi.ComponentResource {
  /** `lb-1`, `lb-2`, …: reached at their public IP (eip: their EIP, once associated); the bastion for app hosts. */
  readonly nginxHosts: CreatedHost[];
  /** `app-1`, `app-2`, …: reached at their private IP (through an nginx host). */
  readonly appHosts: CreatedHost[];
  readonly vpcId: pulumi.Output<string>;
  readonly nginxSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;
  /** nginx hosts' public IPs (eip: their Elastic IPs), in host order. */
  readonly publicAddresses: pulumi.Output<string[]>;
  /** What clients connect to: the NLB's DNS name, or the EIPs. */
  readonly frontDoor: FrontDoorOutputs;

  constructor(name: string, args: AwsTiersArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every problem at once, before a single resource is registered.
    assertValid(checkTiers(args));
    super("webtier:index:AwsTiers", name, {}, opts);
    const child = { parent: this };

    const network = new AwsNetwork(
      `${name}-net`,
      {
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        privateSubnetIds: args.privateSubnetIds,
        vpcCidr: args.vpcCidr,
        azCount: args.azCount,
        egress: args.egress,
        tags: args.tags,
      },
      child,
    );
    const groups = new AwsSecurityGroups(
      `${name}-sg`,
      {
        vpcId: network.vpcId,
        adminCidr: args.adminCidr,
        httpCidrs: args.httpCidrs,
        frontDoor: args.frontDoor,
        nginxPort: args.nginxPort,
        tlsPort: args.tlsPort,
        tlsOffload: args.tlsOffload,
        uwsgiPort: args.uwsgiPort,
        proxyPort: args.proxyPort,
        egress: args.egress,
        aptProxyPort: args.aptProxyPort,
        tags: args.tags,
      },
      child,
    );
    const keyPair = new aws.ec2.KeyPair(`${name}-deploy`, { publicKey: args.sshPublicKey, tags: resourceTags(`${name}-deploy`, args.tags) }, child);

    const tier = (role: "nginx" | "app") =>
      new AwsInstances(
        `${name}-${role === "nginx" ? "lb" : "app"}`,
        {
          role,
          count: role === "nginx" ? args.nginxCount : args.appCount,
          instanceType: role === "nginx" ? args.nginxInstanceType : args.appInstanceType,
          ami: args.ami,
          subnetIds: role === "nginx" ? network.publicSubnetIds : network.privateSubnetIds,
          securityGroupId: role === "nginx" ? groups.nginxSecurityGroupId : groups.appSecurityGroupId,
          keyName: keyPair.keyName,
          rootVolumeSize: args.rootVolumeSize,
          tags: args.tags,
        },
        child,
      );
    const nginx = tier("nginx");
    this.appHosts = tier("app").hosts;
    const door = new AwsFrontDoor(
      `${name}-door`,
      {
        mode: args.frontDoor,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        ...(groups.loadBalancerSecurityGroupId ? { securityGroupId: groups.loadBalancerSecurityGroupId } : {}),
        nginxHosts: nginx.hosts.map((host, i) => ({ name: host.name, instanceId: nginx.instances[i]!.id })),
        nginxPort: args.nginxPort,
        tlsPort: args.tlsPort,
        tlsOffload: args.tlsOffload,
        healthPath: args.healthPath,
        tags: args.tags,
      },
      child,
    );
    // eip: associating an EIP releases the instance's own public IP, so SSH dials the EIP, and
    // only once it is associated.
    const eipAddresses = door.hostAddresses;
    this.nginxHosts = eipAddresses ? nginx.hosts.map((host, i) => ({ ...host, address: eipAddresses[i]! })) : nginx.hosts;
    this.frontDoor = { mode: door.mode, dnsName: door.dnsName, ...(door.addresses ? { addresses: door.addresses } : {}) };

    this.vpcId = network.vpcId;
    this.nginxSecurityGroupId = groups.nginxSecurityGroupId;
    this.appSecurityGroupId = groups.appSecurityGroupId;
    this.publicAddresses = pulumi.all(this.nginxHosts.map((h) => h.address));
    this.registerOutputs({
      vpcId: this.vpcId,
      nginxSecurityGroupId: this.nginxSecurityGroupId,
      appSecurityGroupId: this.appSecurityGroupId,
      publicAddresses: this.publicAddresses,
      frontDoor: this.frontDoor,
    });
  }
}
