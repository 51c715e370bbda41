import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedHost } from "../host";
import { AwsInstances, checkInstances } from "./instances";
import { AwsNetwork, type AwsNetworkArgs } from "./network";
import { AwsSecurityGroups, checkSecurityGroups, type AwsSecurityGroupsArgs } from "./securityGroups";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkNetwork, checkSshPublicKey } from "./validate";

/** The network and security-group settings, plus the instances of both tiers. */
export interface AwsTiersArgs
  extends Omit<AwsNetworkArgs, "tags">,
    Omit<AwsSecurityGroupsArgs, "vpcId" | "tags"> {
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
    ...checkSshPublicKey(args.sshPublicKey),
  ];
}

/**
 * Everything webtier needs on AWS: network, security groups, key pair and both tiers' instances,
 * handed on as hosts (CreatedHost) for the configuration layer.
 */
export class AwsTiers extends pulumi.ComponentResource {
  /** `lb-1`, `lb-2`, …: reached at their public IP; the bastion for app hosts. */
  readonly nginxHosts: CreatedHost[];
  /** `app-1`, `app-2`, …: reached at their private IP (through an nginx host). */
  readonly appHosts: CreatedHost[];
  readonly vpcId: pulumi.Output<string>;
  readonly nginxSecurityGroupId: pulumi.Output<string>;
  readonly appSecurityGroupId: pulumi.Output<string>;
  /** nginx hosts' public IPs, in host order. */
  readonly publicAddresses: pulumi.Output<string[]>;

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
        nginxPort: args.nginxPort,
        httpsPort: args.httpsPort,
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
    this.nginxHosts = tier("nginx").hosts;
    this.appHosts = tier("app").hosts;

    this.vpcId = network.vpcId;
    this.nginxSecurityGroupId = groups.nginxSecurityGroupId;
    this.appSecurityGroupId = groups.appSecurityGroupId;
    this.publicAddresses = pulumi.all(this.nginxHosts.map((h) => h.address));
    this.registerOutputs({
      vpcId: this.vpcId,
      nginxSecurityGroupId: this.nginxSecurityGroupId,
      appSecurityGroupId: this.appSecurityGroupId,
      publicAddresses: this.publicAddresses,
    });
  }
}
