// The machine the figures were measured on: every lab host shares its cores and kernel, so the
// figures mean something only next to these.
import * as os from "node:os";
import { run } from "../hosts/exec";
import { sshRun } from "../hosts/ssh";
import type { LabState } from "../hosts/state";

/** "nginx version: nginx/1.22.1" → "1.22.1"; "wrk debian/4.1.0-3+b2 [epoll] …" → "debian/4.1.0-3+b2". */
export function versionOf(tool: "nginx" | "uwsgi" | "wrk", output: string): string | undefined {
  const text = output.trim();
  const m =
    tool === "nginx" ? /nginx version: nginx\/(\S+)/.exec(text)
    : tool === "wrk" ? /^wrk (\S+)/m.exec(text)
    : /^(\d+\.\d+\S*)\s*$/m.exec(text);
  return m?.[1];
}

async function onFirst(state: LabState, role: "nginx" | "app", command: string): Promise<string> {
  const host = state.hosts.find((h) => h.role === role);
  if (!host) return "";
  const r = await sshRun(state, host, ["sudo", "-n", "bash", "-c", command], { timeoutMs: 30_000, connectTimeoutSec: 3 });
  return `${r.stdout}${r.stderr}`;
}

/** cores, cpu, kernel, and the nginx / uWSGI (from the first host of each tier) and wrk versions. */
export async function machineFacts(state: LabState): Promise<Record<string, string | number>> {
  const [nginx, uwsgi, wrk] = await Promise.all([
    onFirst(state, "nginx", "nginx -v 2>&1").catch(() => ""),
    onFirst(state, "app", "uwsgi --version 2>&1").catch(() => ""),
    run("wrk", ["-v"]).then((r) => `${r.stdout}${r.stderr}`).catch(() => ""),
  ]);
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    kernel: os.release(),
    nginx: versionOf("nginx", nginx) ?? "unknown",
    uwsgi: versionOf("uwsgi", uwsgi) ?? "unknown",
    wrk: versionOf("wrk", wrk) ?? "unknown",
  };
}
