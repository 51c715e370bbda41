import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { existingHostsConfig } from "./support/programConfig";
import { mockPulumi } from "./support/pulumi";

const mocks = mockPulumi();
pulumi.runtime.setAllConfig(
  existingHostsConfig(2, { uwsgi: { workerz: 4, harakiri: 75 }, balancing: "ip_hash", bastion: "lb-9" }),
  ["webtier:sshPrivateKey"],
);

// The program runs once, as `pulumi up` runs it; the test judges what it did.
let refused: string | undefined;
beforeAll(async () => {
  refused = await import("../index.js").then(() => undefined, (err: Error) => err.message);
});

it("refuses an invalid stack config with every problem and declares nothing", async () => {
  expect(refused).toBe(
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
