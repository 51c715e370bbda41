// The provider's Check (pulumi-command v1.2.1, copyController.go `CopyToRemote.Check`), which the
// engine calls before any diff, in preview too. Command has no Check of its own. v1.2.1 reads an
// UNKNOWN `source` (a preview where the source depends on something not created yet) as "neither
// asset nor archive" and fails; the fix (#1184) is in no release.
import * as pulumi from "@pulumi/pulumi";
import { COMMAND, COPY, isUnknown, unwrapSecrets } from "./inputs";

export interface CheckFailure {
  property: string;
  reason: string;
}

type SourceShape = "unknown" | "none" | "text asset" | "path asset" | "other asset" | "path archive" | "other archive";

async function shapeOf(source: unknown): Promise<SourceShape> {
  if (source === undefined || source === null || isUnknown(source)) return source === undefined || source === null ? "none" : "unknown";
  if (source instanceof pulumi.asset.FileAsset) return isUnknown(await source.path) ? "unknown" : "path asset";
  if (source instanceof pulumi.asset.StringAsset) return isUnknown(await source.text) ? "unknown" : "text asset";
  if (source instanceof pulumi.asset.FileArchive) return isUnknown(await source.path) ? "unknown" : "path archive";
  if (pulumi.asset.Asset.isInstance(source)) return "other asset";
  if (pulumi.asset.Archive.isInstance(source)) return "other archive";
  return "none";
}

/**
 * The provider's Check failures for a remote resource's inputs as a mock receives them (secret
 * wrappers and unknowns included). Asynchronous only because an asset's path or text is a Promise.
 * An asset whose own path or text is unknown counts as an unknown source.
 */
export async function checkRemoteResource(type: string, inputs: Record<string, unknown>): Promise<CheckFailure[]> {
  if (type === COMMAND) return [];
  if (type !== COPY) throw new Error(`no provider Check for ${type}`);
  const shape = await shapeOf(unwrapSecrets(inputs).source);
  // From TypeScript `source` is one value, so "only one of asset or archive can be set" cannot arise.
  if (shape === "unknown" || shape === "none") return [{ property: "asset", reason: "either asset or archive must be set" }];
  if (shape === "other asset") return [{ property: "asset", reason: "asset must be a path-based file asset or a text asset" }];
  if (shape === "other archive") return [{ property: "archive", reason: "archive must be a path to a file or directory" }];
  return [];
}

/** The engine's message for a failed Check (diag "property %v value %v has a problem: %v", value left out). */
export function describeCheckFailure(type: string, name: string, f: CheckFailure): string {
  return `${type} resource '${name}': property ${f.property} has a problem: ${f.reason}`;
}
