import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readAppSource, type AppSource } from "./appSource";

/** Per-user cache of release directories: `$XDG_CACHE_HOME/webtier/releases`, else `~/.cache/…`. */
export function defaultReleaseCache(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "webtier", "releases");
}

// Files here are uploaded and then run on every app host: the directory must be ours alone.
function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || stat.isSymbolicLink()) throw new Error(`release cache ${dir} must be a directory, not a link`);
  if (uid !== undefined && stat.uid !== uid) throw new Error(`release cache ${dir} must be owned by uid ${uid}, not ${stat.uid}`);
  if ((stat.mode & 0o022) !== 0) {
    throw new Error(`release cache ${dir} (mode ${(stat.mode & 0o777).toString(8)}) must not be writable by group or others`);
  }
}

function holdsRelease(dir: string, app: AppSource): boolean {
  try {
    const found = readAppSource(dir);
    return found.releaseId === app.releaseId && found.files.join("\0") === app.files.join("\0");
  } catch {
    return false;
  }
}

/**
 * The release as a local directory for CopyToRemote: exactly the files its id was computed from,
 * at a path named by that id (the same on every `up`, so the archive shows no diff). Its source
 * depends on no address, so it is known at preview. A directory found in the cache is hashed
 * again before it is trusted. Ends in "/": the provider copies the contents, not the directory.
 */
export function releaseBundle(app: AppSource, cacheRoot = defaultReleaseCache()): string {
  ensurePrivateDir(path.dirname(cacheRoot));
  ensurePrivateDir(cacheRoot);
  const dir = path.join(cacheRoot, app.releaseId);
  if (!holdsRelease(dir, app)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const incoming = fs.mkdtempSync(`${dir}.incoming-`);
    for (const rel of app.files) {
      const target = path.join(incoming, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(app.dir, rel), target);
    }
    try {
      fs.renameSync(incoming, dir);
    } catch (err) {
      // Another evaluation wrote the same release first.
      fs.rmSync(incoming, { recursive: true, force: true });
      if (!holdsRelease(dir, app)) throw err;
    }
  }
  return `${dir}/`;
}
