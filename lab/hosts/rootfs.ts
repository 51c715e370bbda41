// Per-host root filesystems: an overlay (lower = cached image, upper/work per host) when overlayfs
// works, else a full copy. Then the per-host identity is injected: hostname, machine-id, the
// lab-generated host key (so it can be pinned) and admin's authorized_keys.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { run, runOk } from "./exec";
import { deployPublicKey, hostKeyPath } from "./keys";
import { hostDir } from "./paths";

export function rootfsDir(name: string): string {
  return path.join(hostDir(name), "rootfs");
}

/** Mount points under the lab directory, deepest first (so nested mounts unmount in order). */
export function labMounts(under: string): string[] {
  const lines = fs.readFileSync("/proc/self/mounts", "utf8").split("\n");
  const points = lines.map((l) => l.split(" ")[1]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => p === under || p.startsWith(`${under}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

function isMounted(dir: string): boolean {
  return labMounts(dir).includes(dir);
}

/** Mounts (or copies) the host's root; returns how it was made. Idempotent. */
export async function ensureRootfs(name: string, image: string): Promise<"overlay" | "copy"> {
  const dir = hostDir(name);
  const root = rootfsDir(name);
  if (isMounted(root)) return "overlay";
  if (fs.existsSync(path.join(dir, ".copied"))) return "copy";
  const upper = path.join(dir, "upper");
  const work = path.join(dir, "work");
  for (const d of [root, upper, work]) fs.mkdirSync(d, { recursive: true });
  const r = await run("mount", ["-t", "overlay", "overlay", "-o",
    `lowerdir=${image},upperdir=${upper},workdir=${work}`, root]);
  if (r.code === 0) return "overlay";
  // Overlay not usable here (e.g. upper dir on an overlay itself): a plain copy still works.
  fs.rmSync(root, { recursive: true, force: true });
  await runOk("cp", ["-a", "--reflink=auto", image, root]);
  fs.writeFileSync(path.join(dir, ".copied"), "");
  return "copy";
}

export async function unmountRootfs(name: string): Promise<void> {
  for (const m of labMounts(rootfsDir(name))) {
    const r = await run("umount", [m]);
    if (r.code !== 0) await runOk("umount", ["--lazy", m]);
  }
}

function ownerOf(root: string, user: string): { uid: number; gid: number } {
  const line = fs.readFileSync(path.join(root, "etc/passwd"), "utf8").split("\n")
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`lab image has no user ${user}`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function writeFile(file: string, text: string, mode: number, owner?: { uid: number; gid: number }): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  if (owner) fs.chownSync(file, owner.uid, owner.gid);
}

/** Writes the per-host identity into the (mounted) root. Safe to repeat on every boot. */
export function injectIdentity(name: string, user: string): void {
  const root = rootfsDir(name);
  writeFile(path.join(root, "etc/hostname"), `${name}\n`, 0o644);
  const hosts = ["127.0.0.1\tlocalhost", `127.0.1.1\t${name}`, "::1\tlocalhost ip6-localhost ip6-loopback", ""];
  writeFile(path.join(root, "etc/hosts"), hosts.join("\n"), 0o644);
  // A stable machine-id per host (kept across reboots), as a cloud instance has.
  const machineId = path.join(root, "etc/machine-id");
  if (!fs.existsSync(machineId) || fs.readFileSync(machineId, "utf8").trim() === "") {
    writeFile(machineId, `${randomBytes(16).toString("hex")}\n`, 0o444);
  }
  const key = hostKeyPath(name);
  writeFile(path.join(root, "etc/ssh/ssh_host_ed25519_key"), fs.readFileSync(key, "utf8"), 0o600);
  writeFile(path.join(root, "etc/ssh/ssh_host_ed25519_key.pub"), fs.readFileSync(`${key}.pub`, "utf8"), 0o644);
  // sshd's PAM stack refuses non-root logins while /run/nologin exists; systemd-user-sessions
  // removes it at boot, but that oneshot has been seen failing in a container, which left the
  // host unreachable for good. Lab hosts skip the check (a cloud VM never meets this).
  const pamSshd = path.join(root, "etc/pam.d/sshd");
  const pam = fs.readFileSync(pamSshd, "utf8");
  const withoutNologin = pam.replace(/^(account\s+required\s+pam_nologin\.so.*)$/m, "# lab: $1");
  if (withoutNologin !== pam) writeFile(pamSshd, withoutNologin, 0o644);
  const owner = ownerOf(root, user);
  const sshDir = path.join(root, "home", user, ".ssh");
  fs.mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  fs.chownSync(sshDir, owner.uid, owner.gid);
  writeFile(path.join(sshDir, "authorized_keys"), `${deployPublicKey()}\n`, 0o600, owner);
}
