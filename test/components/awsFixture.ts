import * as pulumi from "@pulumi/pulumi";
import { beforeEach, expect } from "vitest";
import { AwsTiers, type AwsTiersArgs } from "../../components/aws";
import type { CreatedHost } from "../../components/host";
import { mockPulumi, nameOf, SECRET_SIG, SECRET_VALUE, unwrapSecrets, valueOf } from "../support/pulumi";
import { refusal } from "../support/refusal";

// Shared mocks, fixtures and helpers for the AwsTiers tests (aws*.test.ts). Importing this module
// installs the Pulumi mocks, so a test file must import it before it constructs any resource.
// Mocks are process-global; vitest runs each test file in its own fork (vitest.config.ts), so each
// file builds only the scenario(s) it needs. Every record is attributed to its scenario by name
// prefix ("web", "byo", "nat", "rt", "as", "fw", and awsFrontDoor.test.ts's own).

export const calls: { token: string; inputs: Record<string, unknown>; scenario: string }[] = [];
let scenario = "";

export const PRIVATE_IPS: Record<string, string> = {
  "web-lb-1": "10.0.0.10",
  "web-app-1": "10.0.128.11",
  "web-app-2": "10.0.144.12",
  "web-app-3": "10.0.128.13",
  "byo-lb-1": "172.31.0.10",
  "byo-lb-2": "172.31.16.10",
  "byo-app-1": "172.31.128.10",
  "byo-app-2": "172.31.144.10",
};
export const PUBLIC_IPS: Record<string, string> = {
  "web-lb-1": "203.0.113.10",
  "byo-lb-1": "203.0.113.21",
  "byo-lb-2": "203.0.113.22",
  "nlb-lb-1": "203.0.113.31",
  "nlb-lb-2": "203.0.113.32",
};
/** Elastic IPs by EIP resource name; any other EIP gets a spare 198.18.1.x address. */
export const ELASTIC_IPS: Record<string, string> = {
  "web-door-lb-1": "203.0.113.110",
  "byo-door-lb-1": "203.0.113.121",
  "byo-door-lb-2": "203.0.113.122",
  "ep-door-lb-1": "203.0.113.141",
  "ep-door-lb-2": "203.0.113.142",
};
export const publicDnsOf = (ip: string) => `ec2-${ip.replace(/\./g, "-")}.compute-1.amazonaws.com`;
export const nlbDnsOf = (name: string) => `${name}-0123456789abcdef.elb.us-east-1.amazonaws.com`;
export const arnOf = (kind: "loadbalancer/net" | "targetgroup", name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:${kind}/${name}/0123456789abcdef`;
export const publicKeyOf = (keyName: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${keyName.replace(/-/g, "")} \n`;
export const privateKeyOf = (keyName: string) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyName}\n-----END OPENSSH PRIVATE KEY-----\n`;
// Slow mocks (ms) per scenario expose a host that does not wait for what it needs: NAT gateways
// take minutes, routes and rules seconds. One slow thing per scenario, so none masks another.
const DELAYS: Record<string, Record<string, number>> = {
  nat: { "aws:ec2/natGateway:NatGateway": 80 },
  rt: { "aws:ec2/route:Route": 80 },
  as: { "aws:ec2/routeTableAssociation:RouteTableAssociation": 80 },
  fw: { "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 80, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 80 },
  ea: { "aws:ec2/eipAssociation:EipAssociation": 80 },
};
let spareAddress = 0;

/** What each AWS resource answers beyond its inputs. */
function awsState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "aws:ec2/instance:Instance": {
      const privateIp = PRIVATE_IPS[name] ?? `10.9.0.${++spareAddress}`;
      const publicIp = inputs.associatePublicIpAddress ? (PUBLIC_IPS[name] ?? `198.18.0.${++spareAddress}`) : "";
      return { privateIp, publicIp };
    }
    case "tls:index/privateKey:PrivateKey":
      return { publicKeyOpenssh: publicKeyOf(name), privateKeyOpenssh: privateKeyOf(name) };
    case "aws:ec2/keyPair:KeyPair":
      return { keyName: `${name}-keyname` };
    case "aws:ec2/eip:Eip": {
      const publicIp = ELASTIC_IPS[name] ?? `198.18.1.${++spareAddress}`;
      return { allocationId: `${name}-id`, publicIp, publicDns: publicDnsOf(publicIp) };
    }
    case "aws:lb/loadBalancer:LoadBalancer":
      return { arn: arnOf("loadbalancer/net", name), dnsName: nlbDnsOf(name) };
    case "aws:lb/targetGroup:TargetGroup":
      return { arn: arnOf("targetgroup", name) };
    default:
      return {};
  }
}

/** The data sources AwsTiers reads; every call is recorded with the scenario that made it. */
const AWS_FUNCTIONS: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["us-east-1a", "us-east-1b", "us-east-1c"],
    zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
  }),
  "aws:ec2/getAmi:getAmi": (inputs) => {
    const arch = (inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "architecture")!.values[0];
    return { id: arch === "arm64" ? "ami-0debianarm64" : "ami-0debianamd64" };
  },
};

export const mocks = mockPulumi({
  delayMs: (type, name) => DELAYS[name.split("-")[0]!]?.[type] ?? 0,
  id: (type, name) => (type === "aws:ec2/instance:Instance" ? `i-${name}` : `${name}-id`),
  outputs: awsState,
  functions: Object.fromEntries(
    Object.entries(AWS_FUNCTIONS).map(([token, answer]) => [token, (inputs: Record<string, any>) => {
      calls.push({ token, inputs, scenario });
      return answer(inputs);
    }]),
  ),
});
export const registered = mocks.resources;

export async function settleHost(host: CreatedHost) {
  const { instance, bootstrap, ...rest } = host;
  return {
    ...rest,
    address: await valueOf(host.address),
    privateAddress: await valueOf(host.privateAddress!),
    hostKey: await valueOf(host.hostKey!),
    identity: await valueOf(host.identity!),
    instanceIsResource: pulumi.Resource.isInstance(instance),
    bootstrap: { hostKey: await valueOf(bootstrap!.hostKey), newHostPrivateKey: await valueOf(bootstrap!.newHostPrivateKey) },
  };
}

export const of = (prefix: string) => registered.filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`));
export const byName = (prefix: string, type: string, name: string) => {
  const found = of(prefix).filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0]!;
};
export function countByType(prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of of(prefix)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}
/** Unwraps one secret input, asserting it carries Pulumi's secret signature. */
export const unwrapSecret = (value: any) => {
  expect(value?.[SECRET_SIG], "a secret input").toBe(SECRET_VALUE);
  return unwrapSecrets(value);
};

