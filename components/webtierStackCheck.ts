// Everything WebtierStack would refuse, found before it registers anything. On AWS the machines do
// not exist yet: a refusal after the first resource would leave a `pulumi up` with a VPC and
// instances created and the deployment failed, so the settings are judged against stand-ins.
import type * as pulumi from "@pulumi/pulumi";
import { appDirOf, readAppSource } from "./appSource";
import { AWS_DEFAULTS, HOST_PREFIX } from "./aws/defaults";
import { checkTiers, type AwsTiersArgs } from "./aws/tiers";
import type { AwsSettings, WebTierSettings } from "./configTypes";
import { checkConfigWithAwsHosts, frontDoorOf, NGINX_DEFAULTS, resolveTls, STAND_IN_HOST_KEY, UWSGI_DEFAULTS, type AwsHostShape, type CheckResult } from "./render";
import { checkTlsKey } from "./tlsMaterial";
import type { WebtierStackArgs } from "./webtierStack";

/** The machines AwsTiers creates, as the configuration's rules see them. */
export const AWS_HOSTS: AwsHostShape = {
  prefix: HOST_PREFIX,
  user: AWS_DEFAULTS.sshUser,
  defaultCount: { nginx: 1, app: 2 },
};

/** checkConfig for a whole stack: on AWS, against the machines it will create. */
export function checkStackConfig(input: unknown, now: Date = new Date()): CheckResult {
  return checkConfigWithAwsHosts(input, AWS_HOSTS, now);
}

/** The TCP port of an http(s) proxy URL (the scheme's default when it names none). */
function proxyPortOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
}

/** What AwsTiers is given for a stack's `aws` settings and tier settings, with the deploy key's public half. */
export function awsTiersArgs(aws: AwsSettings, settings: WebTierSettings, sshPublicKey: pulumi.Input<string>): AwsTiersArgs {
  const tlsTuning = resolveTls(settings.tls);
  return {
    ...aws,
    frontDoor: frontDoorOf({ aws })!,
    healthPath: settings.nginx?.healthPath ?? NGINX_DEFAULTS.healthPath,
    // The HTTPS port is opened only with TLS; with an ACM certificate the NLB ends TLS itself.
    ...(tlsTuning === undefined ? {} : { tlsPort: tlsTuning.port }),
    ...(tlsTuning?.certificateArn === undefined ? {} : { tlsOffload: { certificateArn: tlsTuning.certificateArn, targetPort: tlsTuning.offloadPort } }),
    nginxCount: aws.nginxCount ?? AWS_HOSTS.defaultCount.nginx,
    appCount: aws.appCount ?? AWS_HOSTS.defaultCount.app,
    adminCidr: aws.adminCidr!,
    httpCidrs: settings.clientCidrs,
    nginxPort: settings.nginx?.port ?? NGINX_DEFAULTS.port,
    uwsgiPort: settings.uwsgi?.socketPort ?? UWSGI_DEFAULTS.socketPort,
    ...(aws.egress === "proxy" && settings.aptProxy !== undefined ? { aptProxyPort: proxyPortOf(settings.aptProxy) } : {}),
    sshPublicKey,
  };
}

/** The deploy key that goes with where the hosts come from. */
function checkDeployKey({ config, sshPrivateKey }: WebtierStackArgs): string[] {
  if (config.aws && sshPrivateKey !== undefined) {
    return ["sshPrivateKey is only for existing hosts: on AWS webtier generates the deploy key"];
  }
  if (!config.aws && config.hosts && sshPrivateKey === undefined) {
    return ["sshPrivateKey is required for existing hosts: pulumi config set --secret webtier:sshPrivateKey < key"];
  }
  return [];
}

// A `source` of the wrong type is the config check's to report.
function checkAppSource(source: unknown, baseDir: string): string[] {
  if (source !== undefined && typeof source !== "string") return [];
  try {
    readAppSource(appDirOf(source, baseDir));
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/**
 * Every problem of a stack's arguments, at once where they can be: the config and its secrets,
 * the app directory, then (once those pass, so none is said twice in other words) the AWS layer's
 * own rules on what it would be given, such as instance types and tags.
 */
export function checkWebtierStack(args: WebtierStackArgs, now: Date = new Date()): string[] {
  const { hosts: _hosts, bastion: _bastion, rollout: _rollout, aws, ...settings } = args.config;
  const problems = [
    ...checkStackConfig(args.config, now).errors,
    ...checkDeployKey(args),
    ...checkTlsKey(settings.tls, args.tlsKey),
    ...checkAppSource(settings.app?.source, args.baseDir),
  ];
  if (problems.length > 0 || aws === undefined) return problems;
  // The deploy key is generated once the stack registers: any well-formed key line stands in.
  return [...new Set(checkTiers(awsTiersArgs(aws, settings, STAND_IN_HOST_KEY)))];
}
