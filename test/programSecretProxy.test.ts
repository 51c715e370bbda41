// `pulumi config set --secret webtier:aptProxy …`: the program keeps the proxy secret everywhere.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { existingHostsConfig } from "./support/programConfig";
import { isSecret, mockPulumi, valueOf } from "./support/pulumi";

const mocks = mockPulumi();
const resources = mocks.resources;
pulumi.runtime.setAllConfig(
  existingHostsConfig(2, { aptProxy: "http://10.0.0.5:3128", outputs: { renderedFiles: true, stepOutputs: true } }),
  ["webtier:sshPrivateKey", "webtier:aptProxy"],
);

let program: typeof import("../index");
beforeAll(async () => {
  program = await import("../index.js");
  await valueOf(program.stepOutputs);
  await mocks.idle();
}, 60_000);

describe("the program with webtier:aptProxy set as a secret", () => {
  it("marks every payload that carries the proxy secret and redacts it from renderedFiles", async () => {
    const stdin = (name: string) => resources.find((r) => r.name === name)!.inputs.stdin;
    expect(["webtier-lb-1-provision", "webtier-app-1-provision", "webtier-app-2-activate", "webtier-lb-1-activate"].map((n) => [n, isSecret(stdin(n))]))
      .toEqual([["webtier-lb-1-provision", true], ["webtier-app-1-provision", true], ["webtier-app-2-activate", true], ["webtier-lb-1-activate", false]]);
    const files = await valueOf(program.renderedFiles!);
    expect(JSON.stringify(files)).not.toContain("10.0.0.5:3128");
  });
});