export const T = {
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
  eipAssoc: "aws:ec2/eipAssociation:EipAssociation",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
};
export const TAGGABLE = new Set([T.vpc, T.igw, T.table, T.subnet, T.eip, T.nat, T.sg, T.ingress, T.egress, T.keyPair, T.instance, T.lb, T.targetGroup, T.listener]);
// Route, RouteTableAssociation, EipAssociation, TargetGroupAttachment and tls keys have no tags;
// components are Pulumi-only.
export const UNTAGGABLE = new Set([T.route, T.assoc, T.tlsKey, T.eipAssoc, T.attachment]);

export const USER_TAGS = { owner: "platform", "cost-center": "42" };
export const tagsFor = (name: string, extra: Record<string, string> = USER_TAGS) => ({ ...extra, "webtier:stack": "test", "webtier:project": "webtier", Name: name });
export const DEPLOY_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyForTests deploy@example";

export interface Captured {
  type: string;
  name: string;
  parent?: string;
  ignoreChanges?: string[];
  /** Names of the resources it explicitly waits for. */
  dependsOn: string[];
}

/** Builds the scenario without waiting for anything (see build). */
export function construct(prefix: string, args: AwsTiersArgs) {
  scenario = prefix;
  const captured: Captured[] = [];
  // Legacy transformations run client-side, so they see resource options even under mocks.
  const tiers = new AwsTiers(prefix, args, {
    transformations: [
      (t) => {
        const dependsOn = Array.isArray(t.opts.dependsOn) ? t.opts.dependsOn.map((r) => nameOf(r)!) : [];
        captured.push({ type: t.type, name: t.name, parent: nameOf(t.opts.parent), ignoreChanges: t.opts.ignoreChanges, dependsOn });
        return undefined;
      },
    ],
  });
  return { tiers, captured };
}

/** Removes what an earlier build of this scenario recorded, so a build's records are its own. */
function forget(prefix: string): void {
  const old = new Set(of(prefix));
  registered.splice(0, registered.length, ...registered.filter((r) => !old.has(r)));
  calls.splice(0, calls.length, ...calls.filter((c) => c.scenario !== prefix));
  spareAddress = 0;
}

