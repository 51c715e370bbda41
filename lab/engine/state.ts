// The lab executor's record of what it ran, standing in for a Pulumi stack's state: per resource
// the digest of its inputs (unchanged → not run again), its outputs, and what `delete` needs
// (command + connection) once the resource leaves the program. Written after every change, so a
// failed deploy keeps what succeeded. Holds the deploy key inside connections: mode 0600.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RemoteConnection } from "./ssh";
import { LAB_DIR } from "../hosts/paths";

export const DEPLOY_STATE_FILE = path.join(LAB_DIR, "deploy-state.json");

export interface ResourceRecord {
  type: string;
  name: string;
  /** Lab host the resource runs on (for progress lines). */
  host: string;
  /** Digest of every input: equal digests mean nothing to do. */
  digest: string;
  /** Digest of `triggers`: a change means replacement (the old `delete` runs afterwards). */
  triggers: string;
  outputs: Record<string, string>;
  delete?: string;
  connection?: RemoteConnection;
  /** Creation order: deletes run in reverse. */
  seq: number;
}

export interface DeployState {
  version: 1;
  /** Which lab this state belongs to: a state left by an earlier lab is not trusted. */
  owner?: string;
  /** URL of the last successful deploy. */
  url?: string;
  resources: Record<string, ResourceRecord>;
}

export const resourceKey = (type: string, name: string) => `${type}::${name}`;

export function readDeployState(file = DEPLOY_STATE_FILE): DeployState {
  try {
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as DeployState;
    if (state.version !== 1) throw new Error(`${file}: unknown version ${String(state.version)}`);
    return state;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, resources: {} };
    throw err;
  }
}

export function writeDeployState(state: DeployState, file = DEPLOY_STATE_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function removeDeployState(file = DEPLOY_STATE_FILE): void {
  fs.rmSync(file, { force: true });
}

/** Canonical JSON (sorted keys) so equal inputs always give equal digests. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function digestOf(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex");
}
