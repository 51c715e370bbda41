import { beforeEach, describe, expect, test } from "vitest";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import {
  arnOf,
  build,
  builtEachTest,
  byName,
  countByType,
  FD_ADMIN,
  FD_CERT,
  fdBase,
  inputsOf,
  nlbDnsOf,
  of,
  pmtuRule,
  PUBLIC_IPS,
  T,
  tcpRule,
  tierRules,
  untagged,
} from "./awsFixture";
import { defaultFrontDoor, drainSecondsFor, NLB_HEALTH_CHECK, type AwsTiersArgs } from "../../components/aws";
import { valueOf } from "../support/pulumi";

// The NLB front door of the nginx tier: created or brought network, TLS passthrough or offload,
// scale-out; and the front door's defaults. Scenario prefixes: "nlb", "off", "bn", "sa"/"sb".
// Elastic IPs and validation: awsFrontDoorEip.test.ts.

const healthCheck = (port: string, path: string) => ({
  enabled: true,
  protocol: "HTTP",
  port,
  path,
  matcher: "200",
  interval: 10,
  timeout: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
});
const targetGroup = (prefix: string, name: string, vpcId: string, port: number, health: object) => ({
  vpcId,
  targetType: "instance",
  protocol: "TCP",
  port,
  preserveClientIp: "true",
  healthCheck: health,
  tags: untagged(`${prefix}-door-${name}`),
});
const forwardTo = (prefix: string, group: string) => [{ type: "forward", targetGroupArn: arnOf("targetgroup", `${prefix}-door-${group}`) }];
const attachments = (prefix: string) => Object.fromEntries(inputsOf(prefix, T.attachment));
const attachment = (prefix: string, group: string, host: string) => ({ targetGroupArn: arnOf("targetgroup", `${prefix}-door-${group}`), targetId: `i-${prefix}-${host}` });

