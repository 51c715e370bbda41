// One lab host's life cycle: namespace + legs, root filesystem + identity, supervised nspawn;
// and the reverse, which leaves no process, mount, namespace or link of that host behind.
import * as fs from "node:fs";
import { processArgv, sleep } from "./exec";
import { ensureHostKey } from "./keys";
import { ensureNamespace, removeNamespace } from "./network";
import { hostDir, NAME_PREFIX } from "./paths";
import { ensureRootfs, injectIdentity, rootfsDir, unmountRootfs } from "./rootfs";
import type { LabHost } from "./state";
import { processesInNamespace, startSupervisor, stopHost, supervisorAlive } from "./supervise";
import { hostIfsFor, type HostPlan } from "./topology";

export const LAB_USER = "admin";

export interface StartedHost {
  host: LabHost;
  rootfsMode: "overlay" | "copy";
  reused: boolean;
}

/** Reuses the host when its supervisor still runs; otherwise (re)creates what is missing and boots it. */
export async function startHost(plan: HostPlan, image: string, previous?: LabHost): Promise<StartedHost> {
  const hostKey = await ensureHostKey(plan.name);
  await ensureNamespace(plan.namespace, plan.legs);
  const base: LabHost = {
    name: plan.name, role: plan.role, address: plan.address, privateAddress: plan.privateAddress,
    user: LAB_USER, port: 22, hostKey, namespace: plan.namespace,
  };
  const rootfsMode = await ensureRootfs(plan.name, image);
  if (previous && supervisorAlive(previous.pid, plan.name)) {
    return { host: { ...base, pid: previous.pid }, rootfsMode, reused: true };
  }
  // A stray nspawn for this name (e.g. its supervisor was killed) would fight over the root.
  await stopHost(plan.name);
  injectIdentity(plan.name, LAB_USER);
  const pid = startSupervisor(plan.name, plan.namespace, rootfsDir(plan.name));
  return { host: { ...base, pid }, rootfsMode, reused: false };
}

/** Powers the host off and removes everything of it, including its disk (upper layer). */
export async function removeHost(name: string, supervisorPid?: number): Promise<void> {
  const ns = `${NAME_PREFIX}-${name}`;
  await stopHost(name, supervisorPid);
  // Container processes that outlived nspawn (only after a SIGKILL) still pin the namespace.
  for (const pid of processesInNamespace(ns)) {
    if (processArgv(pid)) process.kill(pid, "SIGKILL");
  }
  for (let i = 0; i < 50 && processesInNamespace(ns).some((p) => processArgv(p)); i++) await sleep(100);
  await unmountRootfs(name);
  await removeNamespace(ns, hostIfsFor(name));
  fs.rmSync(hostDir(name), { recursive: true, force: true });
}
