import { createHash } from "node:crypto";
import type { Tuning, UpstreamServer } from "../tuning";
import { block, d, parseRawDirective, serializeNginx, type Directive } from "./directives";

export const UPSTREAM_NAME = "webtier_app";
const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

/**
 * Identifies one rendering of the nginx tier. The health location answers with it, so a deploy can
 * tell that a reload really took effect (a failed reload keeps the old config and may exit 0).
 */
export function nginxGeneration(t: Tuning): string {
  return createHash("sha256")
    .update(JSON.stringify({ nginx: t.nginx, upstream: t.upstream }))
    .digest("hex")
    .slice(0, 16);
}

const LOG_FORMAT =
  '$remote_addr [$time_local] "$request" $status $body_bytes_sent ' +
  'upstream=$upstream_addr upstream_status=$upstream_status ' +
  'upstream_time=$upstream_response_time request_time=$request_time';

const onOff = (value: boolean) => (value ? "on" : "off");

export function renderNginxConf(t: Tuning): string {
  const n = t.nginx;
  const tree: Directive[] = [
    d("user", "www-data"),
    d("worker_processes", n.workerProcesses),
    // Must cover 2 × worker_connections; systemd's LimitNOFILE is rendered to the same value.
    d("worker_rlimit_nofile", n.workerRlimitNofile),
    d("pid", "/run/nginx.pid"),
    d("error_log", "/var/log/nginx/error.log", "warn"),
    block("events", [], [d("worker_connections", n.workerConnections), d("multi_accept", "on")]),
    block("http", [], [
      // Relative includes resolve against the directory of the tested nginx.conf, which lets a
      // staged tree be checked with `nginx -t -c <stage>/nginx.conf` before it goes live.
      d("include", "mime.types"),
      d("default_type", "application/octet-stream"),
      d("sendfile", "on"),
      d("tcp_nopush", "on"),
      d("tcp_nodelay", "on"),
      d("server_tokens", "off"),
      d("keepalive_timeout", n.keepaliveTimeout),
      d("keepalive_requests", n.keepaliveRequests),
      d("client_max_body_size", n.clientMaxBodySize),
      d("log_format", "webtier", LOG_FORMAT),
      d("access_log", "/var/log/nginx/access.log", "webtier", "buffer=64k", "flush=1s"),
      d("include", "webtier/upstream.conf"),
      d("include", "webtier/site.conf"),
      ...n.extraHttp.map(parseRawDirective),
    ]),
  ];
  return serializeNginx(tree, HEADER);
}

function balancingDirectives(t: Tuning): Directive[] {
  const up = t.upstream;
  switch (up.balancing) {
    case "round_robin":
      return [];
    case "least_conn":
      return [d("least_conn")];
    case "ip_hash":
      return [d("ip_hash")];
    case "hash":
      return [d("hash", up.hashKey, ...(up.consistent ? ["consistent"] : []))];
    case "random":
      return [d("random", ...(up.randomTwo ? ["two"] : []))];
  }
}

function serverDirective(server: UpstreamServer, single: boolean): Directive {
  if (server.down) return d("server", server.address, "down");
  const params: string[] = [];
  if (server.weight !== 1) params.push(`weight=${server.weight}`);
  // With a single server nginx ignores max_fails/fail_timeout; leave them out rather than mislead.
  if (!single) params.push(`max_fails=${server.maxFails}`, `fail_timeout=${server.failTimeout}s`);
  if (server.backup) params.push("backup");
  return d("server", server.address, ...params);
}

export function renderUpstreamConf(t: Tuning): string {
  const servers = t.upstream.servers;
  const tree = [
    block("upstream", [UPSTREAM_NAME], [
      ...balancingDirectives(t),
      ...servers.map((s) => serverDirective(s, servers.length === 1)),
    ]),
  ];
  return serializeNginx(tree, `${HEADER}\nApp hosts: ${servers.map((s) => s.host).join(", ")}`);
}

export function renderSiteConf(t: Tuning): string {
  const n = t.nginx;
  const app: Directive[] = [
    d("include", "uwsgi_params"),
    // proxy_set_header does nothing for uwsgi_pass: request metadata travels as uwsgi params.
    d("uwsgi_param", "HTTP_X_REAL_IP", "$remote_addr"),
    d("uwsgi_param", "HTTP_X_FORWARDED_FOR", "$proxy_add_x_forwarded_for"),
    d("uwsgi_param", "HTTP_X_FORWARDED_PROTO", "$scheme"),
    d("uwsgi_pass", UPSTREAM_NAME),
    d("uwsgi_connect_timeout", `${n.uwsgiConnectTimeout}s`),
    d("uwsgi_read_timeout", `${n.uwsgiReadTimeout}s`),
    d("uwsgi_send_timeout", `${n.uwsgiSendTimeout}s`),
    d("uwsgi_buffering", onOff(n.uwsgiBuffering)),
    d("uwsgi_request_buffering", onOff(n.uwsgiRequestBuffering)),
    d("uwsgi_next_upstream", ...n.uwsgiNextUpstream),
    d("uwsgi_next_upstream_tries", n.uwsgiNextUpstreamTries),
  ];
  const server = block("server", [], [
    d("listen", n.port, `backlog=${n.backlog}`, "default_server"),
    d("server_name", "_"),
    block("location", ["=", n.healthPath], [
      d("access_log", "off"),
      d("default_type", "text/plain"),
      d("return", 200, `ok ${nginxGeneration(t)}`),
    ]),
    block("location", ["=", "/nginx_status"], [
      d("stub_status"),
      d("access_log", "off"),
      d("allow", "127.0.0.1"),
      d("deny", "all"),
    ]),
    block("location", ["/"], app),
    ...n.extraServer.map(parseRawDirective),
  ]);
  return serializeNginx([server], HEADER);
}
