import { describeIssue, show, valueAt } from "./messages";
import { checkPrivileges } from "./privileges";
import { configSchema, type HostEntry, type WebtierConfig } from "./schema";
import { frontDoorOf, validateTls } from "./tls";
import { resolveTuning, type Host, type Role, type Tuning } from "./tuning";
import { STAND_IN_HOST_KEY } from "./valueRules";

// One message style everywhere: `<key> (<value>) <rule>` (messages.ts).

export interface Findings {
  errors: string[];
  warnings: string[];
}

export type CheckResult =
  | ({ ok: true; tuning: Tuning } & Findings)
  | ({ ok: false } & Findings);

// `values[name] = value` with name `__proto__` replaces the object's prototype instead of adding
// a key, and the schema would then read keys from it. Only own keys count; a replaced prototype is
// reported as the unknown key it came from.
function ownKeysOnly(input: unknown): { input: unknown; errors: string[] } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return { input, errors: [] };
  const proto = Object.getPrototypeOf(input);
  if (proto === Object.prototype || proto === null) return { input, errors: [] };
  return {
    input: Object.fromEntries(Object.entries(input)),
    errors: [`__proto__ (${show(proto === null ? null : { ...proto })}) is not a known key`],
  };
}

/** Structural check of the `webtier:*` config object (namespace stripped). */
export function parseConfig(input: unknown): { config?: WebtierConfig; errors: string[] } {
  const own = ownKeysOnly(input);
  const result = configSchema.safeParse(own.input ?? {});
  if (result.success && own.errors.length === 0) return { config: result.data, errors: [] };
  const issues = result.success ? [] : result.error.issues.flatMap((issue) => describeIssue(issue, own.input));
  return { errors: [...own.errors, ...issues] };
}

// A copy of `input` without the keys that failed the structural check, so the cross-key rules
// can still report on the rest: the user sees every problem in one run.
function withoutInvalidKeys(input: unknown): unknown {
  const copy = structuredClone(ownKeysOnly(input).input ?? {}) as Record<PropertyKey, unknown>;
  const result = configSchema.safeParse(copy);
  if (result.success) return copy;
  for (const issue of result.error.issues) {
    const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of paths) {
      if (path.length === 0) return {};
      const parent = valueAt(copy, path.slice(0, -1)) as Record<PropertyKey, unknown> | undefined;
      if (parent && typeof parent === "object") delete parent[path[path.length - 1]!];
    }
  }
  return copy;
}

function checkHosts(tuning: Tuning, errors: string[], warnings: string[]): void {
  const names = new Map<string, string>();
  const addresses = new Map<string, string>();
  const remember = (seen: Map<string, string>, value: string, key: string) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, key);
    else errors.push(`${key} (${value}) duplicates ${first}`);
  };
  for (const role of ["nginx", "app"] as const) {
    tuning.hosts[role].forEach((host: Host, i) => {
      if (host.hostKey === undefined) {
        warnings.push(`hosts.${role}[${i}].hostKey (unset): SSH to ${host.name} accepts any host key; pin it`);
      }
      remember(names, host.name, `hosts.${role}[${i}].name`);
      remember(addresses, host.address, `hosts.${role}[${i}].address`);
      if (host.privateAddress !== host.address) {
        remember(addresses, host.privateAddress, `hosts.${role}[${i}].privateAddress`);
      }
    });
  }
}

function checkLimits(t: Tuning, errors: string[]): void {
  const { uwsgi, nginx, sysctl } = t;
  if (uwsgi.listen > sysctl.somaxconn.app) {
    errors.push(`uwsgi.listen (${uwsgi.listen}) must not exceed sysctl.somaxconn (${sysctl.somaxconn.app}): uWSGI refuses to start`);
  }
  if (nginx.backlog > sysctl.somaxconn.nginx) {
    errors.push(`nginx.backlog (${nginx.backlog}) must not exceed sysctl.somaxconn (${sysctl.somaxconn.nginx}): the kernel silently caps it`);
  }
  if (uwsgi.harakiri >= nginx.uwsgiReadTimeout) {
    errors.push(`uwsgi.harakiri (${uwsgi.harakiri}) must be below nginx.uwsgiReadTimeout (${nginx.uwsgiReadTimeout})`);
  }
  if (nginx.workerRlimitNofile < 2 * nginx.workerConnections) {
    errors.push(
      `nginx.workerRlimitNofile (${nginx.workerRlimitNofile}) must be at least 2 × nginx.workerConnections (${2 * nginx.workerConnections}): each proxied request holds two connections`,
    );
  }
  // fs.nr_open (1048576 by default) caps every open-files limit: beyond it nginx fails to start.
  if (nginx.workerRlimitNofile > 1048576) {
    errors.push(`nginx.workerRlimitNofile (${nginx.workerRlimitNofile}) must not exceed 1048576 (the kernel's fs.nr_open)`);
  }
  if (uwsgi.cheaper !== undefined && uwsgi.cheaper >= uwsgi.workers) {
    errors.push(`uwsgi.cheaper (${uwsgi.cheaper}) must be below uwsgi.workers (${uwsgi.workers})`);
  }
  if (uwsgi.bufferSize > 65535) {
    errors.push(`uwsgi.bufferSize (${uwsgi.bufferSize}) must not exceed 65535 (the uwsgi protocol's packet size field is 16 bits)`);
  }
  if (uwsgi.socketPort === uwsgi.statsPort) {
    errors.push(`uwsgi.statsPort (${uwsgi.statsPort}) must differ from uwsgi.socketPort`);
  }
  const [low, high] = sysctl.ipLocalPortRange.split(" ").map(Number) as [number, number];
  if (!(low >= 1024 && low < high && high <= 65535)) {
    errors.push(`sysctl.ipLocalPortRange (${sysctl.ipLocalPortRange}) must be "LOW HIGH" with 1024 <= LOW < HIGH <= 65535`);
  }
}

