import fc from "fast-check";
import { BALANCING_METHODS, NGINX_DEFAULTS, TLS_DEFAULTS, UPSTREAM_DEFAULTS } from "../../components/render";
import { hostList } from "./hosts";

// Legal configs that vary every input shaping the rendered nginx files, and what each must render.

const NEXT_UPSTREAM = ["error", "timeout", "invalid_header", "http_500", "http_503", "http_403", "http_404", "http_429", "non_idempotent"];
const HASH_KEYS = ["$remote_addr", "$request_uri", "$http_x_tenant", "$cookie_session"];
const ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const SSH_PORT = 22;

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Drops undefined values, so an absent key means the default. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const appHostShape = fc.record({
  weight: optional(fc.integer({ min: 1, max: 20 })),
  maxFails: optional(fc.integer({ min: 0, max: 10 })),
  failTimeout: optional(fc.integer({ min: 1, max: 300 })),
  role: fc.constantFrom("serving", "serving", "backup", "down"),
});
type AppHostShape = { weight?: number; maxFails?: number; failTimeout?: number; role: "serving" | "backup" | "down" };

const shapes = fc.record({
  balancing: fc.constantFrom(...BALANCING_METHODS),
  // Tier sizes spread evenly (plain arrays favour short ones).
  apps: fc.integer({ min: 1, max: 40 }).chain((n) => fc.array(appHostShape, { minLength: n, maxLength: n })),
  upstream: fc.record({
    hashKey: optional(fc.constantFrom(...HASH_KEYS)),
    consistent: optional(fc.boolean()),
    randomTwo: optional(fc.boolean()),
    maxFails: optional(fc.integer({ min: 0, max: 10 })),
    failTimeout: optional(fc.integer({ min: 1, max: 300 })),
  }),
  socketPort: fc.integer({ min: 1024, max: 65000 }),
  nginx: fc.record({
    port: fc.integer({ min: 1, max: 65535 }).filter((p) => p !== SSH_PORT),
    backlog: optional(fc.integer({ min: 1, max: 65535 })),
    workerConnections: optional(fc.integer({ min: 1, max: 100_000 })),
    keepaliveTimeout: optional(fc.integer({ min: 0, max: 300 })),
    keepaliveRequests: optional(fc.integer({ min: 1, max: 100_000 })),
    clientMaxBodySize: optional(fc.constantFrom("0", "512k", "10m", "1g")),
    uwsgiConnectTimeout: optional(fc.integer({ min: 1, max: 75 })),
    uwsgiReadTimeout: fc.integer({ min: 2, max: 600 }),
    uwsgiSendTimeout: optional(fc.integer({ min: 1, max: 600 })),
    uwsgiBuffering: optional(fc.boolean()),
    uwsgiRequestBuffering: optional(fc.boolean()),
    uwsgiNextUpstream: optional(fc.subarray(NEXT_UPSTREAM, { minLength: 1 })),
    uwsgiNextUpstreamTries: optional(fc.integer({ min: 0, max: 5 })),
  }),
  // TLS ended at a load balancer: nginx adds a plain server for its traffic (cheap: no certificate).
  offload: optional(fc.record({ offloadPort: fc.integer({ min: 1, max: 65535 }), redirectHttp: optional(fc.boolean()) })),
});
export type NginxShapes = typeof shapes extends fc.Arbitrary<infer T> ? T : never;

/** Hashing methods pick the host themselves: nginx refuses a backup server with them. */
const allowsBackup = (balancing: string) => balancing === "round_robin" || balancing === "least_conn";

function legalApps(s: NginxShapes): AppHostShape[] {
  const apps = s.apps.map((a) => ({ ...a, role: a.role === "backup" && !allowsBackup(s.balancing) ? "serving" : a.role }) as AppHostShape);
  // At least one host must take requests.
  if (apps.every((a) => a.role !== "serving")) apps[0] = { ...apps[0]!, role: "serving" };
  return apps;
}

const ports = (s: NginxShapes) => [s.nginx.port, ...(s.offload ? [TLS_DEFAULTS.port, s.offload.offloadPort] : [])];

