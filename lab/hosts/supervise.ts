// One detached supervisor per host: it runs systemd-nspawn and starts it again when the host asked
// for a reboot (nspawn exits 133 on `systemctl reboot`), with the same namespace and root.
// SIGTERM to the supervisor stops the loop and forwards SIGTERM to nspawn (clean poweroff).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findProcesses, processArgv, sleep } from "./exec";
import { LAB_DIR, NAME_PREFIX, hostDir } from "./paths";

export const SUPERVISOR_TAG = `${NAME_PREFIX}-supervisor`;

// Each host's processes live in their own cgroup: nspawn puts a container's payload in a
// "payload" group below its own, so hosts started from one cgroup would share one tree, and their
// systemd instances create and remove the same unit groups (a unit started on two hosts at once
// then fails with 219/CGROUP).
export const CGROUP_ROOTS = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"];
export const cgroupOf = (root: string, name: string) => `${root}/${NAME_PREFIX}/${name}`;

// $1 name, $2 netns, $3 root dir, $4 file receiving nspawn's PID.
const LOOP = `
for root in ${CGROUP_ROOTS.join(" ")}; do
  if [ -d "$root" ]; then mkdir -p "$root/${NAME_PREFIX}/$1" && echo $$ > "$root/${NAME_PREFIX}/$1/cgroup.procs" || true; fi
done
stop=0; child=
trap 'stop=1; if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; fi' TERM INT
while [ "$stop" = 0 ]; do
  echo "[$(date -Is)] supervisor: starting $1"
  # "network": /proc/sys/net writable (this host's own namespace), the rest of /proc/sys read-only.
  # nspawn does that by itself only for --private-network, not for --network-namespace-path; the
  # same holds for CAP_NET_ADMIN, which a host needs for its own firewall (like a cloud VM).
  SYSTEMD_NSPAWN_API_VFS_WRITABLE=network systemd-nspawn --quiet --boot --register=no --keep-unit --console=read-only \\
    --capability=CAP_NET_ADMIN --network-namespace-path="/run/netns/$2" -D "$3" -M "$1" &
  child=$!
  echo "$child" > "$4"
  rc=0; wait "$child" || rc=$?
  # wait returns early when a trapped signal arrives: wait again for nspawn's real exit.
  while kill -0 "$child" 2>/dev/null; do rc=0; wait "$child" || rc=$?; done
  echo "[$(date -Is)] supervisor: nspawn exited $rc"
  if [ "$stop" = 1 ] || [ "$rc" != 133 ]; then break; fi
done
rm -f "$4"
`;

export function consoleLog(name: string): string {
  return path.join(hostDir(name), "console.log");
}

function nspawnPidFile(name: string): string {
  return path.join(hostDir(name), "nspawn.pid");
}

export function startSupervisor(name: string, namespace: string, root: string): number {
  const log = fs.openSync(consoleLog(name), "a");
  try {
    // detached => setsid: the supervisor outlives this process and its terminal.
    const child = spawn("bash", ["-c", LOOP, SUPERVISOR_TAG, name, namespace, root, nspawnPidFile(name)], {
      detached: true, stdio: ["ignore", log, log],
    });
    child.unref();
    if (!child.pid) throw new Error(`could not start the supervisor for ${name}`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

function isSupervisorArgv(argv: string[], name?: string): boolean {
  return argv[0] === "bash" && argv[1] === "-c" && argv[3] === SUPERVISOR_TAG && (name === undefined || argv[4] === name);
}

/** nspawn processes started for lab roots (the -D argument is under the lab directory). */
function isLabNspawnArgv(argv: string[], name?: string): boolean {
  if (!argv[0]?.endsWith("systemd-nspawn")) return false;
  const root = argv[argv.indexOf("-D") + 1] ?? "";
  if (!root.startsWith(`${LAB_DIR}/`)) return false;
  return name === undefined || argv[argv.indexOf("-M") + 1] === name;
}

/** True when `pid` is still this host's supervisor (guards against PID reuse). */
export function supervisorAlive(pid: number | undefined, name: string): boolean {
  if (!pid) return false;
  const argv = processArgv(pid);
  return !!argv && isSupervisorArgv(argv, name);
}

export function findSupervisors(name?: string): number[] {
  return findProcesses((a) => isSupervisorArgv(a, name));
}

export function findNspawns(name?: string): number[] {
  return findProcesses((a) => isLabNspawnArgv(a, name));
}

/** Host names that have a supervisor or an nspawn running now. */
export function supervisedNames(): string[] {
  const names = new Set<string>();
  for (const pid of [...findSupervisors(), ...findNspawns()]) {
    const argv = processArgv(pid) ?? [];
    const name = isSupervisorArgv(argv) ? argv[4] : argv[argv.indexOf("-M") + 1];
    if (name) names.add(name);
  }
  return [...names];
}

/** PIDs whose network namespace is the named one (e.g. container processes orphaned by a SIGKILL). */
export function processesInNamespace(ns: string): number[] {
  let ino: number;
  try {
    ino = fs.statSync(`/run/netns/${ns}`).ino;
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/ns/net`) === `net:[${ino}]`) out.push(Number(e));
    } catch {
      // gone or not readable
    }
  }
  return out;
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter((p) => processArgv(p));
  while (alive.length && Date.now() < deadline) {
    await sleep(200);
    alive = alive.filter((p) => processArgv(p));
  }
  return alive;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops a host: supervisor first (so it cannot restart nspawn), which forwards SIGTERM to nspawn:
 * a clean poweroff. Anything still alive after the grace period is SIGKILLed, by PID, after
 * checking the PID still runs our command line.
 */
export async function stopHost(name: string, supervisorPid?: number): Promise<void> {
  const sups = new Set(findSupervisors(name));
  if (supervisorAlive(supervisorPid, name)) sups.add(supervisorPid!);
  for (const p of sups) signal(p, "SIGTERM");
  const nspawns = findNspawns(name);
  for (const p of nspawns) signal(p, "SIGTERM");
  const left = await waitGone([...sups, ...nspawns], 30_000);
  for (const p of left) {
    const argv = processArgv(p);
    if (argv && (isSupervisorArgv(argv, name) || isLabNspawnArgv(argv, name))) signal(p, "SIGKILL");
  }
  const still = await waitGone(left, 10_000);
  if (still.length) throw new Error(`lab host ${name}: processes ${still.join(", ")} did not exit`);
  fs.rmSync(nspawnPidFile(name), { force: true });
  removeCgroups(name);
}

/** Removes a stopped host's cgroups, innermost first (a cgroup is removed with rmdir, once empty). */
function removeCgroups(name: string): void {
  for (const root of CGROUP_ROOTS) {
    const top = cgroupOf(root, name);
    if (!fs.existsSync(top)) continue;
    const dirs = fs.readdirSync(top, { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(e.parentPath, e.name))
      .sort((a, b) => b.length - a.length);
    for (const dir of [...dirs, top]) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // Still holds a process (it would be reported by the caller's leftover check).
      }
    }
  }
}
