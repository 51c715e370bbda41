import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readAppSource } from "../../components/appSource";
import { defaultReleaseCache, releaseBundle } from "../../components/releaseBundle";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-release-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function appDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(work, "app-"));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

describe("releaseBundle", () => {
  it("copies exactly the release's files into a private directory named by its id", () => {
    const app = readAppSource(appDir({ "wsgi.py": "application = None\n", "pkg/views.py": "x = 1\n" }));
    const cache = path.join(work, "cache-a", "releases");
    const dir = releaseBundle(app, cache);
    expect(dir).toBe(`${path.join(cache, app.releaseId)}/`);
    expect(readAppSource(dir).files).toEqual(["pkg/views.py", "wsgi.py"]);
    expect([fs.statSync(cache).mode & 0o777, fs.statSync(path.dirname(cache)).mode & 0o777]).toEqual([0o700, 0o700]);
  });

  it("trusts nothing because it exists: a planted or altered copy is replaced", () => {
    const app = readAppSource(appDir({ "wsgi.py": "application = None\n" }));
    const cache = path.join(work, "cache-b", "releases");
    const dir = releaseBundle(app, cache);
    fs.writeFileSync(path.join(dir, "wsgi.py"), "import os; os.system('id')\n");
    fs.writeFileSync(path.join(dir, "planted.py"), "evil = True\n");
    expect(releaseBundle(app, cache)).toBe(dir);
    expect(readAppSource(dir).files).toEqual(["wsgi.py"]);
    expect(fs.readFileSync(path.join(dir, "wsgi.py"), "utf8")).toBe("application = None\n");
  });

  it("refuses a cache directory others can write to, or a link", () => {
    const app = readAppSource(appDir({ "wsgi.py": "application = None\n" }));
    const open = path.join(work, "cache-c");
    fs.mkdirSync(path.join(open, "releases"), { recursive: true });
    fs.chmodSync(open, 0o777);
    expect(() => releaseBundle(app, path.join(open, "releases"))).toThrow(`release cache ${open} (mode 777) must not be writable by group or others`);
    const target = fs.mkdtempSync(path.join(work, "elsewhere-"));
    const linked = path.join(work, "cache-d");
    fs.mkdirSync(linked, { mode: 0o700 });
    fs.symlinkSync(target, path.join(linked, "releases"));
    expect(() => releaseBundle(app, path.join(linked, "releases"))).toThrow(`release cache ${path.join(linked, "releases")} must be a directory, not a link`);
  });

  it("reuses an intact copy as it is, and replaces one whose content alone was altered", () => {
    const app = readAppSource(appDir({ "wsgi.py": "application = None\n" }));
    const cache = path.join(work, "cache-e", "releases");
    const dir = releaseBundle(app, cache);
    // A rewritten copy is a new directory: its birth time changes (an inode number may be reused).
    const born = fs.statSync(dir, { bigint: true }).birthtimeNs;
    expect(born).toBeGreaterThan(0n);
    expect(releaseBundle(app, cache)).toBe(dir);
    expect(fs.statSync(dir, { bigint: true }).birthtimeNs).toBe(born);
    fs.writeFileSync(path.join(dir, "wsgi.py"), "application = 'altered'\n");
    releaseBundle(app, cache);
    expect(fs.readFileSync(path.join(dir, "wsgi.py"), "utf8")).toBe("application = None\n");
  });

  it("refuses a cache directory another user owns", () => {
    // Needs root to give the directory away, as CI and the lab run.
    const app = readAppSource(appDir({ "wsgi.py": "application = None\n" }));
    const theirs = path.join(work, "cache-f");
    fs.mkdirSync(path.join(theirs, "releases"), { recursive: true, mode: 0o700 });
    fs.chownSync(theirs, 4321, 4321);
    expect(() => releaseBundle(app, path.join(theirs, "releases"))).toThrow(`release cache ${theirs} must be owned by uid ${process.getuid!()}, not 4321`);
  });
});

describe("defaultReleaseCache", () => {
  const saved = process.env.XDG_CACHE_HOME;
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  });

  it("is under XDG_CACHE_HOME when set, else under ~/.cache", () => {
    process.env.XDG_CACHE_HOME = "/var/cache/me";
    expect(defaultReleaseCache()).toBe("/var/cache/me/webtier/releases");
    process.env.XDG_CACHE_HOME = "";
    expect(defaultReleaseCache()).toBe(path.join(os.homedir(), ".cache", "webtier", "releases"));
  });
});
