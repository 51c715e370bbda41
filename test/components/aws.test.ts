import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, test } from "vitest";
import { AwsTiers, type AwsTiersArgs } from "../../components/aws";
import type { RemoteHost } from "../../components/host";

// Mocks are process-global; vitest runs each test file in its own fork (vitest.config.ts).
// Two stacks' worth of resources are built here under different names ("web", "byo"); every
// record is attributed to its scenario by name prefix.

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  started: number;
  finished: number;
}
const registered: Registered[] = [];
const calls: { token: string; inputs: Record<string, unknown>; scenario: string }[] = [];
let scenario = "";
let clock = 0;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

const PRIVATE_IPS: Record<string, string> = {
  "web-lb-1": "10.0.0.10",
  "web-app-1": "10.0.128.11",
  "web-app-2": "10.0.144.12",
  "web-app-3": "10.0.128.13",
  "byo-lb-1": "172.31.0.10",
  "byo-lb-2": "172.31.16.10",
  "byo-app-1": "172.31.128.10",
  "byo-app-2": "172.31.144.10",
};
const PUBLIC_IPS: Record<string, string> = { "web-lb-1": "203.0.113.10", "byo-lb-1": "203.0.113.21", "byo-lb-2": "203.0.113.22" };
const publicKeyOf = (keyName: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${keyName.replace(/-/g, "")} \n`;
const privateKeyOf = (keyName: string) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyName}\n-----END OPENSSH PRIVATE KEY-----\n`;
// Slow mocks (ms) per scenario expose a host that does not wait for what it needs: NAT gateways
// take minutes, routes and rules seconds. One slow thing per scenario, so none masks another.
const DELAYS: Record<string, Record<string, number>> = {
  nat: { "aws:ec2/natGateway:NatGateway": 80 },
  rt: { "aws:ec2/route:Route": 80 },
  as: { "aws:ec2/routeTableAssociation:RouteTableAssociation": 80 },
  fw: { "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 80, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 80 },
};
let spareAddress = 0;

pulumi.runtime.setMocks(
  {
    newResource: async (args) => {
      const record: Registered = { type: args.type, name: args.name, inputs: args.inputs, started: ++clock, finished: 0 };
      registered.push(record);
      const delay = DELAYS[args.name.split("-")[0]!]?.[args.type];
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      record.finished = ++clock;
      switch (args.type) {
        case "aws:ec2/instance:Instance": {
          const privateIp = PRIVATE_IPS[args.name] ?? `10.9.0.${++spareAddress}`;
          const publicIp = args.inputs.associatePublicIpAddress ? (PUBLIC_IPS[args.name] ?? `198.18.0.${++spareAddress}`) : "";
          return { id: `i-${args.name}`, state: { ...args.inputs, privateIp, publicIp } };
        }
        case "tls:index/privateKey:PrivateKey":
          return { id: `${args.name}-id`, state: { ...args.inputs, publicKeyOpenssh: publicKeyOf(args.name), privateKeyOpenssh: privateKeyOf(args.name) } };
        case "aws:ec2/keyPair:KeyPair":
          return { id: `${args.name}-id`, state: { ...args.inputs, keyName: `${args.name}-keyname` } };
        default:
          return { id: `${args.name}-id`, state: args.inputs };
      }
    },
    call: (args) => {
      calls.push({ token: args.token, inputs: args.inputs, scenario });
      switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return { names: ["us-east-1a", "us-east-1b", "us-east-1c"], zoneIds: ["use1-az1", "use1-az2", "use1-az4"] };
        case "aws:ec2/getAmi:getAmi": {
          const arch = (args.inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "architecture")!.values[0];
          return { id: arch === "arm64" ? "ami-0debianarm64" : "ami-0debianamd64" };
        }
        default:
          throw new Error(`unexpected invoke ${args.token}`);
      }
    },
  },
  "webtier",
  "test",
  false,
);

/** Resolves an Output (or plain value) so a test can await it; an un-awaited apply proves nothing. */
function settle<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => {
    pulumi.output(value).apply((v) => {
      resolve(v as pulumi.Unwrap<T>);
      return v;
    });
  });
}

async function settleHost(host: RemoteHost) {
  const { instance, ...rest } = host;
  return {
    ...rest,
    address: await settle(host.address),
    privateAddress: await settle(host.privateAddress!),
    hostKey: await settle(host.hostKey!),
    identity: await settle(host.identity!),
    instanceIsResource: pulumi.Resource.isInstance(instance),
  };
}

