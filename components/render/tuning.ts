import {
  APP_DEFAULTS,
  DEFAULT_SSH_PORT,
  DEFAULT_SSH_USER,
  NGINX_DEFAULTS,
  SYSCTL_DEFAULTS,
  UPSTREAM_DEFAULTS,
  UWSGI_DEFAULTS,
} from "./defaults";
import type { HostEntry, WebtierConfig } from "./schema";
import { resolveTls, type TlsTuning } from "./tls";

export type Balancing = "round_robin" | "least_conn" | "ip_hash" | "hash" | "random";
export type Role = "nginx" | "app";

export interface Host {
  name: string;
  role: Role;
  address: string;
  privateAddress: string;
  port: number;
  user: string;
  hostKey?: string;
}

export interface UpstreamServer {
  host: string;
  address: string; // ip:port, never a bare IP (that would mean port 80)
  weight: number;
  maxFails: number;
  failTimeout: number;
  backup: boolean;
  down: boolean;
}

export interface Tuning {
  uwsgi: {
    socketPort: number; workers: number; threads: number; cheaper?: number; listen: number;
    harakiri: number; postBuffering: number; bufferSize: number; maxRequests: number;
    reloadOnRss?: number; thunderLock: boolean; enableThreads: boolean; lazyApps: boolean;
    singleInterpreter: boolean; disableLogging: boolean; statsPort: number; uid: string; gid: string;
  };
  nginx: {
    port: number; backlog: number; workerProcesses: "auto" | number; workerConnections: number;
    workerRlimitNofile: number; keepaliveTimeout: number; keepaliveRequests: number;
    clientMaxBodySize: string; uwsgiConnectTimeout: number; uwsgiReadTimeout: number;
    uwsgiSendTimeout: number; uwsgiBuffering: boolean; uwsgiRequestBuffering: boolean;
    uwsgiNextUpstream: string[]; uwsgiNextUpstreamTries: number; healthPath: string;
    extraHttp: string[]; extraServer: string[];
    /** Seconds a changed nginx host fails its health checks before and after it reloads. */
    drainSeconds: number;
  };
  upstream: {
    balancing: Balancing; hashKey: string; consistent: boolean; randomTwo: boolean;
    servers: UpstreamServer[];
  };
  sysctl: {
    // Per role: each host only needs room for its own listen backlogs.
    somaxconn: Record<Role, number>;
    tcpMaxSynBacklog: Record<Role, number>;
    ipLocalPortRange: string; tcpTwReuse: 0 | 1 | 2; tcpFinTimeout: number;
  };
  app: { module: string; source?: string; packages: string[]; requirements: string[]; indexUrl?: string };
  hosts: { nginx: Host[]; app: Host[] };
  /** The nginx host app hosts are reached through over SSH: its sshd takes their dials. */
  bastion?: string;
  clientCidrs: string[];
  aptProxy?: string;
  /** Undefined without a `tls` key: plain HTTP only. */
  tls?: TlsTuning;
}

function resolveHost(entry: HostEntry, role: Role): Host {
  return {
    name: entry.name,
    role,
    address: entry.address,
    privateAddress: entry.privateAddress ?? entry.address,
    port: entry.port ?? DEFAULT_SSH_PORT,
    user: entry.user ?? DEFAULT_SSH_USER,
    ...(entry.hostKey === undefined ? {} : { hostKey: entry.hostKey }),
  };
}

/** Fills every default and derives dependent values. Never mutates `config`. */
export function resolveTuning(config: WebtierConfig): Tuning {
  const uwsgi = { ...UWSGI_DEFAULTS, ...config.uwsgi };
  const nginxIn = config.nginx ?? {};
  const workerConnections = nginxIn.workerConnections ?? NGINX_DEFAULTS.workerConnections;
  const nginx = {
    ...NGINX_DEFAULTS,
    ...nginxIn,
    workerConnections,
    // Each proxied request holds a client and an upstream descriptor, plus logs and listeners.
    workerRlimitNofile: nginxIn.workerRlimitNofile ?? 2 * workerConnections + 1024,
    uwsgiNextUpstream: [...(nginxIn.uwsgiNextUpstream ?? NGINX_DEFAULTS.uwsgiNextUpstream)],
    extraHttp: [...(nginxIn.extraHttp ?? [])],
    extraServer: [...(nginxIn.extraServer ?? [])],
  };
  const up = { ...UPSTREAM_DEFAULTS, ...config.upstream };
  const appEntries = config.hosts?.app ?? [];
  const servers: UpstreamServer[] = appEntries.map((entry) => ({
    host: entry.name,
    address: `${entry.privateAddress ?? entry.address}:${uwsgi.socketPort}`,
    weight: entry.weight ?? 1,
    maxFails: entry.maxFails ?? up.maxFails,
    failTimeout: entry.failTimeout ?? up.failTimeout,
    backup: entry.backup ?? false,
    down: entry.down ?? false,
  }));

  const sysctlIn = config.sysctl ?? {};
  const somaxconn = {
    nginx: sysctlIn.somaxconn ?? Math.max(SYSCTL_DEFAULTS.minSomaxconn, nginx.backlog),
    app: sysctlIn.somaxconn ?? Math.max(SYSCTL_DEFAULTS.minSomaxconn, uwsgi.listen),
  };
  return {
    uwsgi,
    nginx,
    upstream: {
      balancing: config.balancing ?? UPSTREAM_DEFAULTS.balancing,
      hashKey: up.hashKey,
      consistent: up.consistent,
      randomTwo: up.randomTwo,
      servers,
    },
    sysctl: {
      somaxconn,
      // The SYN queue must hold as many half-open connections as the accept queue allows.
      tcpMaxSynBacklog: {
        nginx: sysctlIn.tcpMaxSynBacklog ?? somaxconn.nginx,
        app: sysctlIn.tcpMaxSynBacklog ?? somaxconn.app,
      },
      ipLocalPortRange: sysctlIn.ipLocalPortRange ?? SYSCTL_DEFAULTS.ipLocalPortRange,
      tcpTwReuse: sysctlIn.tcpTwReuse ?? SYSCTL_DEFAULTS.tcpTwReuse,
      tcpFinTimeout: sysctlIn.tcpFinTimeout ?? SYSCTL_DEFAULTS.tcpFinTimeout,
    },
    app: {
      module: config.app?.module ?? APP_DEFAULTS.module,
      ...(config.app?.source === undefined ? {} : { source: config.app.source }),
      packages: [...(config.app?.packages ?? APP_DEFAULTS.packages)],
      requirements: [...(config.app?.requirements ?? APP_DEFAULTS.requirements)],
      ...(config.app?.indexUrl === undefined ? {} : { indexUrl: config.app.indexUrl }),
    },
    hosts: {
      nginx: (config.hosts?.nginx ?? []).map((h) => resolveHost(h, "nginx")),
      app: appEntries.map((h) => resolveHost(h, "app")),
    },
    ...(config.bastion === undefined ? {} : { bastion: config.bastion }),
    clientCidrs: [...(config.clientCidrs ?? ["0.0.0.0/0"])],
    ...(config.aptProxy === undefined ? {} : { aptProxy: config.aptProxy }),
    ...(config.tls === undefined ? {} : { tls: resolveTls(config.tls) }),
  };
}