/** The config the shapes describe, or undefined where they break a rule on ports. */
export function nginxConfigOf(s: NginxShapes): Record<string, unknown> | undefined {
  if (new Set([...ports(s), SSH_PORT]).size !== ports(s).length + 1) return undefined;
  const { nginx: listed, app } = hostList(s.apps.length);
  const apps = legalApps(s);
  return defined({
    hosts: {
      nginx: listed,
      app: app.map((host, i) => {
        const { role, ...health } = apps[i]!;
        return { ...host, ...defined(health), ...(role === "backup" ? { backup: true } : {}), ...(role === "down" ? { down: true } : {}) };
      }),
    },
    balancing: s.balancing,
    upstream: defined(s.upstream),
    uwsgi: { socketPort: s.socketPort, statsPort: s.socketPort + 1, harakiri: s.nginx.uwsgiReadTimeout - 1 },
    nginx: defined(s.nginx),
    tls: s.offload && defined({ certificateArn: ACM_ARN, offloadPort: s.offload.offloadPort, redirectHttp: s.offload.redirectHttp }),
  });
}

export const nginxShapes = shapes.filter((s) => nginxConfigOf(s) !== undefined);

/** The upstream block's lines, as nginx must see them: the method, then each app host in order. */
export function expectedUpstream(s: NginxShapes): string[] {
  const up = { ...UPSTREAM_DEFAULTS, ...defined(s.upstream) };
  const method: Record<string, string[]> = {
    round_robin: [],
    least_conn: ["least_conn;"],
    ip_hash: ["ip_hash;"],
    hash: [`hash ${up.hashKey}${up.consistent ? " consistent" : ""};`],
    random: [`random${up.randomTwo ? " two" : ""};`],
  };
  const { app } = hostList(s.apps.length);
  const apps = legalApps(s);
  const servers = apps.map((a, i) => {
    const at = `${app[i]!.address}:${s.socketPort}`;
    if (a.role === "down") return `server ${at} down;`;
    const params = [
      ...(a.weight !== undefined && a.weight !== 1 ? [`weight=${a.weight}`] : []),
      // nginx ignores these with a single server: they are left out.
      ...(apps.length > 1 ? [`max_fails=${a.maxFails ?? up.maxFails}`, `fail_timeout=${a.failTimeout ?? up.failTimeout}s`] : []),
      ...(a.role === "backup" ? ["backup"] : []),
    ];
    return `server ${[at, ...params].join(" ")};`;
  });
  return [...method[s.balancing]!, ...servers];
}

/** The uwsgi_* lines every location that passes to the app tier carries. */
export function expectedPassing(s: NginxShapes): string[] {
  const n = s.nginx;
  const d = NGINX_DEFAULTS;
  const onOff = (v: boolean) => (v ? "on" : "off");
  return [
    "uwsgi_pass webtier_app;",
    `uwsgi_connect_timeout ${n.uwsgiConnectTimeout ?? d.uwsgiConnectTimeout}s;`,
    `uwsgi_read_timeout ${n.uwsgiReadTimeout}s;`,
    `uwsgi_send_timeout ${n.uwsgiSendTimeout ?? d.uwsgiSendTimeout}s;`,
    `uwsgi_buffering ${onOff(n.uwsgiBuffering ?? d.uwsgiBuffering)};`,
    `uwsgi_request_buffering ${onOff(n.uwsgiRequestBuffering ?? d.uwsgiRequestBuffering)};`,
    `uwsgi_next_upstream ${(n.uwsgiNextUpstream ?? d.uwsgiNextUpstream).join(" ")};`,
    `uwsgi_next_upstream_tries ${n.uwsgiNextUpstreamTries ?? d.uwsgiNextUpstreamTries};`,
  ];
}

/** The servers' listen lines and how many of them pass requests to the app tier. */
export function expectedServers(s: NginxShapes): { listen: string[]; passing: number } {
  const backlog = s.nginx.backlog ?? NGINX_DEFAULTS.backlog;
  const redirect = s.offload !== undefined && (s.offload.redirectHttp ?? TLS_DEFAULTS.redirectHttp);
  return {
    listen: [`listen ${s.nginx.port} backlog=${backlog} default_server;`, ...(s.offload ? [`listen ${s.offload.offloadPort} backlog=${backlog};`] : [])],
    passing: (redirect ? 0 : 1) + (s.offload ? 1 : 0),
  };
}
