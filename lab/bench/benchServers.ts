// The servers the bench adds beside a deployed stack, derived from the files webtier deployed so
// they differ from the stack in one respect only:
// - `static`: a server on the nginx host answering `return 200` itself, with the stack's listen
//   parameters (the upper bound of the path);
// - `reuseport`: the stack's own server block on a second port whose socket has `reuseport`;
// - `direct`: a second uWSGI on one app host from the deployed ini and unit, HTTP instead of the
//   uwsgi protocol, on another port.
import { BENCH_NGINX_DIR } from "./configs";

export const STATIC_PORT = 8080;
export const REUSEPORT_PORT = 8081;
export const DIRECT_PORT = 9031;
export const BENCH_NGINX_FILE = `${BENCH_NGINX_DIR}/bench.conf`;
export const DIRECT_DIR = "/run/webtier-bench";
export const DIRECT_INI = `${DIRECT_DIR}/direct.ini`;
export const DIRECT_SERVICE = "webtier-bench-direct.service";
/** Under /run: gone at the next boot even if the bench never removes it. */
export const DIRECT_UNIT_FILE = `/run/systemd/system/${DIRECT_SERVICE}`;

const HEADER = "# Added by webtier bench for its measurements; removed when they end.";

/** The first top-level `server { … }` block of an nginx file rendered by webtier (blocks start at column 0). */
function firstServerBlock(conf: string): string[] {
  const lines = conf.split("\n");
  const start = lines.findIndex((l) => l === "server {");
  const end = lines.findIndex((l, i) => i > start && l === "}");
  if (start < 0 || end < 0) throw new Error("site.conf has no top-level server block");
  return lines.slice(start, end + 1);
}

/** The parameters of the block's `listen <port> …;` other than `default_server` ("backlog=4096"). */
export function listenParameters(block: readonly string[], port: number): string[] {
  const re = new RegExp(`^\\s*listen ${port}((?: [^ ;]+)*);$`);
  const line = block.map((l) => re.exec(l)).find((m) => m !== null);
  if (!line) throw new Error(`site.conf's server has no "listen ${port} …;" line`);
  return line[1]!.trim().split(" ").filter((p) => p !== "" && p !== "default_server");
}

/** bench.conf for the nginx host: the static server and the stack's server again with reuseport. */
export function benchNginxConf(siteConf: string, stackPort: number): string {
  const block = firstServerBlock(siteConf);
  const params = listenParameters(block, stackPort);
  const listenRe = new RegExp(`^(\\s*)listen ${stackPort}(?: [^ ;]+)*;$`);
  const reuseport = block.map((l) => l.replace(listenRe, (_, indent: string) => `${indent}listen ${[REUSEPORT_PORT, "reuseport", ...params].join(" ")};`));
  return [
    HEADER,
    "server {",
    `    listen ${[STATIC_PORT, ...params].join(" ")};`,
    "    location / {",
    "        default_type text/plain;",
    '        return 200 "static\\n";',
    "    }",
    "}",
    ...reuseport,
    "",
  ].join("\n");
}

/**
 * The direct uWSGI's ini: the deployed one with `http-socket` on DIRECT_PORT instead of the uwsgi
 * socket, without the stats server and the chain-reload trigger (the deployed uWSGI owns both).
 * uWSGI's http-socket closes the connection after each response without saying so, which wrk
 * would count as a read error: `Connection: close` tells the client.
 */
export function directIni(liveIni: string, port: number = DIRECT_PORT): string {
  const lines = liveIni.split("\n");
  const socket = lines.findIndex((l) => /^socket = \S+:\d+$/.test(l));
  if (socket < 0) throw new Error("the deployed uwsgi.ini has no \"socket = address:port\" line");
  const address = /^socket = (\S+):\d+$/.exec(lines[socket]!)![1]!;
  const kept = lines
    .map((l, i) => (i === socket ? `http-socket = ${address}:${port}` : l))
    .filter((l) => !/^(stats|touch-chain-reload) = /.test(l) && !l.startsWith("# Rendered by webtier"));
  while (kept.at(-1) === "") kept.pop();
  return [HEADER, ...kept, "add-header = Connection: close", ""].join("\n");
}

/**
 * The direct uWSGI's unit: the deployed one (same user, limits and sandbox) running `ini`,
 * stopped by systemd after `maxSeconds` whatever happens, never restarted, never enabled.
 */
export function directUnit(liveUnit: string, ini: string, maxSeconds: number): string {
  const lines = liveUnit.split("\n").filter((l) => !l.startsWith("#"));
  const install = lines.indexOf("[Install]");
  const body = install < 0 ? lines : lines.slice(0, install);
  const exec = body.find((l) => l.startsWith("ExecStart="));
  if (!exec || !body.includes("[Service]")) throw new Error("the deployed uWSGI unit has no [Service] ExecStart= line");
  const binary = exec.slice("ExecStart=".length).split(" ")[0]!;
  const out = body
    .filter((l) => !/^(Restart|RestartSec|Requires|WantedBy)=/.test(l))
    .map((l) => (l.startsWith("Description=") ? "Description=webtier bench: the app's uWSGI over HTTP, no nginx" : l))
    .map((l) => (l.startsWith("ExecStart=") ? `ExecStart=${binary} --ini ${ini}` : l))
    .flatMap((l) => (l === "[Service]" ? [l, `RuntimeMaxSec=${maxSeconds}`] : [l]));
  while (out.at(-1) === "") out.pop();
  return [HEADER, ...out, ""].join("\n");
}
