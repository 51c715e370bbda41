import { describe, expect, it } from "vitest";
import { formatCidr, isNetworkAddress, parseCidr, subnetCidr } from "../../components/aws/cidr";
import {
  assertValid,
  checkAdminCidr,
  checkFrontDoor,
  checkHttpCidrs,
  checkInstanceType,
  checkNetwork,
  checkPort,
  checkPositiveInt,
  checkRootVolumeSize,
  checkSshPublicKey,
  checkTags,
  checkTls,
  show,
} from "../../components/aws/validate";

// The AWS layer's argument rules, one function at a time, at their boundaries. The components'
// refusals (awsValidation.test.ts) show that these run before anything registers.

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

describe("show and assertValid", () => {
  it("show strings as they are and anything else as JSON", () => {
    expect(show("a b")).toBe("a b");
    expect(show(3)).toBe("3");
    expect(show(["x"])).toBe('["x"]');
    expect(show(undefined)).toBe("undefined");
  });

  it("throw one error of every distinct problem, in order, and nothing for none", () => {
    expect(() => assertValid([])).not.toThrow();
    expect(() => assertValid(["b", "a", "b"])).toThrow(new Error("b\na"));
  });
});

describe("numbers", () => {
  it("positive integers start at 1", () => {
    expect(checkPositiveInt("k", 1)).toEqual([]);
    expect(checkPositiveInt("k", 0)).toEqual(["k (0) must be a positive integer"]);
    expect(checkPositiveInt("k", "2")).toEqual(["k (2) must be a positive integer"]);
    expect(checkPositiveInt("k", 2.5)).toEqual(["k (2.5) must be a positive integer"]);
  });

  it("ports run from 1 to 65535", () => {
    expect(checkPort("p", 1)).toEqual([]);
    expect(checkPort("p", 65535)).toEqual([]);
    expect(checkPort("p", 0)).toEqual(["p (0) must be an integer from 1 to 65535"]);
    expect(checkPort("p", 65536)).toEqual(["p (65536) must be an integer from 1 to 65535"]);
    expect(checkPort("p", 80.5)).toEqual(["p (80.5) must be an integer from 1 to 65535"]);
  });

  it("root volumes run from 8 to 16384 GiB", () => {
    expect(checkRootVolumeSize(8)).toEqual([]);
    expect(checkRootVolumeSize(16384)).toEqual([]);
    expect(checkRootVolumeSize(7)).toEqual(["aws.rootVolumeSize (7) must be an integer from 8 to 16384 (GiB)"]);
    expect(checkRootVolumeSize(16385)).toEqual(["aws.rootVolumeSize (16385) must be an integer from 8 to 16384 (GiB)"]);
    expect(checkRootVolumeSize(10.5)).toEqual(["aws.rootVolumeSize (10.5) must be an integer from 8 to 16384 (GiB)"]);
  });
});

