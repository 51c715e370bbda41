// The lab's entry points: boot (idempotent, scales in and out), status, exec, and down (removes
// everything the lab created, then verifies nothing is left).
import * as fs from "node:fs";
import { missingBinaries, run } from "./exec";
import { removeHost, startHost, type StartedHost } from "./hosts";
import { ensureImage } from "./image";
import { ensureDeployKey, writeKnownHosts } from "./keys";
import { withLabLock } from "./lock";
import { ensureBridges, ensureNamespace, listLabLinks, listLabNamespaces, removeLabLinks, removeNamespace } from "./network";
import { HOSTS_DIR, KNOWN_HOSTS, LAB_DIR, NAME_PREFIX, PROXY_DIR } from "./paths";
import { ensureProxy, findProxies, PROXY_URL, stopProxy } from "./proxy";
import { labMounts } from "./rootfs";
import { sshInherit, waitForSsh, writeSshConfig, SSH_CONFIG } from "./ssh";
import { publicState, readStateFile, removeStateFile, writeStateFile, type LabState, type LabStateFile } from "./state";
import { CGROUP_ROOTS, consoleLog, findNspawns, findSupervisors, supervisedNames, supervisorAlive } from "./supervise";
import { hostIfsFor, planClients, planHosts } from "./topology";

export interface BootOptions {
  appHosts: number;
  nginxHosts: number;
  /** Client namespaces on the public segment, each in its own /24 (1 or 2). */
  clients?: number;
  /** Per-host bound on waiting for sshd after (re)boot. */
  bootTimeoutMs?: number;
  /** Hosts about to leave: kept as they are, never booted again when they were powered off. */
  leaving?: string[];
  log?: (msg: string) => void;
}

// python3: the lab engine's TCP connector (the provider's per-dial timeout bounds the connect only).
export const LAB_BINARIES = ["debootstrap", "systemd-nspawn", "tinyproxy", "ssh", "ssh-keygen", "ip", "mount", "chroot", "openssl", "python3"];

async function checkPrereqs(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the lab needs root (namespaces, mounts, nspawn)");
  const missing = await missingBinaries(LAB_BINARIES);
  if (missing.length) throw new Error(`the lab needs ${missing.join(", ")}: run scripts/lab-prereqs.sh`);
}

/** Host names that exist in any form (state, disk, namespaces, processes). */
async function knownHostNames(state?: LabStateFile): Promise<string[]> {
  const names = new Set<string>(state?.hosts.map((h) => h.name) ?? []);
  if (fs.existsSync(HOSTS_DIR)) for (const d of fs.readdirSync(HOSTS_DIR)) names.add(d);
  for (const n of supervisedNames()) names.add(n);
  for (const ns of await listLabNamespaces()) {
    const m = new RegExp(`^${NAME_PREFIX}-((lb|app)-\\d+)$`).exec(ns);
    if (m) names.add(m[1]!);
  }
  return [...names];
}

