import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { AwsTiers, type AwsTiersArgs } from "../../components/aws";
import type { CreatedHost } from "../../components/host";
import { unwrapSecrets, valueOf } from "../support/pulumi";

// Shared mocks, fixtures and helpers for the AwsTiers tests (aws*.test.ts). Importing this module
// installs the Pulumi mocks, so a test file must import it before it constructs any resource.
// Mocks are process-global; vitest runs each test file in its own fork (vitest.config.ts), so each
// file builds only the scenario(s) it needs. Every record is attributed to its scenario by name
// prefix ("web", "byo", "nat", "rt", "as", "fw").

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  started: number;
  finished: number;
}
export const registered: Registered[] = [];
export const calls: { token: string; inputs: Record<string, unknown>; scenario: string }[] = [];
let scenario = "";
let clock = 0;

export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

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
const PUBLIC_IPS: Record<string, string> = { "web-lb-1": "203.0.113.10", "byo-lb-1": "203.0.113.21", "byo-lb-2": "203.0.113.22" };
export const publicKeyOf = (keyName: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${keyName.replace(/-/g, "")} \n`;
export const privateKeyOf = (keyName: string) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${keyName}\n-----END OPENSSH PRIVATE KEY-----\n`;
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
};
export const TAGGABLE = new Set([T.vpc, T.igw, T.table, T.subnet, T.eip, T.nat, T.sg, T.ingress, T.egress, T.keyPair, T.instance]);
// Route, RouteTableAssociation and tls keys have no tags; components are Pulumi-only.
export const UNTAGGABLE = new Set([T.route, T.assoc, T.tlsKey]);

export const USER_TAGS = { owner: "platform", "cost-center": "42" };
export const tagsFor = (name: string, extra: Record<string, string> = USER_TAGS) => ({ ...extra, "webtier:stack": "test", "webtier:project": "webtier", Name: name });
export const DEPLOY_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeployKeyForTests deploy@example";

export interface Captured {
  type: string;
  name: string;
  parent?: string;
  ignoreChanges?: string[];
}

export async function build(prefix: string, args: AwsTiersArgs) {
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

export type Built = Awaited<ReturnType<typeof build>>;
