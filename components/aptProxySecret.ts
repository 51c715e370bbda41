import * as pulumi from "@pulumi/pulumi";
import { REMOTE } from "./render";

/**
 * Whether `aptProxy` must stay out of plaintext state and outputs: when its URL carries
 * credentials (`http://user:password@proxy:3128`), or when the stack set it as a secret.
 */
export function aptProxyIsSecret(aptProxy: string | undefined, markedSecret = false): boolean {
  if (aptProxy === undefined) return false;
  return markedSecret || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(aptProxy);
}

/** The values as secret Outputs when `secret` holds, else as they are. */
export function secretWhen(values: pulumi.Output<string>[], secret: boolean): pulumi.Output<string>[] {
  return secret ? values.map((value) => pulumi.secret(value)) : values;
}

/** What `renderedFiles` shows instead of the apt proxy configuration when the proxy is secret. */
export const REDACTED_APT_PROXY = "// webtier: the apt proxy configuration is secret (webtier:aptProxy)\n";

/** A host's rendered files with the apt proxy configuration replaced by a note. */
export function redactAptProxy(files: Record<string, string>): Record<string, string> {
  return REMOTE.aptProxy in files ? { ...files, [REMOTE.aptProxy]: REDACTED_APT_PROXY } : files;
}
