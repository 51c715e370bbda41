// A model of what `pulumi up` stores in the state (the checkpoint's `resources`), built from what
// a mocked run registers. Mirrors pulumi v3.248 pkg/resource/stack/checkpoint + deployment.go:
// every custom resource stores its inputs AND its outputs (the command provider's outputs embed
// the inputs, plus stdout and stderr: pulumi-command v1.2.1 remote/commandController.go); a
// component stores what it passes to registerOutputs; the stack resource stores the program's
// exports. Secrets are stored as ciphertext (passphrase provider: AES-256-GCM, base64).
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_SIG, SECRET_VALUE } from "../lab/engine/inputs";

export { SECRET_SIG, SECRET_VALUE };
const ARCHIVE_SIG = pulumi.runtime.specialArchiveSig;
const ASSET_SIG = pulumi.runtime.specialAssetSig;
// AES-GCM adds a 16-byte tag; the ciphertext string is "v1:<12-byte nonce, base64>:<base64>".
const GCM_TAG_BYTES = 16;

export interface RecordedState {
  type: string;
  name: string;
  /** The inputs as the SDK sent them (secret wrappers, assets already resolved to {path|text}). */
  inputs: Record<string, unknown>;
  /** Outputs beyond the inputs (a Command's stdout and stderr). */
  extraOutputs?: Record<string, unknown>;
  /** Components and the stack: what they registered as outputs. */
  outputsOnly?: boolean;
}

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** A value as the checkpoint holds it: secrets as ciphertext of the same length, assets by hash. */
export function asStored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asStored);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG] === SECRET_VALUE && "value" in o) {
      const plain = Buffer.byteLength(JSON.stringify(asStored(o.value)));
      const ciphertext = `v1:${"n".repeat(base64Length(12))}:${"c".repeat(base64Length(plain + GCM_TAG_BYTES))}`;
      return { [SECRET_SIG]: SECRET_VALUE, ciphertext };
    }
    if (o[SECRET_SIG] === ARCHIVE_SIG || o[SECRET_SIG] === ASSET_SIG) {
      const hash = createHash("sha256").update(JSON.stringify(o)).digest("hex");
      const { text, path } = o as { text?: string; path?: string };
      return { [SECRET_SIG]: o[SECRET_SIG], hash, ...(path === undefined ? {} : { path }), ...(text === undefined ? {} : { text }) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, asStored(v)]));
  }
  return value;
}

/** Bytes one resource takes in the checkpoint (inputs + outputs, compact JSON). */
export function storedBytes(r: RecordedState): number {
  const inputs = asStored(r.inputs) as Record<string, unknown>;
  const entry = r.outputsOnly
    ? { type: r.type, outputs: inputs }
    : { type: r.type, inputs, outputs: { ...inputs, ...(asStored(r.extraOutputs ?? {}) as object) } };
  return Buffer.byteLength(JSON.stringify(entry));
}

export interface TypeBytes {
  type: string;
  count: number;
  bytes: number;
}

/** Bytes per resource type, largest first. */
export function bytesByType(resources: RecordedState[]): TypeBytes[] {
  const byType = new Map<string, TypeBytes>();
  for (const r of resources) {
    const row = byType.get(r.type) ?? { type: r.type, count: 0, bytes: 0 };
    row.count++;
    row.bytes += storedBytes(r);
    byType.set(r.type, row);
  }
  return [...byType.values()].sort((a, b) => b.bytes - a.bytes || a.type.localeCompare(b.type));
}

/** Of one resource type, the bytes each input takes in the checkpoint (inputs and outputs both). */
export function bytesByField(resources: RecordedState[], type: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const r of resources.filter((x) => x.type === type && !x.outputsOnly)) {
    const stored = { ...(asStored(r.inputs) as object), ...(asStored(r.extraOutputs ?? {}) as object) } as Record<string, unknown>;
    for (const [key, value] of Object.entries(stored)) {
      const copies = key in r.inputs ? 2 : 1;
      fields[key] = (fields[key] ?? 0) + copies * Buffer.byteLength(JSON.stringify(value));
    }
  }
  return fields;
}
