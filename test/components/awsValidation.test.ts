import { describe, expect, test } from "vitest";
import {
  architectureOf,
  AwsInstances,
  AwsNetwork,
  AwsFrontDoor,
  AwsSecurityGroups,
  AwsTiers,
  renderHostKeyCloudConfig,
  subnetLayout,
  type AwsTiersArgs,
} from "../../components/aws";
import { isNetworkAddress, parseCidr, subnetCidr } from "../../components/aws/cidr";
// The fixture installs the Pulumi mocks on import. Validation happens before anything registers:
// each refusal proves none happened.
import { refusalOf } from "./awsFixture";

const DEPLOY_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyForTests deploy@example";
const valid: AwsTiersArgs = { frontDoor: "eip", nginxCount: 1, appCount: 2, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY };
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

describe("AwsTiers validation", () => {
  test("rejects an admin CIDR of the whole internet, before registering anything", async () => {
    expect(await refusalOf(() => new AwsTiers("v1", { ...valid, adminCidr: "0.0.0.0/0" }))).toBe(
      "aws.adminCidr (0.0.0.0/0) must not open SSH to the whole internet",
    );
    expect(await refusalOf(() => new AwsTiers("v2", { ...valid, adminCidr: "10.1.2.0/0" }))).toBe(
      "aws.adminCidr (10.1.2.0/0) must have zero host bits (a network address)",
    );
  });

  test("requires the admin CIDR and the deploy key", async () => {
    const { adminCidr: _a, sshPublicKey: _k, ...rest } = valid;
    expect(await refusalOf(() => new AwsTiers("v3", rest as AwsTiersArgs))).toBe(
      [
        "aws.adminCidr (undefined) is required (the network allowed to SSH to the nginx hosts)",
        "aws.sshPublicKey (undefined) is required (the deploy key's OpenSSH public key line)",
      ].join("\n"),
    );
  });

  test("lists every problem at once, one `<key> (<value>) <rule>` line each", async () => {
    const args = {
      ...valid,
      nginxCount: 0,
      appCount: 1.5,
      appInstanceType: "large",
      rootVolumeSize: 4,
      vpcCidr: "10.0.0.0/8",
      azCount: 1,
      egress: "vpn",
      adminCidr: "203.0.113.7",
      httpCidrs: ["203.0.113.0/24", "203.0.113.0/24", "2001:db8::/32"],
      nginxPort: 0,
      uwsgiPort: 70000,
      tags: { "aws:owner": "x", Name: "mine", team: "web" },
      sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret",
    } as unknown as AwsTiersArgs;
    expect((await refusalOf(() => new AwsTiers("v4", args))).split("\n")).toEqual([
      "aws.nginxCount (0) must be a positive integer",
      "aws.rootVolumeSize (4) must be an integer from 8 to 16384 (GiB)",
      "aws.tags.aws:owner (x) must not use the aws: prefix (reserved by AWS)",
      "aws.tags.Name (mine) must not be set (webtier sets it on every resource)",
      "aws.appCount (1.5) must be a positive integer",
      "aws.appInstanceType (large) must be an EC2 instance type such as t3.small",
      "aws.egress (vpn) must be one of nat, proxy",
      "aws.vpcCidr (10.0.0.0/8) must have a prefix from /16 to /24",
      "aws.azCount (1) must be an integer from 2 to 8",
      "aws.adminCidr (203.0.113.7) must be an IPv4 CIDR such as 203.0.113.0/24",
      "aws.httpCidrs[2] (2001:db8::/32) must be an IPv4 CIDR such as 203.0.113.0/24",
      "aws.httpCidrs[1] (203.0.113.0/24) duplicates aws.httpCidrs[0]",
      "aws.nginxPort (0) must be an integer from 1 to 65535",
      "aws.uwsgiPort (70000) must be an integer from 1 to 65535",
      "aws.sshPublicKey (-----BEGIN OPENS…) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line",
    ]);
  });

  test("bring-your-own network needs both subnet lists and excludes the created network's keys", async () => {
    expect(await refusalOf(() => new AwsTiers("v5", { ...valid, vpcId: "vpc-1", publicSubnetIds: ["subnet-1"], vpcCidr: "10.0.0.0/16", azCount: 3 }))).toBe(
      [
        "aws.privateSubnetIds (undefined) must list at least one subnet when aws.vpcId is set",
        "aws.vpcCidr (10.0.0.0/16) must not be set with aws.vpcId (that network is not created here)",
        "aws.azCount (3) must not be set with aws.vpcId (that network is not created here)",
      ].join("\n"),
    );
    expect(await refusalOf(() => new AwsTiers("v6", { ...valid, privateSubnetIds: ["subnet-2"] }))).toBe(
      'aws.privateSubnetIds (["subnet-2"]) needs aws.vpcId (subnets of a VPC you bring)',
    );
    expect(await refusalOf(() => new AwsTiers("v7", { ...valid, vpcId: "vpc-1", publicSubnetIds: [], privateSubnetIds: ["subnet-2"] }))).toBe(
      "aws.publicSubnetIds ([]) must list at least one subnet when aws.vpcId is set",
    );
  });

  test("empty httpCidrs and bad ports are rejected", async () => {
    expect(await refusalOf(() => new AwsTiers("v8", { ...valid, httpCidrs: [], proxyPort: -1 }))).toBe(
      ["aws.httpCidrs ([]) must list at least one CIDR", "aws.proxyPort (-1) must be an integer from 1 to 65535"].join("\n"),
    );
  });

  test("each component validates its own arguments too", async () => {
    expect(await refusalOf(() => new AwsSecurityGroups("v9", { vpcId: "vpc-1", adminCidr: "0.0.0.0/0" }))).toBe(
      "aws.adminCidr (0.0.0.0/0) must not open SSH to the whole internet",
    );
    expect(await refusalOf(() => new AwsNetwork("v10", { azCount: 9 }))).toBe("aws.azCount (9) must be an integer from 2 to 8");
    expect(await refusalOf(() => new AwsInstances("v11", { role: "app", count: 2, subnetIds: [], securityGroupId: "sg-1", keyName: "k" }))).toBe(
      "aws.privateSubnetIds ([]) must list at least one subnet",
    );
    expect(await refusalOf(() => new AwsSecurityGroups("v12", { vpcId: "vpc-1", adminCidr: "198.51.100.0/24", tlsOffload: { certificateArn: CERT, targetPort: 8443 } }))).toBe(
      `aws.tlsOffload ({"certificateArn":"${CERT}","targetPort":8443}) needs aws.frontDoor nlb (only a load balancer terminates TLS for nginx)`,
    );
    expect((await refusalOf(() => new AwsFrontDoor("v13", { mode: "nlb", vpcId: "vpc-1", publicSubnetIds: ["subnet-a"], nginxHosts: [] }))).split("\n")).toEqual([
      'aws.publicSubnetIds (["subnet-a"]) must list at least 2 subnets in distinct availability zones when aws.frontDoor is nlb',
      "aws.nginxCount (0) must be a positive integer",
      "aws.frontDoor (nlb) needs the load balancer's security group (securityGroupId)",
    ]);
  });
});