describe("nlb, created network, TLS passthrough, two nginx hosts, two client networks", () => {
  const built = builtEachTest("nlb", { ...fdBase, frontDoor: "nlb", nginxCount: 2, tlsPort: 443, httpCidrs: ["203.0.113.0/24", "198.51.100.0/24"] });

  test("creates one NLB, a listener and target group per port, one attachment per (group, host), no Elastic IP of its own", () => {
    const counts = countByType("nlb");
    expect([counts["webtier:index:AwsFrontDoor"], counts[T.lb], counts[T.listener], counts[T.targetGroup], counts[T.attachment], counts[T.sg]]).toEqual([1, 1, 2, 2, 4, 3]);
    // The only EIP is the NAT gateway's.
    expect(of("nlb").filter((r) => r.type === T.eip).map((r) => r.name)).toEqual(["nlb-net-nat"]);
    expect(counts[T.eipAssoc]).toBeUndefined();
  });

  test("the NLB: network, internet-facing, across the public subnets, cross-zone, created with its security group", () => {
    expect(byName("nlb", T.lb, "nlb-door").inputs).toEqual({
      loadBalancerType: "network",
      internal: false,
      subnets: ["nlb-net-public-1-id", "nlb-net-public-2-id"],
      enableCrossZoneLoadBalancing: true,
      securityGroups: ["nlb-sg-nlb-id"],
      tags: untagged("nlb-door"),
    });
    expect(byName("nlb", T.sg, "nlb-sg-nlb").inputs).toEqual({ vpcId: "nlb-net-vpc-id", description: "webtier network load balancer", tags: untagged("nlb-sg-nlb") });
  });

  test("listeners: HTTP and TLS passthrough, TCP, each forwarding to its own target group", () => {
    expect(Object.fromEntries(inputsOf("nlb", T.listener))).toEqual({
      "nlb-door-http": { loadBalancerArn: arnOf("loadbalancer/net", "nlb-door"), port: 80, protocol: "TCP", defaultActions: forwardTo("nlb", "http"), tags: untagged("nlb-door-http") },
      "nlb-door-https": { loadBalancerArn: arnOf("loadbalancer/net", "nlb-door"), port: 443, protocol: "TCP", defaultActions: forwardTo("nlb", "https"), tags: untagged("nlb-door-https") },
    });
  });

  test("target groups: TCP to instances, client IP preserved, HTTP health check of /healthz on nginx's HTTP port", () => {
    const health = healthCheck("80", "/healthz");
    expect(Object.fromEntries(inputsOf("nlb", T.targetGroup))).toEqual({
      "nlb-door-http": targetGroup("nlb", "http", "nlb-net-vpc-id", 80, health),
      "nlb-door-https": targetGroup("nlb", "https", "nlb-net-vpc-id", 443, health),
    });
  });

  test("attachments: every nginx instance in every target group, named by host", () => {
    expect(attachments("nlb")).toEqual({
      "nlb-door-http-lb-1": attachment("nlb", "http", "lb-1"),
      "nlb-door-http-lb-2": attachment("nlb", "http", "lb-2"),
      "nlb-door-https-lb-1": attachment("nlb", "https", "lb-1"),
      "nlb-door-https-lb-2": attachment("nlb", "https", "lb-2"),
    });
  });

  test("security groups: clients reach only the NLB; nginx admits its ports from the NLB's group alone", () => {
    const [lb, nlb] = ["nlb-sg-lb-id", "nlb-sg-nlb-id"];
    const shared = tierRules("nlb");
    expect(Object.fromEntries(inputsOf("nlb", T.ingress))).toEqual(
      Object.fromEntries([
        tcpRule("nlb-sg-nlb-http-203-0-113-0-24", nlb, 80, { cidrIpv4: "203.0.113.0/24" }, "HTTP to the load balancer"),
        tcpRule("nlb-sg-nlb-http-198-51-100-0-24", nlb, 80, { cidrIpv4: "198.51.100.0/24" }, "HTTP to the load balancer"),
        tcpRule("nlb-sg-nlb-https-203-0-113-0-24", nlb, 443, { cidrIpv4: "203.0.113.0/24" }, "HTTPS to the load balancer"),
        tcpRule("nlb-sg-nlb-https-198-51-100-0-24", nlb, 443, { cidrIpv4: "198.51.100.0/24" }, "HTTPS to the load balancer"),
        pmtuRule("nlb"),
        tcpRule("nlb-sg-lb-http-from-nlb", lb, 80, { referencedSecurityGroupId: nlb }, "HTTP and health checks from the load balancer"),
        tcpRule("nlb-sg-lb-https-from-nlb", lb, 443, { referencedSecurityGroupId: nlb }, "TLS passthrough from the load balancer"),
        ...shared.ingress,
      ]),
    );
    expect(Object.fromEntries(inputsOf("nlb", T.egress))).toEqual(
      Object.fromEntries([
        tcpRule("nlb-sg-nlb-egress-http", nlb, 80, { referencedSecurityGroupId: lb }, "HTTP and health checks to nginx"),
        tcpRule("nlb-sg-nlb-egress-https", nlb, 443, { referencedSecurityGroupId: lb }, "TLS passthrough to nginx"),
        ...shared.egress,
      ]),
    );
    // Bypass check: the only CIDR nginx's group admits is the admin network's, for SSH.
    const nginxFromCidrs = inputsOf("nlb", T.ingress).filter(([, r]) => r.securityGroupId === lb && r.cidrIpv4 !== undefined);
    expect(nginxFromCidrs.map(([name, r]) => [name, r.cidrIpv4, r.fromPort])).toEqual([["nlb-sg-lb-ssh-admin", FD_ADMIN, 22]]);
  });

  test("outputs: the NLB's DNS name; nginx hosts stay at their instances' public IPs for SSH", async () => {
    expect(built().tiers.frontDoor.mode).toBe("nlb");
    expect(await valueOf(built().tiers.frontDoor.dnsName)).toBe(nlbDnsOf("nlb-door"));
    expect(built().tiers.frontDoor.addresses).toBeUndefined();
    expect(built().nginxHosts.map((h) => [h.name, h.address])).toEqual([
      ["lb-1", PUBLIC_IPS["nlb-lb-1"]],
      ["lb-2", PUBLIC_IPS["nlb-lb-2"]],
    ]);
    expect(await valueOf(built().tiers.publicAddresses)).toEqual([PUBLIC_IPS["nlb-lb-1"], PUBLIC_IPS["nlb-lb-2"]]);
    expect(of("nlb").filter((r) => r.type === T.instance && r.name.startsWith("nlb-lb-")).map((r) => r.inputs.associatePublicIpAddress)).toEqual([true, true]);
  });

  test("every resource is a child of the tiers", () => {
    const seen = new Set(built().captured.map((c) => `${c.type} ${c.name}`));
    expect(of("nlb").map((r) => `${r.type} ${r.name}`).filter((r) => !seen.has(r))).toEqual([]);
  });
});

