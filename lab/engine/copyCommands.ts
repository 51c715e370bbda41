// CopyToRemote's landing rules (copyController.go `copyTextContent`, `sftpCopy`), as shell run over
// the connection. A text asset needs a file path (parents created). A file goes into an existing
// directory as dir/<name>, else to remotePath (parents created, an existing file keeps its mode).
// A directory ending in "/" puts its contents at remotePath (created when missing); without the
// slash it lands at remotePath/<basename>. Files are written as the SSH user under the session's
// umask, modification times are the copy's, as with SFTP.
import * as path from "node:path";
import { shellQuote } from "../../components";
import type { CopySource } from "./source";

export function textCopyCommand(remotePath: string): string {
  const p = shellQuote(remotePath);
  return [
    "set -e",
    `if [ -d ${p} ]; then echo "remote path ${remotePath} is a directory; when using a text asset, remotePath must be a file path" >&2; exit 1; fi`,
    `mkdir -p -- "$(dirname -- ${p})"`,
    `cat > ${p}`,
  ].join("; ");
}

export function fileCopyCommand(remotePath: string, source: string): string {
  const p = shellQuote(remotePath);
  const into = shellQuote(path.posix.join(remotePath, path.basename(source)));
  return [
    "set -e",
    `if [ -d ${p} ]; then cat > ${into}; exit 0; fi`,
    `mkdir -p -- "$(dirname -- ${p})"`,
    `cat > ${p}`,
  ].join("; ");
}

export function dirCopyCommand(remotePath: string, source: string): string {
  const p = shellQuote(remotePath);
  const destPath = source.endsWith("/") ? remotePath : path.posix.join(remotePath, path.basename(source));
  const dest = shellQuote(destPath);
  return [
    "set -e",
    `if [ -e ${p} ] && [ ! -d ${p} ]; then echo "remote path ${remotePath} exists but is not a directory" >&2; exit 1; fi`,
    `if [ -e ${dest} ] && [ ! -d ${dest} ]; then echo "remote path ${destPath} exists but is not a directory" >&2; exit 1; fi`,
    `mkdir -p -- ${dest}`,
    // Archive modes are 0666/0777 (tar.ts): the umask makes them what SFTP would create.
    `tar -x --no-same-owner --no-same-permissions --no-overwrite-dir -m -f - -C ${dest}`,
  ].join("; ");
}

export function copyCommand(source: CopySource, remotePath: string): string {
  if (source.kind === "text") return textCopyCommand(remotePath);
  if (source.kind === "file") return fileCopyCommand(remotePath, source.path);
  return dirCopyCommand(remotePath, source.path);
}
