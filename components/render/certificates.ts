import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { show } from "./messages";

// Checks on `tls.certificate` (a PEM chain) and the secret `webtier:tlsKey`, with node:crypto's
// X509Certificate. What nginx needs: the server certificate first, then each intermediate in
// signing order (nginx sends the file as it is), and the key of the first certificate.

export interface CertificateFindings {
  errors: string[];
  warnings: string[];
}

/** A certificate as shown in messages and outputs. */
export interface CertificateSummary {
  /** The subject's CN, else the whole subject on one line. */
  subject: string;
  /** Subject alternative names as written in the certificate ("DNS:www.example.com", "IP Address:…"). */
  names: string[];
  /** SHA-256 fingerprint, colon-separated hex (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string;
  /** End of validity, ISO 8601. */
  validTo: string;
}

/** Renewal warning threshold: a certificate expiring sooner is reported on every deployment. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

interface PemBlock {
  label: string;
  text: string;
}

function pemBlocks(pem: string): PemBlock[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, text: m[0] }));
}

function subjectOf(cert: X509Certificate): string {
  const lines = cert.subject.split("\n");
  const cn = lines.find((line) => line.startsWith("CN="));
  return cn ?? lines.join(", ");
}

const label = (i: number, cert: X509Certificate) => `certificate ${i + 1}: ${show(subjectOf(cert))}`;
const iso = (date: string) => new Date(date).toISOString();

/** The certificates of a PEM chain, or the errors that make it unusable as one. */
function parseChain(pem: string): { certs: X509Certificate[]; errors: string[] } {
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) {
    return { certs: [], errors: ["tls.certificate (no PEM block) must hold at least one CERTIFICATE block: the server certificate, then its intermediates"] };
  }
  const errors: string[] = [];
  const certs: X509Certificate[] = [];
  blocks.forEach((block, i) => {
    if (block.label !== "CERTIFICATE") {
      // Only the label is shown: the block may be the private key itself.
      const key = block.label.includes("PRIVATE KEY") ? ": the private key goes in the secret webtier:tlsKey" : "";
      errors.push(`tls.certificate (block ${i + 1}: ${block.label}) must hold only CERTIFICATE blocks${key}`);
      return;
    }
    try {
      certs.push(new X509Certificate(block.text));
    } catch {
      errors.push(`tls.certificate (block ${i + 1}) is not a valid X.509 certificate`);
    }
  });
  return errors.length > 0 ? { certs: [], errors } : { certs, errors };
}

/**
 * Every rule on a PEM chain at time `now`: CERTIFICATE blocks only, each certificate issued (and
 * signed) by the next one, each valid at `now`; a certificate ending within 14 days warns.
 */
export function checkCertificateChain(pem: string, now: Date): CertificateFindings {
  const { certs, errors } = parseChain(pem);
  const warnings: string[] = [];
  for (let i = 0; i + 1 < certs.length; i += 1) {
    const [cert, next] = [certs[i]!, certs[i + 1]!];
    if (!cert.checkIssued(next) || !cert.verify(next.publicKey)) {
      errors.push(
        `tls.certificate (${label(i, cert)}) is not issued by certificate ${i + 2} (${show(subjectOf(next))}): list the server certificate first, then each issuer in signing order`,
      );
    }
  }
  certs.forEach((cert, i) => {
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    if (to < now.getTime()) {
      errors.push(`tls.certificate (${label(i, cert)}) expired on ${iso(cert.validTo)}`);
    } else if (from > now.getTime()) {
      errors.push(`tls.certificate (${label(i, cert)}) is not valid before ${iso(cert.validFrom)}`);
    } else if (to - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
      warnings.push(`tls.certificate (${label(i, cert)}) expires on ${iso(cert.validTo)}, within ${EXPIRY_WARNING_DAYS} days: renew it`);
    }
  });
  return { errors, warnings };
}

/**
 * Rules on the secret key against the chain's first certificate. Never shows the key. A chain
 * that does not parse gives no finding here: checkCertificateChain reports it.
 */
export function checkTlsKeyPair(certificatePem: string, keyPem: string): string[] {
  const leaf = parseChain(certificatePem).certs[0];
  let key: KeyObject;
  try {
    // Throws on anything but a PEM private key, an encrypted one included (nginx could not read it).
    key = createPrivateKey({ key: keyPem, format: "pem" });
  } catch {
    return ["tlsKey (secret) must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)"];
  }
  if (leaf && !matches(leaf, key)) {
    return [`tlsKey (secret) does not match tls.certificate's first certificate (${show(subjectOf(leaf))})`];
  }
  return [];
}

function matches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false; // a key of another type (an EC key for an RSA certificate)
  }
}

/** The chain's first certificate, summarized; undefined when the chain does not parse. */
export function describeCertificate(pem: string): CertificateSummary | undefined {
  const leaf = parseChain(pem).certs[0];
  if (!leaf) return undefined;
  return {
    subject: subjectOf(leaf),
    names: (leaf.subjectAltName ?? "").split(", ").filter((name) => name !== ""),
    fingerprint256: leaf.fingerprint256,
    validTo: iso(leaf.validTo),
  };
}

/**
 * OCSP stapling works only when the server certificate names an OCSP responder (its Authority
 * Information Access) and nginx can find the issuer in the chain to verify the response; without
 * either, nginx warns "ssl_stapling ignored" at every start.
 */
export function staplingApplies(pem: string): boolean {
  const certs = parseChain(pem).certs;
  if (certs.length < 2) return false;
  const [leaf, issuer] = [certs[0]!, certs[1]!];
  return /^OCSP - URI:/m.test(leaf.infoAccess ?? "") && leaf.checkIssued(issuer);
}
