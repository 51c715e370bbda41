// tls.SelfSignedCert's certificate, made with the openssl CLI the way terraform-provider-tls makes
// it with Go's x509.CreateCertificate (internal/provider/resource_self_signed_cert.go, common_cert.go):
// - validity: NotBefore = now, NotAfter = NotBefore + validity_period_hours (the certificate keeps
//   whole seconds); validity_start_time/_end_time are those instants as RFC 3339 timestamps;
// - a random serial below 2^128 (the resource's id, in decimal);
// - subject RDNs in Go's pkix.Name order (C, ST, L, STREET…, PC, O, OU, CN, SERIALNUMBER, email),
//   PrintableString where it fits, else UTF8String; email as IA5String;
// - extensions in Go's order: keyUsage (critical) and extendedKeyUsage from allowed_uses,
//   basicConstraints (critical; CA:TRUE only for is_ca_certificate, pathlen only when > 0),
//   subjectKeyIdentifier (CA or set_subject_key_id; the provider's own SHA-1), authorityKeyIdentifier
//   (set_authority_key_id: the same value), subjectAltName DNS, IP, URI (critical if the subject is empty);
// - signature: SHA-256 (RSA, P-224, P-256), SHA-384 (P-384), SHA-512 (P-521), Ed25519.
// Everything happens in a private temporary directory removed afterwards; the key is a 0600 file
// there, never on a command line. `openssl ca` because only it takes start and end to the second
// (OpenSSL 3.0's req/x509 know only -days).
import { execFile } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import * as fs from "node:fs";
import { isIP } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { goQuote } from "./format";
import { ecPoint, type Algorithm, type EcdsaCurve } from "./tlsKeys";

export interface CertSubject {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  streetAddresses?: string[];
  locality?: string;
  province?: string;
  country?: string;
  postalCode?: string;
  serialNumber?: string;
  emailAddress?: string;
}

export interface CertRequest {
  privateKeyPem: string;
  subject?: CertSubject;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  validityPeriodHours: number;
  allowedUses: string[];
  isCaCertificate: boolean;
  maxPathLength?: number;
  setSubjectKeyId: boolean;
  setAuthorityKeyId: boolean;
}

export interface IssuedCert {
  certPem: string;
  keyAlgorithm: Algorithm;
  /** The serial number in decimal: the provider's resource id. */
  serial: string;
  validityStartTime: string;
  validityEndTime: string;
}

/** allowed_uses → x509.KeyUsage bits (openssl names). */
export const KEY_USAGES: Record<string, string> = {
  digital_signature: "digitalSignature", content_commitment: "nonRepudiation", key_encipherment: "keyEncipherment",
  data_encipherment: "dataEncipherment", key_agreement: "keyAgreement", cert_signing: "keyCertSign",
  crl_signing: "cRLSign", encipher_only: "encipherOnly", decipher_only: "decipherOnly",
};
/** allowed_uses → x509.ExtKeyUsage (by OID, as Go encodes them). */
export const EXTENDED_KEY_USAGES: Record<string, string> = {
  any_extended: "2.5.29.37.0", server_auth: "1.3.6.1.5.5.7.3.1", client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3", email_protection: "1.3.6.1.5.5.7.3.4", ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6", ipsec_user: "1.3.6.1.5.5.7.3.7", timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9", microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
  netscape_server_gated_crypto: "2.16.840.1.113730.4.1", microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
  microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

const CURVES: Record<string, EcdsaCurve> = { secp224r1: "P224", prime256v1: "P256", secp384r1: "P384", secp521r1: "P521" };
const DIGEST: Record<EcdsaCurve, string> = { P224: "sha256", P256: "sha256", P384: "sha384", P521: "sha512" };

/** Go's time.MarshalText (RFC 3339 with the fraction's trailing zeros dropped), in UTC. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.?0+Z$/, "Z").replace(/\.Z$/, "Z");
}

/** The provider's parsePrivateKeyPEM: PKCS#1, SEC 1 or PKCS#8 PEM of an RSA, ECDSA or Ed25519 key. */
export function parsePrivateKeyPem(pem: string): { key: KeyObject; algorithm: Algorithm; curve?: EcdsaCurve } {
  const type = /-----BEGIN ([A-Z ]+)-----/.exec(pem)?.[1];
  if (type === undefined) throw new Error("Failed to parse private key PEM: failed to decode PEM block");
  if (!["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"].includes(type)) {
    throw new Error(`Failed to parse private key PEM: unable to determine parser for PEM preamble: ${type}`);
  }
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType === "rsa") return { key, algorithm: "RSA" };
  if (key.asymmetricKeyType === "ed25519") return { key, algorithm: "ED25519" };
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
  if (key.asymmetricKeyType === "ec" && curve) return { key, algorithm: "ECDSA", curve };
  throw new Error(`Failed to parse private key PEM: unsupported private key type: ${key.asymmetricKeyType}`);
}

