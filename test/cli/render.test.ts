import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { exampleConfig } from "../support/fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-cli-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function stackFile(name: string, values: Record<string, unknown>): string {
  const config: Record<string, unknown> = { "aws:region": "eu-west-1" };
  for (const [key, value] of Object.entries(values)) config[`webtier:${key}`] = value;
  const file = path.join(work, name);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

function webtier(...args: string[]) {
  const result = spawnSync(path.join(ROOT, "bin", "webtier.js"), args, { encoding: "utf8", cwd: work, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function listTree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("webtier render", () => {
  it("writes every host's files at their absolute paths and the steps in order", () => {
    const out = path.join(work, "out");
    const result = webtier("render", stackFile("Pulumi.dev.yaml", exampleConfig()), "--out", out);
    expect(result.stderr).toBe(
      ["lb-1", "app-1", "app-2"]
        .map((h, i) => `warning: hosts.${i === 0 ? "nginx[0]" : `app[${i - 1}]`}.hostKey (unset): SSH to ${h} accepts any host key; pin it\n`)
        .join(""),
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("lb-1: 5 files, 4 steps\napp-1: 6 files, 6 steps\napp-2: 6 files, 6 steps\n");
    const app = listTree(path.join(out, "app-1"));
    const release = app.find((f) => f.startsWith("srv/webtier/releases/"))!.split("/")[3];
    expect(app).toEqual([
      ".steps/10-prepare.sh", ".steps/20-packages.sh", ".steps/30-sysctl.sh", ".steps/35-firewall.sh", ".steps/40-app.sh",
      ".steps/50-uwsgi.sh", "etc/sysctl.d/99-webtier.conf", "etc/systemd/system/webtier-firewall.service",
      "etc/systemd/system/webtier-uwsgi.service", "etc/webtier/firewall.nft", "etc/webtier/uwsgi.ini",
      `srv/webtier/releases/${release}/wsgi.py`, "usr/local/lib/webtier/uwsgi-probe.py",
    ]);
    expect(listTree(path.join(out, "lb-1"))).toEqual([
      ".steps/10-prepare.sh", ".steps/20-packages.sh", ".steps/30-sysctl.sh", ".steps/50-nginx.sh",
      "etc/nginx/nginx.conf", "etc/nginx/webtier/site.conf", "etc/nginx/webtier/upstream.conf",
      "etc/sysctl.d/99-webtier.conf", "etc/systemd/system/nginx.service.d/webtier-limits.conf",
    ]);
    expect(fs.readFileSync(path.join(out, "lb-1/etc/nginx/webtier/upstream.conf"), "utf8")).toContain(
      "    server 10.0.1.11:3031 weight=2 max_fails=3 fail_timeout=10s;\n    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s backup;\n",
    );
    expect(fs.statSync(path.join(out, "app-1/.steps/50-uwsgi.sh")).mode & 0o777).toBe(0o755);
  });

  it("renders byte-identical output on a second run", () => {
    const file = stackFile("Pulumi.same.yaml", exampleConfig());
    expect(webtier("render", file, "--out", path.join(work, "a")).status).toBe(0);
    expect(webtier("render", file, "--out", path.join(work, "b")).status).toBe(0);
    for (const rel of listTree(path.join(work, "a"))) {
      expect(fs.readFileSync(path.join(work, "b", rel))).toEqual(fs.readFileSync(path.join(work, "a", rel)));
    }
    expect(listTree(path.join(work, "b"))).toEqual(listTree(path.join(work, "a")));
  });

  it("prints every problem, exits non-zero and writes nothing for an invalid config", () => {
    const out = path.join(work, "never");
    const bad = { ...exampleConfig(), uwsgi: { wrokers: 6, harakiri: 90 }, balancing: "ip_hash" };
    const result = webtier("render", stackFile("Pulumi.bad.yaml", bad), "--out", out);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        "invalid webtier configuration:",
        "  - uwsgi.wrokers (6) is not a known key",
        "  - uwsgi.harakiri (90) must be below nginx.uwsgiReadTimeout (60)",
        "  - hosts.app[1].backup (true) cannot be combined with balancing ip_hash: nginx -t rejects it",
        "",
      ].join("\n"),
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  it("resolves app.source relative to the stack config file", () => {
    const appDir = path.join(work, "myapp");
    fs.mkdirSync(path.join(appDir, "pkg"), { recursive: true });
    fs.writeFileSync(path.join(appDir, "pkg", "wsgi.py"), "application = None\n");
    const file = stackFile("Pulumi.src.yaml", { ...exampleConfig(), app: { source: "myapp", module: "pkg.wsgi" } });
    const out = path.join(work, "src-out");
    expect(webtier("render", file, "--out", out).status).toBe(0);
    const files = listTree(path.join(out, "app-2")).filter((f) => f.startsWith("srv/"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^srv\/webtier\/releases\/[0-9a-f]{16}\/pkg\/wsgi\.py$/);
  });
});
