// The engine's record of what it applied, standing in for a Pulumi stack's state: per resource (by
// URN) its inputs as the provider last received them (a copy's source as kind + hash), its outputs,
// the options the delete needs (dependencies, deletedWith), and the old copies of replaced
// resources whose delete failed (pending deletes, retried first on the next run). Written after
// every change, so a failed run keeps what succeeded. Holds deploy keys inside connections and the
// private keys of tls resources (which live only here, as in a Pulumi state): 0600.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LAB_DIR } from "../hosts/paths";

export const DEPLOY_STATE_FILE = path.join(LAB_DIR, "deploy-state.json");
const VERSION = 2;

export interface ResourceRecord {
  urn: string;
  type: string;
  name: string;
  /** Where it runs, for progress lines (a lab host name, else the address). */
  host: string;
  /** Inputs with secrets unwrapped; a CopyToRemote `source` as a SourceRecord. */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** URNs this resource depends on: it is deleted before them. */
  dependencies: string[];
  deletedWith?: string;
  /** Registration order of the run that last saw it (ties in the delete order). */
  seq: number;
}

export interface DeployState {
  version: typeof VERSION;
  /** Which lab this state belongs to: a state left by an earlier lab is not trusted. */
  owner?: string;
  /** URL of the last successful deploy. */
  url?: string;
  resources: Record<string, ResourceRecord>;
  /** Old copies of replaced resources whose delete failed: retried before anything else. */
  pendingDeletes: ResourceRecord[];
}

export const emptyState = (owner?: string): DeployState => ({ version: VERSION, ...(owner ? { owner } : {}), resources: {}, pendingDeletes: [] });

/** The state in `file`; a missing file or one written by an older engine reads as empty. */
export function readDeployState(file = DEPLOY_STATE_FILE): DeployState & { discarded?: string } {
  let state: DeployState;
  try {
    state = JSON.parse(fs.readFileSync(file, "utf8")) as DeployState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw err;
  }
  if (state.version !== VERSION) return { ...emptyState(state.owner), discarded: `version ${String(state.version)}` };
  return state;
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

/** Canonical JSON (sorted keys, undefined dropped) so equal values always compare equal. */
export function canonical(value: unknown): string {
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