describe("nlb, TLS offload at the load balancer", () => {
  beforeEach(async () => {
    await build("off", { ...fdBase, frontDoor: "nlb", nginxCount: 2, nginxPort: 8080, healthPath: "/ready", tlsOffload: { certificateArn: FD_CERT, targetPort: 8443 } });
  });

  test("a TLS listener on 443 with the ACM certificate and the TLS 1.3/1.2 policy, forwarding to nginx's plain offload port", () => {
    expect(Object.fromEntries(inputsOf("off", T.listener))).toEqual({
      "off-door-http": { loadBalancerArn: arnOf("loadbalancer/net", "off-door"), port: 8080, protocol: "TCP", defaultActions: forwardTo("off", "http"), tags: untagged("off-door-http") },
      "off-door-https": {
        loadBalancerArn: arnOf("loadbalancer/net", "off-door"),
        port: 443,
        protocol: "TLS",
        certificateArn: FD_CERT,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: forwardTo("off", "offload"),
        tags: untagged("off-door-https"),
      },
    });
    const health = healthCheck("8080", "/ready");
    expect(Object.fromEntries(inputsOf("off", T.targetGroup))).toEqual({
      "off-door-http": targetGroup("off", "http", "off-net-vpc-id", 8080, health),
      "off-door-offload": targetGroup("off", "offload", "off-net-vpc-id", 8443, health),
    });
    expect(Object.keys(attachments("off")).sort()).toEqual(["off-door-http-lb-1", "off-door-http-lb-2", "off-door-offload-lb-1", "off-door-offload-lb-2"]);
  });

  test("nginx admits HTTP and the offload port from the NLB only; 443 is open on the NLB alone", () => {
    const [lb, nlb] = ["off-sg-lb-id", "off-sg-nlb-id"];
    const frontRules = (type: string) => inputsOf("off", type).filter(([, r]) => r.securityGroupId === nlb || r.referencedSecurityGroupId === nlb);
    expect(inputsOf("off", T.ingress).filter(([, r]) => r.securityGroupId === lb && r.fromPort === 443)).toEqual([]);
    expect(Object.fromEntries(frontRules(T.ingress))).toEqual(
      Object.fromEntries([
        tcpRule("off-sg-nlb-http-0-0-0-0-0", nlb, 8080, { cidrIpv4: "0.0.0.0/0" }, "HTTP to the load balancer"),
        tcpRule("off-sg-nlb-https-0-0-0-0-0", nlb, 443, { cidrIpv4: "0.0.0.0/0" }, "HTTPS to the load balancer"),
        pmtuRule("off"),
        tcpRule("off-sg-lb-http-from-nlb", lb, 8080, { referencedSecurityGroupId: nlb }, "HTTP and health checks from the load balancer"),
        tcpRule("off-sg-lb-offload-from-nlb", lb, 8443, { referencedSecurityGroupId: nlb }, "HTTP from TLS offload from the load balancer"),
      ]),
    );
    expect(Object.fromEntries(frontRules(T.egress))).toEqual(
      Object.fromEntries([
        tcpRule("off-sg-nlb-egress-http", nlb, 8080, { referencedSecurityGroupId: lb }, "HTTP and health checks to nginx"),
        tcpRule("off-sg-nlb-egress-offload", nlb, 8443, { referencedSecurityGroupId: lb }, "HTTP from TLS offload to nginx"),
      ]),
    );
    expect(inputsOf("off", T.ingress)).toHaveLength(5 + 3);
    expect(inputsOf("off", T.egress)).toHaveLength(2 + 6);
  });
});