describe("subnet layout", () => {
  test("public slots 0…, private slots 8…, /prefix+4", () => {
    expect(subnetLayout("10.0.0.0/16", 3)).toEqual({
      public: ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
      private: ["10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"],
    });
    expect(subnetLayout("192.168.4.0/24", 2)).toEqual({
      public: ["192.168.4.0/28", "192.168.4.16/28"],
      private: ["192.168.4.128/28", "192.168.4.144/28"],
    });
  });

  test("growing azCount keeps the existing subnets' CIDRs", () => {
    const two = subnetLayout("10.0.0.0/16", 2);
    const four = subnetLayout("10.0.0.0/16", 4);
    expect(four.public.slice(0, 2)).toEqual(two.public);
    expect(four.private.slice(0, 2)).toEqual(two.private);
  });

  test("CIDR parsing", () => {
    expect(parseCidr("255.255.255.255/32")).toEqual({ address: 4294967295, prefix: 32 });
    for (const bad of ["10.0.0.256/16", "10.0.0.0/33", "10.0.0/16", "10.0.0.0", " 10.0.0.0/16"]) expect(parseCidr(bad), bad).toBeUndefined();
    expect(isNetworkAddress(parseCidr("10.0.0.0/16")!)).toBe(true);
    expect(isNetworkAddress(parseCidr("10.0.1.0/16")!)).toBe(false);
    expect(isNetworkAddress(parseCidr("0.0.0.0/0")!)).toBe(true);
    expect(() => subnetCidr("10.0.0.0/30", 4, 0)).toThrow("10.0.0.0/30 has no subnet 0 of /34");
  });
});

test("instance architecture picks the Debian image", () => {
  const arch = Object.fromEntries(
    ["t3.small", "t4g.small", "m7g.large", "c7gn.xlarge", "im4gn.large", "a1.medium", "g5g.xlarge", "g5.xlarge", "m7i-flex.large", "c6a.large", "x2gd.medium"].map((t) => [t, architectureOf(t)]),
  );
  expect(arch).toEqual({
    "t3.small": "x86_64",
    "t4g.small": "arm64",
    "m7g.large": "arm64",
    "c7gn.xlarge": "arm64",
    "im4gn.large": "arm64",
    "a1.medium": "arm64",
    "g5g.xlarge": "arm64",
    "g5.xlarge": "x86_64",
    "m7i-flex.large": "x86_64",
    "c6a.large": "x86_64",
    "x2gd.medium": "arm64",
  });
});

test("cloud-config installs exactly the generated ED25519 host key", () => {
  const text = renderHostKeyCloudConfig({
    privateKeyOpenssh: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----",
    publicKeyOpenssh: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey\n",
  });
  expect(text).toBe(
    [
      "#cloud-config",
      "ssh_deletekeys: true",
      "ssh_genkeytypes: []",
      "ssh_keys:",
      "  ed25519_private: |",
      "    -----BEGIN OPENSSH PRIVATE KEY-----",
      "    b3BlbnNzaC1rZXk=",
      "    -----END OPENSSH PRIVATE KEY-----",
      "  ed25519_public: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey",
      "",
    ].join("\n"),
  );
});
