// The program on AWS with two nginx hosts and a self-signed certificate: a network load balancer is
// the front door (the URL and dnsName name it), the certificate is issued for its name, and each
// nginx host drains for as long as the load balancer's health checks take to take it out.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainSecondsFor, NLB_HEALTH_CHECK } from "../components/aws";
import { makeTestPki } from "./render/testCertificates";
import { AWS_FUNCTIONS, awsOutputs } from "./support/previewProgram";
import { bundleFiles, decodeBundle, mockPulumi, unwrapSecrets, valueOf } from "./support/pulumi";

const pki = makeTestPki();
afterAll(() => pki.cleanup());
const DNS_NAME = "webtier-door-0123456789.elb.eu-west-1.amazonaws.com";

const aws = awsOutputs();
const nlbOutputs = (type: string, name: string, inputs: any): Record<string, unknown> => {
  if (type === "aws:lb/loadBalancer:LoadBalancer") return { dnsName: DNS_NAME, arn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/${name}/1` };
  // The certificate's key (ECDSA) and the certificate; the deploy key as for every AWS stack.
  if (type === "tls:index/privateKey:PrivateKey" && inputs.algorithm === "ECDSA") return { privateKeyPem: pki.selfSigned.key };
  if (type === "tls:index/selfSignedCert:SelfSignedCert") return { certPem: pki.selfSigned.certificate };
  return aws(type, name, inputs);
};
const mocks = mockPulumi({ outputs: nlbOutputs, functions: AWS_FUNCTIONS });
const resources = mocks.resources;
pulumi.runtime.setAllConfig(
  {
    "aws:region": "eu-west-1",
    "webtier:aws": JSON.stringify({ adminCidr: "192.0.2.0/24", nginxCount: 2, appCount: 2 }),
    "webtier:tls": JSON.stringify({ selfSigned: true }),
  },
  [],
);

let program: typeof import("../index");
beforeAll(async () => {
  program = await import("../index.js");
  await mocks.idle();
}, 60_000);

const named = (type: string) => resources.filter((r) => r.type === type);

describe("the Pulumi program on AWS with two nginx hosts and tls.selfSigned", () => {
  it("exports neither every rendered file nor every command's output unless `outputs` asks for them", () => {
    expect(Object.keys(program).filter((k) => (program as Record<string, unknown>)[k] !== undefined).sort())
      .toEqual(["appAddresses", "deployKey", "dnsName", "nginxAddresses", "tlsCertificate", "url"]);
  });

  it("puts a network load balancer in front: the URL and dnsName are its name, over HTTPS", async () => {
    expect(named("aws:lb/loadBalancer:LoadBalancer").map((r) => r.inputs.loadBalancerType)).toEqual(["network"]);
    expect(await valueOf(program.url)).toBe(`https://${DNS_NAME}/`);
    expect(await valueOf(program.dnsName!)).toBe(DNS_NAME);
    // No Elastic IPs: the nginx hosts keep their own public addresses for SSH.
    expect(named("aws:ec2/eip:Eip").filter((r) => r.name.includes("-door-"))).toEqual([]);
  });

  it("sends HTTP and HTTPS (passed through) to both nginx instances", () => {
    const listeners = named("aws:lb/listener:Listener").map((r) => [r.inputs.port, r.inputs.protocol]).sort();
    expect(listeners).toEqual([[443, "TCP"], [80, "TCP"]]);
    const attachments = named("aws:lb/targetGroupAttachment:TargetGroupAttachment").map((r) => r.name).sort();
    expect(attachments).toEqual(["webtier-aws-door-http-lb-1", "webtier-aws-door-http-lb-2", "webtier-aws-door-https-lb-1", "webtier-aws-door-https-lb-2"]);
  });

  it("issues the self-signed certificate for the load balancer's name and serves it from every nginx host", async () => {
    const cert = named("tls:index/selfSignedCert:SelfSignedCert");
    expect(cert).toHaveLength(1);
    expect(unwrapSecrets(cert[0]!.inputs.dnsNames)).toEqual([DNS_NAME]);
    expect(await valueOf(program.tlsCertificate!)).toBe(pki.selfSigned.certificate);
    for (const host of ["lb-1", "lb-2"]) {
      const activate = resources.find((r) => r.name === `webtier-${host}-activate`)!;
      const script = decodeBundle(unwrapSecrets(activate.inputs.stdin));
      expect(bundleFiles(script)["/etc/nginx/webtier/tls/certificate.pem"]).toBe(pki.selfSigned.certificate);
      // Out of the load balancer before the change, back in before the next host starts.
      expect(script).toContain(`readonly DRAIN_SECONDS=${drainSecondsFor(NLB_HEALTH_CHECK)}\n`);
    }
    expect(drainSecondsFor(NLB_HEALTH_CHECK)).toBe(25);
  });

  it("changes one nginx host at a time: lb-2 activates after lb-1", () => {
    const find = (name: string) => resources.find((r) => r.name === name)!;
    expect(find("webtier-lb-2-activate").started).toBeGreaterThan(find("webtier-lb-1-activate").finished);
  });
});