describe("nlb in a brought VPC, no TLS", () => {
  beforeEach(async () => {
    await build("bn", {
      ...fdBase,
      frontDoor: "nlb",
      nginxCount: 2,
      vpcId: "vpc-0byo",
      publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
      privateSubnetIds: ["subnet-priv-a"],
    });
  });

  test("the NLB spans exactly the brought public subnets; one HTTP listener, group and rule set; no HTTPS port anywhere", () => {
    expect(byName("bn", T.lb, "bn-door").inputs.subnets).toEqual(["subnet-pub-a", "subnet-pub-b"]);
    expect(inputsOf("bn", T.listener).map(([name, r]) => [name, r.port, r.protocol])).toEqual([["bn-door-http", 80, "TCP"]]);
    expect(inputsOf("bn", T.targetGroup).map(([name, r]) => [name, r.vpcId, r.port])).toEqual([["bn-door-http", "vpc-0byo", 80]]);
    expect(Object.keys(attachments("bn")).sort()).toEqual(["bn-door-http-lb-1", "bn-door-http-lb-2"]);
    const front = (type: string) => inputsOf("bn", type).filter(([, r]) => r.securityGroupId === "bn-sg-nlb-id" || r.referencedSecurityGroupId === "bn-sg-nlb-id").map(([name, r]) => `${name} ${r.fromPort}`).sort();
    expect(front(T.ingress)).toEqual(["bn-sg-lb-http-from-nlb 80", "bn-sg-nlb-http-0-0-0-0-0 80", "bn-sg-nlb-icmp-pmtu 3"]);
    expect(front(T.egress)).toEqual(["bn-sg-nlb-egress-http 80"]);
  });
});

describe("scale-out behind the NLB: 2 → 3 nginx hosts", () => {
  // Two builds of the same program under different stack prefixes; names and inputs compared
  // with the prefix taken out, as the engine would diff them.
  const args = (nginxCount: number): AwsTiersArgs => ({ ...fdBase, frontDoor: "nlb", nginxCount, tlsPort: 443 });
  const relative = (prefix: string, types: string[]) =>
    Object.fromEntries(
      of(prefix)
        .filter((r) => types.includes(r.type))
        .map((r) => [`${r.type} ${r.name.slice(prefix.length)}`, JSON.parse(JSON.stringify(r.inputs).replaceAll(`${prefix}-`, "X-"))]),
    );
  beforeEach(async () => {
    await build("sa", args(2));
    await build("sb", args(3));
  });

  test("with TLS, 2 hosts have 4 attachments; the third host adds one per target group and changes no other", () => {
    const before = relative("sa", [T.attachment]);
    const after = relative("sb", [T.attachment]);
    expect(Object.keys(before)).toHaveLength(4);
    expect(after).toEqual({
      ...before,
      [`${T.attachment} -door-http-lb-3`]: { targetGroupArn: arnOf("targetgroup", "X-door-http"), targetId: "i-X-lb-3" },
      [`${T.attachment} -door-https-lb-3`]: { targetGroupArn: arnOf("targetgroup", "X-door-https"), targetId: "i-X-lb-3" },
    });
  });

  test("the NLB, its listeners, target groups and every security-group rule are unchanged", () => {
    const front = [T.lb, T.listener, T.targetGroup, T.sg, T.ingress, T.egress];
    expect(relative("sb", front)).toEqual(relative("sa", front));
  });
});

describe("defaults", () => {
  test("defaultFrontDoor: an NLB in front of two or more nginx hosts, else an Elastic IP", () => {
    expect([1, 2, 3].map(defaultFrontDoor)).toEqual(["eip", "nlb", "nlb"]);
  });

  test("health check numbers and the drain time derived from them", () => {
    expect(NLB_HEALTH_CHECK).toEqual({ intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" });
    // 2 failed checks 10 s apart, the last waiting up to 5 s.
    expect(drainSecondsFor(NLB_HEALTH_CHECK)).toBe(25);
    expect(drainSecondsFor({ intervalSeconds: 30, timeoutSeconds: 6, unhealthyThreshold: 3 })).toBe(96);
  });
});
