import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { isExcluded, RELEASE_RULES_FILE, releaseRules, type ReleaseRule } from "./releaseRules";

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

// Regular files only: a symbolic link could point anywhere on the deploying machine.
function listFiles(root: string, rules: ReleaseRule[], dir = ""): string[] {
  const entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
  return entries
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const rel = path.posix.join(dir, entry.name);
      if (isExcluded(rel, entry.isDirectory(), rules)) return [];
      if (entry.isDirectory()) return listFiles(root, rules, rel);
      return entry.isFile() ? [rel] : [];
    });
}

function rulesOf(dir: string): ReleaseRule[] {
  const file = path.join(dir, RELEASE_RULES_FILE);
  const lines = fs.existsSync(file) && fs.lstatSync(file).isFile() ? fs.readFileSync(file, "utf8").split(/\r?\n/) : [];
  return releaseRules(lines);
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

/**
 * Reads an application directory; the release id changes exactly when a file changes. Dotfiles
 * and secret files are left out (releaseRules.ts); `.webtierignore` in the directory adds rules.
 */
export function readAppSource(dir: string): AppSource {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`app.source (${dir}) must be a directory`);
  }
  const files = listFiles(dir, rulesOf(dir));
  if (files.length === 0) throw new Error(`app.source (${dir}) must not be empty`);
  const hash = createHash("sha256");
  for (const rel of files) {
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(path.join(dir, rel)));
    hash.update("\0");
  }
  return { dir, files, releaseId: hash.digest("hex").slice(0, 16) };
}
