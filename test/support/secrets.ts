import { SECRET_SIG, SECRET_VALUE } from "../../lab/engine/inputs";

export { SECRET_SIG, SECRET_VALUE };

/** Strips Pulumi's secret wrappers from mock inputs. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] !== undefined && "value" in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Whether a mock input arrived wrapped as a secret. */
export function isSecret(value: any): boolean {
  return Boolean(value && typeof value === "object" && value[SECRET_SIG] === SECRET_VALUE);
}
