import { describe, expect, test } from "vitest";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import { builtEachTest, countByType, ELASTIC_IPS, FD_CERT, fdBase, inputsOf, publicDnsOf, refusalOf, T, tcpRule, tierRules, untagged } from "./awsFixture";
import { AwsTiers, checkTiers, type AwsTiersArgs } from "../../components/aws";
import { valueOf } from "../support/pulumi";

// The Elastic IP front door ("ep"), and front-door validation ("f1"…, which register nothing).

describe("eip with TLS on nginx, two nginx hosts", () => {
  const built = builtEachTest("ep", { ...fdBase, frontDoor: "eip", nginxCount: 2, tlsPort: 443, httpCidrs: ["203.0.113.0/24"] });

  test("one Elastic IP per nginx host, associated with its instance; no load balancer", () => {
    expect(Object.fromEntries(inputsOf("ep", T.eip).filter(([name]) => name.startsWith("ep-door-")))).toEqual({
      "ep-door-lb-1": { domain: "vpc", tags: untagged("ep-door-lb-1") },
      "ep-door-lb-2": { domain: "vpc", tags: untagged("ep-door-lb-2") },
    });
    expect(Object.fromEntries(inputsOf("ep", T.eipAssoc))).toEqual({
      "ep-door-lb-1": { allocationId: "ep-door-lb-1-id", instanceId: "i-ep-lb-1" },
      "ep-door-lb-2": { allocationId: "ep-door-lb-2-id", instanceId: "i-ep-lb-2" },
    });
    const counts = countByType("ep");
    expect([counts[T.lb], counts[T.listener], counts[T.targetGroup], counts[T.attachment], counts[T.sg]]).toEqual([undefined, undefined, undefined, undefined, 2]);
  });

  test("nginx admits the client networks directly, HTTPS only because TLS is configured", () => {
    const shared = tierRules("ep");
    expect(Object.fromEntries(inputsOf("ep", T.ingress))).toEqual(
      Object.fromEntries([
        tcpRule("ep-sg-lb-http-203-0-113-0-24", "ep-sg-lb-id", 80, { cidrIpv4: "203.0.113.0/24" }, "HTTP to nginx"),
        tcpRule("ep-sg-lb-https-203-0-113-0-24", "ep-sg-lb-id", 443, { cidrIpv4: "203.0.113.0/24" }, "HTTPS to nginx"),
        ...shared.ingress,
      ]),
    );
    expect(Object.fromEntries(inputsOf("ep", T.egress))).toEqual(Object.fromEntries(shared.egress));
  });

  test("hosts are dialed at their Elastic IPs; outputs", async () => {
    const eips = [ELASTIC_IPS["ep-door-lb-1"], ELASTIC_IPS["ep-door-lb-2"]];
    expect(built().nginxHosts.map((h) => h.address)).toEqual(eips);
    expect(await valueOf(built().tiers.publicAddresses)).toEqual(eips);
    expect(built().tiers.frontDoor.mode).toBe("eip");
    expect(await valueOf(built().tiers.frontDoor.addresses!)).toEqual(eips);
    expect(await valueOf(built().tiers.frontDoor.dnsName)).toBe(publicDnsOf(eips[0]!));
  });
});

describe("front-door validation, before any resource is registered", () => {
  const valid: AwsTiersArgs = { ...fdBase, frontDoor: "eip", nginxCount: 1 };

  test("the mode, TLS offload only at an NLB, one listener per port, the health path", async () => {
    expect(await refusalOf(() => new AwsTiers("f1", { ...valid, frontDoor: "alb" as "nlb" }))).toBe("aws.frontDoor (alb) must be one of nlb, eip");
    const { frontDoor: _f, ...withoutMode } = valid;
    expect(await refusalOf(() => new AwsTiers("f2", withoutMode as AwsTiersArgs))).toBe("aws.frontDoor (undefined) must be one of nlb, eip");
    expect(await refusalOf(() => new AwsTiers("f3", { ...valid, tlsOffload: { certificateArn: FD_CERT, targetPort: 8443 } }))).toBe(
      `aws.tlsOffload ({"certificateArn":"${FD_CERT}","targetPort":8443}) needs aws.frontDoor nlb (only a load balancer terminates TLS for nginx)`,
    );
    const offload = { certificateArn: "arn:aws:iam::123456789012:server-certificate/web", targetPort: 8080 };
    expect((await refusalOf(() => new AwsTiers("f4", { ...valid, frontDoor: "nlb", nginxCount: 2, nginxPort: 8080, tlsPort: 8080, healthPath: "healthz", tlsOffload: offload }))).split("\n")).toEqual([
      "aws.tlsPort (8080) must differ from aws.nginxPort (8080) (one listener per port)",
      "aws.tlsOffload.certificateArn (arn:aws:iam::123456789012:server-certificate/web) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>",
      "aws.tlsOffload.targetPort (8080) must differ from aws.nginxPort (8080) (nginx tells offloaded TLS from plain HTTP by port)",
      "aws.healthPath (healthz) must be an absolute URL path such as /healthz",
    ]);
    expect((await refusalOf(() => new AwsTiers("f5", { ...valid, frontDoor: "nlb", tlsPort: 70000, tlsOffload: { certificateArn: FD_CERT, targetPort: 0 } }))).split("\n")).toEqual([
      "aws.tlsPort (70000) must be an integer from 1 to 65535",
      "aws.tlsOffload.targetPort (0) must be an integer from 1 to 65535",
    ]);
    // nginx's default port counts too.
    expect(await refusalOf(() => new AwsTiers("f6", { ...valid, tlsPort: 80 }))).toBe("aws.tlsPort (80) must differ from aws.nginxPort (80) (one listener per port)");
    expect(checkTiers({ ...valid, frontDoor: "nlb", nginxCount: 2, tlsPort: 443, tlsOffload: { certificateArn: FD_CERT, targetPort: 8443 }, healthPath: "/healthz" })).toEqual([]);
    expect(checkTiers({ ...valid, tlsPort: 443 })).toEqual([]);
  });

  test("an NLB in a brought VPC needs two public subnets (in distinct AZs)", async () => {
    const byo = { ...valid, frontDoor: "nlb" as const, vpcId: "vpc-1", privateSubnetIds: ["subnet-p1"] };
    expect(await refusalOf(() => new AwsTiers("f7", { ...byo, publicSubnetIds: ["subnet-a"] }))).toBe(
      'aws.publicSubnetIds (["subnet-a"]) must list at least 2 subnets in distinct availability zones when aws.frontDoor is nlb',
    );
    expect(await refusalOf(() => new AwsTiers("f8", { ...byo, publicSubnetIds: ["subnet-a", "subnet-a"] }))).toBe(
      'aws.publicSubnetIds (["subnet-a","subnet-a"]) must list at least 2 subnets in distinct availability zones when aws.frontDoor is nlb',
    );
    expect(checkTiers({ ...byo, publicSubnetIds: ["subnet-a", "subnet-b"] })).toEqual([]);
    // One public subnet is enough for Elastic IPs; a created network always has two or more.
    expect(checkTiers({ ...byo, frontDoor: "eip", publicSubnetIds: ["subnet-a"] })).toEqual([]);
    expect(checkTiers({ ...valid, frontDoor: "nlb", nginxCount: 2 })).toEqual([]);
  });
});
