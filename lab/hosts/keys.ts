// SSH material the lab generates itself: one deploy key (generated once, reused across labs) and
// one ed25519 host key per host, so the lab can pin every host key instead of trusting on first use.
import * as fs from "node:fs";
import * as path from "node:path";
import { runOk } from "./exec";
import { DEPLOY_KEY, KNOWN_HOSTS, LAB_DIR, hostDir } from "./paths";

async function generate(file: string, comment: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Write to a temp name first so an interrupted run never leaves a key without its .pub.
  const tmp = `${file}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.rmSync(`${tmp}.pub`, { force: true });
  await runOk("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", tmp]);
  fs.renameSync(`${tmp}.pub`, `${file}.pub`);
  fs.renameSync(tmp, file);
}

/** Path of the lab's deploy private key; generated on first use. */
export async function ensureDeployKey(): Promise<string> {
  fs.mkdirSync(LAB_DIR, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(DEPLOY_KEY) || !fs.existsSync(`${DEPLOY_KEY}.pub`)) {
    await generate(DEPLOY_KEY, "webtier-lab-deploy");
  }
  return DEPLOY_KEY;
}

export function deployPublicKey(): string {
  return fs.readFileSync(`${DEPLOY_KEY}.pub`, "utf8").trim();
}

export function hostKeyPath(name: string): string {
  return path.join(hostDir(name), "ssh_host_ed25519_key");
}

/** The host's public key line ("ssh-ed25519 AAAA..."), generating the pair when missing. */
export async function ensureHostKey(name: string): Promise<string> {
  const file = hostKeyPath(name);
  if (!fs.existsSync(file) || !fs.existsSync(`${file}.pub`)) await generate(file, `root@${name}`);
  const [type, key] = fs.readFileSync(`${file}.pub`, "utf8").trim().split(/\s+/);
  return `${type} ${key}`;
}

/** Rewrites the lab's known_hosts: exactly one pinned key per address the lab connects to. */
export function writeKnownHosts(entries: { address: string; hostKey: string }[], file = KNOWN_HOSTS): string {
  const lines = entries.map((e) => `${e.address} ${e.hostKey}`);
  fs.writeFileSync(file, lines.length ? `${lines.join("\n")}\n` : "", { mode: 0o600 });
  return file;
}
