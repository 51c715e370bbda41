import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { SECRET_KEYS } from "../components";
import { configSchema } from "../components/render/schema";

const project = parse(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));

it("declares every webtier config key, with a description, and no other", () => {
  const declared = Object.keys(project.config).sort();
  expect(declared).toEqual([...Object.keys(configSchema.shape), ...SECRET_KEYS].sort());
  for (const key of declared) expect(project.config[key].description, key).toMatch(/\S/);
});

it("marks exactly the secret keys secret and runs index.ts", () => {
  const secrets = Object.entries<any>(project.config).filter(([, v]) => v.secret).map(([k]) => k);
  expect(secrets.sort()).toEqual([...SECRET_KEYS].sort());
  expect(project.main).toBe("index.ts");
  expect(project.name).toBe("webtier");
});
