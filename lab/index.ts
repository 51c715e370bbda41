// Public API of the local lab (used by the CLI, the tests and the deploy engine).
export { bootLab, labDown, labExec, labLeftovers, labStatus, LAB_BINARIES, type BootOptions } from "./hosts/lab";
export { sshArgs, sshRun, shellQuote, waitForSsh, type SshOptions, type SshRunOptions } from "./hosts/ssh";
export type { LabHost, LabState } from "./hosts/state";
export type { RunResult } from "./hosts/exec";
export { ensureImage, imageDir, imageId } from "./hosts/image";
export { PROXY_URL } from "./hosts/proxy";
export { LAB_DIR, KNOWN_HOSTS } from "./hosts/paths";
// The provider's Check as the lab engine applies it (program tests run it on every remote resource).
export { checkRemoteResource, describeCheckFailure, type CheckFailure } from "./engine/check";
export { UNKNOWN_SENTINEL } from "./engine/inputs";
