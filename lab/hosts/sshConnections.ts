// How many SSH connections a lab host's sshd holds right now, read in the host's own network
// namespace (its TCP stack) rather than over SSH, which would add one.
import { run } from "./exec";
import type { LabHost } from "./state";

/** Established TCP connections to the host's sshd port. */
export async function establishedSshConnections(host: LabHost): Promise<number> {
  const r = await run("ip", ["netns", "exec", host.namespace, "ss", "-Htn", "state", "established", `( sport = :${host.port} )`], { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`ss in ${host.namespace} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}
