import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CreatedHost } from "../host";
import { architectureOf, lookupDebianAmi } from "./amis";
import { AWS_DEFAULTS, HOST_PREFIX, type TierRole } from "./defaults";
import { HostKeys } from "./hostKeys";
import { resourceTags, type Tags } from "./tags";
import { assertValid, checkInstanceType, checkRootVolumeSize, checkTags, checkTierCount, show } from "./validate";

export interface AwsInstancesArgs {
  /**
   * "nginx": public subnets, public IPs, reached at the public IP (with an EIP front door AwsTiers
   * swaps in the EIP: associating one releases this IP). "app": private subnets, no public IP.
   */
  role: TierRole;
  count: number;
  instanceType?: string;
  /** Default: the newest Debian 12 AMI for the instance type's architecture. */
  ami?: pulumi.Input<string>;
  /** Hosts are spread round-robin over these (one per AZ). */
  subnetIds: pulumi.Input<string>[];
  securityGroupId: pulumi.Input<string>;
  keyName: pulumi.Input<string>;
  rootVolumeSize?: number;
  tags?: Tags;
}

export function checkInstances(args: Partial<AwsInstancesArgs> & { role: TierRole }): string[] {
  const subnetKey = args.role === "nginx" ? "aws.publicSubnetIds" : "aws.privateSubnetIds";
  return [
    ...checkTierCount(args.role, args.count),
    ...(args.instanceType === undefined ? [] : checkInstanceType(`aws.${args.role}InstanceType`, args.instanceType)),
    ...(args.rootVolumeSize === undefined ? [] : checkRootVolumeSize(args.rootVolumeSize)),
    ...(args.subnetIds === undefined || args.subnetIds.length > 0 ? [] : [`${subnetKey} (${show(args.subnetIds)}) must list at least one subnet`]),
    ...checkTags(args.tags),
  ];
}

/** One tier's EC2 instances, each with a generated, pinned SSH host key. */
export class AwsInstances extends pulumi.ComponentResource {
  readonly instances: aws.ec2.Instance[];
  /** What the configuration layer pushes to: `lb-1`, `lb-2`, … or `app-1`, …. */
  readonly hosts: CreatedHost[];

  constructor(name: string, args: AwsInstancesArgs, opts?: pulumi.ComponentResourceOptions) {
    assertValid(checkInstances(args));
    super("webtier:index:AwsInstances", name, {}, opts);
    const isNginx = args.role === "nginx";
    const instanceType = args.instanceType ?? (isNginx ? AWS_DEFAULTS.nginxInstanceType : AWS_DEFAULTS.appInstanceType);
    const volumeSize = args.rootVolumeSize ?? AWS_DEFAULTS.rootVolumeSize;
    const ami = args.ami ?? lookupDebianAmi(architectureOf(instanceType), { parent: this });
    const hostKeys = new HostKeys(`${name}-hostkeys`, { count: args.count }, { parent: this });

    this.instances = hostKeys.userData.map((userData, i) => {
      const n = `${name}-${i + 1}`;
      const tags = resourceTags(n, args.tags);
      return new aws.ec2.Instance(
        n,
        {
          ami,
          instanceType,
          subnetId: args.subnetIds[i % args.subnetIds.length]!,
          vpcSecurityGroupIds: [args.securityGroupId],
          keyName: args.keyName,
          // Explicit both ways: a brought subnet that maps public IPs must not expose app hosts.
          associatePublicIpAddress: isNginx,
          // IMDSv2 only: session tokens stop SSRF-style metadata reads through a proxy.
          metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
          rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize, deleteOnTermination: true, tags },
          userData,
          // User data runs at first boot only: a new host key needs a new machine.
          userDataReplaceOnChange: true,
          tags,
        },
        // A looked-up AMI changes whenever Debian publishes an image; without this every `up`
        // after a release would replace every host. Set `ami` (or `up --replace`) to roll.
        { parent: this, ignoreChanges: args.ami === undefined ? ["ami"] : undefined },
      );
    });

    this.hosts = this.instances.map((instance, i) => ({
      name: `${HOST_PREFIX[args.role]}-${i + 1}`,
      address: isNginx ? instance.publicIp : instance.privateIp,
      privateAddress: instance.privateIp,
      user: AWS_DEFAULTS.sshUser,
      hostKey: hostKeys.rotatedPublicKeys[i]!,
      identity: instance.id,
      instance,
      bootstrap: { hostKey: hostKeys.publicKeys[i]!, newHostPrivateKey: hostKeys.rotatedPrivateKeys[i]! },
    }));
    this.registerOutputs({ instanceIds: this.instances.map((x) => x.id) });
  }
}
