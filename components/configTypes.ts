// The `webtier:*` configuration written out as plain interfaces. Pulumi's component-package schema
// is inferred from these (it cannot read zod types, Omit<…> or unnamed literal unions), and their
// JSDoc becomes the schema's descriptions. The rules stay in render/schema.ts (zod);
// test/types/configAgreement.ts fails to compile when the two disagree.

import type { WebtierConfig } from "./render";

// Fixed choices are `as const` objects: the schema inference reads them as named enums, while
// TypeScript callers keep writing the plain literal ("least_conn").

/** How nginx picks an app host for each request (nginx `upstream` balancing method). */
export const BalancingMethod = {
  RoundRobin: "round_robin",
  LeastConn: "least_conn",
  IpHash: "ip_hash",
  Hash: "hash",
  Random: "random",
} as const;
export type BalancingMethod = (typeof BalancingMethod)[keyof typeof BalancingMethod];

/** A condition under which nginx passes a request to the next app host (`uwsgi_next_upstream`). */
export const NextUpstreamCondition = {
  Error: "error",
  Timeout: "timeout",
  InvalidHeader: "invalid_header",
  Http500: "http_500",
  Http503: "http_503",
  Http403: "http_403",
  Http404: "http_404",
  Http429: "http_429",
  NonIdempotent: "non_idempotent",
  Off: "off",
} as const;
export type NextUpstreamCondition = (typeof NextUpstreamCondition)[keyof typeof NextUpstreamCondition];

/** How app hosts in private subnets reach package registries. */
export const EgressMode = {
  /** One NAT gateway (about $32/month plus traffic). */
  Nat: "nat",
  /** No NAT gateway: app hosts use `aptProxy`. */
  Proxy: "proxy",
} as const;
export type EgressMode = (typeof EgressMode)[keyof typeof EgressMode];

/** How clients reach the nginx tier of an AWS stack. */
export const FrontDoorMode = {
  /** A network load balancer in front of the nginx hosts (required by `tls.certificateArn`). */
  Nlb: "nlb",
  /** An Elastic IP on each nginx host. */
  Eip: "eip",
} as const;
export type FrontDoorMode = (typeof FrontDoorMode)[keyof typeof FrontDoorMode];

/** `net.ipv4.tcp_tw_reuse`: 0 off, 1 on, 2 loopback only. */
export const TcpTwReuse = { Off: 0, On: 1, LoopbackOnly: 2 } as const;
export type TcpTwReuse = (typeof TcpTwReuse)[keyof typeof TcpTwReuse];

/** An existing machine, as listed in `webtier:hosts`. */
export interface ExistingHost {
  /** Host name: lowercase letters, digits and '-' (a DNS label). Names the host's resources. */
  name: string;
  /** IPv4 address SSH connects to. */
  address: string;
  /** IPv4 address the tiers talk over (uWSGI socket, upstream); default: `address`. */
  privateAddress?: string;
  /** SSH port; default 22. */
  port?: number;
  /** SSH user (root, or one with passwordless sudo); default root. */
  user?: string;
  /** Pinned SSH host public key ("ssh-ed25519 AAAA…"). Without it the host key is not checked. */
  hostKey?: string;
  /** App hosts: upstream weight; default 1. */
  weight?: number;
  /** App hosts: failed attempts before nginx marks the host unavailable; default `upstream.maxFails`. */
  maxFails?: number;
  /** App hosts: seconds a failed host stays unavailable; default `upstream.failTimeout`. */
  failTimeout?: number;
  /** App hosts: serve only when every other host is unavailable. */
  backup?: boolean;
  /** App hosts: listed in the upstream but sent no requests. */
  down?: boolean;
}

/** Existing-hosts mode: the machines of each tier. */
export interface ExistingHosts {
  /** nginx hosts (public addresses); the first one's address is the stack's URL. */
  nginx: ExistingHost[];
  /** App hosts running uWSGI. */
  app: ExistingHost[];
  /** Hosts that left the stack, returned to plain Debian on this deployment. */
  retire?: ExistingHost[];
}

/** uWSGI options (uWSGI option names in camelCase). */
export interface UwsgiSettings {
  /** Port of the uwsgi socket on the host's private address; default 3031. */
  socketPort?: number;
  /** Worker processes; default 6. */
  workers?: number;
  /** Threads per worker; default 2. */
  threads?: number;
  /** Adaptive process spawning: workers kept when idle; default off. */
  cheaper?: number;
  /** Socket listen backlog; default 4096 (never above the host's somaxconn). */
  listen?: number;
  /** Seconds before a stuck request's worker is killed; default 30. */
  harakiri?: number;
  /** Request bodies larger than this many bytes are buffered to disk; default 8192. */
  postBuffering?: number;
  /** Largest request header block in bytes; default 32768. */
  bufferSize?: number;
  /** Requests before a worker is recycled; default 5000. */
  maxRequests?: number;
  /** Recycle a worker whose resident memory exceeds this many MB; default off. */
  reloadOnRss?: number;
  /** Serialize accept() across workers; default true. */
  thunderLock?: boolean;
  /** Default true (required by `threads`). */
  enableThreads?: boolean;
  /** Load the app in each worker (chain reloads need it); default true. */
  lazyApps?: boolean;
  /** Default true. */
  singleInterpreter?: boolean;
  /** Log only errors (nginx logs every request); default true. */
  disableLogging?: boolean;
  /** Port of uWSGI's stats server on 127.0.0.1; default 9191. */
  statsPort?: number;
  /** User the workers run as; default webtier. */
  uid?: string;
  /** Group the workers run as; default webtier. */
  gid?: string;
}