function checkUpstream(t: Tuning, errors: string[], warnings: string[]): void {
  const { balancing, servers } = t.upstream;
  const hashing = balancing === "ip_hash" || balancing === "hash" || balancing === "random";
  servers.forEach((server, i) => {
    if (server.backup && hashing) {
      errors.push(`hosts.app[${i}].backup (true) cannot be combined with balancing ${balancing}: nginx -t rejects it`);
    }
    if (server.backup && server.down) {
      errors.push(`hosts.app[${i}].down (true) cannot be combined with backup on the same host`);
    }
  });
  if (servers.length > 0 && servers.every((s) => s.down || s.backup)) {
    errors.push(`hosts.app (${servers.length} hosts) must keep at least one host that is neither down nor backup`);
  }
  if (servers.length === 1 && servers[0]!.maxFails > 0) {
    warnings.push(`upstream.maxFails (${servers[0]!.maxFails}) has no effect with a single app host: nginx ignores it`);
  }
  if (balancing === "ip_hash" && t.clientCidrs.every((c) => Number(c.split("/")[1]) >= 24) && sameSlash24(t.clientCidrs)) {
    warnings.push(
      `balancing (ip_hash) sends every client of ${t.clientCidrs[0]} to one app host (it hashes the first three octets); consider hash with upstream.hashKey $remote_addr`,
    );
  }
}

function sameSlash24(cidrs: string[]): boolean {
  const prefixes = new Set(cidrs.map((c) => c.split(".").slice(0, 3).join(".")));
  return prefixes.size === 1;
}

/** Rules about where the hosts come from (AWS or existing), checkable before any host exists. */
export function validateModes(config: WebtierConfig): string[] {
  const errors: string[] = [];
  if (config.aws && config.hosts) {
    errors.push("aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones");
  }
  if (!config.aws && !config.hosts) {
    errors.push("hosts (unset) is required unless aws is set: list the existing nginx and app hosts");
  }
  const bastion = config.bastion;
  if (bastion !== undefined && !(config.hosts?.nginx ?? []).some((h) => h.name === bastion)) {
    errors.push(`bastion (${show(bastion)}) must name a host in hosts.nginx`);
  }
  if (config.aws && config.aws.adminCidr === undefined) {
    errors.push("aws.adminCidr (unset) is required: the only network allowed to SSH to the nginx hosts");
  }
  if (config.aws?.egress === "proxy" && config.aptProxy === undefined) {
    errors.push("aws.egress (proxy) requires aptProxy: app hosts without NAT install packages through it");
  }
  const serving = [...(config.hosts?.nginx ?? []), ...(config.hosts?.app ?? [])];
  (config.hosts?.retire ?? []).forEach((host, i) => {
    const same = serving.find((h) => h.name === host.name || h.address === host.address);
    if (same) {
      errors.push(`hosts.retire[${i}] (${host.name} at ${host.address}) is still serving as ${same.name}: retire a host only once it left hosts.nginx and hosts.app`);
    }
  });
  if (config.aws?.adminCidr === "0.0.0.0/0") {
    errors.push("aws.adminCidr (0.0.0.0/0) must not open SSH to the whole internet");
  }
  // Existing hosts are not checked here: WebTier validates an AWS stack's settings with its hosts
  // listed (and no `aws`), and a load balancer of your own may end TLS in front of them.
  const arn = config.tls?.certificateArn;
  const door = frontDoorOf(config);
  if (arn !== undefined && door !== undefined && door !== "nlb") {
    errors.push(`tls.certificateArn (${show(arn)}) requires aws.frontDoor nlb (this stack's front door is ${door}): only a load balancer can use an ACM certificate`);
  }
  return errors;
}

/** Cross-key rules on a resolved tuning; certificates are checked for validity at `now`. */
export function validateTuning(tuning: Tuning, now: Date = new Date()): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  checkHosts(tuning, errors, warnings);
  checkLimits(tuning, errors);
  checkPrivileges(tuning, errors);
  checkUpstream(tuning, errors, warnings);
  const tls = validateTls(tuning, now);
  return { errors: [...errors, ...tls.errors], warnings: [...warnings, ...tls.warnings] };
}

