// A CopyToRemote `source` resolved for copying, with the content hash the provider compares on an
// update (copyController.go: copy again only if the hash or remotePath changed). Text is kept out
// of the state: it records the hash only.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export type CopySource =
  | { kind: "text"; text: string; hash: string }
  | { kind: "file"; path: string; hash: string }
  /** `path` keeps a trailing "/": the directory's contents go to remotePath, not the directory. */
  | { kind: "dir"; path: string; hash: string };

/** What the state records of a source: kind, hash and local path, never the text. */
export type SourceRecord = { kind: CopySource["kind"]; hash: string; path?: string };

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

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

function fromPath(p: string): CopySource {
  if (!fs.existsSync(p)) throw new Error(`source ${p} does not exist`);
  if (fs.statSync(p).isDirectory()) return { kind: "dir", path: `${path.resolve(p)}${p.endsWith("/") ? "/" : ""}`, hash: hashDirectory(p) };
  return { kind: "file", path: path.resolve(p), hash: sha256(fs.readFileSync(p)) };
}

/** A checked source (see check.ts) read from disk. */
export async function resolveSource(source: unknown): Promise<CopySource> {
  if (source instanceof pulumi.asset.StringAsset) {
    const text = String(await source.text);
    return { kind: "text", text, hash: sha256(text) };
  }
  if (source instanceof pulumi.asset.FileAsset || source instanceof pulumi.asset.FileArchive) return fromPath(String(await source.path));
  throw new Error(`cannot copy a ${(source as object)?.constructor?.name ?? typeof source} source`);
}

export function sourceRecord(s: CopySource): SourceRecord {
  return s.kind === "text" ? { kind: s.kind, hash: s.hash } : { kind: s.kind, hash: s.hash, path: s.path };
}
