import * as fs from "node:fs";
import * as path from "node:path";

/** A refusal to touch the output directory: the user must choose (exit code 2, like a bad config). */
export class OutDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutDirError";
  }
}

function lstatOrUndefined(dir: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function create(dir: string): void {
  fs.mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  // Not recursive: fails if something appeared at `dir` since it was checked.
  fs.mkdirSync(dir);
}

/**
 * Makes `dir` an empty real directory to render into. A non-empty directory would mix stale files
 * with new ones, and a symbolic link (at `dir` or anywhere under it) would be written through:
 * both are refused unless `replace`, which removes them (links themselves, never their targets).
 */
export function prepareOutDir(dir: string, replace: boolean): void {
  const stat = lstatOrUndefined(dir);
  if (stat === undefined) return create(dir);
  const refuse = (what: string) =>
    new OutDirError(`--out (${dir}) ${what}: pass --replace to remove it and render afresh`);
  if (stat.isSymbolicLink()) {
    if (!replace) throw refuse("is a symbolic link, which render never writes through");
  } else if (!stat.isDirectory()) {
    if (!replace) throw refuse("is not a directory");
  } else if (fs.readdirSync(dir).length === 0) {
    return;
  } else if (!replace) {
    throw refuse("is not empty");
  }
  // rmSync unlinks symbolic links rather than following them, at `dir` and below.
  fs.rmSync(dir, { recursive: true, force: true });
  create(dir);
}
