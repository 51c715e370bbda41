// `pulumi preview` / the preview of `pulumi up` for a NEW AWS stack: no instance or key exists,
// so every address and host key is unknown. The provider's Check must still pass everywhere.
import { beforeAll, describe, expect, it } from "vitest";
import { checkFailures, holdsUnknown, mockAwsPreview, remoteResourcesPerHost, setAwsConfig } from "./support/previewProgram";

const mocks = mockAwsPreview(() => false);
const resources = mocks.resources;
setAwsConfig(3);

beforeAll(async () => {
  await import("../index.js");
  await mocks.idle();
}, 60_000);

describe("the program previewed for a new AWS stack (1 nginx + 3 app hosts)", () => {
  it("passes the provider's Check on every remote resource", async () => {
    expect(await checkFailures(resources)).toEqual([]);
  });

  it("uploads the release from a source that is known, while connections and payloads are not yet", () => {
    const uploads = resources.filter((r) => r.type === "command:remote:CopyToRemote");
    expect(uploads.map((r) => r.name).sort()).toEqual(["webtier-app-1-release", "webtier-app-2-release", "webtier-app-3-release"]);
    for (const upload of uploads) {
      expect({ upload: upload.name, source: holdsUnknown(upload.inputs.source), remotePath: holdsUnknown(upload.inputs.remotePath) })
        .toEqual({ upload: upload.name, source: false, remotePath: false });
      expect(holdsUnknown(upload.inputs.connection)).toBe(true);
    }
    const activate = resources.find((r) => r.name === "webtier-app-1-activate")!;
    expect(holdsUnknown(activate.inputs.stdin)).toBe(true);
  });

  it("declares at most four remote resources per host", () => {
    expect(remoteResourcesPerHost(resources)).toEqual({
      "lb-1": ["Command:activate", "Command:hostkey", "Command:provision"],
      "app-1": ["Command:activate", "Command:hostkey", "Command:provision", "CopyToRemote:release"],
      "app-2": ["Command:activate", "Command:hostkey", "Command:provision", "CopyToRemote:release"],
      "app-3": ["Command:activate", "Command:hostkey", "Command:provision", "CopyToRemote:release"],
    });
  });
});
