// The pure rendering layer: plain values in, text out.
export * from "./schema";
export * from "./defaults";
export * from "./tuning";
export * from "./validate";
export * from "./plan";
export * from "./paths";
export { frontDoorOf, resolveTls, tlsModeOf, validateTls, type FrontDoor, type TlsMode, type TlsTuning } from "./tls";
export {
  checkCertificateChain,
  checkTlsKeyPair,
  describeCertificate,
  EXPIRY_WARNING_DAYS,
  type CertificateFindings,
  type CertificateSummary,
} from "./certificates";
export { MOZILLA_INTERMEDIATE_CIPHERS, MOZILLA_PROFILE, nginxTlsFiles, type NginxTlsFile } from "./nginx/tls";
export { renderNginxConf, renderSiteConf, renderUpstreamConf, nginxGeneration, UPSTREAM_NAME } from "./nginx/conf";
export { serializeNginx, type Directive } from "./nginx/directives";
export { renderUwsgiIni } from "./uwsgi";
export { renderEnvironmentFile, renderUwsgiUnit, renderNginxLimits, renderSysctlConf, sysctlValues } from "./system";
export { shellQuote } from "./steps/shell";
export { renderRetireStep } from "./steps/retire";
export { bundleCommand, encodeBundle, renderBundle, type BundleFile, type BundleSpec } from "./steps/bundle";
export { renderAppFirewall, renderFirewallUnit } from "./firewall";
export { STAND_IN_HOST_KEY } from "./valueRules";
