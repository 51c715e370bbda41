import type { Tuning, UpstreamServer } from "../tuning";
import { block, d, parseRawDirective, serializeNginx, type Directive } from "./directives";
import { UPSTREAM_NAME } from "./site";

export { nginxGeneration } from "./generation";
export { renderSiteConf, UPSTREAM_NAME } from "./site";

const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

const LOG_FORMAT =
  '$remote_addr [$time_local] "$request" $status $body_bytes_sent ' +
  'upstream=$upstream_addr upstream_status=$upstream_status ' +
  'upstream_time=$upstream_response_time request_time=$request_time';

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
