import * as pulumi from "@pulumi/pulumi";

export type Tags = Record<string, string>;

/**
 * Tags for one resource: the caller's `extra`, then webtier's own (which win, so inventory and
 * cost reports can always find the stack). Provider `defaultTags` stay the caller's business.
 */
export function resourceTags(resourceName: string, extra: Tags | undefined): Tags {
  return {
    ...extra,
    "webtier:stack": pulumi.getStack(),
    "webtier:project": pulumi.getProject(),
    Name: resourceName,
  };
}
