import { checkConfig, type Tuning } from "../../components/render";
import { hostList } from "./hosts";

/** The config of the public contract's example (issue text and README). */
export function exampleConfig(): Record<string, unknown> {
  return {
    hosts: {
      nginx: [{ name: "lb-1", address: "203.0.113.10" }],
      app: [
        { name: "app-1", address: "10.0.1.11", weight: 2 },
        { name: "app-2", address: "10.0.1.12", backup: true },
      ],
    },
    balancing: "least_conn",
    uwsgi: { workers: 6, threads: 2, listen: 1000, harakiri: 30, postBuffering: 8192, thunderLock: true },
    nginx: { port: 80, workerConnections: 8192, uwsgiReadTimeout: 60 },
    sysctl: { somaxconn: 4096 },
    app: { module: "project.wsgi:application" },
  };
}

export function tuningOf(config: Record<string, unknown>): Tuning {
  const result = checkConfig(config);
  if (!result.ok) throw new Error(`fixture config is invalid: ${result.errors.join("; ")}`);
  return result.tuning;
}

/** A config with one nginx host and `appCount` app hosts (see hostList), plus `extra` keys. */
export function withHosts(appCount: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hosts: hostList(appCount),
    ...extra,
  };
}

/** withHosts with a `tls` key (and any other extra keys). */
export function withTls(appCount: number, tls: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return withHosts(appCount, { ...extra, tls });
}