describe("CIDRs", () => {
  it("parse dotted quads with a prefix up to 32 and format back", () => {
    expect(parseCidr("10.1.2.0/24")).toEqual({ address: 0x0a010200, prefix: 24 });
    expect(parseCidr("255.0.0.0/8")).toEqual({ address: 0xff000000, prefix: 8 });
    expect(parseCidr("10.0.0.0/32")).toEqual({ address: 0x0a000000, prefix: 32 });
    expect(parseCidr("1.2.3.4/5x")).toBeUndefined();
    expect(formatCidr({ address: 0xc0a80410, prefix: 28 })).toBe("192.168.4.16/28");
  });

  it("are network addresses when every host bit is zero", () => {
    expect(isNetworkAddress(parseCidr("10.0.0.1/32")!)).toBe(true);
    expect(isNetworkAddress(parseCidr("10.0.0.8/29")!)).toBe(true);
    expect(isNetworkAddress(parseCidr("10.0.0.4/29")!)).toBe(false);
    expect(isNetworkAddress(parseCidr("128.0.0.0/0")!)).toBe(false);
  });

  it("subnet by index, refusing an index outside the parent", () => {
    expect(subnetCidr("10.0.0.0/16", 4, 15)).toBe("10.0.240.0/20");
    expect(subnetCidr("10.0.0.0/28", 4, 3)).toBe("10.0.0.3/32");
    expect(() => subnetCidr("10.0.0.0/16", 4, 16)).toThrow("10.0.0.0/16 has no subnet 16 of /20");
    expect(() => subnetCidr("10.0.0.0/16", 4, -1)).toThrow("10.0.0.0/16 has no subnet -1 of /20");
    expect(() => subnetCidr("10.0.0/16", 4, 0)).toThrow("10.0.0/16 is not an IPv4 CIDR");
  });

  it("are strings: a list holding one is not", () => {
    expect(checkAdminCidr(["10.0.0.0/16"])).toEqual(['aws.adminCidr (["10.0.0.0/16"]) must be an IPv4 CIDR such as 203.0.113.0/24']);
  });

  it("admin CIDR: any network but the whole internet", () => {
    expect(checkAdminCidr("128.0.0.0/1")).toEqual([]);
    expect(checkAdminCidr(17)).toEqual(["aws.adminCidr (17) must be an IPv4 CIDR such as 203.0.113.0/24"]);
  });

  it("httpCidrs: a non-empty list of distinct networks", () => {
    expect(checkHttpCidrs(["0.0.0.0/0"])).toEqual([]);
    expect(checkHttpCidrs("0.0.0.0/0")).toEqual(["aws.httpCidrs (0.0.0.0/0) must list at least one CIDR"]);
    expect(checkHttpCidrs(["10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/8", "10.0.0.0/8"])).toEqual([
      "aws.httpCidrs[1] (10.0.0.1/8) must have zero host bits (a network address)",
      "aws.httpCidrs[2] (10.0.0.0/8) duplicates aws.httpCidrs[0]",
      "aws.httpCidrs[3] (10.0.0.0/8) duplicates aws.httpCidrs[0]",
    ]);
  });
});

describe("tags", () => {
  it("refuse AWS's prefix in any case, webtier's own keys and values that are not strings", () => {
    expect(checkTags(undefined)).toEqual([]);
    expect(checkTags({ team: "web", "webtier-ish": "ok" })).toEqual([]);
    expect(checkTags({ "AWS:x": "1", "webtier:stack": "s", owner: 3 } as unknown as Record<string, string>)).toEqual([
      "aws.tags.AWS:x (1) must not use the aws: prefix (reserved by AWS)",
      "aws.tags.webtier:stack (s) must not be set (webtier sets it on every resource)",
      "aws.tags.owner (3) must be a string",
    ]);
  });
});

describe("network", () => {
  it("accepts a created network's bounds: /16 to /24, 2 to 8 AZs", () => {
    expect(checkNetwork({})).toEqual([]);
    expect(checkNetwork({ vpcCidr: "10.0.0.0/16", azCount: 2, egress: "nat" })).toEqual([]);
    expect(checkNetwork({ vpcCidr: "10.0.0.0/24", azCount: 8, egress: "proxy" })).toEqual([]);
  });

  it("refuses what lies outside them, one line per key", () => {
    expect(checkNetwork({ vpcCidr: "10.0.0.0/25", azCount: 9 })).toEqual([
      "aws.vpcCidr (10.0.0.0/25) must have a prefix from /16 to /24",
      "aws.azCount (9) must be an integer from 2 to 8",
    ]);
    expect(checkNetwork({ vpcCidr: "10.0.0.0/15", azCount: 2.5 })).toEqual([
      "aws.vpcCidr (10.0.0.0/15) must have a prefix from /16 to /24",
      "aws.azCount (2.5) must be an integer from 2 to 8",
    ]);
    expect(checkNetwork({ vpcCidr: "10.0.0.1/16" })).toEqual(["aws.vpcCidr (10.0.0.1/16) must have zero host bits (a network address)"]);
    expect(checkNetwork({ vpcCidr: "nope" })).toEqual(["aws.vpcCidr (nope) must be an IPv4 CIDR such as 203.0.113.0/24"]);
  });

  it("with a VPC of your own wants both subnet lists as non-empty arrays and checks egress", () => {
    expect(checkNetwork({ vpcId: "vpc-1", publicSubnetIds: ["a"], privateSubnetIds: ["b"], egress: "proxy" })).toEqual([]);
    expect(checkNetwork({ vpcId: "vpc-1", publicSubnetIds: "a" as unknown as string[], privateSubnetIds: ["b"], egress: "vpn" })).toEqual([
      "aws.egress (vpn) must be one of nat, proxy",
      "aws.publicSubnetIds (a) must list at least one subnet when aws.vpcId is set",
    ]);
    expect(checkNetwork({ publicSubnetIds: ["a"] })).toEqual(['aws.publicSubnetIds (["a"]) needs aws.vpcId (subnets of a VPC you bring)']);
  });
});