/** nginx directives (nginx directive names in camelCase). */
export interface NginxSettings {
  /** Port nginx listens on; default 80. */
  port?: number;
  /** `listen … backlog=`; default 4096. */
  backlog?: number;
  /** Worker processes; default one per CPU ("auto"). */
  workerProcesses?: number;
  /** Connections per worker; default 8192. */
  workerConnections?: number;
  /** Open files per worker; default 2 × workerConnections + 1024. */
  workerRlimitNofile?: number;
  /** Seconds an idle client connection stays open; default 15. */
  keepaliveTimeout?: number;
  /** Requests per client connection; default 1000. */
  keepaliveRequests?: number;
  /** Largest request body, such as "10m"; default 10m. */
  clientMaxBodySize?: string;
  /** Seconds to connect to an app host (at most 75); default 5. */
  uwsgiConnectTimeout?: number;
  /** Seconds between two reads from an app host; default 60. */
  uwsgiReadTimeout?: number;
  /** Seconds between two writes to an app host; default 60. */
  uwsgiSendTimeout?: number;
  /** Buffer responses from the app; default true. */
  uwsgiBuffering?: boolean;
  /** Buffer request bodies before passing them on; default true. */
  uwsgiRequestBuffering?: boolean;
  /** When a request goes to the next app host; default error, timeout, http_503. */
  uwsgiNextUpstream?: NextUpstreamCondition[];
  /** Attempts across app hosts per request (0: unlimited); default 2. */
  uwsgiNextUpstreamTries?: number;
  /** Health location answering with the config generation; default /healthz. */
  healthPath?: string;
  /** Extra single directives in the `http` block (checked by `nginx -t` on the host). */
  extraHttp?: string[];
  /** Extra single directives in every `server` block (checked by `nginx -t` on the host). */
  extraServer?: string[];
  /**
   * Rolling nginx hosts behind a load balancer: seconds a changed host answers its health checks
   * with 503 before nginx reloads (so the load balancer stops sending it clients), and again after
   * it answers 200 (so it is back before the next host starts). At most 600; default 0 (off).
   */
  drainSeconds?: number;
}

/** HTTP Strict Transport Security: browsers use only HTTPS for the site once they saw it. */
export interface HstsSettings {
  /** Seconds browsers remember it (`max-age`); Mozilla recommends 63072000 (two years). */
  maxAge: number;
  /** Every subdomain too; default false. */
  includeSubDomains?: boolean;
  /** Asks for inclusion in browsers' preload lists (hstspreload.org); default false. */
  preload?: boolean;
}

/**
 * HTTPS (Mozilla's "intermediate" TLS profile, guideline v5.7). Set exactly one certificate
 * source: `certificate`, `selfSigned` or `certificateArn`.
 */
export interface TlsSettings {
  /**
   * PEM: the server certificate first, then the intermediates in signing order. Its private key
   * is the separate secret `webtier:tlsKey` (pulumi config set --secret webtier:tlsKey < key.pem).
   */
  certificate?: string;
  /**
   * Test environments: webtier generates a certificate once per stack, for `serverNames` and the
   * site's addresses. Browsers do not trust it.
   */
  selfSigned?: boolean;
  /**
   * AWS with `aws.frontDoor` nlb: TLS ends at the network load balancer with this ACM certificate;
   * nginx serves the decrypted traffic as plain HTTP on `offloadPort` and tells the app it was HTTPS.
   */
  certificateArn?: string;
  /** The HTTPS port clients use; default 443. */
  port?: number;
  /** With `certificateArn`: nginx's port for the load balancer's decrypted traffic; default 8443. */
  offloadPort?: number;
  /**
   * Redirect HTTP to HTTPS (301); the health path stays served over HTTP for load balancer health
   * checks. Default true.
   */
  redirectHttp?: boolean;
  /** Strict-Transport-Security header; default none. */
  hsts?: HstsSettings;
  /** DNS names of the site: nginx's `server_name` for HTTPS (default any), and a self-signed certificate's names. */
  serverNames?: string[];
}

/** Upstream defaults; per-host weight and flags go on the app hosts. */
export interface UpstreamSettings {
  /** Key of the `hash` method; default $remote_addr. */
  hashKey?: string;
  /** `hash … consistent` (ketama); default true. */
  consistent?: boolean;
  /** `random two least_conn`; default true. */
  randomTwo?: boolean;
  /** Default max_fails of every app host; default 3. */
  maxFails?: number;
  /** Default fail_timeout (seconds) of every app host; default 10. */
  failTimeout?: number;
}

