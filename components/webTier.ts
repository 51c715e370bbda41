import * as pulumi from "@pulumi/pulumi";
import { appDirOf, readAppSource } from "./appSource";
import type { RemoteHost } from "./host";
import { AppTier, checkBatchSize } from "./appTier";
import { aptProxyIsSecret, redactAptProxy, secretWhen } from "./aptProxySecret";
import { NginxTier } from "./nginxTier";
import { rotateHostKey } from "./hostKeyRotation";
import { releaseBundle } from "./releaseBundle";
import { retireHost } from "./retire";
import { checkTlsKey, tlsMaterial } from "./tlsMaterial";
import {
  checkConfig,
  encodeBundle,
  NGINX_DEFAULTS,
  REMOTE,
  TLS_DEFAULTS,
  renderEnvironmentFile,
  renderHostBundle,
  planDeployment,
  STAND_IN_HOST_KEY,
  type DeploymentPlan,
  type HostEntry,
  type BundleFile,
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
  /** PEM private key of `settings.tls.certificate`; kept secret, 0600 on the nginx hosts. */
  tlsKey?: pulumi.Input<string>;
  /** DNS names clients reach the tier by (a load balancer's): a self-signed certificate covers them too. */
  publicNames?: pulumi.Input<string>[];
}

// Stand-in addresses (198.18.0.0/15, the benchmarking range) for hosts whose address is not
// known yet or not needed: validation and rendering run before, or without, the real ones.
function standIns(taken: Set<string>): () => string {
  let k = 0;
  return () => {
    for (;;) {
      k++;
      const candidate = `198.${18 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
      if ((k & 255) !== 0 && (k & 255) !== 255 && !taken.has(candidate)) return candidate;
    }
  };
}

type Addresses = { nginx: (string | undefined)[][]; app: (string | undefined)[][] };

function entriesFor(hosts: RemoteHost[], address: (string | undefined)[], privateAddress: (string | undefined)[], standIn: () => string): HostEntry[] {
  return hosts.map((h, i) => ({
    name: h.name,
    address: address[i] ?? standIn(),
    privateAddress: privateAddress[i] ?? standIn(),
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

/** The settings with nginx's certificate filled in (a self-signed one exists only once generated). */
function withCertificate(settings: WebTierSettings, certificate: string | undefined): WebTierSettings {
  if (certificate === undefined || settings.tls === undefined) return settings;
  const { selfSigned: _generated, ...tls } = settings.tls;
  return { ...settings, tls: { ...tls, certificate } };
}

/** Validates and renders with the addresses given; stand-ins for the rest. */
function plan(args: WebTierArgs, releaseId: string, addresses: Addresses = { nginx: [[], []], app: [[], []] }, certificate?: string): DeploymentPlan {
  const known = [...addresses.nginx.flat(), ...addresses.app.flat()].filter((a): a is string => a !== undefined);
  const standIn = standIns(new Set(known));
  const hosts = {
    nginx: entriesFor(args.nginxHosts, addresses.nginx[0]!, addresses.nginx[1]!, standIn),
    app: entriesFor(args.appHosts, addresses.app[0]!, addresses.app[1]!, standIn),
  };
  const bastion = args.nginxHosts[ownBastion(args)]?.name;
  const result = checkConfig({ ...withCertificate(args.settings, certificate), hosts, ...(bastion === undefined ? {} : { bastion }) });
  if (!result.ok) throw new ConfigError(result.errors);
  if (known.length === 0) for (const warning of result.warnings) pulumi.log.warn(`webtier: ${warning}`);
  return planDeployment(result.tuning, releaseId);
}

/**
 * Which of the tier's nginx hosts is the bastion (-1: none, or a jump host of the user's own, which
 * is not webtier's to configure). Its sshd gets settings for the app tier's dials.
 */
function ownBastion(args: WebTierArgs): number {
  return args.nginxHosts.findIndex((h) => h.name === args.bastion?.name);
}

/** Addresses with only host `i` of `role` filled in (the rest stand-ins). */
function only(role: "nginx" | "app", i: number, nginx: string[][], address: string, privateAddress: string): Addresses {
  const one = (): (string | undefined)[][] => [[], []];
  const addresses: Addresses = { nginx: role === "app" ? nginx : one(), app: one() };
  addresses[role][0]![i] = address;
  addresses[role][1]![i] = privateAddress;
  return addresses;
}

/** `scheme://address[:port]`: where clients reach the site on one nginx host. */
export function siteOrigin(settings: WebTierSettings, tlsOnNginx: boolean, address: string): string {
  const [scheme, port, standard] = tlsOnNginx
    ? ["https", settings.tls?.port ?? TLS_DEFAULTS.port, 443]
    : ["http", settings.nginx?.port ?? NGINX_DEFAULTS.port, 80];
  return `${scheme}://${address}${port === standard ? "" : `:${port}`}`;
}

const addressesOf = (hosts: RemoteHost[]) =>
  pulumi.all([pulumi.all(hosts.map((h) => h.address)), pulumi.all(hosts.map((h) => h.privateAddress ?? h.address))]);

/**
 * The whole web tier on a set of hosts: uWSGI on every app host (rolled out batch by batch), then
 * nginx on every nginx host with its upstream rendered from the app hosts' private addresses.
 */
export class WebTier extends pulumi.ComponentResource {
  /** The tier's URL: the first nginx host's address and port (HTTPS when nginx terminates TLS). */
  readonly url: pulumi.Output<string>;
  /** Addresses of the nginx hosts, in host order. */
  readonly nginxAddresses: pulumi.Output<string[]>;
  /** Private addresses of the app hosts: the upstream's servers, in host order. */
  readonly appAddresses: pulumi.Output<string[]>;
  /** Every file each host receives: `{ host: { absolutePath: content } }`. */
  readonly renderedFiles: pulumi.Output<Record<string, Record<string, string>>>;
  /** Output of each remote command, per host. */
  readonly stepOutputs: pulumi.Output<Record<string, Record<string, string>>>;
  /** The certificate chain nginx serves (PEM); a self-signed one is what clients must trust. */
  readonly tlsCertificate?: pulumi.Output<string>;

  constructor(name: string, args: WebTierArgs, opts?: pulumi.ComponentResourceOptions) {
    // Refused before a single resource is registered.
    if (args.nginxHosts.length === 0) throw new ConfigError(["hosts.nginx ([]) must list at least one host"]);
    const app = readAppSource(args.appDir ?? appDirOf(args.settings.app?.source, process.cwd()));
    // Validate now (stand-in addresses); render for real once every address is known.
    plan(args, app.releaseId);
    const problems = [...checkTlsKey(args.settings.tls, args.tlsKey), ...checkBatchSize(args.rolloutBatchSize ?? 1)];
    if (problems.length > 0) throw new ConfigError(problems);
    super("webtier:index:WebTier", name, {}, opts);
    const nginxAddresses = addressesOf(args.nginxHosts);
    const tls = tlsMaterial(name, {
      settings: args.settings.tls,
      key: args.tlsKey,
      dnsNames: args.publicNames ?? [],
      ipAddresses: nginxAddresses.apply(([addresses]) => addresses),
    }, this);
    // Nothing is pushed to any host before the key is known to match the certificate.
    const tlsChecked = tls ? pulumi.unsecret(tls.checked) : pulumi.output(true);
    const rendered = pulumi
      .all([nginxAddresses, addressesOf(args.appHosts), tls?.certificate])
      .apply(([nginx, apps, certificate]) => plan(args, app.releaseId, { nginx, app: apps }, certificate));
    // Each payload waits only for the addresses it contains, so a preview shows as unknown exactly
    // the payloads a new or replaced machine changes: an app host's own address and the nginx
    // tier's (its firewall); an nginx host's provisioning its own; nginx's activation all of them.
    const ownPlans = new Map<string, pulumi.Output<HostPlan>>();
    const ownPlan = (role: "nginx" | "app", i: number): pulumi.Output<HostPlan> => {
      const host = role === "app" ? args.appHosts[i]! : args.nginxHosts[i]!;
      if (!ownPlans.has(host.name)) {
        ownPlans.set(host.name, pulumi
          .all([nginxAddresses, host.address, host.privateAddress ?? host.address])
          .apply(([nginx, address, privateAddress]) => plan(args, app.releaseId, only(role, i, nginx, address, privateAddress))[role][i]!));
      }
      return ownPlans.get(host.name)!;
    };
    // Payloads that carry the apt proxy (the apt configuration, pip's proxy) are secret with it.
    const proxySecret = aptProxyIsSecret(args.settings.aptProxy, args.aptProxySecret);
    const ownBundles = (role: "nginx" | "app", phase: "provision" | "activate", secretFiles: pulumi.Input<BundleFile[]> = []) =>
      (role === "app" ? args.appHosts : args.nginxHosts).map((_, i) =>
        pulumi.all([ownPlan(role, i), secretFiles, tlsChecked]).apply(([p, files]) => encodeBundle(renderHostBundle(p, phase, files))));

    const access = { privateKey: pulumi.secret(args.privateKey) };
    const appAccess = args.bastion ? { ...access, bastion: args.bastion } : access;
    // Always staged (empty without a configured environment), so removing a variable removes it.
    const envText = pulumi.output(args.appEnvironment ?? {}).apply((env) => {
      const text = renderEnvironmentFile(env as Record<string, string>);
      if (text.errors.length > 0) throw new ConfigError(text.errors);
      return text.text;
    });
    const appActivate = ownBundles("app", "activate", envText.apply((env) => [{ path: REMOTE.appEnv, content: env }]));

    // What runs first on each host. Machines the stack created first swap their bootstrap host key,
    // nginx hosts first: app hosts are reached through the bastion, whose connection pins its new
    // key. No app host is dialled before the bastion's provisioning (after its rotation) has raised
    // sshd's MaxStartups: a first deploy of a large tier would meet sshd's default, and a handshake
    // dropped through a bastion is not retried. The nginx tier is built below: a promise stands in.
    const ready: Record<string, pulumi.Input<pulumi.Resource>[]> = {};
    for (const host of args.nginxHosts) {
      const rotation = rotateHostKey(`${name}-${host.name}-hostkey`, host, access, [], this);
      if (rotation) ready[host.name] = [rotation];
    }
    const bastionIndex = ownBastion(args);
    let bastionProvisioned: (provision: pulumi.Resource) => void = () => undefined;
    const bastionReady = bastionIndex < 0 ? [] : [new Promise<pulumi.Resource>((resolve) => (bastionProvisioned = resolve))];
    for (const host of args.appHosts) {
      const rotation = rotateHostKey(`${name}-${host.name}-hostkey`, host, appAccess, bastionReady, this);
      ready[host.name] = rotation ? [rotation] : bastionReady;
    }

    const appTier = new AppTier(name, {
      hosts: args.appHosts,
      access: appAccess,
      provision: secretWhen(ownBundles("app", "provision"), proxySecret),
      // The app's environment rides in this payload: secret in the state whatever its source.
      activate: secretWhen(appActivate, args.appEnvironment !== undefined || proxySecret),
      release: { dir: releaseBundle(app), id: app.releaseId },
      batchSize: args.rolloutBatchSize ?? 1,
      ready,
    }, { parent: this });
    const nginxTier = new NginxTier(name, {
      hosts: args.nginxHosts,
      access,
      provision: secretWhen(ownBundles("nginx", "provision"), proxySecret),
      // The TLS key rides only in nginx's activation, which is secret with it.
      activate: args.nginxHosts.map((_, i) =>
        pulumi.all([rendered, tls?.key, tlsChecked]).apply(([p, key]) =>
          encodeBundle(renderHostBundle(p.nginx[i]!, "activate", key === undefined ? [] : [{ path: REMOTE.tlsKey, content: key }])))),
      after: appTier.done,
      ready,
    }, { parent: this });
    if (bastionIndex >= 0) bastionProvisioned(nginxTier.hosts[bastionIndex]!.provisioned);
    for (const host of args.retireHosts ?? []) {
      retireHost(`${name}-${host.name}-retire`, host, appAccess, nginxTier.done, this);
    }

    this.nginxAddresses = pulumi.all(args.nginxHosts.map((h) => h.address));
    this.appAddresses = pulumi.all(args.appHosts.map((h) => h.privateAddress ?? h.address));
    this.url = pulumi.output(args.nginxHosts[0]!.address).apply((address) => `${siteOrigin(args.settings, tls !== undefined, address)}/`);
    if (tls) this.tlsCertificate = tls.certificate;
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
      tlsCertificate: this.tlsCertificate,
    });
  }
}
