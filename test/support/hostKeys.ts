import { createHash } from "node:crypto";

const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** A well-formed OpenSSH ED25519 public key line, distinct per label (no private key exists for it). */
export function testHostKey(label: string): string {
  const point = createHash("sha256").update(label).digest();
  return `ssh-ed25519 ${Buffer.concat([u32(11), Buffer.from("ssh-ed25519"), u32(32), point]).toString("base64")}`;
}