describe("instances", () => {
  it.each(["t3.small", "m7i-flex.large", "c7gn.16xlarge", "u-6tb1.metal"])("%s is an instance type", (type) => {
    expect(checkInstanceType("aws.appInstanceType", type)).toEqual([]);
  });

  it.each(["T3.small", "3t.small", "t3.", "t3.small ", "t3_small.large", "xt3.small.x", "t3small"])("%s is not", (type) => {
    expect(checkInstanceType("aws.appInstanceType", type)).toEqual([`aws.appInstanceType (${type}) must be an EC2 instance type such as t3.small`]);
  });

  it("refuses a type that is not a string", () => {
    expect(checkInstanceType("aws.nginxInstanceType", 3)).toEqual(["aws.nginxInstanceType (3) must be an EC2 instance type such as t3.small"]);
    expect(checkInstanceType("aws.nginxInstanceType", ["t3.small"])).toEqual(['aws.nginxInstanceType (["t3.small"]) must be an EC2 instance type such as t3.small']);
  });
});

describe("the deploy key", () => {
  it.each([
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey",
    "ssh-rsa AAAAB3NzaC1yc2E= me@laptop",
    "ssh-ed25519 AAAA+/key==\n",
  ])("accepts one public key line: %j", (line) => {
    expect(checkSshPublicKey(line)).toEqual([]);
  });

  it("refuses other key types and several lines, cutting the value short after 16 characters", () => {
    expect(checkSshPublicKey("ecdsa-sha2-nistp256 AAAA")).toEqual([
      "aws.sshPublicKey (ecdsa-sha2-nistp…) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line",
    ]);
    expect(checkSshPublicKey("ssh-rsa AAAA\nx y")).toEqual([
      "aws.sshPublicKey (ssh-rsa AAAA\nx y) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line",
    ]);
    expect(checkSshPublicKey("x ssh-ed25519 AA")).toEqual([
      "aws.sshPublicKey (x ssh-ed25519 AA) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line",
    ]);
    expect(checkSshPublicKey("ssh-ed25519 AA!")).toEqual([
      "aws.sshPublicKey (ssh-ed25519 AA!) must be one OpenSSH ssh-ed25519 or ssh-rsa public key line",
    ]);
  });
});

