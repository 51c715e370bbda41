// What a remote resource's inputs look like to the engine: Pulumi's secret wrappers removed, and
// the provider's defaults filled in for what the SDK does not send (the SDK fills most of them).
import * as pulumi from "@pulumi/pulumi";

export const COMMAND = "command:remote:Command";
export const COPY = "command:remote:CopyToRemote";
/** How the Pulumi runtime marks a secret on the wire: `{ [SECRET_SIG]: SECRET_VALUE, value }`. */
export const SECRET_SIG = pulumi.runtime.specialSigKey;
export const SECRET_VALUE = pulumi.runtime.specialSecretSig;
/** How the Pulumi runtime encodes an unknown value on the wire. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One hop of a `@pulumi/command` connection (secret wrappers already removed). */
export interface ConnectionHop {
  host: string;
  port?: number;
  user?: string;
  privateKey?: string;
  privateKeyPassword?: string;
  password?: string;
  agentSocketPath?: string;
  hostKey?: string;
  dialErrorLimit?: number;
  perDialTimeout?: number;
}

export interface RemoteConnection extends ConnectionHop {
  proxy?: ConnectionHop;
}

/** An input the program could not know yet (preview): the wire sentinel or the SDK's Unknown. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_SENTINEL || pulumi.isUnknown(value);
}

/** Whether `value` is or contains an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object" && value.constructor === Object) return Object.values(value).some(containsUnknown);
  return false;
}

/** Removes Pulumi's secret wrappers (`{<sig>: …, value}`) from mock inputs. */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object" && value.constructor === Object) {
    if (value[SECRET_SIG] !== undefined && "value" in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The provider's defaults (connection.go): user root, port 22, 10 dial errors, 15 s per dial. */
export function withDefaults(c: RemoteConnection): RemoteConnection {
  const hop = (h: ConnectionHop): ConnectionHop => ({ user: "root", port: 22, dialErrorLimit: 10, perDialTimeout: 15, ...dropUndefined(h) });
  return { ...hop(c), ...(c.proxy ? { proxy: hop(c.proxy) } : {}) };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