// `app.source` is uploaded to every app host. A path that leaves the project directory usually
// means a mistake (`../../etc/ssh`): warn, since a monorepo may keep its app beside the project.

/** The warning for an `app.source` that is absolute or climbs out of the project directory. */
export function appSourceWarning(source: string | undefined): string | undefined {
  if (source === undefined) return undefined;
  const parts = source.split(/[\\/]+/);
  let depth = 0;
  let leaves = source.startsWith("/") || /^[A-Za-z]:/.test(source);
  for (const part of parts) {
    if (part === "..") depth -= 1;
    else if (part !== "." && part !== "") depth += 1;
    if (depth < 0) leaves = true;
  }
  return leaves
    ? `app.source (${show(source)}) points outside the project directory: every file there (dotfiles and secret files excepted) is uploaded to the app hosts`
    : undefined;
}

// Listed hosts (render, existing-hosts mode, and WebTier's own hosts) need both tiers; a config
// without `hosts` is already reported by validateModes.
function checkTierSizes(config: WebtierConfig): string[] {
  if (!config.hosts) return [];
  return (["nginx", "app"] as const)
    .filter((role) => config.hosts![role].length === 0)
    .map((role) => `hosts.${role} ([]) must list at least one host`);
}

/**
 * How the AWS layer names and reaches the machines it creates. Given to checkConfigWithAwsHosts,
 * it lets the rules that read the hosts (SSH users and ports, one app host or more) judge an AWS
 * stack before its machines exist, against stand-ins of them.
 */
export interface AwsHostShape {
  /** Host names per tier: `<prefix>-1`, `<prefix>-2`, … */
  prefix: Record<Role, string>;
  /** The SSH user of every created machine. */
  user: string;
  /** Machines per tier when `aws.nginxCount` / `aws.appCount` is unset. */
  defaultCount: Record<Role, number>;
}

// The machines of a created tier are alike to every rule (one SSH user and port, a pinned key,
// addresses of their own): two stand for them all, and one alone for a single-host tier. So a
// count (any positive integer) never becomes a list as long as itself.
const STAND_INS_PER_TIER = 2;

/** An AWS stack's config with stand-ins for the hosts it creates, as the rules see it. */
function withCreatedHosts(config: WebtierConfig, shape: AwsHostShape | undefined): WebtierConfig {
  if (shape === undefined || config.aws === undefined || config.hosts !== undefined) return config;
  let k = 0;
  // 198.18.0.0/15 is the benchmarking range (RFC 2544): never a real host's address.
  const address = () => `198.18.0.${++k}`;
  const tier = (role: Role, count: number): HostEntry[] =>
    Array.from({ length: Math.min(count, STAND_INS_PER_TIER) }, (_, i) => ({
      name: `${shape.prefix[role]}-${i + 1}`,
      address: address(),
      // nginx hosts have a public and a private address, app hosts only a private one.
      ...(role === "nginx" ? { privateAddress: address() } : {}),
      user: shape.user,
      hostKey: STAND_IN_HOST_KEY,
    }));
  const aws = config.aws;
  return { ...config, hosts: { nginx: tier("nginx", aws.nginxCount ?? shape.defaultCount.nginx), app: tier("app", aws.appCount ?? shape.defaultCount.app) } };
}

function validateConfig(config: WebtierConfig, now: Date, tuning: Tuning): Findings {
  const modes = validateModes(config);
  const findings = validateTuning(tuning, now);
  const source = appSourceWarning(config.app?.source);
  return {
    errors: [...modes, ...checkTierSizes(config), ...findings.errors],
    warnings: [...findings.warnings, ...(source ? [source] : [])],
  };
}

/**
 * Parse, resolve and validate: the single entry point for any `webtier:*` config object.
 * `now` is when certificates must be valid: the real clock unless a test sets it. An AWS stack's
 * settings are judged here by the rules that need no host; checkConfigWithAwsHosts judges them all.
 */
export function checkConfig(input: unknown, now: Date = new Date()): CheckResult {
  return check(input, now, undefined);
}

/**
 * checkConfig, with an AWS stack judged against stand-ins of the machines it creates, shaped as
 * `aws` describes them (they are its tuning's hosts). Other configs are checked as by checkConfig.
 */
export function checkConfigWithAwsHosts(input: unknown, aws: AwsHostShape, now: Date = new Date()): CheckResult {
  return check(input, now, aws);
}

function check(input: unknown, now: Date, aws: AwsHostShape | undefined): CheckResult {
  const parsed = parseConfig(input);
  if (!parsed.config) {
    const rest = parseConfig(withoutInvalidKeys(input));
    const more = rest.config ? validateConfig(rest.config, now, resolveTuning(withCreatedHosts(rest.config, aws))) : { errors: [], warnings: [] };
    return { ok: false, errors: [...parsed.errors, ...more.errors], warnings: more.warnings };
  }
  const tuning = resolveTuning(withCreatedHosts(parsed.config, aws));
  const findings = validateConfig(parsed.config, now, tuning);
  return findings.errors.length > 0 ? { ok: false, ...findings } : { ok: true, tuning, ...findings };
}