/** generateSubjectKeyID: SHA-1 of what Go marshals (for Ed25519 the key as an OCTET STRING). */
function subjectKeyId(key: KeyObject, algorithm: Algorithm, curve?: EcdsaCurve): string {
  const pub = createPublicKey(key);
  const bytes = algorithm === "RSA" ? (pub.export({ type: "pkcs1", format: "der" }) as Buffer)
    : algorithm === "ECDSA" ? ecPoint(key, curve!)
    : Buffer.concat([Buffer.from([0x04, 0x20]), (pub.export({ type: "spki", format: "der" }) as Buffer).subarray(-32)]);
  return [...createHash("sha1").update(bytes).digest()].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A value in openssl's config syntax: quoted, so `#`, `$` and spaces are literal. */
function quoted(what: string, value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`lab engine: ${what} ${goQuote(value)} contains a control character`);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function ia5(what: string, value: string): string {
  // Go: x509: "%s" cannot be encoded as an IA5String
  if (!/^[\u0000-\u007f]*$/.test(value)) throw new Error(`Failed to create certificate: x509: ${goQuote(value)} cannot be encoded as an IA5String`);
  return quoted(what, value);
}

/** The subject's RDNs in Go's order (empty values left out, as Go does for CN and serial). */
function subjectLines(s: CertSubject = {}): string[] {
  const fields: [string, string | undefined][] = [
    ["C", s.country], ["ST", s.province], ["L", s.locality], ...(s.streetAddresses ?? []).map((a): [string, string] => ["street", a]),
    ["postalCode", s.postalCode], ["O", s.organization], ["OU", s.organizationalUnit], ["CN", s.commonName],
    ["serialNumber", s.serialNumber], ["emailAddress", s.emailAddress],
  ];
  return fields.filter(([, v]) => v !== undefined && v !== "").map(([k, v], i) => `${i}.${k} = ${quoted(`subject ${k}`, v!)}`);
}

function extensionLines(req: CertRequest, ski: string, subjectEmpty: boolean): string[] {
  const usages = req.allowedUses.filter((u) => KEY_USAGES[u]).map((u) => KEY_USAGES[u]!);
  const extended = req.allowedUses.filter((u) => EXTENDED_KEY_USAGES[u]).map((u) => EXTENDED_KEY_USAGES[u]!);
  const maxPath = req.maxPathLength ?? -1;
  if (!req.isCaCertificate && maxPath > 0) throw new Error("Failed to create certificate: x509: only CAs are allowed to specify MaxPathLen");
  const withSki = req.isCaCertificate || req.setSubjectKeyId;
  if (req.setAuthorityKeyId && !withSki) throw new Error("Invalid Certificate Authority: Could not determine Authority Key Identifier");
  const san = [
    ...(req.dnsNames ?? []).map((d, i) => `DNS.${i} = ${ia5("dns name", d)}`),
    ...(req.ipAddresses ?? []).map((ip, i) => {
      if (isIP(ip) === 0) throw new Error(`Invalid IP address: Failed to parse ${goQuote(ip)}`);
      return `IP.${i} = ${ip}`;
    }),
    ...(req.uris ?? []).map((u, i) => `URI.${i} = ${ia5("uri", u)}`),
  ];
  return [
    "[ext]",
    ...(usages.length > 0 ? [`keyUsage = critical,${[...new Set(usages)].join(",")}`] : []),
    ...(extended.length > 0 ? [`extendedKeyUsage = ${extended.join(",")}`] : []),
    `basicConstraints = critical,${req.isCaCertificate ? `CA:TRUE${maxPath > 0 ? `,pathlen:${maxPath}` : ""}` : "CA:FALSE"}`,
    `subjectKeyIdentifier = ${withSki ? ski : "none"}`,
    `authorityKeyIdentifier = ${req.setAuthorityKeyId ? "keyid:always" : "none"}`,
    ...(san.length > 0 ? [`subjectAltName = ${subjectEmpty ? "critical," : ""}@san`, "[san]", ...san] : []),
  ];
}

/** `openssl ca` stamps exactly these instants: whole seconds, UTC. */
const opensslTime = (at: Date) => at.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");

function config(req: CertRequest, digest: string, ski: string): string {
  const subject = subjectLines(req.subject);
  const policy = ["countryName", "stateOrProvinceName", "localityName", "streetAddress", "postalCode", "organizationName",
    "organizationalUnitName", "commonName", "serialNumber", "emailAddress"];
  return [
    "[ca]", "default_ca = lab",
    "[lab]", "database = index.txt", "new_certs_dir = .", "serial = serial", `default_md = ${digest}`, "policy = policy",
    "unique_subject = no", "email_in_dn = yes", "copy_extensions = none", "utf8 = yes",
    // PrintableString where every character fits, else UTF8String (Go's asn1 choice).
    "string_mask = MASK:0x2002",
    "[policy]", ...policy.map((p) => `${p} = optional`),
    "[req]", "prompt = no", "utf8 = yes", "string_mask = MASK:0x2002", "distinguished_name = dn",
    "[dn]", ...subject,
    ...extensionLines(req, ski, subject.length === 0),
    "",
  ].join("\n");
}

function openssl(dir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd: dir, timeout: 60_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`Failed to create certificate: openssl ${args[0]}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/** Issues the self-signed certificate `req` describes, valid from `now`. */
export async function issueSelfSignedCert(req: CertRequest, now: Date): Promise<IssuedCert> {
  const { key, algorithm, curve } = parsePrivateKeyPem(req.privateKeyPem);
  if (req.isCaCertificate && subjectLines(req.subject).length === 0) {
    throw new Error("Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)");
  }
  const serial = BigInt(`0x${randomBytes(16).toString("hex")}`);
  const end = new Date(now.getTime() + req.validityPeriodHours * 3_600_000);
  const text = config(req, algorithm === "ECDSA" ? DIGEST[curve!] : "sha256", subjectKeyId(key, algorithm, curve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-tls-"));
  try {
    fs.writeFileSync(path.join(dir, "key.pem"), key.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "openssl.cnf"), text, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "index.txt"), "");
    const hex = serial.toString(16);
    fs.writeFileSync(path.join(dir, "serial"), `${hex.length % 2 ? "0" : ""}${hex}\n`);
    await openssl(dir, ["req", "-new", "-config", "openssl.cnf", "-key", "key.pem", "-out", "req.csr",
      ...(subjectLines(req.subject).length === 0 ? ["-subj", "/"] : [])]);
    await openssl(dir, ["ca", "-batch", "-selfsign", "-preserveDN", "-config", "openssl.cnf", "-extensions", "ext",
      "-keyfile", "key.pem", "-in", "req.csr", "-startdate", opensslTime(now), "-enddate", opensslTime(end), "-notext", "-out", "cert.pem"]);
    return {
      certPem: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"),
      keyAlgorithm: algorithm, serial: serial.toString(), validityStartTime: rfc3339(now), validityEndTime: rfc3339(end),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
