import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { existingHostsConfig } from "./support/programConfig";
import { mockPulumi } from "./support/pulumi";

const mocks = mockPulumi();
pulumi.runtime.setAllConfig(
  existingHostsConfig(2, { uwsgi: { workerz: 4, harakiri: 75 }, balancing: "ip_hash", bastion: "lb-9" }),
  ["webtier:sshPrivateKey"],
);

it("refuses an invalid stack config with every problem and declares nothing", async () => {
  await expect(import("../index.js")).rejects.toThrow(
    [
      "invalid webtier configuration:",
      "  - uwsgi.workerz (4) is not a known key",
      "  - bastion (lb-9) must name a host in hosts.nginx",
      "  - uwsgi.harakiri (75) must be below nginx.uwsgiReadTimeout (60)",
    ].join("\n"),
  );
  // Registration is asynchronous: only once the program is idle does "nothing" mean nothing.
  await mocks.idle();
  expect(mocks.resources).toEqual([]);
});
