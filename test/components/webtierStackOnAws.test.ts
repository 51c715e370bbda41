// WebtierStack on AWS: the machines AwsTiers creates become the tier's hosts, the first nginx host
// the bastion; behind the NLB the site's URL is the load balancer's name.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebtierStackConfig } from "../../components";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import { mocks, nlbDnsOf, publicDnsOf } from "./awsFixture";
import { makeTestPki } from "../render/testCertificates";
import { decodeBundle, parentRecorder, unwrapSecrets, valueOf } from "../support/pulumi";

const pki = makeTestPki();
afterAll(() => pki.cleanup());

let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

async function deploy(name: string, config: WebtierStackConfig, tlsKey?: string) {
  const { transformation, parents } = parentRecorder();
  const stack = new components.WebtierStack(name, { config, baseDir: process.cwd(), ...(tlsKey ? { tlsKey } : {}) }, {
    transformations: [transformation],
  });
  await valueOf(stack.stepOutputs);
  await mocks.idle();
  const mine = mocks.resources.filter((r) => r.name.startsWith(`${name}-`));
  const script = (step: string) => decodeBundle(unwrapSecrets(mine.find((r) => r.name === step)!.inputs.stdin));
  return { stack, mine, parents, script };
}

const AWS = { adminCidr: "198.51.100.0/24", frontDoor: "nlb", nginxCount: 2, appCount: 2 } as const;

describe("WebtierStack on AWS behind an NLB", () => {
  it("serves http at the load balancer's name, with the deploy key it generated as a secret", async () => {
    const { stack, mine, parents, script } = await deploy("ws", { aws: AWS });
    expect(await valueOf(stack.url)).toBe(`http://${nlbDnsOf("ws-aws-door")}/`);
    expect(await valueOf(stack.dnsName!)).toBe(nlbDnsOf("ws-aws-door"));
    expect(stack.tlsCertificate).toBeUndefined();
    expect(await pulumi.isSecret(stack.deployKey!)).toBe(true);
    // No host to retire, app hosts through the first nginx host.
    expect(mine.filter((r) => r.name.endsWith("-retire"))).toEqual([]);
    const appConnection = unwrapSecrets(mine.find((r) => r.name === "ws-app-1-provision")!.inputs.connection);
    expect(appConnection.proxy.host).toBe(await valueOf(stack.nginxAddresses.apply((a) => a[0]!)));
    // One ED25519 deploy key, and the AWS tiers, both the stack's children.
    expect(mine.find((r) => r.name === "ws-deploy-key")!.inputs).toEqual({ algorithm: "ED25519" });
    expect([parents.get("tls:index/privateKey:PrivateKey ws-deploy-key"), parents.get("webtier:index:AwsTiers ws-aws")]).toEqual(["ws", "ws"]);
    // nginx drains for as long as the NLB's health checks take to notice.
    expect(script("ws-lb-1-activate")).toContain("readonly DRAIN_SECONDS=25\n");
  });

  it("keeps a drain time the config sets", async () => {
    const { script } = await deploy("wd", { aws: AWS, nginx: { drainSeconds: 7 } });
    expect(script("wd-lb-2-activate")).toContain("readonly DRAIN_SECONDS=7\n");
  });

  it("serves https at the load balancer's name when nginx serves a certificate", async () => {
    const chain = pki.leaf.certificate + pki.intermediate.certificate;
    const { stack } = await deploy("wt", { aws: AWS, tls: { certificate: chain } }, pki.leaf.key);
    expect(await valueOf(stack.url)).toBe(`https://${nlbDnsOf("wt-aws-door")}/`);
    expect(await valueOf(stack.tlsCertificate!)).toBe(chain);
  });
});

describe("WebtierStack on AWS with an Elastic IP", () => {
  it("serves at the nginx host's address, names its DNS name, and does not drain", async () => {
    const { stack, script } = await deploy("we", { aws: { adminCidr: "198.51.100.0/24", frontDoor: "eip", appCount: 1 } });
    // The host's address is its Elastic IP (the fixture's spare 198.18.1.x range).
    const [address] = await valueOf(stack.nginxAddresses);
    expect(address).toMatch(/^198\.18\.1\.\d+$/);
    expect(await valueOf(stack.url)).toBe(`http://${address}/`);
    expect(await valueOf(stack.dnsName!)).toBe(publicDnsOf(address));
    expect(script("we-lb-1-activate")).toContain("readonly DRAIN_SECONDS=0\n");
  });
});
