// The @pulumi/tls provider (v5, bridging terraform-provider-tls) for the two resources a webtier
// program creates: logical resources that live only in the state. What the engine needs from it:
// - inputs with the provider's defaults (rsa_bits 2048, ecdsa_curve P224, early_renewal_hours 0,
//   is_ca_certificate / set_subject_key_id / set_authority_key_id false), so an explicit default is
//   no change;
// - Check (the schema's validators), in preview too;
// - diff: every input of tls_private_key and tls_self_signed_cert is RequiresReplace except
//   early_renewal_hours (an update that only rewrites the state); and a certificate whose
//   validity_end_time − early_renewal_hours has passed is replaced at the next `up` (ModifyPlan's
//   ready_for_renewal), whatever its inputs;
// - create: real material (tlsKeys.ts, tlsCert.ts); update: the recorded outputs with the new inputs;
//   delete: nothing (the state forgets it);
// - outputs: the state, inputs (with defaults) included; sensitive attributes come back secret.
import type { CheckFailure } from "./check";
import { isUnknown, SECRET_SIG, SECRET_VALUE, unwrapSecrets } from "./inputs";
import { changedKeys, type Operation } from "./plan";
import { EXTENDED_KEY_USAGES, issueSelfSignedCert, KEY_USAGES, type CertRequest } from "./tlsCert";
import { ALGORITHMS, ECDSA_CURVES, generateKey, keyMaterial, type Algorithm, type EcdsaCurve } from "./tlsKeys";

export const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";
export const TLS_TYPES: readonly string[] = [PRIVATE_KEY, SELF_SIGNED_CERT];
export const isTlsResource = (type: string) => TLS_TYPES.includes(type);

/** The attributes the provider's schema marks Sensitive: the bridge returns them as secrets. */
export const SENSITIVE_OUTPUTS: Record<string, readonly string[]> = {
  [PRIVATE_KEY]: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"],
  [SELF_SIGNED_CERT]: ["privateKeyPem"],
};
/** Inputs the lab engine does not implement (write-only key of tls v4.3.0: never in the state). */
const UNSUPPORTED_INPUTS = ["privateKeyPemWo", "privateKeyPemWoVersion"];
const HOUR_MS = 3_600_000;

type Inputs = Record<string, unknown>;
const defined = (o: Inputs): Inputs => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The inputs as the provider plans them (secret wrappers removed, defaults filled in). */
export function tlsInputs(type: string, inputs: Inputs): Inputs {
  const raw = unwrapSecrets(inputs) as Inputs;
  if (type === PRIVATE_KEY) return defined({ algorithm: raw.algorithm, ecdsaCurve: raw.ecdsaCurve ?? "P224", rsaBits: raw.rsaBits ?? 2048 });
  return defined({
    ...raw,
    earlyRenewalHours: raw.earlyRenewalHours ?? 0,
    isCaCertificate: raw.isCaCertificate ?? false,
    setSubjectKeyId: raw.setSubjectKeyId ?? false,
    setAuthorityKeyId: raw.setAuthorityKeyId ?? false,
  });
}

const known = (v: unknown) => v !== undefined && v !== null && !isUnknown(v);
const oneOf = (property: string, allowed: readonly string[], value: unknown): CheckFailure[] =>
  known(value) && !allowed.includes(value as string)
    ? [{ property, reason: `value must be one of: [${allowed.map((a) => `"${a}"`).join(" ")}], got: "${String(value)}"` }]
    : [];
const atLeast = (property: string, min: number, value: unknown): CheckFailure[] =>
  known(value) && (value as number) < min ? [{ property, reason: `value must be at least ${min}, got: ${String(value)}` }] : [];
const required = (property: string, value: unknown): CheckFailure[] =>
  value === undefined || value === null ? [{ property, reason: "Missing required argument" }] : [];

