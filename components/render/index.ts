// The pure rendering layer: plain values in, text out.
export * from "./schema";
export * from "./defaults";
export * from "./tuning";
export * from "./validate";
export * from "./plan";
export * from "./paths";
export { renderNginxConf, renderSiteConf, renderUpstreamConf, nginxGeneration, UPSTREAM_NAME } from "./nginx/conf";
export { serializeNginx, type Directive } from "./nginx/directives";
export { renderUwsgiIni } from "./uwsgi";
export { renderEnvironmentFile, renderUwsgiUnit, renderNginxLimits, renderSysctlConf, sysctlValues } from "./system";
export { shellQuote } from "./steps/shell";
export { renderRetireStep } from "./steps/retire";
export { bundleCommand, encodeBundle, renderBundle, type BundleFile, type BundleSpec } from "./steps/bundle";
export { renderAppFirewall, renderFirewallUnit } from "./firewall";
export { STAND_IN_HOST_KEY } from "./valueRules";