const of = (prefix: string) => registered.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));
const byName = (prefix: string, type: string, name: string) => {
  const found = of(prefix).filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
};
function countByType(prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of of(prefix)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
const unwrapSecret = (value: any) => {
  expect(value?.[SECRET_SIG], "a secret input").toBe(SECRET_VALUE);
  return value.value;
};

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  igw: "aws:ec2/internetGateway:InternetGateway",
  table: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  subnet: "aws:ec2/subnet:Subnet",
  assoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  eip: "aws:ec2/eip:Eip",
  nat: "aws:ec2/natGateway:NatGateway",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  keyPair: "aws:ec2/keyPair:KeyPair",
  instance: "aws:ec2/instance:Instance",
  tlsKey: "tls:index/privateKey:PrivateKey",
};
const TAGGABLE = new Set([T.vpc, T.igw, T.table, T.subnet, T.eip, T.nat, T.sg, T.ingress, T.egress, T.keyPair, T.instance]);
// Route, RouteTableAssociation and tls keys have no tags; components are Pulumi-only.
const UNTAGGABLE = new Set([T.route, T.assoc, T.tlsKey]);

const USER_TAGS = { owner: "platform", "cost-center": "42" };
const tagsFor = (name: string, extra: Record<string, string> = USER_TAGS) => ({ ...extra, "webtier:stack": "test", "webtier:project": "webtier", Name: name });
const DEPLOY_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyForTests deploy@example";

interface Captured {
  type: string;
  name: string;
  parent?: string;
  ignoreChanges?: string[];
}

async function build(prefix: string, args: AwsTiersArgs) {
  scenario = prefix;
  const captured: Captured[] = [];
  // Legacy transformations run client-side, so they see resource options even under mocks.
  const tiers = new AwsTiers(prefix, args, {
    transformations: [
      (t) => {
        captured.push({ type: t.type, name: t.name, parent: (t.opts.parent as any)?.__name, ignoreChanges: t.opts.ignoreChanges });
        return undefined;
      },
    ],
  });
  // Every resource feeds an instance (subnets, rules, key pair, host keys), so once all hosts
  // resolve, every registration has happened.
  const nginxHosts = await Promise.all(tiers.nginxHosts.map(settleHost));
  const appHosts = await Promise.all(tiers.appHosts.map(settleHost));
  return { tiers, captured, nginxHosts, appHosts };
}