export async function bootLab(opts: BootOptions): Promise<LabState> {
  const log = opts.log ?? (() => undefined);
  const plans = planHosts(opts.nginxHosts, opts.appHosts, opts.clients ?? 1);
  const clients = planClients(opts.clients ?? 1);
  await checkPrereqs();
  return withLabLock(async () => {
    const image = await ensureImage(log);
    const privateKeyPath = await ensureDeployKey();
    const prev = readStateFile();
    await ensureBridges();
    const proxyPid = await ensureProxy(prev?.internal.proxyPid);

    // Scale in first: hosts (and clients) no longer wanted are removed entirely.
    const wanted = new Set(plans.map((p) => p.name));
    for (const name of (await knownHostNames(prev)).filter((n) => !wanted.has(n))) {
      log(`removing ${name}`);
      await removeHost(name, prev?.hosts.find((h) => h.name === name)?.pid);
    }
    const wantedClients = new Set(clients.map((c) => c.namespace));
    for (const ns of (await listLabNamespaces()).filter((n) => n.startsWith(`${NAME_PREFIX}-client-`) && !wantedClients.has(n))) {
      await removeNamespace(ns, hostIfsFor(ns.slice(NAME_PREFIX.length + 1)));
    }
    for (const c of clients) await ensureNamespace(c.namespace, c.legs);

    const leaving = new Set(opts.leaving ?? []);
    const started = await Promise.all(plans.map(async (p): Promise<StartedHost & { stopped?: boolean }> => {
      const previous = prev?.hosts.find((h) => h.name === p.name);
      if (previous && leaving.has(p.name) && !supervisorAlive(previous.pid, p.name)) {
        log(`${p.name} is powered off: left as it is, it leaves the lab`);
        return { host: previous, rootfsMode: prev!.internal.rootfsMode[p.name] ?? "copy", reused: true, stopped: true };
      }
      return startHost(p, image, previous);
    }));
    const hosts = started.map((s) => s.host);
    writeKnownHosts(hosts.map((h) => ({ address: h.address, hostKey: h.hostKey })));
    writeSshConfig(privateKeyPath);
    const lb1 = hosts.find((h) => h.name === "lb-1")!;
    const state: LabStateFile = {
      url: `http://${lb1.address}:80/`,
      privateKeyPath,
      bastion: lb1.name,
      proxy: PROXY_URL,
      clients: clients.map((c) => ({ namespace: c.namespace, address: c.address })),
      hosts,
      internal: {
        image,
        knownHostsPath: KNOWN_HOSTS,
        proxyPid,
        rootfsMode: Object.fromEntries(started.map((s) => [s.host.name, s.rootfsMode])),
      },
    };
    // Recorded before waiting, so `lab down` can clean up even if a boot never finishes.
    writeStateFile(state);
    const timeout = opts.bootTimeoutMs ?? 60_000;
    // nginx hosts first: app hosts are only reachable through the bastion.
    for (const role of ["nginx", "app"] as const) {
      await Promise.all(started.filter((s) => s.host.role === role && !s.stopped).map(async (s) => {
        const ms = await waitForSsh(state, s.host, timeout).catch((err: Error) => {
          // The host's console usually says why (nspawn error, failed unit).
          const tail = fs.existsSync(consoleLog(s.host.name))
            ? fs.readFileSync(consoleLog(s.host.name), "utf8").split("\n").slice(-15).join("\n") : "(no console log)";
          throw new Error(`${err.message}\n--- ${consoleLog(s.host.name)} (tail) ---\n${tail}`);
        });
        log(`${s.host.name} ${s.reused ? "reused" : "booted"}: ssh answered after ${ms} ms`);
      }));
    }
    return publicState(state);
  });
}

export async function labStatus(): Promise<LabState | undefined> {
  const s = readStateFile();
  return s ? publicState(s) : undefined;
}

export async function labExec(hostName: string, argv: string[]): Promise<number> {
  const s = readStateFile();
  if (!s) throw new Error("the lab is not running (no state): run `lab up` first");
  return sshInherit(s, hostName, argv);
}

/** What the lab left behind, by kind; empty lists mean a clean machine. */
export async function labLeftovers(): Promise<Record<string, string[]>> {
  return {
    links: await listLabLinks(),
    namespaces: await listLabNamespaces(),
    mounts: labMounts(LAB_DIR),
    processes: [...findSupervisors(), ...findNspawns(), ...findProxies()].map(String),
    cgroups: CGROUP_ROOTS.map((root) => `${root}/${NAME_PREFIX}`).filter((dir) => fs.existsSync(dir)),
  };
}

function removeEmptyDir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Absent, or a host's cgroup is still in it (reported with the host).
  }
}

export async function labDown(opts: { log?: (msg: string) => void } = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  if (process.getuid?.() !== 0) throw new Error("the lab needs root to tear down");
  const errors: string[] = [];
  await withLabLock(async () => {
    const state = readStateFile();
    const names = await knownHostNames(state);
    // Keep going when one host resists: the rest is still removed, and the error is reported.
    const results = await Promise.allSettled(names.map(async (name) => {
      log(`removing ${name}`);
      await removeHost(name, state?.hosts.find((h) => h.name === name)?.pid);
    }));
    for (const r of results) if (r.status === "rejected") errors.push(String((r.reason as Error)?.message ?? r.reason));
    // Any namespace left with our prefix (clients, half-made hosts) is ours.
    for (const ns of await listLabNamespaces()) await removeNamespace(ns, hostIfsFor(ns.slice(NAME_PREFIX.length + 1)));
    await stopProxy(state?.internal.proxyPid);
    await removeLabLinks();
    for (const m of labMounts(LAB_DIR)) await run("umount", ["--lazy", m]);
    for (const root of CGROUP_ROOTS) removeEmptyDir(`${root}/${NAME_PREFIX}`);
    // The deploy key stays (generated once); everything per-lab goes.
    for (const d of [HOSTS_DIR, PROXY_DIR]) fs.rmSync(d, { recursive: true, force: true });
    for (const f of [KNOWN_HOSTS, SSH_CONFIG]) fs.rmSync(f, { force: true });
    removeStateFile();
  });
  const left = await labLeftovers();
  const bad = Object.entries(left).filter(([, v]) => v.length).map(([k, v]) => `${k}: ${v.join(", ")}`);
  if (bad.length || errors.length) throw new Error(`lab down left: ${[...bad, ...errors].join("; ")}`);
}
