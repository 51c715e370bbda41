import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { checkTlsKeyPair } from "./render";
import type { TlsSettings } from "./configTypes";
import { ConfigError } from "./stackConfig";

/** The certificate chain and key nginx serves HTTPS with. */
export interface TlsMaterial {
  /** PEM, server certificate first: public (an output users can trust in test environments). */
  certificate: pulumi.Output<string>;
  /** PEM private key: secret wherever it goes. */
  key: pulumi.Output<string>;
  /** Resolves once the key is known to match the certificate; rejects with a ConfigError if not. */
  checked: pulumi.Output<true>;
}

export interface TlsSources {
  settings: TlsSettings | undefined;
  /** The private key of `settings.certificate` (the secret `webtier:tlsKey`). */
  key: pulumi.Input<string> | undefined;
  /** What a self-signed certificate is issued for besides `settings.serverNames`. */
  dnsNames: pulumi.Input<string>[];
  ipAddresses: pulumi.Input<string[]>;
}

// A self-signed certificate lives a year and is replaced 30 days before it expires (the provider
// plans the replacement at the first `up` inside that window): test stacks never serve an expired one.
const SELF_SIGNED_HOURS = 365 * 24;
const SELF_SIGNED_RENEWAL_HOURS = 30 * 24;

function selfSigned(name: string, sources: TlsSources, parent: pulumi.Resource): { certificate: pulumi.Output<string>; key: pulumi.Output<string> } {
  const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
  const serverNames = sources.settings?.serverNames ?? [];
  const dnsNames = pulumi.all(sources.dnsNames).apply((names) => [...new Set([...serverNames, ...names])]);
  const cert = new tls.SelfSignedCert(`${name}-tls-certificate`, {
    privateKeyPem: key.privateKeyPem,
    subject: { commonName: serverNames[0] ?? "webtier", organization: "webtier self-signed" },
    dnsNames,
    ipAddresses: sources.ipAddresses,
    validityPeriodHours: SELF_SIGNED_HOURS,
    earlyRenewalHours: SELF_SIGNED_RENEWAL_HOURS,
    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
  }, { parent });
  return { certificate: cert.certPem, key: key.privateKeyPem };
}

/** Whether nginx serves a certificate of the stack's: a configured one or one generated for it. */
function servedByNginx(settings: TlsSettings | undefined): settings is TlsSettings {
  return settings !== undefined && (settings.certificate !== undefined || settings.selfSigned === true);
}

/** The rule on the secret `tlsKey`: set exactly when nginx serves a configured certificate. */
export function checkTlsKey(settings: TlsSettings | undefined, key: pulumi.Input<string> | undefined): string[] {
  const configured = settings?.certificate !== undefined;
  if (!servedByNginx(settings) && key !== undefined) return ["tlsKey (secret) is set but tls.certificate is not: the key belongs to the certificate nginx serves"];
  if (configured && key === undefined) return ["tlsKey (unset) is required with tls.certificate: pulumi config set --secret webtier:tlsKey < key.pem"];
  return [];
}

/**
 * Where nginx's certificate comes from: the stack's (`tls.certificate` with the secret `tlsKey`) or
 * one generated once for the stack (`tls.selfSigned`). Undefined when TLS is off on nginx (no `tls`,
 * or TLS ends at the load balancer).
 */
export function tlsMaterial(name: string, sources: TlsSources, parent: pulumi.Resource): TlsMaterial | undefined {
  const settings = sources.settings;
  if (!servedByNginx(settings)) return undefined;
  let material: { certificate: pulumi.Output<string>; key: pulumi.Output<string> };
  if (settings.certificate !== undefined) {
    // The caller applied checkTlsKey before registering anything: a configured certificate has its key.
    material = { certificate: pulumi.output(settings.certificate), key: pulumi.output(sources.key!) };
  } else {
    material = selfSigned(name, sources, parent);
  }
  const key = pulumi.secret(material.key);
  const checked = pulumi.all([material.certificate, key]).apply(([certificate, privateKey]) => {
    const errors = checkTlsKeyPair(certificate, privateKey);
    if (errors.length > 0) throw new ConfigError(errors);
    return true as const;
  });
  return { certificate: material.certificate, key, checked };
}
