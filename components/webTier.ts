import * as pulumi from "@pulumi/pulumi";
import { appDirOf, readAppSource } from "./appSource";
import type { RemoteHost } from "./host";
import { AppTier } from "./appTier";
import { aptProxyIsSecret, redactAptProxy, secretWhen } from "./aptProxySecret";
import { NginxTier } from "./nginxTier";
import { rotateHostKey } from "./hostKeyRotation";
import { releaseBundle } from "./releaseBundle";
import { retireHost } from "./retire";
import {
  checkConfig,
  encodeBundle,
  NGINX_DEFAULTS,
  REMOTE,
  renderEnvironmentFile,
  renderHostBundle,
  planDeployment,
  STAND_IN_HOST_KEY,
  type DeploymentPlan,
  type HostEntry,
  type HostPlan,
} from "./render";
import type { WebTierSettings } from "./configTypes";
import { ConfigError } from "./stackConfig";

export interface WebTierArgs {
  /** Tuning and application settings (balancing, uwsgi, nginx, sysctl, app, …); hosts come below. */
  settings: WebTierSettings;
  /** nginx hosts; the first one's address is the tier's URL. */
  nginxHosts: RemoteHost[];
  /** App hosts running uWSGI, in upstream order. */
  appHosts: RemoteHost[];
  /** OpenSSH private key accepted by every host; kept secret. */
  privateKey: pulumi.Input<string>;
  /** Jump host for app hosts that have no route from the deployer (usually an nginx host). */
  bastion?: RemoteHost;
  /** Hosts that left the stack, returned to plain Debian once the tiers stopped using them. */
  retireHosts?: RemoteHost[];
  /** Local application directory; default: `settings.app.source` (relative to the working directory), else the bundled sample app. */
  appDir?: string;
  /** Secret environment for the app (KEY=value), delivered through stdin. */
  appEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** App hosts changed at once during a rollout; each batch is healthy before the next starts. */
  rolloutBatchSize?: number;
  /** Keep `settings.aptProxy` secret even without credentials in it (it was set as a secret). */
  aptProxySecret?: boolean;
}

// Stand-in addresses (TEST-NET-2) for validating and shaping the plan before real ones exist.
const placeholder = (i: number) => `198.51.100.${(i % 250) + 1}`;
const placeholderPrivate = (i: number) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function entriesFor(hosts: RemoteHost[], offset: number, address?: string[], privateAddress?: string[]): HostEntry[] {
  return hosts.map((h, i) => ({
    name: h.name,
    address: address?.[i] ?? placeholder(offset + i),
    privateAddress: privateAddress?.[i] ?? placeholderPrivate(offset + i),
    port: h.port,
    user: h.user,
    // Only whether a key is pinned matters here: the key itself may not be known yet (AWS), and
    // a configured one was checked with the stack config.
    hostKey: h.hostKey === undefined ? undefined : STAND_IN_HOST_KEY,
    weight: h.weight,
    maxFails: h.maxFails,
    failTimeout: h.failTimeout,
    backup: h.backup,
    down: h.down,
  }));
}

function plan(args: WebTierArgs, releaseId: string, addresses?: { nginx: string[][]; app: string[][] }): DeploymentPlan {
  const hosts = {
    nginx: entriesFor(args.nginxHosts, 0, addresses?.nginx[0], addresses?.nginx[1]),
    app: entriesFor(args.appHosts, args.nginxHosts.length, addresses?.app[0], addresses?.app[1]),
  };
  const result = checkConfig({ ...args.settings, hosts });
  if (!result.ok) throw new ConfigError(result.errors);
  for (const warning of addresses ? [] : result.warnings) pulumi.log.warn(`webtier: ${warning}`);
  return planDeployment(result.tuning, releaseId);
}

const addressesOf = (hosts: RemoteHost[]) =>
  pulumi.all([pulumi.all(hosts.map((h) => h.address)), pulumi.all(hosts.map((h) => h.privateAddress ?? h.address))]);

/**
 * The whole web tier on a set of hosts: uWSGI on every app host (rolled out batch by batch), then
 * nginx on every nginx host with its upstream rendered from the app hosts' private addresses.
 */
export class WebTier extends pulumi.ComponentResource {
  /** The tier's URL: the first nginx host's address and nginx port. */
  readonly url: pulumi.Output<string>;
  /** Addresses of the nginx hosts, in host order. */
  readonly nginxAddresses: pulumi.Output<string[]>;
  /** Private addresses of the app hosts: the upstream's servers, in host order. */
  readonly appAddresses: pulumi.Output<string[]>;
  /** Every file each host receives: `{ host: { absolutePath: content } }`. */
  readonly renderedFiles: pulumi.Output<Record<string, Record<string, string>>>;
  /** Output of each remote command, per host. */
  readonly stepOutputs: pulumi.Output<Record<string, Record<string, string>>>;