/** The schema's validators (terraform-plugin-framework wording); unknown values pass. */
export function checkTlsResource(type: string, inputs: Inputs): CheckFailure[] {
  const raw = unwrapSecrets(inputs) as Inputs;
  const refused = UNSUPPORTED_INPUTS.filter((k) => raw[k] !== undefined)
    .map((property) => ({ property, reason: "the lab engine does not implement write-only inputs" }));
  if (type === PRIVATE_KEY) {
    return [...refused, ...required("algorithm", raw.algorithm), ...oneOf("algorithm", ALGORITHMS, raw.algorithm), ...oneOf("ecdsaCurve", ECDSA_CURVES, raw.ecdsaCurve)];
  }
  const uses = Array.isArray(raw.allowedUses) ? raw.allowedUses : [];
  const supported = [...Object.keys(KEY_USAGES), ...Object.keys(EXTENDED_KEY_USAGES)].sort();
  return [
    ...refused,
    ...required("privateKeyPem", raw.privateKeyPem), ...required("validityPeriodHours", raw.validityPeriodHours), ...required("allowedUses", raw.allowedUses),
    ...atLeast("validityPeriodHours", 0, raw.validityPeriodHours), ...atLeast("earlyRenewalHours", 0, raw.earlyRenewalHours),
    ...atLeast("maxPathLength", -1, raw.maxPathLength),
    ...uses.flatMap((u, i) => oneOf(`allowedUses[${i}]`, supported, u)),
    ...(Array.isArray(raw.ipAddresses) ? raw.ipAddresses : []).flatMap((ip, i) =>
      known(ip) && ip === "" ? [{ property: `ipAddresses[${i}]`, reason: 'string length must be at least 1, got: 0' }] : []),
  ];
}

/** ModifyPlan's ready_for_renewal: `now` is past validity_end_time − early_renewal_hours. */
export function renewalDue(outputs: Inputs, earlyRenewalHours: unknown, now: Date): boolean {
  if (typeof outputs.validityEndTime !== "string" || typeof earlyRenewalHours !== "number") return false;
  return now.getTime() >= Date.parse(outputs.validityEndTime) - earlyRenewalHours * HOUR_MS;
}

/** The ready_for_renewal a create or update plans (its plan modifier); a refresh is never run. */
const readyForRenewal = (inputs: Inputs) =>
  inputs.validityPeriodHours === 0 || (inputs.earlyRenewalHours as number) >= (inputs.validityPeriodHours as number);

/** Same, update (early_renewal_hours alone) or replace; `news` as tlsInputs made them. */
export function diffTls(type: string, olds: Inputs | undefined, oldOutputs: Inputs | undefined, news: Inputs, now: Date): Operation {
  if (!olds) return "create";
  const changed = changedKeys(olds, news);
  if (type === SELF_SIGNED_CERT) {
    if (changed.some((k) => k !== "earlyRenewalHours") || renewalDue(oldOutputs ?? {}, news.earlyRenewalHours, now)) return "replace";
    return changed.length > 0 ? "update" : "same";
  }
  return changed.length > 0 ? "replace" : "same";
}

/** Create: generates the key or issues the certificate. The outputs are the whole state, plain. */
export async function createTls(type: string, inputs: Inputs, now: Date): Promise<Inputs> {
  if (type === PRIVATE_KEY) {
    const algorithm = inputs.algorithm as Algorithm;
    const curve = inputs.ecdsaCurve as EcdsaCurve;
    const bits = inputs.rsaBits as number;
    // Go 1.24+ crypto/rsa refuses keys under 1024 bits (the provider is built with Go 1.25).
    if (algorithm === "RSA" && bits < 1024) {
      throw new Error(`Unable to generate Key from configuration: crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
    }
    return { ...inputs, ...keyMaterial(algorithm, curve, generateKey(algorithm, curve, bits)) };
  }
  const issued = await issueSelfSignedCert(inputs as unknown as CertRequest, now);
  return {
    ...inputs,
    certPem: issued.certPem, keyAlgorithm: issued.keyAlgorithm, readyForRenewal: readyForRenewal(inputs),
    validityStartTime: issued.validityStartTime, validityEndTime: issued.validityEndTime,
  };
}

/** Update (a certificate's early_renewal_hours): the plan becomes the state; nothing is reissued. */
export function updateTls(inputs: Inputs, oldOutputs: Inputs): Inputs {
  return { ...oldOutputs, ...inputs, readyForRenewal: readyForRenewal(inputs) };
}

/** The outputs as the program receives them: sensitive ones wrapped as secrets. */
export function presentTlsOutputs(type: string, outputs: Inputs): Inputs {
  const sensitive = SENSITIVE_OUTPUTS[type] ?? [];
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, sensitive.includes(k) ? { [SECRET_SIG]: SECRET_VALUE, value: v } : v]));
}