export async function build(prefix: string, args: AwsTiersArgs) {
  forget(prefix);
  const { tiers, captured } = construct(prefix, args);
  const nginxHosts = await Promise.all(tiers.nginxHosts.map(settleHost));
  const appHosts = await Promise.all(tiers.appHosts.map(settleHost));
  await valueOf(tiers.frontDoor.dnsName);
  // Listeners and target-group attachments feed no output: wait until nothing is left to register.
  await mocks.idle();
  return { tiers, captured, nginxHosts, appHosts };
}

export type Built = Awaited<ReturnType<typeof build>>;

/**
 * The scenario, built afresh before each test of the enclosing describe. A build inside the test
 * (not once in beforeAll) is what ties the code it runs to the assertions that check it, which
 * mutation testing needs to judge those assertions.
 */
export function builtEachTest(prefix: string, args: AwsTiersArgs): () => Built {
  let built: Built | undefined;
  beforeEach(async () => {
    built = await build(prefix, args);
  });
  return () => built!;
}

/** The validation error `build` throws, asserting it registered nothing (see refusal). */
export const refusalOf = (build: () => unknown) => refusal(mocks, build);

// Front-door scenarios (awsFrontDoor*.test.ts): plain args and exact security-group rules.
export const FD_ADMIN = "198.51.100.7/32";
export const FD_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
export const fdBase = { appCount: 1, adminCidr: FD_ADMIN, sshPublicKey: DEPLOY_KEY, tags: {} } as const;
export const untagged = (name: string) => tagsFor(name, {});

export type Rule = [name: string, inputs: Record<string, any>];
/** [name, inputs] of one scenario's resources of one type, in registration order. */
export const inputsOf = (prefix: string, type: string): Rule[] => of(prefix).filter((r) => r.type === type).map((r) => [r.name, r.inputs]);
export const tcpRule = (name: string, securityGroupId: string, port: number, from: object, description: string): Rule => [
  name,
  { securityGroupId, ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description, tags: untagged(name) },
];
export const pmtuRule = (prefix: string): Rule => [
  `${prefix}-sg-nlb-icmp-pmtu`,
  { securityGroupId: `${prefix}-sg-nlb-id`, ipProtocol: "icmp", fromPort: 3, toPort: 4, cidrIpv4: "0.0.0.0/0", description: "path MTU discovery", tags: untagged(`${prefix}-sg-nlb-icmp-pmtu`) },
];
/** The rules every front-door scenario shares: SSH for the admin, nginx ↔ app, package mirrors through the NAT. */
export const tierRules = (prefix: string) => {
  const [lb, app] = [`${prefix}-sg-lb-id`, `${prefix}-sg-app-id`];
  const anywhere = { cidrIpv4: "0.0.0.0/0" };
  return {
    ingress: [
      tcpRule(`${prefix}-sg-lb-ssh-admin`, lb, 22, { cidrIpv4: FD_ADMIN }, "SSH from the admin network"),
      tcpRule(`${prefix}-sg-app-uwsgi-from-lb`, app, 3031, { referencedSecurityGroupId: lb }, "uWSGI from nginx hosts"),
      tcpRule(`${prefix}-sg-app-ssh-from-lb`, app, 22, { referencedSecurityGroupId: lb }, "SSH from nginx hosts (bastion)"),
    ],
    egress: [
      tcpRule(`${prefix}-sg-lb-egress-uwsgi`, lb, 3031, { referencedSecurityGroupId: app }, "uWSGI on app hosts"),
      tcpRule(`${prefix}-sg-lb-egress-ssh`, lb, 22, { referencedSecurityGroupId: app }, "SSH to app hosts (bastion)"),
      tcpRule(`${prefix}-sg-lb-egress-http`, lb, 80, anywhere, "package mirrors over HTTP"),
      tcpRule(`${prefix}-sg-lb-egress-https`, lb, 443, anywhere, "package mirrors over HTTPS"),
      tcpRule(`${prefix}-sg-app-egress-http`, app, 80, anywhere, "package mirrors over HTTP"),
      tcpRule(`${prefix}-sg-app-egress-https`, app, 443, anywhere, "package mirrors over HTTPS"),
    ],
  };
};
