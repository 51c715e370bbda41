// CopyToRemote's landing rules, run here with bash and GNU tar as they run on a host (under the
// default umask 022 of an SSH session): where the files land and with which modes.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyCommand } from "../../../lab/engine/copyCommands";
import type { CopySource } from "../../../lab/engine/source";
import { tarDirectory } from "../../../lab/engine/tar";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-copy-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function land(source: CopySource, remotePath: string): { code: number | null; stderr: string } {
  const input = source.kind === "text" ? source.text : source.kind === "file" ? fs.readFileSync(source.path) : tarDirectory(source.path);
  const r = spawnSync("bash", ["-c", `umask 022; ${copyCommand(source, remotePath)}`], { input });
  return { code: r.status, stderr: r.stderr.toString().trim() };
}

/** `relative path mode` for everything under dir. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort().map((p) => `${p} ${(fs.statSync(path.join(dir, p)).mode & 0o777).toString(8)}`);
}

function localApp(): string {
  const dir = path.join(tmp, `app-${++n}`);
  fs.mkdirSync(path.join(dir, "pkg", "private"), { recursive: true });
  fs.writeFileSync(path.join(dir, "wsgi.py"), "app = 1\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "pkg", "private", "k.txt"), "k\n", { mode: 0o600 });
  fs.chmodSync(path.join(dir, "pkg", "private"), 0o700);
  return dir;
}

describe("CopyToRemote landing", () => {
  it("a directory with a trailing slash: its contents at remotePath, parents created, modes 0644/0755", () => {
    const dest = path.join(tmp, `d${++n}`, "srv", "release");
    expect(land({ kind: "dir", path: `${localApp()}/`, hash: "h" }, dest)).toEqual({ code: 0, stderr: "" });
    expect(tree(dest)).toEqual(["pkg 755", "pkg/private 755", "pkg/private/k.txt 644", "wsgi.py 644"]);
    expect(fs.statSync(path.dirname(dest)).mode & 0o777).toBe(0o755);
  });

  it("a directory without the slash lands at remotePath/<basename>", () => {
    const app = localApp();
    const dest = path.join(tmp, `d${++n}`);
    expect(land({ kind: "dir", path: app, hash: "h" }, dest).code).toBe(0);
    expect(tree(dest)).toEqual([`${path.basename(app)} 755`, `${path.basename(app)}/pkg 755`, `${path.basename(app)}/pkg/private 755`,
      `${path.basename(app)}/pkg/private/k.txt 644`, `${path.basename(app)}/wsgi.py 644`]);
  });

  it("a directory onto an existing file fails like the provider", () => {
    const dest = path.join(tmp, `f${++n}`);
    fs.writeFileSync(dest, "x");
    expect(land({ kind: "dir", path: `${localApp()}/`, hash: "h" }, dest)).toEqual({ code: 1, stderr: `remote path ${dest} exists but is not a directory` });
  });

  it("text needs a file path; parents are created; an existing file keeps its mode", () => {
    const dest = path.join(tmp, `t${++n}`, "etc", "conf");
    expect(land({ kind: "text", text: "a=1\n", hash: "h" }, dest).code).toBe(0);
    expect([fs.readFileSync(dest, "utf8"), (fs.statSync(dest).mode & 0o777).toString(8)]).toEqual(["a=1\n", "644"]);
    fs.chmodSync(dest, 0o600);
    expect(land({ kind: "text", text: "a=2\n", hash: "h" }, dest).code).toBe(0);
    expect([fs.readFileSync(dest, "utf8"), (fs.statSync(dest).mode & 0o777).toString(8)]).toEqual(["a=2\n", "600"]);
    expect(land({ kind: "text", text: "x", hash: "h" }, path.dirname(dest))).toEqual({
      code: 1, stderr: `remote path ${path.dirname(dest)} is a directory; when using a text asset, remotePath must be a file path`,
    });
  });

  it("a file goes into an existing directory as dir/<name>, else to remotePath", () => {
    const file = path.join(localApp(), "wsgi.py");
    const dir = path.join(tmp, `e${++n}`);
    fs.mkdirSync(dir);
    expect(land({ kind: "file", path: file, hash: "h" }, dir).code).toBe(0);
    expect(tree(dir)).toEqual(["wsgi.py 644"]);
    expect(land({ kind: "file", path: file, hash: "h" }, path.join(dir, "new", "app.py")).code).toBe(0);
    expect(tree(dir)).toEqual(["new 755", "new/app.py 644", "wsgi.py 644"]);
  });

  it("keeps paths longer than a tar name field", () => {
    const src = path.join(tmp, `long${++n}`);
    const deep = path.join(src, "a".repeat(60), "b".repeat(60));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, "c".repeat(40)), "deep\n");
    const dest = path.join(tmp, `long-dest${n}`);
    expect(land({ kind: "dir", path: `${src}/`, hash: "h" }, dest).code).toBe(0);
    expect(fs.readFileSync(path.join(dest, "a".repeat(60), "b".repeat(60), "c".repeat(40)), "utf8")).toBe("deep\n");
  });
});
