import { createHash } from "node:crypto";
import type { Tuning } from "../tuning";

/**
 * Identifies one rendering of the nginx tier. The health location answers with it, so a deploy can
 * tell that a reload really took effect (a failed reload keeps the old config and may exit 0).
 * `tls` holds the certificate text: a new certificate is a new generation, proven live over HTTPS.
 * `drainSeconds` is left out: it changes how the step script rolls, not what nginx serves.
 */
export function nginxGeneration(t: Tuning): string {
  const { drainSeconds: _drain, ...nginx } = t.nginx;
  return createHash("sha256")
    .update(JSON.stringify({ nginx, upstream: t.upstream, tls: t.tls }))
    .digest("hex")
    .slice(0, 16);
}