  constructor(name: string, args: WebTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webtier:index:WebTier", name, {}, opts);
    if (args.nginxHosts.length === 0) throw new ConfigError(["hosts.nginx ([]) must list at least one host"]);
    const app = readAppSource(args.appDir ?? appDirOf(args.settings.app?.source, process.cwd()));

    // Validate now (placeholder addresses); render for real once every address is known, in one apply.
    plan(args, app.releaseId);
    const rendered = pulumi
      .all([addressesOf(args.nginxHosts), addressesOf(args.appHosts)])
      .apply(([nginx, apps]) => plan(args, app.releaseId, { nginx, app: apps }));
    // Payloads that carry the apt proxy (the apt configuration, pip's proxy) are secret with it.
    const proxySecret = aptProxyIsSecret(args.settings.aptProxy, args.aptProxySecret);
    const bundles = (hosts: (p: DeploymentPlan) => HostPlan[], phase: "provision" | "activate") =>
      rendered.apply((p) => hosts(p).map((h) => encodeBundle(renderHostBundle(h, phase))));

    const access = { privateKey: pulumi.secret(args.privateKey) };
    const appAccess = args.bastion ? { ...access, bastion: args.bastion } : access;
    // Always staged (empty without a configured environment), so removing a variable removes it.
    const envText = pulumi.output(args.appEnvironment ?? {}).apply((env) => {
      const text = renderEnvironmentFile(env as Record<string, string>);
      if (text.errors.length > 0) throw new ConfigError(text.errors);
      return text.text;
    });
    const appActivate = pulumi.all([rendered, envText]).apply(([p, env]) =>
      p.app.map((h) => encodeBundle(renderHostBundle(h, "activate", [{ path: REMOTE.appEnv, content: env }]))),
    );

    // Machines the stack created first swap their bootstrap host key, nginx hosts first: app hosts
    // are reached through the bastion, whose connection pins its new key.
    const ready: Record<string, pulumi.Resource> = {};
    for (const host of args.nginxHosts) {
      const rotation = rotateHostKey(`${name}-${host.name}-hostkey`, host, access, [], this);
      if (rotation) ready[host.name] = rotation;
    }
    const bastionReady = args.bastion && ready[args.bastion.name] ? [ready[args.bastion.name]!] : [];
    for (const host of args.appHosts) {
      const rotation = rotateHostKey(`${name}-${host.name}-hostkey`, host, appAccess, bastionReady, this);
      if (rotation) ready[host.name] = rotation;
    }

    const appTier = new AppTier(name, {
      hosts: args.appHosts,
      access: appAccess,
      provision: secretWhen(bundles((p) => p.app, "provision"), proxySecret),
      // The app's environment rides in this payload: secret in the state whatever its source.
      activate: secretWhen(appActivate, args.appEnvironment !== undefined || proxySecret),
      release: { dir: releaseBundle(app), id: app.releaseId },
      batchSize: args.rolloutBatchSize ?? 1,
      ready,
    }, { parent: this });
    const nginxTier = new NginxTier(name, {
      hosts: args.nginxHosts,
      access,
      provision: secretWhen(bundles((p) => p.nginx, "provision"), proxySecret),
      activate: bundles((p) => p.nginx, "activate"),
      after: appTier.done,
      ready,
    }, { parent: this });
    for (const host of args.retireHosts ?? []) {
      retireHost(`${name}-${host.name}-retire`, host, appAccess, nginxTier.done, this);
    }

    this.nginxAddresses = pulumi.all(args.nginxHosts.map((h) => h.address));
    this.appAddresses = pulumi.all(args.appHosts.map((h) => h.privateAddress ?? h.address));
    const nginxPort = args.settings.nginx?.port ?? NGINX_DEFAULTS.port;
    this.url = pulumi.interpolate`http://${args.nginxHosts[0]!.address}${nginxPort === 80 ? "" : `:${nginxPort}`}/`;
    this.renderedFiles = rendered.apply((p) =>
      Object.fromEntries(
        [...p.nginx, ...p.app].map((h) => {
          const files = Object.fromEntries(h.steps.flatMap((s) => s.files.map((f) => [f.path, f.content])));
          return [h.host.name, proxySecret ? redactAptProxy(files) : files];
        }),
      ),
    );
    const configs = [...nginxTier.hosts, ...appTier.hosts];
    const hostNames = [...args.nginxHosts, ...args.appHosts].map((h) => h.name);
    this.stepOutputs = pulumi.all(Object.fromEntries(configs.map((c, i) => [hostNames[i]!, c.stepOutputs])));
    this.registerOutputs({
      url: this.url,
      nginxAddresses: this.nginxAddresses,
      appAddresses: this.appAddresses,
      renderedFiles: this.renderedFiles,
      stepOutputs: this.stepOutputs,
    });
  }
}
