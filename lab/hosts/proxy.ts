// The apt proxy: Debian's tinyproxy, started by the lab with its own config, listening only on the
// private bridge address so every host (nginx and app) reaches it and lab clients cannot.
// The image does not use it by itself: configuring apt's proxy is a product option.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { findProcesses, processArgv, sleep } from "./exec";
import { PROXY_DIR } from "./paths";
import { LAB_SUBNET, PRIVATE_GATEWAY, PROXY_PORT } from "./topology";

export const PROXY_CONF = path.join(PROXY_DIR, "tinyproxy.conf");
export const PROXY_URL = `http://${PRIVATE_GATEWAY}:${PROXY_PORT}`;

function renderConf(): string {
  return [
    "User tinyproxy",
    "Group tinyproxy",
    `Port ${PROXY_PORT}`,
    `Listen ${PRIVATE_GATEWAY}`,
    "Timeout 600",
    "MaxClients 100",
    `Allow ${LAB_SUBNET}`,
    // Logs go to stderr in foreground mode; the lab redirects them to a file it owns.
    "LogLevel Notice",
    'ViaProxyName "webtier-lab"',
    "",
  ].join("\n");
}

function isLabProxyArgv(argv: string[]): boolean {
  return /(^|\/)tinyproxy$/.test(argv[0] ?? "") && argv.includes(PROXY_CONF);
}

export function findProxies(): number[] {
  return findProcesses(isLabProxyArgv);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
    s.once("timeout", () => { s.destroy(); resolve(false); });
  });
}

/** Starts tinyproxy unless ours already runs; returns its PID. Needs the private bridge up. */
export async function ensureProxy(knownPid?: number): Promise<number> {
  if (knownPid && processArgv(knownPid) && isLabProxyArgv(processArgv(knownPid)!)) return knownPid;
  const running = findProxies();
  if (running.length === 1) return running[0]!;
  for (const p of running) signal(p, "SIGTERM");
  fs.mkdirSync(PROXY_DIR, { recursive: true });
  fs.writeFileSync(PROXY_CONF, renderConf());
  const log = fs.openSync(path.join(PROXY_DIR, "tinyproxy.log"), "a");
  let pid: number | undefined;
  try {
    // -d: stay in the foreground so the PID we record is the proxy itself.
    const child = spawn("tinyproxy", ["-d", "-c", PROXY_CONF], { detached: true, stdio: ["ignore", log, log] });
    child.unref();
    pid = child.pid;
  } finally {
    fs.closeSync(log);
  }
  if (!pid) throw new Error("could not start tinyproxy");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!processArgv(pid)) break;
    if (await canConnect(PRIVATE_GATEWAY, PROXY_PORT)) return pid;
    await sleep(100);
  }
  const tail = fs.readFileSync(path.join(PROXY_DIR, "tinyproxy.log"), "utf8").split("\n").slice(-10).join("\n");
  throw new Error(`tinyproxy did not listen on ${PRIVATE_GATEWAY}:${PROXY_PORT}: ${tail}`);
}

/** Stops the lab's tinyproxy (recorded PID plus any process running our config). */
export async function stopProxy(knownPid?: number): Promise<void> {
  const pids = new Set(findProxies());
  if (knownPid && processArgv(knownPid) && isLabProxyArgv(processArgv(knownPid)!)) pids.add(knownPid);
  for (const p of pids) signal(p, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while ([...pids].some((p) => processArgv(p)) && Date.now() < deadline) await sleep(100);
  for (const p of pids) {
    const argv = processArgv(p);
    if (argv && isLabProxyArgv(argv)) signal(p, "SIGKILL");
  }
}
