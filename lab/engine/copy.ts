// CopyToRemote for the lab executor, with the provider's semantics (@pulumi/command 1.x): a text
// asset is written to remotePath; a directory whose path ends in "/" has its CONTENTS copied into
// remotePath (created when missing); without the slash the directory itself lands at
// remotePath/<basename>. Files land as the SSH user, no sudo.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { shellQuote } from "../../components";
import { sshExec, type RemoteConnection, type SshResult, type SshWorkspace } from "./ssh";

export type CopySource = { kind: "text"; text: string } | { kind: "dir"; path: string };

/** Content hash of a local directory: every relative path, kind and byte. */
export function hashDirectory(dir: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) {
        hash.update(`d\0${child}\0`);
        walk(child);
      } else if (entry.isFile()) {
        hash.update(`f\0${child}\0`);
        hash.update(fs.readFileSync(path.join(dir, child)));
        hash.update("\0");
      }
    }
  };
  walk("");
  return hash.digest("hex");
}

function textCommand(remotePath: string): string {
  const p = shellQuote(remotePath);
  return [
    "set -e",
    `if [ -d ${p} ]; then echo "remote path ${remotePath} is a directory; a text asset needs a file path" >&2; exit 1; fi`,
    `mkdir -p -- "$(dirname -- ${p})"`,
    `cat > ${p}`,
  ].join("; ");
}

function dirCommand(remotePath: string, source: string): string {
  const p = shellQuote(remotePath);
  const dest = source.endsWith("/") ? p : shellQuote(`${remotePath.replace(/\/+$/, "")}/${path.basename(source)}`);
  return [
    "set -e",
    `if [ -e ${p} ] && [ ! -d ${p} ]; then echo "remote path ${remotePath} exists but is not a directory" >&2; exit 1; fi`,
    `mkdir -p -- ${dest}`,
    `tar -x --no-same-owner -f - -C ${dest}`,
  ].join("; ");
}

function tarStream(dir: string): () => NodeJS.ReadableStream {
  return () => {
    const tar = spawn("tar", ["-c", "-f", "-", "-C", dir, "."], { stdio: ["ignore", "pipe", "inherit"] });
    return tar.stdout;
  };
}

export function copyToRemote(ws: SshWorkspace, c: RemoteConnection, source: CopySource, remotePath: string, timeoutMs: number): Promise<SshResult> {
  if (source.kind === "text") return sshExec(ws, c, textCommand(remotePath), source.text, timeoutMs);
  if (!fs.statSync(source.path).isDirectory()) throw new Error(`lab executor copies directories only, not ${source.path}`);
  return sshExec(ws, c, dirCommand(remotePath, source.path), tarStream(source.path), timeoutMs);
}
