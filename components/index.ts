// webtier's public API: what other Pulumi programs and the webtier tools import.
export * from "./render";
export * from "./host";
export * from "./appSource";
export * from "./stackConfig";
export * from "./connection";
export * from "./hostConfiguration";
export * from "./stepFiles";
export * from "./appTier";
export * from "./nginxTier";
export * from "./webTier";
export * from "./webtierStack";
export * from "./aws";
