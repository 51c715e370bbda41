import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The directory of webtier's package.json: works from the TypeScript sources and from dist/ alike. */
export function packageRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The sample app shipped with the package: answers with the name of the host that served it. */
export const SAMPLE_APP_DIR = path.join(packageRoot(__dirname), "sample-app");

const IGNORED = new Set([".git", "__pycache__", ".venv", "node_modules"]);

function listFiles(root: string, dir = ""): string[] {
  const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  return entries
    .filter((entry) => !IGNORED.has(entry.name) && !entry.name.endsWith(".pyc"))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(root, rel);
      return entry.isFile() ? [rel] : [];
    });
}

/** The app directory a config names: `app.source` relative to `baseDir`, else the sample app. */
export function appDirOf(source: string | undefined, baseDir: string): string {
  return source === undefined ? SAMPLE_APP_DIR : path.resolve(baseDir, source);
}

export interface AppSource {
  dir: string;
  files: string[];
  /** Content hash of every file name and byte: names the immutable release on the hosts. */
  releaseId: string;
}

/** Reads an application directory; the release id changes exactly when a file changes. */
export function readAppSource(dir: string): AppSource {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`app.source (${dir}) must be a directory`);
  }
  const files = listFiles(dir);
  if (files.length === 0) throw new Error(`app.source (${dir}) must not be empty`);
  const hash = createHash("sha256");
  for (const rel of files) {
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(path.join(dir, rel)));
    hash.update("\0");
  }
  return { dir, files, releaseId: hash.digest("hex").slice(0, 16) };
}
