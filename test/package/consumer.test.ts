import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";

// The package as a user gets it: packed from a clean export of the repository (what a clone
// holds: tracked and new files, nothing ignored such as dist/), installed from the tarball into a
// new project, type-checked against and run under mocks. Needs the npm registry (or npm's cache).
const ROOT = path.resolve(__dirname, "../..");
const FIXTURE = path.join(__dirname, "consumer");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-consumer-"));
const source = path.join(work, "source");
const consumer = path.join(work, "consumer");
let pack: { filename: string; size: number; entryCount: number; files: { path: string }[] };

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 240_000, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return String(result.stdout);
}

beforeAll(() => {
  const listed = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT }).split("\0").filter(Boolean);
  for (const file of listed) {
    if (!fs.existsSync(path.join(ROOT, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(source, file));
  }
  // The build needs the development dependencies; installing them again would only take time.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(source, "node_modules"));
  pack = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], { cwd: source }))[0];

  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  for (const file of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, file), path.join(consumer, file));
  run("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", path.join(work, pack.filename)], { cwd: consumer });
}, 300_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it("packs what runs and nothing of the tests, the lab's state or the repository's tooling", () => {
  const files = pack.files.map((f) => f.path);
  for (const needed of ["dist/components/index.js", "dist/components/index.d.ts", "dist/provider/index.js", "bin/webtier.js", "cli/main.ts", "sample-app/wsgi.py"]) {
    expect(files, needed).toContain(needed);
  }
  expect(files.filter((f) => /^(test|scripts|examples|bench|api|\.lab)\/|\.test\.|^dist\/(test|bench)\//.test(f))).toEqual([]);
  // Sources, compiled files, declarations and source maps of components, cli and the lab (the
  // drills, the bench and the lab engine ship with the CLI): a jump past these bounds means
  // something new got in.
  expect(files, "the bench's I/O-bound app").toContain("lab/bench/io-bound-app/wsgi.py");
  expect(pack.entryCount).toBeLessThan(680);
  expect(pack.size).toBeLessThan(600_000);
});

it("installs with a single copy of @pulumi/pulumi", () => {
  const tree = run("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], { cwd: consumer }).trim().split("\n");
  expect(tree.filter((p) => p.endsWith(path.join("node_modules", "@pulumi", "pulumi")))).toEqual([path.join(consumer, "node_modules", "@pulumi", "pulumi")]);
});

it("type-checks a program against the installed package and runs it under mocks", () => {
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  // Node's own types come from the repository: the consumer installed webtier and nothing else.
  run(process.execPath, [tsc, "-p", "tsconfig.json", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "--types", "node"], { cwd: consumer });
  const printed = JSON.parse(run(process.execPath, ["out/main.js"], { cwd: consumer }));
  expect(printed.upstream).toEqual(["    server 10.0.1.11:3031 max_fails=3 fail_timeout=10s;", "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s;"]);
  expect(printed.types).toEqual([
    "command:remote:Command", "command:remote:Command", "command:remote:Command", "command:remote:Command", "command:remote:Command", "command:remote:Command",
    "command:remote:CopyToRemote", "command:remote:CopyToRemote",
    "webtier:index:AppTier", "webtier:index:HostConfiguration", "webtier:index:HostConfiguration", "webtier:index:HostConfiguration",
    "webtier:index:NginxTier", "webtier:index:WebTier",
  ]);
}, 120_000);

it("runs the CLI from the installed package: npx webtier render", () => {
  run("npx", ["--no-install", "webtier", "render", "Pulumi.test.yaml", "--out", "out/render"], { cwd: consumer });
  const upstream = fs.readFileSync(path.join(consumer, "out/render/lb-1/etc/nginx/webtier/upstream.conf"), "utf8");
  expect(upstream.split("\n").filter((l) => l.includes("server "))).toEqual([
    "    server 10.0.1.11:3031 max_fails=3 fail_timeout=10s;",
    "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s;",
  ]);
}, 120_000);
