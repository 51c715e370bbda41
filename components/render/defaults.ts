// Every default webtier applies, in one place. Chosen for high concurrency, not the stock values.

export const UWSGI_DEFAULTS = {
  // uWSGI's customary port; bound to the host's private address only.
  socketPort: 3031,
  workers: 6,
  threads: 2,
  // uWSGI's default is 100: at c=1000 that overflowed the accept queue (SYN drops, p99 ~1 s).
  listen: 4096,
  // Below nginx's uwsgi_read_timeout (60), so uWSGI kills a stuck worker before nginx gives up.
  harakiri: 30,
  postBuffering: 8192,
  // 4096 by default; large cookies then fail with "invalid request block size" (a 502 in nginx).
  bufferSize: 32768,
  maxRequests: 5000,
  thunderLock: true,
  enableThreads: true,
  // Required for chain reloads: each worker loads the app itself, so workers restart one by one.
  lazyApps: true,
  singleInterpreter: true,
  // nginx already logs every request; uWSGI logs only errors (log-4xx/log-5xx stay on).
  disableLogging: true,
  statsPort: 9191,
  uid: "webtier",
  gid: "webtier",
} as const;

export const NGINX_DEFAULTS = {
  port: 80,
  // nginx's Linux default is 511; the kernel silently caps it at net.core.somaxconn.
  backlog: 4096,
  workerProcesses: "auto" as "auto" | number,
  workerConnections: 8192,
  keepaliveTimeout: 15,
  keepaliveRequests: 1000,
  clientMaxBodySize: "10m",
  // Fail over quickly to the next app host instead of waiting nginx's default 60 s.
  uwsgiConnectTimeout: 5,
  uwsgiReadTimeout: 60,
  uwsgiSendTimeout: 60,
  uwsgiBuffering: true,
  uwsgiRequestBuffering: true,
  uwsgiNextUpstream: ["error", "timeout", "http_503"] as string[],
  uwsgiNextUpstreamTries: 2,
  healthPath: "/healthz",
  extraHttp: [] as string[],
  extraServer: [] as string[],
  // Off: a single nginx host has no front door to leave, and each drain costs 2 × this per host.
  drainSeconds: 0,
} as const;

export const TLS_DEFAULTS = {
  port: 443,
  // Where a network load balancer that ends TLS sends the decrypted traffic (tls.certificateArn).
  offloadPort: 8443,
  redirectHttp: true,
  includeSubDomains: false,
  preload: false,
} as const;

export const UPSTREAM_DEFAULTS = {
  balancing: "least_conn",
  hashKey: "$remote_addr",
  consistent: true,
  randomTwo: true,
  maxFails: 3,
  failTimeout: 10,
} as const;

export const SYSCTL_DEFAULTS = {
  // Linux ≥ 5.4 defaults somaxconn to 4096; webtier never derives a lower value.
  minSomaxconn: 4096,
  // nginx opens one upstream connection per request (the uwsgi protocol has no keepalive):
  // widen the ephemeral range and reuse TIME_WAIT sockets on nginx hosts.
  ipLocalPortRange: "10240 65535",
  tcpTwReuse: 1 as 0 | 1 | 2,
  tcpFinTimeout: 15,
} as const;

export const APP_DEFAULTS = {
  module: "wsgi:application",
  packages: [] as string[],
  requirements: [] as string[],
} as const;

// Open files for uWSGI: sockets of `listen` pending connections plus the app's own files.
export const UWSGI_LIMIT_NOFILE = 65536;
export const DEFAULT_SSH_USER = "root";
export const DEFAULT_SSH_PORT = 22;

/**
 * sshd on the nginx host app hosts are reached through. Every remote resource on an app host
 * dials it (the provider's proxy hop) and, in one `pulumi up`, up to `--parallel` dials are in
 * their handshake at once (Pulumi's default: 4 × the deployer's CPUs). sshd's default MaxStartups
 * 10:30:100 drops 30 % of unauthenticated connections beyond 10, and through a proxy the provider
 * does not really retry a failed handshake (pulumi-command v1.2.1 remote/connection.go
 * `dialWithRetry` reuses the closed proxy connection): one dropped dial fails the deployment.
 * No random drops below 128 in flight (twice Pulumi's default on a 16-CPU deployer), all dropped
 * beyond 512; an unauthenticated connection times out after LoginGraceTime (120 s).
 */
export const BASTION_SSHD = { maxStartups: "128:30:512" } as const;
