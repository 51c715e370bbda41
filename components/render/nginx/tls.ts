import { staplingApplies } from "../certificates";
import { REMOTE } from "../paths";
import { tlsModeOf, type TlsTuning } from "../tls";
import type { Tuning } from "../tuning";
import { d, type Directive } from "./directives";
import { FFDHE2048_PEM } from "./ffdhe2048";

// TLS in nginx follows the Mozilla SSL Configuration Generator's "intermediate" profile,
// guideline v5.7 (https://ssl-config.mozilla.org/guidelines/5.7.json): TLS 1.2 and 1.3, forward
// secret AEAD ciphers only, the client's cipher preference, ffdhe2048 for DHE, no session tickets.
export const MOZILLA_PROFILE = "Mozilla intermediate profile, guideline v5.7";

export const MOZILLA_INTERMEDIATE_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES256-GCM-SHA384",
  // Added in v5.7.
  "DHE-RSA-CHACHA20-POLY1305",
] as const;

/**
 * A path under /etc/nginx as nginx.conf names it: relative paths resolve against the directory of
 * the tested nginx.conf, so `nginx -t -c <stage>/nginx.conf` checks the staged certificate and key.
 */
export function confRelative(path: string): string {
  return path.replace(/^\/etc\/nginx\//, "");
}

/** A file the nginx step installs; `content` is absent for the secret key (the component stages it). */
export interface NginxTlsFile {
  path: string;
  mode: "0600" | "0644";
  content?: string;
}

/** The TLS files nginx reads when TLS ends in nginx; none otherwise. */
export function nginxTlsFiles(t: Tuning): NginxTlsFile[] {
  if (!t.tls || tlsModeOf(t.tls) !== "nginx") return [];
  const pem = t.tls.certificate;
  return [
    // Absent until a self-signed certificate is generated: only stand-in renderings lack it.
    ...(pem === undefined ? [] : [{ path: REMOTE.tlsCertificate, mode: "0644" as const, content: pem.endsWith("\n") ? pem : `${pem}\n` }]),
    { path: REMOTE.tlsDhparam, mode: "0644", content: FFDHE2048_PEM },
    { path: REMOTE.tlsKey, mode: "0600" },
  ];
}

/** Every TLS file nginx may have been given: those a config no longer uses are removed. */
export const NGINX_TLS_PATHS = [REMOTE.tlsCertificate, REMOTE.tlsDhparam, REMOTE.tlsKey];

/** Strict-Transport-Security for a server that answers HTTPS (nginx's or a load balancer's). */
export function hstsDirectives(tls: TlsTuning): Directive[] {
  if (!tls.hsts) return [];
  const value = [
    `max-age=${tls.hsts.maxAge}`,
    ...(tls.hsts.includeSubDomains ? ["includeSubDomains"] : []),
    ...(tls.hsts.preload ? ["preload"] : []),
  ].join("; ");
  // `always`: error responses (a 502 from the app tier) carry it too.
  return [d("add_header", "Strict-Transport-Security", value, "always")];
}

/** The certificate, key and protocol settings of a server that ends TLS. */
export function sslDirectives(tls: TlsTuning): Directive[] {
  const stapling = tls.certificate !== undefined && staplingApplies(tls.certificate);
  return [
    d("ssl_certificate", confRelative(REMOTE.tlsCertificate)),
    d("ssl_certificate_key", confRelative(REMOTE.tlsKey)),
    d("ssl_protocols", "TLSv1.2", "TLSv1.3"),
    d("ssl_ciphers", MOZILLA_INTERMEDIATE_CIPHERS.join(":")),
    d("ssl_prefer_server_ciphers", "off"),
    d("ssl_dhparam", confRelative(REMOTE.tlsDhparam)),
    // About 40,000 sessions in 10 MB, shared by the workers.
    d("ssl_session_cache", "shared:webtier_tls:10m"),
    d("ssl_session_timeout", "1d"),
    d("ssl_session_tickets", "off"),
    ...(stapling
      ? [d("ssl_stapling", "on"), d("ssl_stapling_verify", "on"), d("ssl_trusted_certificate", confRelative(REMOTE.tlsCertificate))]
      : []),
  ];
}
