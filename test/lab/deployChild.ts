// One lab deploy in its own process (Pulumi's mocks are process-global), without booting or
// removing hosts: what the e2e tests need to time a deploy exactly, deploy to a subset of the
// hosts, or pin a wrong host key. Progress lines go to stdout; the last line is the JSON outcome.
import { labStatus } from "../../lab";
import { deployLab } from "../../lab/deploy";

interface ChildOptions {
  appHosts?: number;
  stackFile?: string;
  hostKeys?: Record<string, string>;
  /** Hosts (by name) listed in `hosts.retire` and left out of the tiers. */
  retire?: string[];
  /** Host name → the address SSH connects to instead of the lab's (a connection-only change). */
  addresses?: Record<string, string>;
  /** A program file to deploy instead of index.ts. */
  program?: string;
  /** Secret `webtier:*` values, e.g. appEnvironment. */
  secrets?: Record<string, unknown>;
}

async function main(): Promise<Record<string, unknown>> {
  const opts = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;
  const state = await labStatus();
  if (!state) throw new Error("the lab is not running");
  const retire = state.hosts.filter((h) => opts.retire?.includes(h.name));
  const hosts = state.hosts
    .filter((h) => !opts.retire?.includes(h.name))
    .map((h) => ({ ...h, address: opts.addresses?.[h.name] ?? h.address }));
  const apps = hosts.filter((h) => h.role === "app").slice(0, opts.appHosts ?? Infinity);
  const result = await deployLab({
    state: { ...state, hosts: [...hosts.filter((h) => h.role === "nginx"), ...apps] },
    retire,
    ...(opts.program ? { program: opts.program } : {}),
    ...(opts.stackFile ? { stackFile: opts.stackFile } : {}),
    ...(opts.hostKeys ? { hostKeys: opts.hostKeys } : {}),
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
  });
  return { ok: true, url: result.url, stats: result.stats, durationMs: result.durationMs };
}

main().then(
  (outcome) => {
    console.log(JSON.stringify(outcome));
    process.exit(0);
  },
  (err: Error) => {
    console.log(JSON.stringify({ ok: false, error: err.message }));
    process.exit(1);
  },
);
