// Public API of the local lab (used by the CLI, the tests and the deploy executor).
export { bootLab, labDown, labExec, labLeftovers, labStatus, LAB_BINARIES, type BootOptions } from "./lab";
export { sshArgs, sshRun, shellQuote, waitForSsh, type SshOptions, type SshRunOptions } from "./ssh";
export type { LabHost, LabState } from "./state";
export type { RunResult } from "./exec";
export { ensureImage, imageDir, imageId } from "./image";
export { PROXY_URL } from "./proxy";
export { LAB_DIR, KNOWN_HOSTS } from "./paths";
