import * as pulumi from "@pulumi/pulumi";

export type Tags = Record<string, string>;

/**
 * Tags for one resource: the caller's `extra` plus webtier's own, which let inventory and cost
 * reports find the stack (validation rejects caller tags that would clash with them). Provider
 * `defaultTags` stay the caller's business.
 */
export function resourceTags(resourceName: string, extra: Tags | undefined): Tags {
  return {
    ...extra,
    "webtier:stack": pulumi.getStack(),
    "webtier:project": pulumi.getProject(),
    Name: resourceName,
  };
}
