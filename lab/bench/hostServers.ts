// Adding and removing the bench's servers (benchServers.ts) on the lab's hosts, and where each
// scenario's load goes. Everything added is removed when the runs that need it end; the direct
// uWSGI is also bounded by systemd (RuntimeMaxSec), and its unit lives under /run.
import type { LabHost, LabState } from "../index";
import { run } from "../hosts/exec";
import { onHost, site, sleep } from "../drill/scenarios/support";
import {
  BENCH_NGINX_FILE, benchNginxConf, DIRECT_DIR, DIRECT_INI, DIRECT_PORT, DIRECT_SERVICE, DIRECT_UNIT_FILE, directIni, directUnit,
  REUSEPORT_PORT, STATIC_PORT,
} from "./benchServers";
import { BENCH_NGINX_DIR } from "./configs";
import { STACK_PORT } from "./scenarios";
import type { Target } from "./types";

// What webtier deploys (read on the hosts, never rendered here).
const SITE_CONF = "/etc/nginx/webtier/site.conf";
const UWSGI_SERVICE = "webtier-uwsgi.service";

/** Where a run's wrk starts (a network namespace) and what it loads. */
export interface Endpoint {
  namespace: string;
  url: string;
}

/** The nginx host the stack's URL names (the bench loads that one), and the first app host. */
export function benchHosts(state: LabState): { nginx: LabHost; app: LabHost; url: string } {
  const { url } = site(state);
  const address = new URL(url).hostname;
  const nginx = state.hosts.find((h) => h.role === "nginx" && h.address === address) ?? state.hosts.find((h) => h.role === "nginx");
  const app = state.hosts.find((h) => h.role === "app");
  if (!nginx || !app) throw new Error("the lab needs at least one nginx host and one app host");
  return { nginx, app, url };
}

export function endpoint(state: LabState, target: Target): Endpoint {
  const { nginx, app, url } = benchHosts(state);
  const client = state.clients[0]!.namespace;
  switch (target) {
    case "nginx":
      return { namespace: client, url };
    case "static":
      return { namespace: client, url: `http://${nginx.address}:${STATIC_PORT}/` };
    case "reuseport":
      return { namespace: client, url: `http://${nginx.address}:${REUSEPORT_PORT}/` };
    case "direct":
      // From the nginx host's namespace: the app host's private address, as nginx reaches it.
      return { namespace: nginx.namespace, url: `http://${app.privateAddress}:${DIRECT_PORT}/` };
  }
}

/** The HTTP status a GET gets from inside a namespace (0 when nothing answered). */
async function statusFrom(at: Endpoint): Promise<number> {
  const r = await run("ip", ["netns", "exec", at.namespace, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "3", at.url], { timeoutMs: 10_000 });
  return Number(r.stdout.trim()) || 0;
}

/** Waits until every endpoint answers 200 (nginx reloads and uWSGI starts are asynchronous). */
async function waitForOk(endpoints: Endpoint[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const at of endpoints) {
    let status = 0;
    while ((status = await statusFrom(at)) !== 200) {
      if (Date.now() > deadline) throw new Error(`${at.url} from ${at.namespace} answers ${status || "nothing"}, not 200`);
      await sleep(300);
    }
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell command writing `text` to `file` (carried in base64: the content needs no quoting). */
function writeFileScript(file: string, text: string, mode: string): string {
  const b64 = Buffer.from(text).toString("base64");
  return `install -d -m 0755 ${quote(file.slice(0, file.lastIndexOf("/")))} && printf %s ${quote(b64)} | base64 -d > ${quote(file)} && chmod ${mode} ${quote(file)}`;
}

/** The static and reuseport servers on the measured nginx host. */
export async function addNginxServers(state: LabState): Promise<void> {
  const { nginx } = benchHosts(state);
  const conf = benchNginxConf(await onHost(state, nginx.name, `cat ${SITE_CONF}`), STACK_PORT);
  await onHost(state, nginx.name, `${writeFileScript(BENCH_NGINX_FILE, conf, "0644")} && { nginx -t -q || { rm -f ${BENCH_NGINX_FILE}; exit 1; }; } && systemctl reload nginx`);
  await waitForOk([endpoint(state, "static"), endpoint(state, "reuseport")]);
}

export async function removeNginxServers(state: LabState): Promise<void> {
  const { nginx } = benchHosts(state);
  await onHost(state, nginx.name, `rm -rf ${BENCH_NGINX_DIR} && nginx -t -q && systemctl reload nginx`);
}

/** A second uWSGI on the first app host, from the deployed ini and unit, for at most `maxSeconds`. */
export async function startDirect(state: LabState, maxSeconds: number): Promise<void> {
  const { app } = benchHosts(state);
  const unit = await onHost(state, app.name, `systemctl cat ${UWSGI_SERVICE}`);
  const ini = /^ExecStart=\S+ --ini (\S+)$/m.exec(unit)?.[1];
  if (!ini) throw new Error(`${app.name}: ${UWSGI_SERVICE} does not start uWSGI with --ini: ${unit}`);
  const liveIni = await onHost(state, app.name, `cat ${quote(ini)}`);
  const script = [
    writeFileScript(DIRECT_INI, directIni(liveIni, DIRECT_PORT), "0644"),
    `chmod 0755 ${DIRECT_DIR}`,
    writeFileScript(DIRECT_UNIT_FILE, directUnit(unit, DIRECT_INI, maxSeconds), "0644"),
    "systemctl daemon-reload",
    // Type=notify: returns once uWSGI says it is ready.
    `timeout 90 systemctl start ${DIRECT_SERVICE} || { journalctl -u ${DIRECT_SERVICE} -n 20 --no-pager >&2; exit 1; }`,
  ].join(" && ");
  await onHost(state, app.name, script, 120_000);
  await waitForOk([endpoint(state, "direct")]);
}

/** Stops the bench's own uWSGI service (only its processes) and removes what startDirect wrote. */
export async function stopDirect(state: LabState): Promise<void> {
  const { app } = benchHosts(state);
  await onHost(state, app.name, `systemctl stop ${DIRECT_SERVICE} 2>/dev/null; rm -f ${DIRECT_UNIT_FILE} && rm -rf ${DIRECT_DIR} && systemctl daemon-reload`);
}
