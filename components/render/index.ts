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
export { renderRetireScript } from "./steps/retire";
export { renderAppFirewall, renderFirewallUnit } from "./firewall";
