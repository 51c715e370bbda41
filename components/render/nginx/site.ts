import { REMOTE } from "../paths";
import { tlsModeOf, type TlsTuning } from "../tls";
import type { Tuning } from "../tuning";
import { block, d, parseRawDirective, serializeNginx, type Directive } from "./directives";
import { nginxGeneration } from "./generation";
import { hstsDirectives, MOZILLA_PROFILE, sslDirectives } from "./tls";

// site.conf: the servers nginx runs. Always a plain HTTP server on nginx.port (health checks of a
// front door use it, and it redirects to HTTPS when asked); with TLS in nginx a second server on
// tls.port; with TLS ended at a load balancer a plain server on tls.offloadPort for its traffic.

export const UPSTREAM_NAME = "webtier_app";
const HEADER = "Rendered by webtier. Local edits are replaced on the next deployment.";

const onOff = (value: boolean) => (value ? "on" : "off");

/**
 * `ok <generation>`, or a 503 `draining <generation>` while the drain marker exists: the nginx step
 * creates it so a front door's health checks take the host out before nginx reloads. The worker
 * user (www-data) only needs to stat it.
 */
function healthLocation(t: Tuning, generation: string): Directive {
  return block("location", ["=", t.nginx.healthPath], [
    d("access_log", "off"),
    d("default_type", "text/plain"),
    block("if", ["(-f", `${REMOTE.nginxDrainMarker})`], [d("return", 503, `draining ${generation}`)]),
    d("return", 200, `ok ${generation}`),
  ]);
}

function statusLocation(): Directive {
  return block("location", ["=", "/nginx_status"], [d("stub_status"), d("access_log", "off"), d("allow", "127.0.0.1"), d("deny", "all")]);
}

/**
 * Passes requests to the app tier. `offloaded`: a load balancer ended TLS, so nginx sees plain
 * HTTP and tells the app it was HTTPS. Where nginx ends TLS itself, Debian's uwsgi_params already
 * sends `HTTPS $https if_not_empty` (on), and $scheme is https.
 */
function appLocation(t: Tuning, offloaded: boolean): Directive {
  const n = t.nginx;
  return block("location", ["/"], [
    d("include", "uwsgi_params"),
    // proxy_set_header does nothing for uwsgi_pass: request metadata travels as uwsgi params.
    d("uwsgi_param", "HTTP_X_REAL_IP", "$remote_addr"),
    d("uwsgi_param", "HTTP_X_FORWARDED_FOR", "$proxy_add_x_forwarded_for"),
    ...(offloaded
      ? [d("uwsgi_param", "HTTP_X_FORWARDED_PROTO", "https"), d("uwsgi_param", "HTTPS", "on")]
      : [d("uwsgi_param", "HTTP_X_FORWARDED_PROTO", "$scheme")]),
    d("uwsgi_pass", UPSTREAM_NAME),
    d("uwsgi_connect_timeout", `${n.uwsgiConnectTimeout}s`),
    d("uwsgi_read_timeout", `${n.uwsgiReadTimeout}s`),
    d("uwsgi_send_timeout", `${n.uwsgiSendTimeout}s`),
    d("uwsgi_buffering", onOff(n.uwsgiBuffering)),
    d("uwsgi_request_buffering", onOff(n.uwsgiRequestBuffering)),
    d("uwsgi_next_upstream", ...n.uwsgiNextUpstream),
    d("uwsgi_next_upstream_tries", n.uwsgiNextUpstreamTries),
  ]);
}

function redirectLocation(tls: TlsTuning): Directive {
  const port = tls.port === 443 ? "" : `:${tls.port}`;
  return block("location", ["/"], [d("return", 301, `https://$host${port}$request_uri`)]);
}

function httpServer(t: Tuning, generation: string): Directive {
  const n = t.nginx;
  const redirect = t.tls?.redirectHttp === true;
  return block("server", [], [
    d("listen", n.port, `backlog=${n.backlog}`, "default_server"),
    d("server_name", "_"),
    healthLocation(t, generation),
    statusLocation(),
    redirect ? redirectLocation(t.tls!) : appLocation(t, false),
    ...n.extraServer.map(parseRawDirective),
  ]);
}

const serverNames = (tls: TlsTuning) => (tls.serverNames.length > 0 ? tls.serverNames : ["_"]);

function tlsServer(t: Tuning, tls: TlsTuning, generation: string): Directive {
  const n = t.nginx;
  return block("server", [], [
    // nginx 1.22: http2 is a parameter of listen (the `http2` directive came in 1.25.1).
    d("listen", tls.port, "ssl", "http2", `backlog=${n.backlog}`, "default_server"),
    d("server_name", ...serverNames(tls)),
    ...sslDirectives(tls),
    ...hstsDirectives(tls),
    healthLocation(t, generation),
    appLocation(t, false),
    ...n.extraServer.map(parseRawDirective),
  ]);
}

function offloadServer(t: Tuning, tls: TlsTuning, generation: string): Directive {
  const n = t.nginx;
  return block("server", [], [
    d("listen", tls.offloadPort, `backlog=${n.backlog}`),
    d("server_name", ...serverNames(tls)),
    ...hstsDirectives(tls),
    healthLocation(t, generation),
    appLocation(t, true),
    ...n.extraServer.map(parseRawDirective),
  ]);
}

export function renderSiteConf(t: Tuning): string {
  const generation = nginxGeneration(t);
  const mode = tlsModeOf(t.tls);
  const servers = [httpServer(t, generation)];
  if (t.tls && mode === "nginx") servers.push(tlsServer(t, t.tls, generation));
  if (t.tls && mode === "offload") servers.push(offloadServer(t, t.tls, generation));
  const header = mode === "nginx" ? `${HEADER}\nTLS: ${MOZILLA_PROFILE} (https://ssl-config.mozilla.org/).` : HEADER;
  return serializeNginx(servers, header);
}
