import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

// Debian's official AMIs (https://wiki.debian.org/Cloud/AmazonEC2Image): published by this
// account, named debian-12-<arch>-<date>-<build>.
export const DEBIAN_OWNER = "136693071363";

export type Architecture = "x86_64" | "arm64";

// Graviton families carry a "g" right after the generation digit (t4g, m7g, c7gn, im4gn,
// x2gd); a1 is the first generation.
const GRAVITON_FAMILY_RE = /^([a-z]+\d+g[a-z]*|a1)$/;

export function architectureOf(instanceType: string): Architecture {
  const family = instanceType.split(".")[0] ?? "";
  return GRAVITON_FAMILY_RE.test(family) ? "arm64" : "x86_64";
}

export function debianAmiQuery(arch: Architecture): aws.ec2.GetAmiArgs {
  return {
    owners: [DEBIAN_OWNER],
    mostRecent: true,
    filters: [
      { name: "name", values: [`debian-12-${arch === "arm64" ? "arm64" : "amd64"}-*`] },
      { name: "architecture", values: [arch] },
      { name: "virtualization-type", values: ["hvm"] },
    ],
  };
}

/** The newest Debian 12 AMI id for `arch` in the provider's region. */
export function lookupDebianAmi(arch: Architecture, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return aws.ec2.getAmiOutput(debianAmiQuery(arch), opts).id;
}
