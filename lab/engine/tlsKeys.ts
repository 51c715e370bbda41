// tls.PrivateKey's material as terraform-provider-tls (the provider @pulumi/tls v5 bridges) encodes
// it, generated with node:crypto (internal/provider/resource_private_key.go, common_key.go, types.go):
// - private_key_pem: RSA as PKCS#1 "RSA PRIVATE KEY", ECDSA as SEC 1 "EC PRIVATE KEY", ED25519 as
//   PKCS#8 "PRIVATE KEY"; private_key_pem_pkcs8 always PKCS#8; public_key_pem PKIX "PUBLIC KEY";
// - private_key_openssh: Go's ssh.MarshalPrivateKey(key, "") (openssh-key-v1, cipher none, random
//   check word, empty comment) in a PEM block of 64-character lines;
// - public_key_openssh: ssh.MarshalAuthorizedKey, "<type> <base64>\n" (no comment);
// - fingerprints: ssh.FingerprintLegacyMD5 (aa:bb:…) and ssh.FingerprintSHA256 (SHA256:<unpadded base64>);
// - x/crypto/ssh has no P-224: for ECDSA P224 the four OpenSSH values are "".
// Every PEM ends with "\n" (encoding/pem).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

export const ALGORITHMS = ["RSA", "ECDSA", "ED25519"] as const;
export const ECDSA_CURVES = ["P224", "P256", "P384", "P521"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export type EcdsaCurve = (typeof ECDSA_CURVES)[number];

const NODE_CURVE: Record<EcdsaCurve, string> = { P224: "P-224", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" };
/** OpenSSH's curve identifiers (RFC 5656); P-224 has none in x/crypto/ssh. */
const SSH_CURVE: Partial<Record<EcdsaCurve, string>> = { P256: "nistp256", P384: "nistp384", P521: "nistp521" };
const COORDINATE_BYTES: Record<EcdsaCurve, number> = { P224: 28, P256: 32, P384: 48, P521: 66 };

export interface KeyMaterial {
  privateKeyPem: string;
  privateKeyPemPkcs8: string;
  privateKeyOpenssh: string;
  publicKeyPem: string;
  publicKeyOpenssh: string;
  publicKeyFingerprintMd5: string;
  publicKeyFingerprintSha256: string;
}

/** encoding/pem.EncodeToMemory: 64-character lines, trailing newline. */
export function pemEncode(type: string, der: Buffer): string {
  const body = der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
}

// SSH wire encoding (RFC 4251 §5).
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const sshString = (value: Buffer | string) => {
  const b = typeof value === "string" ? Buffer.from(value) : value;
  return Buffer.concat([u32(b.length), b]);
};
/** mpint from an unsigned big-endian number: no leading zeros, one 0x00 when the high bit is set. */
export function sshMpint(unsigned: Buffer): Buffer {
  let at = 0;
  while (at < unsigned.length && unsigned[at] === 0) at++;
  const digits = unsigned.subarray(at);
  return sshString(digits.length > 0 && digits[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), digits]) : digits);
}
const b64url = (s: string | undefined) => Buffer.from(s ?? "", "base64url");

/** What the public key and the OpenSSH private key are made of, per algorithm. */
interface SshParts {
  keyType: string;
  /** The public key's wire form (what fingerprints hash). */
  publicWire: Buffer;
  /** The private key fields after the key type (openssh-key-v1), comment excluded. */
  privateFields: Buffer;
}

