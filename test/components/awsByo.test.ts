import { describe, expect, test } from "vitest";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import { builtEachTest, byName, calls, countByType, DEPLOY_KEY, of, T, TAGGABLE, tagsFor } from "./awsFixture";
import { valueOf } from "../support/pulumi";

describe("AwsTiers: brought VPC, proxy egress, own AMI", () => {
  const built = builtEachTest("byo", {
      // Two nginx hosts on their own Elastic IPs (the caller chose eip over the NLB default).
      frontDoor: "eip",
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
      tlsPort: 443,
      uwsgiPort: 8000,
      proxyPort: 3142,
      rootVolumeSize: 30,
      sshPublicKey: DEPLOY_KEY,
    });

  test("creates no network resources and invokes nothing", () => {
    expect(countByType("byo")).toEqual({
      "webtier:index:AwsTiers": 1,
      "webtier:index:AwsNetwork": 1,
      "webtier:index:AwsSecurityGroups": 1,
      "webtier:index:AwsInstances": 2,
      "webtier:index:HostKeys": 2,
      "webtier:index:AwsFrontDoor": 1,
      [T.eip]: 2,
      [T.eipAssoc]: 2,
      [T.sg]: 2,
      [T.ingress]: 8,
      [T.egress]: 5,
      [T.keyPair]: 1,
      [T.instance]: 4,
      [T.tlsKey]: 8,
    });
    expect(calls.filter((c) => c.scenario === "byo")).toEqual([]);
  });

  test("security groups in the brought VPC, HTTPS open with tlsPort, the proxy port open to app hosts only", () => {
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

  test("app hosts without a NAT reach out only to the apt proxy on the nginx tier", () => {
    const summary = of("byo")
      .filter((r) => r.type === T.egress)
      .map((r) => `${r.inputs.securityGroupId} ${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort} to ${r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId}`)
      .sort();
    expect(summary).toEqual([
      "byo-sg-app-id tcp/3142-3142 to byo-sg-lb-id",
      "byo-sg-lb-id tcp/22-22 to byo-sg-app-id",
      "byo-sg-lb-id tcp/443-443 to 0.0.0.0/0",
      "byo-sg-lb-id tcp/80-80 to 0.0.0.0/0",
      "byo-sg-lb-id tcp/8000-8000 to byo-sg-app-id",
    ]);
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
    expect(built().captured.filter((c) => c.type === T.instance).map((c) => c.ignoreChanges)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test("tags without user tags", () => {
    for (const r of of("byo").filter((x) => TAGGABLE.has(x.type))) expect(r.inputs.tags, r.name).toEqual(tagsFor(r.name, {}));
  });

  test("RemoteHosts and outputs", async () => {
    // Each nginx host at its Elastic IP (the instances' own public IPs are released).
    expect(built().nginxHosts.map((h) => [h.name, h.address, h.privateAddress, h.identity])).toEqual([
      ["lb-1", "203.0.113.121", "172.31.0.10", "i-byo-lb-1"],
      ["lb-2", "203.0.113.122", "172.31.16.10", "i-byo-lb-2"],
    ]);
    expect(of("byo").filter((r) => r.type === T.eipAssoc).map((r) => [r.name, r.inputs])).toEqual([
      ["byo-door-lb-1", { allocationId: "byo-door-lb-1-id", instanceId: "i-byo-lb-1" }],
      ["byo-door-lb-2", { allocationId: "byo-door-lb-2-id", instanceId: "i-byo-lb-2" }],
    ]);
    expect(built().appHosts.map((h) => [h.name, h.address, h.privateAddress, h.identity])).toEqual([
      ["app-1", "172.31.128.10", "172.31.128.10", "i-byo-app-1"],
      ["app-2", "172.31.144.10", "172.31.144.10", "i-byo-app-2"],
    ]);
    expect(await valueOf(built().tiers.vpcId)).toBe("vpc-0byo");
    expect(await valueOf(built().tiers.publicAddresses)).toEqual(["203.0.113.121", "203.0.113.122"]);
  });
});
