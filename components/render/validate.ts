import type { z } from "zod";
import { configSchema, type WebtierConfig } from "./schema";
import { resolveTuning, type Host, type Tuning } from "./tuning";

// One message style everywhere: `<key> (<value>) <rule>`.

export interface Findings {
  errors: string[];
  warnings: string[];
}

export type CheckResult =
  | ({ ok: true; tuning: Tuning } & Findings)
  | ({ ok: false } & Findings);

function show(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "undefined";
}

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    return acc === "" ? String(part) : `${acc}.${String(part)}`;
  }, "");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, part) => (node == null ? undefined : (node as Record<PropertyKey, unknown>)[part]), root);
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return `${keyPath(path)} (${show(valueAt(input, path))}) is not a known key`;
    });
  }
  const value = valueAt(input, issue.path);
  const rule = value === undefined ? "is required" : issue.message;
  return [`${keyPath(issue.path)} (${show(value)}) ${rule}`];
}

/** Structural check of the `webtier:*` config object (namespace stripped). */
export function parseConfig(input: unknown): { config?: WebtierConfig; errors: string[] } {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return { config: result.data, errors: [] };
  return { errors: result.error.issues.flatMap((issue) => describeIssue(issue, input)) };
}

// A copy of `input` without the keys that failed the structural check, so the cross-key rules
// can still report on the rest: the user sees every problem in one run.
function withoutInvalidKeys(input: unknown): unknown {
  const copy = structuredClone(input ?? {}) as Record<PropertyKey, unknown>;
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
  if (tuning.hosts.app.length === 0) errors.push("hosts.app ([]) must list at least one host");
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
  if (uwsgi.uid === "root" || uwsgi.gid === "root") {
    errors.push(`uwsgi.uid (${uwsgi.uid}) must not be root: the app never runs with root privileges`);
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
  const bastion = config.bastion;
  if (bastion !== undefined && !(config.hosts?.nginx ?? []).some((h) => h.name === bastion)) {
    errors.push(`bastion (${bastion}) must name a host in hosts.nginx`);
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
  return errors;
}

/** Cross-key rules on a resolved tuning. */
export function validateTuning(tuning: Tuning): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  checkHosts(tuning, errors, warnings);
  checkLimits(tuning, errors);
  checkUpstream(tuning, errors, warnings);
  return { errors, warnings };
}

function validateConfig(config: WebtierConfig, tuning = resolveTuning(config)): Findings {
  const modes = validateModes(config);
  const findings = validateTuning(tuning);
  return { errors: [...modes, ...findings.errors], warnings: findings.warnings };
}

/** Parse, resolve and validate: the single entry point for any `webtier:*` config object. */
export function checkConfig(input: unknown): CheckResult {
  const parsed = parseConfig(input);
  if (!parsed.config) {
    const rest = parseConfig(withoutInvalidKeys(input));
    const more = rest.config ? validateConfig(rest.config) : { errors: [], warnings: [] };
    return { ok: false, errors: [...parsed.errors, ...more.errors], warnings: more.warnings };
  }
  const tuning = resolveTuning(parsed.config);
  const findings = validateConfig(parsed.config, tuning);
  return findings.errors.length > 0 ? { ok: false, ...findings } : { ok: true, tuning, ...findings };
}
