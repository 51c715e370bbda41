// webtier's public API: what other Pulumi programs and the webtier tools import. Every name here
// is a promise to users; api/webtier.api.md records them and a test fails when they change.

// Components and their arguments.
export { WebtierStack, type WebtierStackArgs } from "./webtierStack";
export { WebTier, type WebTierArgs } from "./webTier";
export { AwsTiers, type AwsTiersArgs } from "./aws/tiers";
export type { RemoteHost, CreatedHost } from "./host";

// The configuration (`webtier:*` keys) as types, and its checks.
export {
  BalancingMethod,
  EgressMode,
  NextUpstreamCondition,
  TcpTwReuse,
  toStackConfig,
  type AppSettings,
  type AwsSettings,
  type ExistingHost,
  type ExistingHosts,
  type NginxSettings,
  type RolloutSettings,
  type SysctlSettings,
  type UpstreamSettings,
  type UwsgiSettings,
  type WebTierSettings,
  type WebtierStackConfig,
} from "./configTypes";
export type { WebtierConfig } from "./render/schema";
export { checkConfig, parseConfig, type CheckResult } from "./render/validate";
export { resolveTuning, type Tuning, type Host, type Role, type UpstreamServer, type Balancing } from "./render/tuning";
export { APP_DEFAULTS, NGINX_DEFAULTS, SYSCTL_DEFAULTS, UPSTREAM_DEFAULTS, UWSGI_DEFAULTS } from "./render/defaults";
export { AWS_DEFAULTS } from "./aws/defaults";
export { ConfigError, prepareStack, readStackFile, SECRET_KEYS, type PreparedStack, type StackFile } from "./stackConfig";
export type { AppSource } from "./appSource";

// The pure renderers: what each host receives, without touching a host.
export { planDeployment, type DeploymentPlan, type HostPlan, type Phase, type PlannedFile, type PlannedStep } from "./render/plan";
export { renderNginxConf, renderSiteConf, renderUpstreamConf } from "./render/nginx/conf";
export { renderUwsgiIni } from "./render/uwsgi";
export { renderEnvironmentFile, renderNginxLimits, renderSysctlConf, renderUwsgiUnit } from "./render/system";
export { shellQuote } from "./render/steps/shell";
export { writeStepFiles } from "./stepFiles";
