import * as fs from "node:fs";
import { expect, it } from "vitest";
import { renderApiReport, REPORT } from "../../scripts/apiReport";

it("exports exactly what api/webtier.api.md records (after a deliberate change: npm run api:report)", () => {
  expect(renderApiReport()).toBe(fs.readFileSync(REPORT, "utf8"));
}, 60_000);

it("keeps internals out of the public API", async () => {
  const api = await import("../../components/index.js");
  const internals = ["HOST_PREFIX", "DEBIAN_OWNER", "HostConfiguration", "AppTier", "NginxTier", "encodeBundle", "REMOTE", "configSchema"];
  expect(internals.filter((name) => name in api)).toEqual([]);
});
