import { gzipSync } from "fflate";
import { REMOTE } from "../paths";
import { shellQuote } from "./shell";

/** A file a bundle stages for its steps; `install_file` in the step gives it its final mode. */
export interface BundleFile {
  path: string; // absolute path on the host
  content: string;
}

export interface BundleSpec {
  host: string;
  /** What the bundle does on the host (provision, activate, retire): names its stage directory. */
  phase: string;
  files: BundleFile[];
  /** Step scripts in the order they run: `NN-name.sh` and its text. */
  steps: { scriptName: string; script: string }[];
}

// Quoted here-document delimiters: nothing in them is expanded.
const TEXT_MARK = "WEBTIER_EOF";
const BASE64_MARK = "WEBTIER_BASE64";

// Text goes as it is (it compresses well); content a here-document cannot carry exactly (no
// final newline, or a line equal to the delimiter) goes as base64.
function stageLines(path: string, content: string): string[] {
  if (content.endsWith("\n") && !content.split("\n").includes(TEXT_MARK)) {
    return [`stage_file ${shellQuote(path)} cat <<'${TEXT_MARK}'`, `${content}${TEXT_MARK}`];
  }
  const encoded = Buffer.from(content, "utf8").toString("base64").replace(/.{1,76}/g, "$&\n");
  return [`stage_file ${shellQuote(path)} base64 -d <<'${BASE64_MARK}'`, `${encoded}${BASE64_MARK}`];
}

/**
 * One remote command's whole payload as a script: stages every file in a fresh root-only
 * directory, then runs the step scripts in order against it. It travels on the command's stdin,
 * so rendered content never goes through CopyToRemote (whose Check refuses a source that is
 * unknown at preview) and never sits in a stage directory another command could find stale.
 */
export function renderBundle(spec: BundleSpec): string {
  const files = [...spec.files, ...spec.steps.map((s) => ({ path: `/.steps/${s.scriptName}`, content: s.script }))];
  return [
    "#!/bin/bash",
    `# webtier ${spec.phase} for host ${spec.host}: stages the files below, then runs the steps in order.`,
    "set -euo pipefail",
    "umask 077",
    `install -d -m 0755 ${shellQuote(REMOTE.stageRoot.replace(/\/[^/]+$/, ""))}`,
    `install -d -m 0700 ${shellQuote(REMOTE.stageRoot)}`,
    `stage="$(mktemp -d ${shellQuote(`${REMOTE.stageRoot}/${spec.phase}.`)}XXXXXX)"`,
    `trap 'rm -rf "$stage"' EXIT`,
    '# stage_file PATH DECODER: writes stdin, decoded, to $stage/PATH.',
    'stage_file() { mkdir -p "$stage$(dirname "$1")"; "$2" "${@:3}" > "$stage$1"; }',
    ...files.flatMap((f) => stageLines(f.path, f.content)),
    ...spec.steps.map((s) => `bash "$stage/.steps/${s.scriptName}" "$stage" </dev/null`),
    "",
  ].join("\n");
}

/**
 * The bundle as it travels: gzip, then base64 (the state keeps stdin; this keeps it small). The
 * bytes must not depend on who deploys: stdin is an input, so any difference re-runs every step on
 * every host. Node's zlib writes the deployer's OS into the gzip header (byte 9: 3 Linux, 19 macOS,
 * 10 Windows) and its deflate output may change between zlib builds; fflate is plain JavaScript,
 * the same on every platform, with a fixed header (OS 3, no file name) and mtime 0.
 */
export function encodeBundle(script: string): string {
  return Buffer.from(gzipSync(Buffer.from(script, "utf8"), { level: 9, mtime: 0 })).toString("base64");
}

/**
 * The command line that runs an encoded bundle read from stdin, bounded on the host: the provider
 * never stops a running command itself, so `timeout` does (the whole process group, then KILL).
 */
export function bundleCommand(timeoutSeconds: number): string {
  const run = 'set -eo pipefail; script="$(mktemp)"; trap \'rm -f "$script"\' EXIT; base64 -d | gzip -dc > "$script"; bash "$script" </dev/null';
  return `timeout --kill-after=30 ${timeoutSeconds} bash -c ${shellQuote(run)}`;
}