function sshParts(algorithm: Algorithm, curve: EcdsaCurve, privateKey: KeyObject): SshParts | undefined {
  if (algorithm === "ECDSA" && SSH_CURVE[curve] === undefined) return undefined;
  const jwk = privateKey.export({ format: "jwk" });
  if (algorithm === "RSA") {
    const [n, e] = [sshMpint(b64url(jwk.n)), sshMpint(b64url(jwk.e))];
    return {
      keyType: "ssh-rsa",
      publicWire: Buffer.concat([sshString("ssh-rsa"), e, n]),
      // N and E swap places in the private key (Go: N, E, D, Iqmp, P, Q).
      privateFields: Buffer.concat([n, e, ...[jwk.d, jwk.qi, jwk.p, jwk.q].map((v) => sshMpint(b64url(v)))]),
    };
  }
  if (algorithm === "ED25519") {
    const pub = b64url(jwk.x);
    return {
      keyType: "ssh-ed25519",
      publicWire: Buffer.concat([sshString("ssh-ed25519"), sshString(pub)]),
      // The 64-byte private key is seed || public key.
      privateFields: Buffer.concat([sshString(pub), sshString(Buffer.concat([b64url(jwk.d), pub]))]),
    };
  }
  const name = SSH_CURVE[curve]!;
  const keyType = `ecdsa-sha2-${name}`;
  const point = ecPoint(privateKey, curve);
  return {
    keyType,
    publicWire: Buffer.concat([sshString(keyType), sshString(name), sshString(point)]),
    privateFields: Buffer.concat([sshString(name), sshString(point), sshMpint(b64url(jwk.d))]),
  };
}

/** The uncompressed point (0x04 || X || Y): the tail of the SubjectPublicKeyInfo. */
export function ecPoint(key: KeyObject, curve: EcdsaCurve): Buffer {
  const spki = createPublicKey(key).export({ type: "spki", format: "der" }) as Buffer;
  return spki.subarray(spki.length - (1 + 2 * COORDINATE_BYTES[curve]));
}

/** ssh.MarshalPrivateKey(key, ""): openssh-key-v1, unencrypted, padded to 8 with 1, 2, 3, … */
function opensshPrivateKey(parts: SshParts): string {
  const check = randomBytes(4);
  let block = Buffer.concat([check, check, sshString(parts.keyType), parts.privateFields, sshString("")]);
  const padding: number[] = [];
  for (let i = 0; (block.length + i) % 8 !== 0; i++) padding.push(i + 1);
  block = Buffer.concat([block, Buffer.from(padding)]);
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"), sshString("none"), sshString("none"), sshString(""), u32(1),
    sshString(parts.publicWire), sshString(block),
  ]);
  return pemEncode("OPENSSH PRIVATE KEY", body);
}

/** The key pair for the (already validated) algorithm, curve and size. */
export function generateKey(algorithm: Algorithm, curve: EcdsaCurve, rsaBits: number): KeyObject {
  if (algorithm === "RSA") return generateKeyPairSync("rsa", { modulusLength: rsaBits, publicExponent: 65537 }).privateKey;
  if (algorithm === "ECDSA") return generateKeyPairSync("ec", { namedCurve: NODE_CURVE[curve] }).privateKey;
  return generateKeyPairSync("ed25519").privateKey;
}

const PRIVATE_PEM: Record<Algorithm, { type: "pkcs1" | "sec1" | "pkcs8" }> = { RSA: { type: "pkcs1" }, ECDSA: { type: "sec1" }, ED25519: { type: "pkcs8" } };

/** Everything tls.PrivateKey outputs about a key besides its inputs. */
export function keyMaterial(algorithm: Algorithm, curve: EcdsaCurve, privateKey: KeyObject): KeyMaterial {
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" }) as Buffer;
  const ssh = sshParts(algorithm, curve, privateKey);
  const md5 = ssh ? [...createHash("md5").update(ssh.publicWire).digest()].map((b) => b.toString(16).padStart(2, "0")).join(":") : "";
  return {
    privateKeyPem: privateKey.export({ ...PRIVATE_PEM[algorithm], format: "pem" }) as string,
    privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    privateKeyOpenssh: ssh ? opensshPrivateKey(ssh) : "",
    publicKeyPem: pemEncode("PUBLIC KEY", spki),
    publicKeyOpenssh: ssh ? `${ssh.keyType} ${ssh.publicWire.toString("base64")}\n` : "",
    publicKeyFingerprintMd5: md5,
    publicKeyFingerprintSha256: ssh ? `SHA256:${createHash("sha256").update(ssh.publicWire).digest("base64").replace(/=+$/, "")}` : "",
  };
}