describe("AwsTiers: created VPC, NAT egress, 1 nginx + 3 app hosts", () => {
  let built: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    built = await build("web", { nginxCount: 1, appCount: 3, egress: "nat", adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY, tags: USER_TAGS });
  });

  test("creates exactly these resources", () => {
    expect(countByType("web")).toEqual({
      "webtier:index:AwsTiers": 1,
      "webtier:index:AwsNetwork": 1,
      "webtier:index:AwsSecurityGroups": 1,
      "webtier:index:AwsInstances": 2,
      "webtier:index:HostKeys": 2,
      [T.vpc]: 1,
      [T.igw]: 1,
      [T.table]: 2,
      [T.route]: 2,
      [T.subnet]: 4,
      [T.assoc]: 4,
      [T.eip]: 1,
      [T.nat]: 1,
      [T.sg]: 2,
      [T.ingress]: 5,
      [T.egress]: 2,
      [T.keyPair]: 1,
      [T.instance]: 4,
      [T.tlsKey]: 4,
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

  test("security groups allow exactly these ingress rules, and all egress", () => {
    const rules = of("web").filter((r) => r.type === T.ingress || r.type === T.egress).map((r) => [r.name, r.inputs]);
    const rule = (name: string, securityGroupId: string, port: number, from: object, description: string) => [
      name,
      { securityGroupId, ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description, tags: tagsFor(name) },
    ];
    const egress = (name: string, securityGroupId: string) => [name, { securityGroupId, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all outbound", tags: tagsFor(name) }];
    expect(Object.fromEntries(rules)).toEqual(
      Object.fromEntries([
        rule("web-sg-lb-http-0-0-0-0-0", "web-sg-lb-id", 80, { cidrIpv4: "0.0.0.0/0" }, "HTTP to nginx"),
        rule("web-sg-lb-https-0-0-0-0-0", "web-sg-lb-id", 443, { cidrIpv4: "0.0.0.0/0" }, "HTTPS to nginx"),
        rule("web-sg-lb-ssh-admin", "web-sg-lb-id", 22, { cidrIpv4: "198.51.100.0/24" }, "SSH from the admin network"),
        rule("web-sg-app-uwsgi-from-lb", "web-sg-app-id", 3031, { referencedSecurityGroupId: "web-sg-lb-id" }, "uWSGI from nginx hosts"),
        rule("web-sg-app-ssh-from-lb", "web-sg-app-id", 22, { referencedSecurityGroupId: "web-sg-lb-id" }, "SSH from nginx hosts (bastion)"),
        egress("web-sg-lb-egress", "web-sg-lb-id"),
        egress("web-sg-app-egress", "web-sg-app-id"),
      ]),
    );
    expect(rules).toHaveLength(7);
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

  test("a looked-up AMI is not followed on later runs (ignoreChanges), and every child has a parent", () => {
    const instances = built.captured.filter((c) => c.type === T.instance);
    expect(instances.map((c) => [c.name, c.ignoreChanges])).toEqual([
      ["web-lb-1", ["ami"]],
      ["web-app-1", ["ami"]],
      ["web-app-2", ["ami"]],
      ["web-app-3", ["ami"]],
    ]);
    const orphans = built.captured.filter((c) => c.name !== "web" && c.parent === undefined);
    expect(orphans).toEqual([]);
    expect(built.captured.filter((c) => c.type === T.instance).map((c) => c.parent)).toEqual(["web-lb", "web-app", "web-app", "web-app"]);
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
    expect(of("web").filter((r) => r.type === T.tlsKey).map((r) => [r.name, r.inputs])).toEqual(
      ["web-lb-hostkeys-1", "web-app-hostkeys-1", "web-app-hostkeys-2", "web-app-hostkeys-3"].map((n) => [n, { algorithm: "ED25519" }]),
    );
  });

  test("RemoteHost lists", () => {
    expect(built.nginxHosts).toEqual([
      {
        name: "lb-1",
        address: "203.0.113.10",
        privateAddress: "10.0.0.10",
        user: "admin",
        hostKey: publicKeyOf("web-lb-hostkeys-1").trim(),
        identity: "i-web-lb-1",
        instanceIsResource: true,
      },
    ]);
    expect(built.appHosts).toEqual(
      [1, 2, 3].map((i) => ({
        name: `app-${i}`,
        address: PRIVATE_IPS[`web-app-${i}`],
        privateAddress: PRIVATE_IPS[`web-app-${i}`],
        user: "admin",
        hostKey: publicKeyOf(`web-app-hostkeys-${i}`).trim(),
        identity: `i-web-app-${i}`,
        instanceIsResource: true,
      })),
    );
    expect(built.tiers.appHosts.map((h) => (h.instance as any).__name)).toEqual(["web-app-1", "web-app-2", "web-app-3"]);
  });

  test("component outputs", async () => {
    expect(await settle(built.tiers.vpcId)).toBe("web-net-vpc-id");
    expect(await settle(built.tiers.nginxSecurityGroupId)).toBe("web-sg-lb-id");
    expect(await settle(built.tiers.appSecurityGroupId)).toBe("web-sg-app-id");
    expect(await settle(built.tiers.publicAddresses)).toEqual(["203.0.113.10"]);
  });

  test("every taggable resource carries the stack, project, Name and user tags", () => {
    const unclassified = of("web").filter((r) => !r.type.startsWith("webtier:index:") && !TAGGABLE.has(r.type) && !UNTAGGABLE.has(r.type));
    expect(unclassified.map((r) => r.type)).toEqual([]);
    const taggable = of("web").filter((r) => TAGGABLE.has(r.type));
    expect(taggable).toHaveLength(24);
    for (const r of taggable) expect(r.inputs.tags, `${r.type} ${r.name}`).toEqual(tagsFor(r.name));
  });
});

describe("AwsTiers: brought VPC, proxy egress, own AMI", () => {
  let built: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    built = await build("byo", {
      nginxCount: 2,
      appCount: 2,
      vpcId: "vpc-0byo",
      publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
      privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
      egress: "proxy",
      ami: "ami-0custom",
      nginxInstanceType: "t4g.small",
      appInstanceType: "c7i.large",
      adminCidr: "192.0.2.7/32",
      httpCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
      nginxPort: 8080,
      uwsgiPort: 8000,
      proxyPort: 3142,
      rootVolumeSize: 30,
      sshPublicKey: DEPLOY_KEY,
    });
  });

  test("creates no network resources and invokes nothing", () => {
    expect(countByType("byo")).toEqual({
      "webtier:index:AwsTiers": 1,
      "webtier:index:AwsNetwork": 1,
      "webtier:index:AwsSecurityGroups": 1,
      "webtier:index:AwsInstances": 2,
      "webtier:index:HostKeys": 2,
      [T.sg]: 2,
      [T.ingress]: 8,
      [T.egress]: 2,
      [T.keyPair]: 1,
      [T.instance]: 4,
      [T.tlsKey]: 4,
    });
    expect(calls.filter((c) => c.scenario === "byo")).toEqual([]);
  });

  test("security groups in the brought VPC, with the proxy port open to app hosts only", () => {
    expect(byName("byo", T.sg, "byo-sg-lb").inputs.vpcId).toBe("vpc-0byo");
    expect(byName("byo", T.sg, "byo-sg-app").inputs.vpcId).toBe("vpc-0byo");
    const summary = of("byo")
      .filter((r) => r.type === T.ingress)
      .map((r) => `${r.inputs.securityGroupId} ${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort} from ${r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId}`)
      .sort();
    expect(summary).toEqual(
      [
        "byo-sg-lb-id tcp/8080-8080 from 203.0.113.0/24",
        "byo-sg-lb-id tcp/8080-8080 from 198.51.100.0/24",
        "byo-sg-lb-id tcp/443-443 from 203.0.113.0/24",
        "byo-sg-lb-id tcp/443-443 from 198.51.100.0/24",
        "byo-sg-lb-id tcp/22-22 from 192.0.2.7/32",
        "byo-sg-lb-id tcp/3142-3142 from byo-sg-app-id",
        "byo-sg-app-id tcp/8000-8000 from byo-sg-lb-id",
        "byo-sg-app-id tcp/22-22 from byo-sg-lb-id",
      ].sort(),
    );
  });

  test("instances spread over the brought subnets, use the given AMI and keep following it", () => {
    const placed = of("byo")
      .filter((r) => r.type === T.instance)
      .map((r) => [r.name, r.inputs.subnetId, r.inputs.ami, r.inputs.instanceType, r.inputs.associatePublicIpAddress, r.inputs.rootBlockDevice.volumeSize]);
    expect(Object.fromEntries(placed.map(([name, ...rest]) => [name, rest]))).toEqual({
      "byo-lb-1": ["subnet-pub-a", "ami-0custom", "t4g.small", true, 30],
      "byo-lb-2": ["subnet-pub-b", "ami-0custom", "t4g.small", true, 30],
      "byo-app-1": ["subnet-priv-a", "ami-0custom", "c7i.large", false, 30],
      "byo-app-2": ["subnet-priv-b", "ami-0custom", "c7i.large", false, 30],
    });
    expect(built.captured.filter((c) => c.type === T.instance).map((c) => c.ignoreChanges)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("tags without user tags", () => {
    for (const r of of("byo").filter((x) => TAGGABLE.has(x.type))) expect(r.inputs.tags, r.name).toEqual(tagsFor(r.name, {}));
  });

  test("RemoteHosts and outputs", async () => {
    expect(built.nginxHosts.map((h) => [h.name, h.address, h.privateAddress, h.identity])).toEqual([
      ["lb-1", "203.0.113.21", "172.31.0.10", "i-byo-lb-1"],
      ["lb-2", "203.0.113.22", "172.31.16.10", "i-byo-lb-2"],
    ]);
    expect(built.appHosts.map((h) => [h.name, h.address, h.privateAddress, h.identity])).toEqual([
      ["app-1", "172.31.128.10", "172.31.128.10", "i-byo-app-1"],
      ["app-2", "172.31.144.10", "172.31.144.10", "i-byo-app-2"],
    ]);
    expect(await settle(built.tiers.vpcId)).toBe("vpc-0byo");
    expect(await settle(built.tiers.publicAddresses)).toEqual(["203.0.113.21", "203.0.113.22"]);
  });
});

describe("creation order: hosts wait until they are reachable and can reach out", () => {
  const started = (prefix: string, name: string) => byName(prefix, T.instance, name).started;
  const finished = (prefix: string, type: string, name: string) => byName(prefix, type, name).finished;

  test("app hosts after the NAT route (slow NAT gateway)", async () => {
    await build("nat", { nginxCount: 1, appCount: 3, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    const natRoute = finished("nat", T.route, "nat-net-private-default");
    for (const name of ["nat-app-1", "nat-app-2", "nat-app-3"]) expect(started("nat", name), name).toBeGreaterThan(natRoute);
  });

  test("hosts after their subnet's default route (slow routes)", async () => {
    await build("rt", { nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    expect(started("rt", "rt-lb-1")).toBeGreaterThan(finished("rt", T.route, "rt-net-public-default"));
    expect(started("rt", "rt-app-1")).toBeGreaterThan(finished("rt", T.route, "rt-net-private-default"));
  });

  test("hosts after their subnet's route table association (slow associations)", async () => {
    await build("as", { nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    expect(started("as", "as-lb-1")).toBeGreaterThan(finished("as", T.assoc, "as-net-public-1"));
    expect(started("as", "as-app-1")).toBeGreaterThan(finished("as", T.assoc, "as-net-private-1"));
  });

  test("hosts after every rule of their security group (slow rules)", async () => {
    await build("fw", { nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    const rules = of("fw").filter((r) => r.type === T.ingress || r.type === T.egress);
    expect(rules).toHaveLength(7);
    for (const [instance, group] of [["fw-lb-1", "fw-sg-lb-id"], ["fw-app-1", "fw-sg-app-id"]] as const) {
      const own = rules.filter((r) => r.inputs.securityGroupId === group);
      expect(own.length).toBeGreaterThan(2);
      for (const rule of own) expect(started("fw", instance), `${instance} after ${rule.name}`).toBeGreaterThan(rule.finished);
    }
  });
});
