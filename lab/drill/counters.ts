// Kernel TCP counters of a lab host's network namespace (/proc/net/netstat is per namespace), read
// from the root namespace with `ip netns exec`: no SSH, so a host whose sshd is down or busy still
// answers, and nothing runs inside the host. Diff before/after a run; `nstat`'s history file is
// shared across namespaces and misleads.
import { run } from "../hosts/exec";
import type { LabHost } from "../hosts/state";

/** What a full accept backlog leaves behind (SYNs dropped by the listener). */
export const BACKLOG_COUNTERS = ["ListenOverflows", "ListenDrops"] as const;

/** The named TcpExt counters from /proc/net/netstat's text (a missing one reads as 0). */
export function parseNetstat(text: string, names: readonly string[]): Record<string, number> {
  const lines = text.split("\n").filter((l) => l.startsWith("TcpExt:"));
  if (lines.length < 2) throw new Error(`no TcpExt header and values in /proc/net/netstat:\n${text.slice(0, 400)}`);
  const header = lines[0]!.trim().split(/\s+/).slice(1);
  const values = lines[1]!.trim().split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n) => {
    const i = header.indexOf(n);
    return [n, i < 0 ? 0 : values[i] ?? 0];
  }));
}

/** A host's TcpExt counters now. */
export async function readCounters(host: Pick<LabHost, "name" | "namespace">, names: readonly string[] = BACKLOG_COUNTERS): Promise<Record<string, number>> {
  const r = await run("ip", ["netns", "exec", host.namespace, "cat", "/proc/net/netstat"], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`${host.name}: cannot read /proc/net/netstat in ${host.namespace}: ${r.stderr.trim()}`);
  return parseNetstat(r.stdout, names);
}

/**
 * Per host, after − before. A host with no baseline (it joined during the run) counts from 0; a
 * counter that went down (the namespace was recreated) counts from its reset, so it reads `after`.
 */
export function counterDeltas(
  before: Record<string, Record<string, number>>,
  after: Record<string, Record<string, number>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [host, now] of Object.entries(after)) {
    const was = before[host] ?? {};
    out[host] = Object.fromEntries(Object.entries(now).map(([name, value]) => {
      const base = was[name] ?? 0;
      return [name, value >= base ? value - base : value];
    }));
  }
  return out;
}

/** Reads every host's counters; a host that cannot be read is left out and reported. */
export async function readAllCounters(
  hosts: readonly Pick<LabHost, "name" | "namespace">[],
  names: readonly string[] = BACKLOG_COUNTERS,
  log: (line: string) => void = () => undefined,
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  await Promise.all(hosts.map(async (h) => {
    try {
      out[h.name] = await readCounters(h, names);
    } catch (err) {
      log(`counters: ${(err as Error).message}`);
    }
  }));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })));
}
