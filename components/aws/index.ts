// The AWS provisioning layer: produces hosts (CreatedHost) for the configuration layer.
export { AwsTiers, checkTiers, type AwsTiersArgs } from "./tiers";
export { AwsNetwork, type AwsNetworkArgs } from "./network";
export { AwsSecurityGroups, checkSecurityGroups, type AwsSecurityGroupsArgs } from "./securityGroups";
export { AwsInstances, checkInstances, type AwsInstancesArgs } from "./instances";
export { AwsFrontDoor, doorListeners, type AwsFrontDoorArgs, type DoorListener, type DoorTarget, type FrontDoorOutputs } from "./frontDoor";
export { HostKeys, type HostKeysArgs } from "./hostKeys";
export {
  AWS_DEFAULTS,
  defaultFrontDoor,
  drainSecondsFor,
  EGRESS_MODES,
  FRONT_DOOR_MODES,
  HOST_PREFIX,
  NLB_HEALTH_CHECK,
  NLB_TLS_POLICY,
  type Egress,
  type FrontDoor,
  type TierRole,
  type TlsOffload,
} from "./defaults";
export { checkFrontDoor } from "./validate";
export { architectureOf, debianAmiQuery, DEBIAN_OWNER, type Architecture } from "./amis";
export { renderHostKeyCloudConfig } from "./cloudInit";
export { subnetLayout } from "./cidr";
export { resourceTags, type Tags } from "./tags";
