// The lab's record of what it created: the public LabState plus the internal details (PIDs, mount
// mode) that `lab down` needs to remove exactly what the lab made and nothing else.
import * as fs from "node:fs";
import { LAB_DIR, STATE_FILE } from "./paths";

export interface LabHost {
  name: string;
  role: "nginx" | "app";
  /** Public address for nginx hosts; the private address for app hosts (they have no other). */
  address: string;
  privateAddress: string;
  user: string;
  port: number;
  /** Pinned host key: "ssh-ed25519 AAAA..." */
  hostKey: string;
  namespace: string;
  /** PID of the host's supervisor (stable across reboots of the host). */
  pid?: number;
}

export interface LabState {
  url: string;
  privateKeyPath: string;
  /** Name of the nginx host used as SSH bastion for app hosts. */
  bastion: string;
  /** Apt proxy URL reachable from every host. */
  proxy: string;
  clients: { namespace: string; address: string }[];
  hosts: LabHost[];
}

export interface LabInternal {
  image: string;
  knownHostsPath: string;
  proxyPid?: number;
  /** "overlay" when per-host roots are overlay mounts, "copy" when overlayfs was not usable. */
  rootfsMode: Record<string, "overlay" | "copy">;
}

export interface LabStateFile extends LabState {
  internal: LabInternal;
}

export function readStateFile(): LabStateFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as LabStateFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeStateFile(state: LabStateFile): void {
  fs.mkdirSync(LAB_DIR, { recursive: true, mode: 0o700 });
  const tmp = `${STATE_FILE}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, STATE_FILE);
}

export function removeStateFile(): void {
  fs.rmSync(STATE_FILE, { force: true });
}

/** The public part only: callers never depend on the internal bookkeeping. */
export function publicState(s: LabStateFile): LabState {
  const { internal: _internal, ...pub } = s;
  return pub;
}