describe("TLS at the front door", () => {
  it("needs the TLS port apart from nginx's port, default or given", () => {
    expect(checkTls({ tlsPort: 443 })).toEqual([]);
    expect(checkTls({ tlsPort: 80 })).toEqual(["aws.tlsPort (80) must differ from aws.nginxPort (80) (one listener per port)"]);
    expect(checkTls({ tlsPort: 8080, nginxPort: 8080 })).toEqual([
      "aws.tlsPort (8080) must differ from aws.nginxPort (8080) (one listener per port)",
    ]);
    expect(checkTls({ tlsPort: 80, nginxPort: 8080 })).toEqual([]);
  });

  it("offloads at an NLB only, with an ACM certificate of any partition, to a port of its own", () => {
    expect(checkTls({ frontDoor: "nlb", tlsOffload: { certificateArn: CERT, targetPort: 8443 } })).toEqual([]);
    for (const arn of [
      "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc-1",
      "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/ABC",
    ]) {
      expect(checkTls({ frontDoor: "nlb", tlsOffload: { certificateArn: arn, targetPort: 8443 } }), arn).toEqual([]);
    }
    expect(checkTls({ tlsOffload: { certificateArn: CERT, targetPort: 8443 } })).toEqual([
      `aws.tlsOffload ({"certificateArn":"${CERT}","targetPort":8443}) needs aws.frontDoor nlb (only a load balancer terminates TLS for nginx)`,
    ]);
    expect(checkTls({ frontDoor: "nlb", nginxPort: 8080, tlsOffload: { certificateArn: `x${CERT}`, targetPort: 8080 } })).toEqual([
      `aws.tlsOffload.certificateArn (x${CERT}) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>`,
      "aws.tlsOffload.targetPort (8080) must differ from aws.nginxPort (8080) (nginx tells offloaded TLS from plain HTTP by port)",
    ]);
    expect(checkTls({ frontDoor: "nlb", tlsOffload: { certificateArn: `${CERT}/x`, targetPort: 0 } })).toEqual([
      `aws.tlsOffload.certificateArn (${CERT}/x) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>`,
      "aws.tlsOffload.targetPort (0) must be an integer from 1 to 65535",
    ]);
    expect(checkTls({ frontDoor: "nlb", tlsOffload: { certificateArn: 7, targetPort: 80 } })).toEqual([
      "aws.tlsOffload.certificateArn (7) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>",
      "aws.tlsOffload.targetPort (80) must differ from aws.nginxPort (80) (nginx tells offloaded TLS from plain HTTP by port)",
    ]);
  });

  it("wants the certificate ARN as a string", () => {
    expect(checkTls({ frontDoor: "nlb", tlsOffload: { certificateArn: [CERT], targetPort: 8443 } })).toEqual([
      `aws.tlsOffload.certificateArn (["${CERT}"]) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/<id>`,
    ]);
  });

  it("says a bad target port once, even when it equals a bad nginx port", () => {
    expect(checkTls({ frontDoor: "nlb", nginxPort: 0, tlsOffload: { certificateArn: CERT, targetPort: 0 } })).toEqual([
      "aws.tlsOffload.targetPort (0) must be an integer from 1 to 65535",
    ]);
  });

  it("refuses an offload that is not an object, keeping the port problem", () => {
    expect(checkTls({ tlsPort: 80, tlsOffload: null })).toEqual([
      "aws.tlsPort (80) must differ from aws.nginxPort (80) (one listener per port)",
      "aws.tlsOffload (null) must be { certificateArn, targetPort }",
    ]);
    expect(checkTls({ frontDoor: "nlb", tlsOffload: "arn" })).toEqual(["aws.tlsOffload (arn) must be { certificateArn, targetPort }"]);
  });
});

describe("the front door", () => {
  it("is nlb or eip, with an absolute health path", () => {
    expect(checkFrontDoor({ frontDoor: "eip", healthPath: "/healthz" })).toEqual([]);
    expect(checkFrontDoor({ frontDoor: "nlb", healthPath: "/a/b-c_d.e" })).toEqual([]);
    expect(checkFrontDoor({ frontDoor: "alb", healthPath: "healthz" })).toEqual([
      "aws.frontDoor (alb) must be one of nlb, eip",
      "aws.healthPath (healthz) must be an absolute URL path such as /healthz",
    ]);
    expect(checkFrontDoor({ frontDoor: "eip", healthPath: "/a b" })).toEqual(["aws.healthPath (/a b) must be an absolute URL path such as /healthz"]);
    expect(checkFrontDoor({ frontDoor: "eip", healthPath: 5 })).toEqual(["aws.healthPath (5) must be an absolute URL path such as /healthz"]);
    expect(checkFrontDoor({ frontDoor: "eip", healthPath: ["/healthz"] })).toEqual(['aws.healthPath (["/healthz"]) must be an absolute URL path such as /healthz']);
  });

  it("as an NLB in your own VPC needs two distinct public subnets", () => {
    const two = { frontDoor: "nlb", vpcId: "vpc-1" } as const;
    expect(checkFrontDoor({ ...two, publicSubnetIds: ["a", "b"] })).toEqual([]);
    expect(checkFrontDoor({ ...two, publicSubnetIds: ["a", "a"] })).toEqual([
      'aws.publicSubnetIds (["a","a"]) must list at least 2 subnets in distinct availability zones when aws.frontDoor is nlb',
    ]);
    expect(checkFrontDoor({ frontDoor: "eip", vpcId: "vpc-1", publicSubnetIds: ["a"] })).toEqual([]);
    expect(checkFrontDoor({ frontDoor: "nlb", publicSubnetIds: ["a"] })).toEqual([]);
    expect(checkFrontDoor({ ...two, publicSubnetIds: [] })).toEqual([]);
  });
});