/** Kernel settings; derived from the backlogs when absent. */
export interface SysctlSettings {
  /** `net.core.somaxconn`; default the largest listen backlog on the host, at least 4096. */
  somaxconn?: number;
  /** `net.ipv4.tcp_max_syn_backlog`; default somaxconn. */
  tcpMaxSynBacklog?: number;
  /** nginx hosts: `net.ipv4.ip_local_port_range` as "LOW HIGH"; default "10240 65535". */
  ipLocalPortRange?: string;
  /** nginx hosts: `net.ipv4.tcp_tw_reuse`; default 1. */
  tcpTwReuse?: TcpTwReuse;
  /** nginx hosts: `net.ipv4.tcp_fin_timeout` in seconds; default 15. */
  tcpFinTimeout?: number;
}

/** The WSGI application. */
export interface AppSettings {
  /** WSGI callable such as "project.wsgi:application"; default wsgi:application. */
  module?: string;
  /** Local directory of the app, relative to the project; default: the bundled sample app. */
  source?: string;
  /** Debian packages the app needs (python3-django, …). */
  packages?: string[];
  /** pip requirements installed into the release's virtualenv (flask==3.0.3, …). */
  requirements?: string[];
  /** Package index for `requirements` (http(s)://host[:port]/path, PEP 503); default PyPI. */
  indexUrl?: string;
}

/** Rolling deployment. */
export interface RolloutSettings {
  /** App hosts activated at once; each batch is healthy before the next starts. Default 1. */
  batchSize?: number;
}

/** AWS mode: webtier creates the network, security groups and instances. */
export interface AwsSettings {
  /** nginx instances; default 1. */
  nginxCount?: number;
  /** App instances; default 2. */
  appCount?: number;
  /** Default t3.small. */
  nginxInstanceType?: string;
  /** Default t3.small. */
  appInstanceType?: string;
  /** AMI id; default the newest Debian 12 image for the instance type's architecture. */
  ami?: string;
  /** Bring your own VPC (with publicSubnetIds and privateSubnetIds). */
  vpcId?: string;
  publicSubnetIds?: string[];
  privateSubnetIds?: string[];
  /** CIDR of a VPC webtier creates; default 10.0.0.0/16. */
  vpcCidr?: string;
  /** Availability zones the hosts spread over (at least 2); default 2. */
  azCount?: number;
  /** How app hosts reach package registries; default nat. */
  egress?: EgressMode;
  /** Who may SSH to the nginx hosts, such as 198.51.100.7/32. Required in AWS mode. */
  adminCidr?: string;
  /** Opens this port on the nginx hosts to the app hosts: an apt proxy on the nginx tier. */
  proxyPort?: number;
  /** Root volume size in GiB; default 16. */
  rootVolumeSize?: number;
  /** What clients reach: nlb (a network load balancer) or eip (an Elastic IP per nginx host); default nlb with 2+ nginx hosts, else eip. */
  frontDoor?: FrontDoorMode;
  /** Tags on every AWS resource webtier creates. */
  tags?: Record<string, string>;
}

/** Tuning and application settings of one web tier (the hosts are given separately). */
export interface WebTierSettings {
  /** Upstream balancing method; default least_conn. */
  balancing?: BalancingMethod;
  upstream?: UpstreamSettings;
  uwsgi?: UwsgiSettings;
  nginx?: NginxSettings;
  sysctl?: SysctlSettings;
  app?: AppSettings;
  /** Client networks allowed to reach nginx (CIDRs); default everyone. */
  clientCidrs?: string[];
  /** HTTP proxy the hosts install packages through, such as http://10.0.1.5:8888. */
  aptProxy?: string;
  /** HTTPS: certificate source, ports, redirect and HSTS. Default: plain HTTP only. */
  tls?: TlsSettings;
}

/** The whole `webtier:*` stack configuration (namespace stripped, secrets separate). */
export interface WebtierStackConfig extends WebTierSettings {
  /** Existing-hosts mode: the machines to configure. Mutually exclusive with `aws`. */
  hosts?: ExistingHosts;
  /** Existing hosts: name of the nginx host that app hosts are reached through over SSH. */
  bastion?: string;
  rollout?: RolloutSettings;
  /** AWS mode: webtier creates the hosts. Mutually exclusive with `hosts`. */
  aws?: AwsSettings;
}

/**
 * A validated `webtier:*` config (zod's output) as WebtierStackConfig. The differences:
 * `nginx.workerProcesses: "auto"` is what an absent value means, so it is left out; `outputs` is
 * the program's.
 */
export function toStackConfig(config: WebtierConfig): WebtierStackConfig {
  // `outputs` chooses the program's stack outputs; the components have no say in it.
  const { nginx, outputs: _outputs, ...rest } = config;
  if (nginx === undefined) return rest;
  const { workerProcesses, ...otherNginx } = nginx;
  return { ...rest, nginx: workerProcesses === "auto" ? otherNginx : { ...otherNginx, ...(workerProcesses === undefined ? {} : { workerProcesses }) } };
}
