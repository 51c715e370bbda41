// The preview of a scale-out from 3 to 4 app hosts: the existing instances answer with their
// addresses, the new one's are unknown — and so is the upstream every nginx payload renders.
import { beforeAll, describe, expect, it } from "vitest";
import { checkFailures, holdsUnknown, mockAwsPreview, remoteResourcesPerHost, setAwsConfig } from "./support/previewProgram";

const mocks = mockAwsPreview((type, name) => type !== "aws:ec2/instance:Instance" || !name.endsWith("-app-4"));
const resources = mocks.resources;
setAwsConfig(4);

beforeAll(async () => {
  await import("../index.js");
  await mocks.idle();
}, 60_000);

describe("the program previewed for a scale-out from 3 to 4 app hosts", () => {
  it("passes the provider's Check on every remote resource", async () => {
    expect(await checkFailures(resources)).toEqual([]);
  });

  it("leaves unknown exactly the payloads the new machine changes; every upload source stays known", () => {
    const unknownStdin = resources
      .filter((r) => r.type === "command:remote:Command" && holdsUnknown(r.inputs.stdin))
      .map((r) => r.name)
      .sort();
    // The new host's own payloads, and the nginx activation, whose upstream lists it. The other
    // app hosts' payloads name only their own address and the nginx tier's: the preview shows
    // them unchanged.
    expect(unknownStdin).toEqual(["webtier-app-4-activate", "webtier-app-4-provision", "webtier-lb-1-activate"]);
    for (const upload of resources.filter((r) => r.type === "command:remote:CopyToRemote")) {
      expect({ upload: upload.name, source: holdsUnknown(upload.inputs.source) }).toEqual({ upload: upload.name, source: false });
    }
  });

  it("declares at most four remote resources per host", () => {
    const perHost = remoteResourcesPerHost(resources);
    expect(Object.keys(perHost).sort()).toEqual(["app-1", "app-2", "app-3", "app-4", "lb-1"]);
    for (const [host, kinds] of Object.entries(perHost)) expect({ host, count: kinds.length }).toEqual({ host, count: host === "lb-1" ? 3 : 4 });
  });
});
