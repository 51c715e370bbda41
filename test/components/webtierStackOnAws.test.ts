// WebtierStack on AWS: the machines AwsTiers creates become the tier's hosts, the first nginx host
// the bastion; behind the NLB the site's URL is the load balancer's name.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebtierStackConfig } from "../../components";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import { mocks, nlbDnsOf } from "./awsFixture";
import { makeTestPki } from "../render/testCertificates";
import { unwrapSecrets, valueOf } from "../support/pulumi";

const pki = makeTestPki();
afterAll(() => pki.cleanup());

let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

async function deploy(name: string, config: WebtierStackConfig, tlsKey?: string) {
  const stack = new components.WebtierStack(name, { config, baseDir: process.cwd(), ...(tlsKey ? { tlsKey } : {}) });
  await valueOf(stack.stepOutputs);
  await mocks.idle();
  return { stack, mine: mocks.resources.filter((r) => r.name.startsWith(`${name}-`)) };
}

const AWS = { adminCidr: "198.51.100.0/24", frontDoor: "nlb", nginxCount: 2, appCount: 2 } as const;

describe("WebtierStack on AWS behind an NLB", () => {
  it("serves http at the load balancer's name, with the deploy key it generated as a secret", async () => {
    const { stack, mine } = await deploy("ws", { aws: AWS });
    expect(await valueOf(stack.url)).toBe(`http://${nlbDnsOf("ws-aws-door")}/`);
    expect(await valueOf(stack.dnsName!)).toBe(nlbDnsOf("ws-aws-door"));
    expect(stack.tlsCertificate).toBeUndefined();
    expect(await pulumi.isSecret(stack.deployKey!)).toBe(true);
    // No host to retire, app hosts through the first nginx host.
    expect(mine.filter((r) => r.name.endsWith("-retire"))).toEqual([]);
    const appConnection = unwrapSecrets(mine.find((r) => r.name === "ws-app-1-provision")!.inputs.connection);
    expect(appConnection.proxy.host).toBe(await valueOf(stack.nginxAddresses.apply((a) => a[0]!)));
  });

  it("serves https at the load balancer's name when nginx serves a certificate", async () => {
    const chain = pki.leaf.certificate + pki.intermediate.certificate;
    const { stack } = await deploy("wt", { aws: AWS, tls: { certificate: chain } }, pki.leaf.key);
    expect(await valueOf(stack.url)).toBe(`https://${nlbDnsOf("wt-aws-door")}/`);
    expect(await valueOf(stack.tlsCertificate!)).toBe(chain);
  });
});
