// The AWS provisioning layer: produces hosts (CreatedHost) for the configuration layer.
export { AwsTiers, checkTiers, type AwsTiersArgs } from "./tiers";
export { AwsNetwork, type AwsNetworkArgs } from "./network";
export { AwsSecurityGroups, checkSecurityGroups, type AwsSecurityGroupsArgs } from "./securityGroups";
export { AwsInstances, checkInstances, type AwsInstancesArgs } from "./instances";
export { HostKeys, type HostKeysArgs } from "./hostKeys";
export { AWS_DEFAULTS, EGRESS_MODES, HOST_PREFIX, type Egress, type TierRole } from "./defaults";
export { architectureOf, debianAmiQuery, DEBIAN_OWNER, type Architecture } from "./amis";
export { renderHostKeyCloudConfig } from "./cloudInit";
export { subnetLayout } from "./cidr";
export { resourceTags, type Tags } from "./tags";
