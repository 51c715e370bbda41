import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot, readAppSource } from "../../components/appSource";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-app-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function appDir(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const SECRETS = {
  ".env": "SECRET=1", ".env.production": "SECRET=2", ".git/config": "[core]", ".ssh/id_ed25519": "key",
  ".aws/credentials": "[default]", ".netrc": "machine x", "certs/server.pem": "pem", "certs/server.key": "key",
  "deploy/id_rsa": "key", "deploy/id_ed25519.pub": "pub", "terraform.tfstate": "{}", "terraform.tfstate.backup": "{}",
  "pkg/__pycache__/wsgi.cpython-311.pyc": "", "node_modules/x/index.js": "",
};

describe("readAppSource", () => {
  it("leaves dotfiles and common secret files out of the release by default", () => {
    const dir = appDir("default", { ...SECRETS, "wsgi.py": "app = None", "pkg/views.py": "", "static/app.css": "" });
    expect(readAppSource(dir).files).toEqual(["pkg/views.py", "static/app.css", "wsgi.py"]);
  });

  it("takes more rules from .webtierignore, which ships with the release: exclusions and !re-inclusions", () => {
    const dir = appDir("rules", {
      ...SECRETS, "wsgi.py": "", "docs/guide.md": "", "tests/test_app.py": "", ".well-known/security.txt": "contact",
      "config/local.py": "", "static/app.css": "",
      ".webtierignore": "# not for the hosts\ndocs/\ntests\n/config/local.py\n!.well-known\n",
    });
    expect(readAppSource(dir).files).toEqual([".webtierignore", ".well-known/security.txt", "static/app.css", "wsgi.py"]);
  });

  it("ships no symbolic link, which could point anywhere on the deploying machine", () => {
    const dir = appDir("links", { "wsgi.py": "" });
    fs.symlinkSync("/etc/passwd", path.join(dir, "passwd"));
    fs.symlinkSync("/etc", path.join(dir, "etc"));
    expect(readAppSource(dir).files).toEqual(["wsgi.py"]);
  });

  it("changes the release id when an included file changes, not when an excluded one does", () => {
    const dir = appDir("ids", { "wsgi.py": "v1", ".env": "A=1" });
    const first = readAppSource(dir).releaseId;
    fs.writeFileSync(path.join(dir, ".env"), "A=2");
    expect(readAppSource(dir).releaseId).toBe(first);
    fs.writeFileSync(path.join(dir, "wsgi.py"), "v2");
    expect(readAppSource(dir).releaseId).not.toBe(first);
  });

  it("refuses a directory with nothing to release", () => {
    const dir = appDir("empty", { ".env": "A=1", "__pycache__/x.pyc": "" });
    expect(() => readAppSource(dir)).toThrow(`app.source (${dir}) must not be empty`);
  });

  it("changes the release id when a file is renamed, and tells where one file ends and the next begins", () => {
    const id = (name: string, files: Record<string, string>) => readAppSource(appDir(name, files)).releaseId;
    expect(id("name-a", { "a.py": "x" })).not.toBe(id("name-b", { "b.py": "x" }));
    expect(id("split", { a: "x", b: "y" })).not.toBe(id("joined", { a: "xb\0y" }));
    expect(id("same-1", { "wsgi.py": "v1" })).toBe(id("same-2", { "wsgi.py": "v1" }));
  });
});

describe("packageRoot", () => {
  it("is the nearest directory above with a package.json", () => {
    const root = appDir("pkg-root", { "package.json": "{}", "dist/components/x.js": "" });
    expect(packageRoot(path.join(root, "dist", "components"))).toBe(root);
    expect(packageRoot(root)).toBe(root);
  });

  it("fails at the filesystem root", () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-nopkg-"));
    try {
      expect(() => packageRoot(bare)).toThrow(`no package.json above ${bare}`);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});
