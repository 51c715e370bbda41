import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");

beforeAll(() => {
  // The package as other programs consume it: compiled JS plus declarations.
  const build = spawnSync(tsc, ["-p", "tsconfig.build.json"], { cwd: ROOT, encoding: "utf8" });
  expect(build.stdout + build.stderr).toBe("");
  expect(build.status).toBe(0);
}, 120_000);

it("builds to JS and .d.ts", () => {
  for (const file of ["components/index.js", "components/index.d.ts", "components/webTier.d.ts", "components/aws/tiers.d.ts"]) {
    expect(fs.existsSync(path.join(ROOT, "dist", file)), file).toBe(true);
  }
});

it("type-checks the two-tier example that imports the components by package name", () => {
  const check = spawnSync(tsc, ["-p", "examples/two-tiers/tsconfig.json"], { cwd: ROOT, encoding: "utf8" });
  expect(check.stdout + check.stderr).toBe("");
  expect(check.status).toBe(0);
}, 120_000);
