import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exampleConfig } from "../support/fixtures";
import { scratch, stackYaml, webtier } from "./cliSupport";

const work = scratch("webtier-out-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const file = path.join(work, "Pulumi.dev.yaml");
fs.writeFileSync(file, stackYaml(exampleConfig()));
const RENDERED = "lb-1: 5 files, 4 steps\napp-1: 6 files, 6 steps\napp-2: 6 files, 6 steps\n";
const UNPINNED = [["nginx[0]", "lb-1"], ["app[0]", "app-1"], ["app[1]", "app-2"]]
  .map(([key, host]) => `warning: hosts.${key}.hostKey (unset): SSH to ${host} accepts any host key; pin it\n`)
  .join("");

/** A directory holding a stale file and a link planted where render writes nginx.conf. */
function planted(name: string): { out: string; victim: string } {
  const out = path.join(work, name);
  const victim = path.join(work, `${name}-victim`);
  fs.writeFileSync(victim, "untouched\n");
  fs.mkdirSync(path.join(out, "lb-1", "etc", "nginx"), { recursive: true });
  fs.writeFileSync(path.join(out, "stale.conf"), "old\n");
  fs.symlinkSync(victim, path.join(out, "lb-1", "etc", "nginx", "nginx.conf"));
  return { out, victim };
}

describe("webtier render --out", () => {
  it.concurrent("refuses a non-empty directory without --replace and leaves it as it was", async () => {
    const { out, victim } = planted("full");
    const result = await webtier(work, "render", file, "--out", out);
    expect(result).toEqual({ status: 2, stdout: "", stderr: `${UNPINNED}webtier render: --out (${out}) is not empty: pass --replace to remove it and render afresh\n` });
    expect(fs.readFileSync(path.join(out, "stale.conf"), "utf8")).toBe("old\n");
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched\n");
  });

  it.concurrent("with --replace removes stale files and planted links, never writing through them", async () => {
    const { out, victim } = planted("replaced");
    const result = await webtier(work, "render", file, "--out", out, "--replace");
    expect([result.status, result.stdout]).toEqual([0, RENDERED]);
    expect(fs.existsSync(path.join(out, "stale.conf"))).toBe(false);
    const conf = path.join(out, "lb-1", "etc", "nginx", "nginx.conf");
    expect(fs.lstatSync(conf).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(conf, "utf8")).toMatch(/^# Rendered by webtier/);
    expect(fs.readFileSync(victim, "utf8")).toBe("untouched\n");
  });

  it.concurrent("refuses an --out that is a symbolic link, even to an empty directory; --replace replaces the link only", async () => {
    const target = path.join(work, "elsewhere");
    fs.mkdirSync(target);
    const out = path.join(work, "link");
    fs.symlinkSync(target, out);
    const refused = await webtier(work, "render", file, "--out", out);
    expect(refused).toEqual({
      status: 2,
      stdout: "",
      stderr: `${UNPINNED}webtier render: --out (${out}) is a symbolic link, which render never writes through: pass --replace to remove it and render afresh\n`,
    });
    const replaced = await webtier(work, "render", file, "--out", out, "--replace");
    expect([replaced.status, replaced.stdout]).toEqual([0, RENDERED]);
    expect(fs.lstatSync(out).isDirectory()).toBe(true);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it.concurrent("renders into an existing empty directory", async () => {
    const out = path.join(work, "empty");
    fs.mkdirSync(out);
    const result = await webtier(work, "render", file, "--out", out);
    expect([result.status, result.stdout]).toEqual([0, RENDERED]);
    expect(fs.readdirSync(out).sort()).toEqual(["app-1", "app-2", "lb-1"]);
  });

  it.concurrent("touches nothing, not even with --replace, when the config is invalid", async () => {
    const { out } = planted("invalid");
    const bad = path.join(work, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, stackYaml({ ...exampleConfig(), uwsgi: { uid: "root" } }));
    const result = await webtier(work, "render", bad, "--out", out, "--replace");
    expect(result.status).toBe(2);
    expect(fs.readFileSync(path.join(out, "stale.conf"), "utf8")).toBe("old\n");
  });
});
