// The provider's Check (pulumi-command v1.2.1 CopyToRemote.Check) as the lab engine applies it.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { checkRemoteResource, describeCheckFailure } from "../../../lab/engine/check";
import { SECRET_SIG, SECRET_VALUE, UNKNOWN_SENTINEL } from "../../../lab/engine/inputs";

const COPY = "command:remote:CopyToRemote";
const connection = { [SECRET_SIG]: SECRET_VALUE, value: { host: "10.0.0.1" } };

describe("CopyToRemote Check", () => {
  it("fails an unknown source: v1.2.1 reads it as neither asset nor archive", async () => {
    expect(await checkRemoteResource(COPY, { connection, source: UNKNOWN_SENTINEL, remotePath: "/x" }))
      .toEqual([{ property: "asset", reason: "either asset or archive must be set" }]);
    expect(await checkRemoteResource(COPY, { connection, source: pulumi.unknown, remotePath: "/x" }))
      .toEqual([{ property: "asset", reason: "either asset or archive must be set" }]);
    expect(await checkRemoteResource(COPY, { connection, source: new pulumi.asset.StringAsset(UNKNOWN_SENTINEL), remotePath: "/x" }))
      .toEqual([{ property: "asset", reason: "either asset or archive must be set" }]);
  });

  it("fails a missing source", async () => {
    expect(await checkRemoteResource(COPY, { connection, remotePath: "/x" })).toEqual([{ property: "asset", reason: "either asset or archive must be set" }]);
  });

  it("fails an archive that is not a path", async () => {
    const archive = new pulumi.asset.AssetArchive({ "a.txt": new pulumi.asset.StringAsset("a") });
    expect(await checkRemoteResource(COPY, { connection, source: archive, remotePath: "/x" }))
      .toEqual([{ property: "archive", reason: "archive must be a path to a file or directory" }]);
    expect(await checkRemoteResource(COPY, { connection, source: new pulumi.asset.RemoteArchive("https://example.com/a.tgz"), remotePath: "/x" }))
      .toEqual([{ property: "archive", reason: "archive must be a path to a file or directory" }]);
  });

  it("fails an asset that is neither a path nor text", async () => {
    expect(await checkRemoteResource(COPY, { connection, source: new pulumi.asset.RemoteAsset("https://example.com/a"), remotePath: "/x" }))
      .toEqual([{ property: "asset", reason: "asset must be a path-based file asset or a text asset" }]);
  });

  it("passes text and file assets and path archives", async () => {
    for (const source of [new pulumi.asset.StringAsset("hi"), new pulumi.asset.FileAsset("/etc/hostname"), new pulumi.asset.FileArchive("/etc/")]) {
      expect(await checkRemoteResource(COPY, { connection, source, remotePath: "/x" })).toEqual([]);
    }
  });

  it("has nothing to say about a Command, and refuses other types", async () => {
    expect(await checkRemoteResource("command:remote:Command", { connection, create: UNKNOWN_SENTINEL })).toEqual([]);
    await expect(checkRemoteResource("aws:ec2/instance:Instance", {})).rejects.toThrow("no provider Check for aws:ec2/instance:Instance");
  });

  it("reads like the engine's check error", () => {
    expect(describeCheckFailure(COPY, "webtier-app-1-files", { property: "asset", reason: "either asset or archive must be set" }))
      .toBe("command:remote:CopyToRemote resource 'webtier-app-1-files': property asset has a problem: either asset or archive must be set");
  });
});
