// The AWS components one at a time, where the tiers' scenarios leave a branch unexercised: a
// created network without a NAT, more AZs than the region has, the apt proxy's rules, and each
// component's own refusals.
import { describe, expect, test } from "vitest";
import { AwsInstances, AwsNetwork, AwsSecurityGroups } from "../../components/aws";
import { debianAmiQuery } from "../../components/aws/amis";
import { renderHostKeyCloudConfig } from "../../components/aws/cloudInit";
import { HostKeys } from "../../components/aws/hostKeys";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
import { inputsOf, mocks, of, refusalOf, T, type Rule } from "./awsFixture";
import { valueOf } from "../support/pulumi";

const types = (prefix: string) => of(prefix).map((r) => r.type).sort();

describe("AwsNetwork", () => {
  test("created with proxy egress: public and private subnets, no NAT gateway and no default route for the private ones", async () => {
    const network = new AwsNetwork("px", { azCount: 2, egress: "proxy" });
    await valueOf(network.privateSubnetIds);
    await mocks.idle();
    expect(network.created).toBe(true);
    expect(types("px")).toEqual([T.igw, T.route, T.table, T.table, T.assoc, T.assoc, T.assoc, T.assoc, T.subnet, T.subnet, T.subnet, T.subnet, T.vpc, "webtier:index:AwsNetwork"].sort());
    expect(inputsOf("px", T.route).map(([name]) => name)).toEqual(["px-public-default"]);
  });

  test("brought: nothing created", async () => {
    const network = new AwsNetwork("bn2", { vpcId: "vpc-1", publicSubnetIds: ["a"], privateSubnetIds: ["b"] });
    expect(network.created).toBe(false);
    expect(await valueOf(network.privateSubnetIds)).toEqual(["b"]);
  });

  test("fails naming azCount when the region has fewer availability zones", async () => {
    const network = new AwsNetwork("az4", { azCount: 4 });
    await expect(valueOf(network.publicSubnetIds)).rejects.toThrow("aws.azCount (4) exceeds the 3 availability zones of this region");
    await mocks.idle().catch(() => undefined);
  });
});

describe("AwsSecurityGroups with proxy egress", () => {
  const base = { vpcId: "vpc-1", adminCidr: "198.51.100.0/24", egress: "proxy" } as const;
  const rule = (name: string, group: "lb" | "app", port: number, from: object, description: string): Rule => [
    name, { securityGroupId: `${name.split("-sg-")[0]}-sg-${group}-id`, ipProtocol: "tcp", fromPort: port, toPort: port, ...from, description, tags: expect.any(Object) },
  ];

  test("app hosts reach the nginx tier's apt proxy, and an outside one on its own port", async () => {
    new AwsSecurityGroups("gp-sg", { ...base, proxyPort: 3142, aptProxyPort: 8080 });
    await mocks.idle();
    const rules = [...inputsOf("gp-sg", T.ingress), ...inputsOf("gp-sg", T.egress)].filter(([name]) => name.includes("proxy"));
    expect(rules.sort(([a], [b]) => a.localeCompare(b))).toEqual([
      rule("gp-sg-app-egress-apt-proxy", "app", 8080, { cidrIpv4: "0.0.0.0/0" }, "apt proxy"),
      rule("gp-sg-app-egress-proxy", "app", 3142, { referencedSecurityGroupId: "gp-sg-lb-id" }, "apt proxy on the nginx tier"),
      rule("gp-sg-lb-proxy-from-app", "lb", 3142, { referencedSecurityGroupId: "gp-sg-app-id" }, "apt proxy for app hosts"),
    ]);
  });

  test("one rule when the outside proxy's port is the nginx tier's, none without a proxy port", async () => {
    new AwsSecurityGroups("gs-sg", { ...base, proxyPort: 3142, aptProxyPort: 3142 });
    new AwsSecurityGroups("gn-sg", base);
    await mocks.idle();
    expect(inputsOf("gs-sg", T.egress).map(([name]) => name).filter((n) => n.includes("proxy"))).toEqual(["gs-sg-app-egress-proxy"]);
    expect(inputsOf("gn-sg", T.egress).map(([name]) => name).filter((n) => n.includes("app"))).toEqual([]);
  });
});

describe("each component's own refusals", () => {
  test("HostKeys and AwsInstances name their keys", async () => {
    expect(await refusalOf(() => new HostKeys("hk0", { count: 0 }))).toBe("count (0) must be a positive integer");
    expect(await refusalOf(() => new AwsInstances("in0", { role: "nginx", count: 1, subnetIds: [], securityGroupId: "sg-1", keyName: "k" }))).toBe(
      "aws.publicSubnetIds ([]) must list at least one subnet",
    );
  });
});

test("the Debian image of an arm64 machine", () => {
  expect(debianAmiQuery("arm64")).toEqual({
    owners: ["136693071363"],
    mostRecent: true,
    filters: [
      { name: "name", values: ["debian-12-arm64-*"] },
      { name: "architecture", values: ["arm64"] },
      { name: "virtualization-type", values: ["hvm"] },
    ],
  });
});

test("cloud-config keeps a long public key line whole", () => {
  const publicKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"k".repeat(43)} root@a-rather-long-host-name.internal.example`;
  const text = renderHostKeyCloudConfig({ privateKeyOpenssh: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n", publicKeyOpenssh: publicKey });
  expect(text.split("\n")).toContain(`  ed25519_public: ${publicKey}`);
});
