import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { appDirOf } from "./appSource";
import { AwsTiers, drainSecondsFor, NLB_HEALTH_CHECK } from "./aws";
import type { RemoteHost } from "./host";
import type { WebtierStackConfig } from "./configTypes";
import { frontDoorOf } from "./render";
import { ConfigError } from "./stackConfig";
import { awsTiersArgs, checkWebtierStack } from "./webtierStackCheck";
import { siteOrigin, WebTier } from "./webTier";

export interface WebtierStackArgs {
  /** The `webtier:*` configuration (namespace stripped, secrets separate). */
  config: WebtierStackConfig;
  /** `app.source` resolves against this directory (the project's). */
  baseDir: string;
  /** Deploy key. Required for existing hosts; on AWS one is generated when absent. */
  sshPrivateKey?: pulumi.Input<string>;
  /** Secret environment for the app (KEY=value), delivered through stdin. */
  appEnvironment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** `config.aptProxy` was set as a secret: keep it out of plaintext state and outputs. */
  aptProxySecret?: boolean;
  /** PEM private key of `config.tls.certificate` (the secret `webtier:tlsKey`). */
  tlsKey?: pulumi.Input<string>;
}

/**
 * The whole stack from one configuration: hosts created on AWS (`aws`) or existing ones (`hosts`),
 * configured by one WebTier.
 */
export class WebtierStack extends pulumi.ComponentResource {
  /** The site's URL: the front door on AWS, else the first nginx host (https when TLS is on). */
  readonly url: pulumi.Output<string>;
  /** AWS: the front door's DNS name (the load balancer's, or the first nginx host's Elastic IP's). */
  readonly dnsName?: pulumi.Output<string>;
  /** The certificate chain nginx serves (PEM), when nginx terminates TLS: trust it for a self-signed one. */
  readonly tlsCertificate?: pulumi.Output<string>;
  /** Addresses of the nginx hosts, in host order. */
  readonly nginxAddresses: pulumi.Output<string[]>;
  /** Private addresses of the app hosts: the upstream's servers, in host order. */
  readonly appAddresses: pulumi.Output<string[]>;
  /** Every file each host receives: `{ host: { absolutePath: content } }`. */
  readonly renderedFiles: pulumi.Output<Record<string, Record<string, string>>>;
  /** Output of each remote command, per host. */
  readonly stepOutputs: pulumi.Output<Record<string, Record<string, string>>>;
  /** AWS mode: the generated deploy key (secret), for `ssh -J admin@<nginx> admin@<app>`. */
  readonly deployKey?: pulumi.Output<string>;

  constructor(name: string, args: WebtierStackArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every problem at once, before a single resource is registered: on AWS, before a machine
    // exists (webtierStackCheck.ts).
    const problems = checkWebtierStack(args);
    if (problems.length > 0) throw new ConfigError(problems);
    super("webtier:index:WebtierStack", name, {}, opts);
    const { hosts, bastion, aws, rollout, ...stackSettings } = args.config;
    let settings = stackSettings;
    const appDir = appDirOf(settings.app?.source, args.baseDir);

    let nginxHosts: RemoteHost[];
    let appHosts: RemoteHost[];
    let jumpHost: RemoteHost | undefined;
    let retireHosts: RemoteHost[] = [];
    let privateKey: pulumi.Input<string>;
    let frontDoor: { dnsName: pulumi.Output<string>; loadBalanced: boolean } | undefined;
    if (aws) {
      // Lives (encrypted) in the stack state only; exported as a secret for debugging over SSH.
      const key = new tls.PrivateKey(`${name}-deploy-key`, { algorithm: "ED25519" }, { parent: this });
      privateKey = key.privateKeyOpenssh;
      this.deployKey = pulumi.secret(key.privateKeyOpenssh);
      const mode = frontDoorOf(args.config)!;
      const tiers = new AwsTiers(`${name}-aws`, awsTiersArgs(aws, settings, key.publicKeyOpenssh), { parent: this });
      nginxHosts = tiers.nginxHosts;
      appHosts = tiers.appHosts;
      frontDoor = { dnsName: tiers.frontDoor.dnsName, loadBalanced: mode === "nlb" };
      // Behind the load balancer an nginx host answers 503 on its health path until the NLB has
      // taken it out, before it changes, and waits as long after, until it is back in.
      if (mode === "nlb" && settings.nginx?.drainSeconds === undefined) {
        settings = { ...settings, nginx: { ...settings.nginx, drainSeconds: drainSecondsFor(NLB_HEALTH_CHECK) } };
      }
      // App hosts live in private subnets: SSH reaches them through the first nginx host.
      jumpHost = nginxHosts[0];
    } else {
      // checkWebtierStack made sure both are set.
      if (!hosts || args.sshPrivateKey === undefined) throw new Error("existing hosts need hosts and sshPrivateKey");
      privateKey = args.sshPrivateKey;
      nginxHosts = hosts.nginx;
      appHosts = hosts.app;
      retireHosts = hosts.retire ?? [];
      jumpHost = bastion === undefined ? undefined : nginxHosts.find((h) => h.name === bastion);
    }

    const tier = new WebTier(name, {
      settings,
      nginxHosts,
      appHosts,
      privateKey,
      appDir,
      ...(jumpHost ? { bastion: jumpHost } : {}),
      ...(retireHosts.length > 0 ? { retireHosts } : {}),
      ...(args.appEnvironment === undefined ? {} : { appEnvironment: args.appEnvironment }),
      ...(rollout?.batchSize === undefined ? {} : { rolloutBatchSize: rollout.batchSize }),
      ...(args.aptProxySecret ? { aptProxySecret: true } : {}),
      ...(args.tlsKey === undefined ? {} : { tlsKey: args.tlsKey }),
      ...(frontDoor ? { publicNames: [frontDoor.dnsName] } : {}),
    }, { parent: this });

    // Behind a load balancer clients use its name (HTTPS also when TLS ends there).
    const https = settings.tls !== undefined;
    this.url = frontDoor?.loadBalanced
      ? frontDoor.dnsName.apply((dnsName) => `${siteOrigin(settings, https, dnsName)}/`)
      : tier.url;
    if (frontDoor) this.dnsName = frontDoor.dnsName;
    if (tier.tlsCertificate) this.tlsCertificate = tier.tlsCertificate;
    this.nginxAddresses = tier.nginxAddresses;
    this.appAddresses = tier.appAddresses;
    this.renderedFiles = tier.renderedFiles;
    this.stepOutputs = tier.stepOutputs;
    this.registerOutputs({
      url: this.url,
      nginxAddresses: this.nginxAddresses,
      appAddresses: this.appAddresses,
      dnsName: this.dnsName,
      tlsCertificate: this.tlsCertificate,
    });
  }
}
