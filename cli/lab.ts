// `webtier lab …`: real Debian hosts on this machine, deployed by webtier's own program.
import * as fs from "node:fs";
import type { Command } from "commander";
import { readStackFile } from "../components";
import { bootLab, labDown, labExec, labStatus, sshRun, type LabHost, type LabState } from "../lab";
import { deployLab } from "../lab/deploy";
import { assertLabSettings } from "../lab/deployConfig";
import { verifyServing } from "../lab/deployVerify";
import { readDeployState, removeDeployState } from "../lab/engine/state";
import { TLS_CERTIFICATE_FILE } from "../lab/hosts/paths";

const say = (line: string) => console.log(line);

function count(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} (${value}) must be an integer of at least ${min}`);
    return n;
  };
}

const countOf = (state: LabState | undefined, role: "nginx" | "app") => state?.hosts.filter((h) => h.role === role).length ?? 0;

/** The lab's hosts limited to the first `nginx` nginx hosts and `app` app hosts. */
function subset(state: LabState, nginx: number, app: number): LabState {
  const keep = (role: "nginx" | "app", n: number) => state.hosts.filter((h) => h.role === role).slice(0, n);
  return { ...state, hosts: [...keep("nginx", nginx), ...keep("app", app)] };
}

interface UpOptions {
  appHosts: number;
  nginxHosts: number;
  config?: string;
}

/**
 * The hosts that leave the lab and still answer over SSH: they are retired (like an operator
 * listing them in `hosts.retire`). A host that does not answer is left alone: leaving the stack
 * never dials it.
 */
async function retirable(state: LabState, target: LabState): Promise<LabHost[]> {
  const staying = new Set(target.hosts.map((h) => h.name));
  const leaving = state.hosts.filter((h) => !staying.has(h.name));
  const answers = await Promise.all(leaving.map((h) => sshRun(state, h, "true", { timeoutMs: 15_000, connectTimeoutSec: 3 })));
  leaving.filter((_, i) => answers[i]!.code !== 0).forEach((h) => say(`lab: ${h.name} does not answer over SSH: it leaves without being retired`));
  return leaving.filter((_, i) => answers[i]!.code === 0);
}

/**
 * Boot (reusing running hosts) → deploy → verify. Scaling in deploys first, so nginx drops the
 * leaving hosts and they are retired while they still exist, and only then removes them.
 */
export async function labUp(opts: UpOptions): Promise<void> {
  // A stack file that cannot be used fails before any host is booted.
  if (opts.config) assertLabSettings(readStackFile(opts.config).values);
  const before = await labStatus();
  const nginx = Math.max(opts.nginxHosts, countOf(before, "nginx"));
  const app = Math.max(opts.appHosts, countOf(before, "app"));
  const started = Date.now();
  const beyond = (role: "nginx" | "app", n: number) => (before?.hosts ?? []).filter((h) => h.role === role).slice(n).map((h) => h.name);
  const leaving = [...beyond("nginx", opts.nginxHosts), ...beyond("app", opts.appHosts)];
  let state = await bootLab({ nginxHosts: nginx, appHosts: app, leaving, log: (m) => say(`lab: ${m}`) });
  say(`lab: ${state.hosts.length} hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s; deploying`);

  const target = subset(state, opts.nginxHosts, opts.appHosts);
  const retire = await retirable(state, target);
  const result = await deployLab({ state: target, retire, ...(opts.config ? { stackFile: opts.config } : {}), log: say });
  const s = result.stats;
  say(`deploy: ${s.executed} executed, ${s.unchanged} unchanged, ${s.deleted} deleted, ${s.remoteCommands} remote commands in ${(result.durationMs / 1000).toFixed(1)} s`);
  if (s.bastionPeakConnections !== undefined) {
    say(`bastion ${target.bastion}: ${s.bastionPeakConnections} SSH connections held at the end of the run (peak)`);
  }

  if (nginx > opts.nginxHosts || app > opts.appHosts) {
    state = await bootLab({ nginxHosts: opts.nginxHosts, appHosts: opts.appHosts, log: (m) => say(`lab: ${m}`) });
  }
  const caFile = keepCertificate(result.tlsCertificate);
  const appNames = state.hosts.filter((h) => h.role === "app").map((h) => h.name);
  // Every nginx host serves the whole app tier: each one is checked, the URL's host first.
  for (const nginx of state.hosts.filter((h) => h.role === "nginx")) {
    const hits = await verifyServing(state, siteUrlOn(result.url, nginx.address), appNames, caFile);
    const answers = Object.entries(hits).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
    say(`verified ${nginx.name} from ${state.clients[0]!.namespace}: ${answers.map(([h, n]) => `${h} ×${n}`).join(", ")}`);
  }
  if (caFile) say(`tls: nginx serves the certificate in ${caFile} (curl --cacert ${caFile})`);
  say(`url: ${result.url}`);
}

/** The site's URL with its host replaced by one nginx host's address. */
function siteUrlOn(url: string, address: string): string {
  const on = new URL(url);
  on.hostname = address;
  return on.toString();
}

/** Keeps the certificate nginx serves where `curl --cacert` can use it; none when TLS is off. */
function keepCertificate(certificate: string | undefined): string | undefined {
  if (certificate === undefined) {
    fs.rmSync(TLS_CERTIFICATE_FILE, { force: true });
    return undefined;
  }
  fs.writeFileSync(TLS_CERTIFICATE_FILE, certificate.endsWith("\n") ? certificate : `${certificate}\n`, { mode: 0o644 });
  return TLS_CERTIFICATE_FILE;
}

async function status(opts: { json?: boolean }): Promise<void> {
  const state = await labStatus();
  if (!state) {
    if (opts.json) console.log("null");
    else console.error("the lab is not running: npx webtier lab up");
    process.exitCode = 1;
    return;
  }
  const url = readDeployState().url ?? state.url;
  if (opts.json) {
    console.log(JSON.stringify({ ...state, url }, null, 2));
    return;
  }
  say(`url:     ${url}`);
  say(`clients: ${state.clients.map((c) => `${c.namespace} (${c.address})`).join(", ")}   e.g. ip netns exec ${state.clients[0]!.namespace} curl ${url}`);
  say(`bastion: ${state.bastion}   apt proxy: ${state.proxy}`);
  if (fs.existsSync(TLS_CERTIFICATE_FILE)) say(`tls:     curl --cacert ${TLS_CERTIFICATE_FILE} ${url}`);
  for (const h of state.hosts) {
    const site = h.role === "nginx" ? `   ${siteUrlOn(url, h.address)}` : "";
    say(`${h.name.padEnd(8)} ${h.role.padEnd(6)} ${h.address.padEnd(13)} ${h.privateAddress}${site}`);
  }
}

export function registerLabCommands(program: Command): void {
  const lab = program.command("lab").description("a local lab of real Debian hosts (systemd-nspawn), deployed by webtier");
  lab
    .command("up")
    .description("boot (or reuse) the lab hosts, deploy the stack to them, verify, print the URL")
    .option("--app-hosts <n>", "app hosts (uWSGI)", count("--app-hosts", 1), 3)
    .option("--nginx-hosts <m>", "nginx hosts", count("--nginx-hosts", 1), 1)
    .option("--config <file>", "stack config like Pulumi.<stack>.yaml (app, tuning); the lab supplies the hosts")
    .action(labUp);
  lab
    .command("status")
    .description("hosts, URL and client namespaces of the running lab")
    .option("--json", "machine-readable output")
    .action(status);
  lab
    .command("exec")
    .description("run a command on a lab host (exit code passed through)")
    .argument("<host>", "lab host name, e.g. lb-1 or app-2")
    .argument("<command...>", "command and arguments (after --)")
    .action(async (host: string, argv: string[]) => {
      process.exitCode = await labExec(host, argv);
    });
  lab
    .command("down")
    .description("remove every host, namespace, link, mount and process of the lab")
    .action(async () => {
      await labDown({ log: (m) => say(`lab: ${m}`) });
      removeDeployState();
      fs.rmSync(TLS_CERTIFICATE_FILE, { force: true });
      say("lab: down");
    });
}
