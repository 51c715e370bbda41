import { parse } from "yaml";
import { describe, expect, test } from "vitest";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import {
  builtEachTest,
  byName,
  calls,
  countByType,
  ELASTIC_IPS,
  DEPLOY_KEY,
  of,
  PRIVATE_IPS,
  privateKeyOf,
  publicDnsOf,
  publicKeyOf,
  T,
  TAGGABLE,
  tagsFor,
  UNTAGGABLE,
  unwrapSecret,
  USER_TAGS,
} from "./awsFixture";
import { nameOf, SECRET_SIG, SECRET_VALUE, valueOf } from "../support/pulumi";

describe("AwsTiers: created VPC, NAT egress, 1 nginx (Elastic IP, no TLS) + 3 app hosts", () => {
  const built = builtEachTest("web", { frontDoor: "eip", nginxCount: 1, appCount: 3, egress: "nat", adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY, tags: USER_TAGS });

  test("creates exactly these resources", () => {
    expect(countByType("web")).toEqual({
      "webtier:index:AwsTiers": 1,
      "webtier:index:AwsNetwork": 1,
      "webtier:index:AwsSecurityGroups": 1,
      "webtier:index:AwsInstances": 2,
      "webtier:index:HostKeys": 2,
      "webtier:index:AwsFrontDoor": 1,
      [T.vpc]: 1,
      [T.igw]: 1,
      [T.table]: 2,
      [T.route]: 2,
      [T.subnet]: 4,
      [T.assoc]: 4,
      // The NAT gateway's and nginx host lb-1's.
      [T.eip]: 2,
      [T.eipAssoc]: 1,
      [T.nat]: 1,
      [T.sg]: 2,
      // No HTTPS rule: without TLS nothing listens there.
      [T.ingress]: 4,
      [T.egress]: 6,
      [T.keyPair]: 1,
      [T.instance]: 4,
      [T.tlsKey]: 8,
    });
  });

  test("invokes only the AZ and Debian AMI lookups, with exact arguments", () => {
    const debianAmd64 = {
      owners: ["136693071363"],
      mostRecent: true,
      filters: [
        { name: "name", values: ["debian-12-amd64-*"] },
        { name: "architecture", values: ["x86_64"] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    };
    const made = calls.filter((c) => c.scenario === "web").map(({ token, inputs }) => ({ token, inputs }));
    expect(made).toHaveLength(3);
    expect(made).toEqual(
      expect.arrayContaining([
        { token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs: { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] } },
        { token: "aws:ec2/getAmi:getAmi", inputs: debianAmd64 },
      ]),
    );
    expect(made.filter((c) => c.token === "aws:ec2/getAmi:getAmi")).toEqual([
      { token: "aws:ec2/getAmi:getAmi", inputs: debianAmd64 },
      { token: "aws:ec2/getAmi:getAmi", inputs: debianAmd64 },
    ]);
  });

  test("VPC, subnets over two AZs, internet route, one NAT gateway for the private subnets", () => {
    expect(byName("web", T.vpc, "web-net-vpc").inputs).toEqual({ cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, tags: tagsFor("web-net-vpc") });
    const subnets = of("web").filter((r) => r.type === T.subnet).map((r) => [r.name, r.inputs]);
    expect(Object.fromEntries(subnets)).toEqual({
      "web-net-public-1": { vpcId: "web-net-vpc-id", cidrBlock: "10.0.0.0/20", availabilityZone: "us-east-1a", mapPublicIpOnLaunch: false, tags: tagsFor("web-net-public-1") },
      "web-net-public-2": { vpcId: "web-net-vpc-id", cidrBlock: "10.0.16.0/20", availabilityZone: "us-east-1b", mapPublicIpOnLaunch: false, tags: tagsFor("web-net-public-2") },
      "web-net-private-1": { vpcId: "web-net-vpc-id", cidrBlock: "10.0.128.0/20", availabilityZone: "us-east-1a", mapPublicIpOnLaunch: false, tags: tagsFor("web-net-private-1") },
      "web-net-private-2": { vpcId: "web-net-vpc-id", cidrBlock: "10.0.144.0/20", availabilityZone: "us-east-1b", mapPublicIpOnLaunch: false, tags: tagsFor("web-net-private-2") },
    });
    expect(byName("web", T.igw, "web-net-igw").inputs).toEqual({ vpcId: "web-net-vpc-id", tags: tagsFor("web-net-igw") });
    const routes = of("web").filter((r) => r.type === T.route).map((r) => [r.name, r.inputs]);
    expect(Object.fromEntries(routes)).toEqual({
      "web-net-public-default": { routeTableId: "web-net-public-id", destinationCidrBlock: "0.0.0.0/0", gatewayId: "web-net-igw-id" },
      "web-net-private-default": { routeTableId: "web-net-private-id", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "web-net-nat-id" },
    });
    const associations = of("web").filter((r) => r.type === T.assoc).map((r) => [r.name, r.inputs]);
    expect(Object.fromEntries(associations)).toEqual({
      "web-net-public-1": { subnetId: "web-net-public-1-id", routeTableId: "web-net-public-id" },
      "web-net-public-2": { subnetId: "web-net-public-2-id", routeTableId: "web-net-public-id" },
      "web-net-private-1": { subnetId: "web-net-private-1-id", routeTableId: "web-net-private-id" },
      "web-net-private-2": { subnetId: "web-net-private-2-id", routeTableId: "web-net-private-id" },
    });
    expect(byName("web", T.eip, "web-net-nat").inputs).toEqual({ domain: "vpc", tags: tagsFor("web-net-nat") });
    expect(byName("web", T.nat, "web-net-nat").inputs).toEqual({ allocationId: "web-net-nat-id", subnetId: "web-net-public-1-id", tags: tagsFor("web-net-nat") });
  });

  test("security groups allow exactly these rules: narrow ingress, and egress only where each tier needs it", () => {
    const rules = of("web").filter((r) => r.type === T.ingress || r.type === T.egress).map((r) => [r.name, r.inputs]);
    const rule = (name: string, securityGroupId: string, port: number, from: object, description: string) => [
      name,
      { securityGroupId, ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description, tags: tagsFor(name) },
    ];
    const anywhere = { cidrIpv4: "0.0.0.0/0" };
    expect(Object.fromEntries(rules)).toEqual(
      Object.fromEntries([
        rule("web-sg-lb-http-0-0-0-0-0", "web-sg-lb-id", 80, anywhere, "HTTP to nginx"),
        rule("web-sg-lb-ssh-admin", "web-sg-lb-id", 22, { cidrIpv4: "198.51.100.0/24" }, "SSH from the admin network"),
        rule("web-sg-app-uwsgi-from-lb", "web-sg-app-id", 3031, { referencedSecurityGroupId: "web-sg-lb-id" }, "uWSGI from nginx hosts"),
        rule("web-sg-app-ssh-from-lb", "web-sg-app-id", 22, { referencedSecurityGroupId: "web-sg-lb-id" }, "SSH from nginx hosts (bastion)"),
        rule("web-sg-lb-egress-uwsgi", "web-sg-lb-id", 3031, { referencedSecurityGroupId: "web-sg-app-id" }, "uWSGI on app hosts"),
        rule("web-sg-lb-egress-ssh", "web-sg-lb-id", 22, { referencedSecurityGroupId: "web-sg-app-id" }, "SSH to app hosts (bastion)"),
        rule("web-sg-lb-egress-http", "web-sg-lb-id", 80, anywhere, "package mirrors over HTTP"),
        rule("web-sg-lb-egress-https", "web-sg-lb-id", 443, anywhere, "package mirrors over HTTPS"),
        // Through the NAT gateway: package mirrors only.
        rule("web-sg-app-egress-http", "web-sg-app-id", 80, anywhere, "package mirrors over HTTP"),
        rule("web-sg-app-egress-https", "web-sg-app-id", 443, anywhere, "package mirrors over HTTPS"),
      ]),
    );
    expect(rules).toHaveLength(10);
    expect(rules.every(([, inputs]) => (inputs as { ipProtocol: string }).ipProtocol === "tcp")).toBe(true);
    expect(byName("web", T.sg, "web-sg-lb").inputs).toEqual({ vpcId: "web-net-vpc-id", description: "webtier nginx hosts", tags: tagsFor("web-sg-lb") });
    expect(byName("web", T.sg, "web-sg-app").inputs).toEqual({ vpcId: "web-net-vpc-id", description: "webtier uWSGI app hosts", tags: tagsFor("web-sg-app") });
  });

  test("key pair carries the caller's public key", () => {
    expect(byName("web", T.keyPair, "web-deploy").inputs).toEqual({ publicKey: DEPLOY_KEY, tags: tagsFor("web-deploy") });
  });

  test("instances: exact inputs, IMDSv2, encrypted gp3, public IP on nginx only, spread round-robin", () => {
    const instance = (name: string, subnetId: string, sg: string, publicIp: boolean) => {
      const { userData, ...inputs } = byName("web", T.instance, name).inputs;
      expect(userData[SECRET_SIG]).toBe(SECRET_VALUE);
      expect(inputs).toEqual({
        ami: "ami-0debianamd64",
        instanceType: "t3.small",
        subnetId,
        vpcSecurityGroupIds: [sg],
        keyName: "web-deploy-keyname",
        associatePublicIpAddress: publicIp,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 16, deleteOnTermination: true, tags: tagsFor(name) },
        userDataReplaceOnChange: true,
        tags: tagsFor(name),
      });
    };
    instance("web-lb-1", "web-net-public-1-id", "web-sg-lb-id", true);
    instance("web-app-1", "web-net-private-1-id", "web-sg-app-id", false);
    instance("web-app-2", "web-net-private-2-id", "web-sg-app-id", false);
    instance("web-app-3", "web-net-private-1-id", "web-sg-app-id", false);
  });

  test("the NAT gateway waits for the internet gateway, as AWS requires", () => {
    expect(built().captured.find((c) => c.type === T.nat)).toMatchObject({ name: "web-net-nat", dependsOn: ["web-net-igw"] });
  });

  test("a looked-up AMI is not followed on later runs (ignoreChanges), and every child has a parent", () => {
    const instances = built().captured.filter((c) => c.type === T.instance);
    expect(instances.map((c) => [c.name, c.ignoreChanges])).toEqual([
      ["web-lb-1", ["ami"]],
      ["web-app-1", ["ami"]],
      ["web-app-2", ["ami"]],
      ["web-app-3", ["ami"]],
    ]);
    const orphans = built().captured.filter((c) => c.name !== "web" && c.parent === undefined);
    expect(orphans).toEqual([]);
    // A resource registered without a parent would escape the transformation: every one is seen.
    const seen = new Set(built().captured.map((c) => `${c.type} ${c.name}`));
    expect(of("web").map((r) => `${r.type} ${r.name}`).filter((r) => !seen.has(r))).toEqual([]);
    expect(built().captured.filter((c) => c.type === T.instance).map((c) => c.parent)).toEqual(["web-lb", "web-app", "web-app", "web-app"]);
  });

  test("generated host keys reach cloud-init user data (secret) and RemoteHost.hostKey", () => {
    for (const [instanceName, keyName] of [
      ["web-lb-1", "web-lb-hostkeys-1"],
      ["web-app-1", "web-app-hostkeys-1"],
      ["web-app-3", "web-app-hostkeys-3"],
    ] as const) {
      const userData: string = unwrapSecret(byName("web", T.instance, instanceName).inputs.userData);
      expect(userData.startsWith("#cloud-config\n")).toBe(true);
      expect(parse(userData)).toEqual({
        ssh_deletekeys: true,
        ssh_genkeytypes: [],
        ssh_keys: { ed25519_private: privateKeyOf(keyName), ed25519_public: publicKeyOf(keyName).trim() },
      });
    }
    // Per machine a bootstrap key (in user data) and the key it offers once its first command ran.
    expect(of("web").filter((r) => r.type === T.tlsKey).map((r) => r.name).sort()).toEqual(
      ["web-lb-hostkeys-1", "web-app-hostkeys-1", "web-app-hostkeys-2", "web-app-hostkeys-3"].flatMap((n) => [n, `${n}-rotated`]).sort(),
    );
    expect(of("web").filter((r) => r.type === T.tlsKey).every((r) => JSON.stringify(r.inputs) === JSON.stringify({ algorithm: "ED25519" }))).toBe(true);
    // The rotated private key never reaches user data.
    for (const instance of of("web").filter((r) => r.type === T.instance)) {
      expect(unwrapSecret(instance.inputs.userData)).not.toContain("-rotated");
    }
  });

  test("the nginx host's Elastic IP, associated with its instance", () => {
    expect(byName("web", T.eip, "web-door-lb-1").inputs).toEqual({ domain: "vpc", tags: tagsFor("web-door-lb-1") });
    expect(byName("web", T.eipAssoc, "web-door-lb-1").inputs).toEqual({ allocationId: "web-door-lb-1-id", instanceId: "i-web-lb-1" });
  });

  test("RemoteHost lists: the nginx host is reached at its Elastic IP, not the instance's released public IP", () => {
    expect(built().nginxHosts).toEqual([
      {
        name: "lb-1",
        address: ELASTIC_IPS["web-door-lb-1"],
        privateAddress: "10.0.0.10",
        user: "admin",
        hostKey: publicKeyOf("web-lb-hostkeys-1-rotated").trim(),
        identity: "i-web-lb-1",
        instanceIsResource: true,
        bootstrap: { hostKey: publicKeyOf("web-lb-hostkeys-1").trim(), newHostPrivateKey: privateKeyOf("web-lb-hostkeys-1-rotated") },
      },
    ]);
    expect(built().appHosts).toEqual(
      [1, 2, 3].map((i) => ({
        name: `app-${i}`,
        address: PRIVATE_IPS[`web-app-${i}`],
        privateAddress: PRIVATE_IPS[`web-app-${i}`],
        user: "admin",
        hostKey: publicKeyOf(`web-app-hostkeys-${i}-rotated`).trim(),
        identity: `i-web-app-${i}`,
        instanceIsResource: true,
        bootstrap: { hostKey: publicKeyOf(`web-app-hostkeys-${i}`).trim(), newHostPrivateKey: privateKeyOf(`web-app-hostkeys-${i}-rotated`) },
      })),
    );
    expect(built().tiers.appHosts.map((h) => nameOf(h.instance))).toEqual(["web-app-1", "web-app-2", "web-app-3"]);
  });

  test("component outputs", async () => {
    expect(await valueOf(built().tiers.vpcId)).toBe("web-net-vpc-id");
    expect(await valueOf(built().tiers.nginxSecurityGroupId)).toBe("web-sg-lb-id");
    expect(await valueOf(built().tiers.appSecurityGroupId)).toBe("web-sg-app-id");
    expect(await valueOf(built().tiers.publicAddresses)).toEqual(["203.0.113.110"]);
    expect(built().tiers.frontDoor.mode).toBe("eip");
    expect(await valueOf(built().tiers.frontDoor.dnsName)).toBe(publicDnsOf("203.0.113.110"));
    expect(await valueOf(built().tiers.frontDoor.addresses!)).toEqual(["203.0.113.110"]);
  });

  test("every taggable resource carries the stack, project, Name and user tags", () => {
    const unclassified = of("web").filter((r) => !r.type.startsWith("webtier:index:") && !TAGGABLE.has(r.type) && !UNTAGGABLE.has(r.type));
    expect(unclassified.map((r) => r.type)).toEqual([]);
    const taggable = of("web").filter((r) => TAGGABLE.has(r.type));
    expect(taggable).toHaveLength(28);
    for (const r of taggable) expect(r.inputs.tags, `${r.type} ${r.name}`).toEqual(tagsFor(r.name));
  });
});
