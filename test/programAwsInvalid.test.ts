import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { AWS_FUNCTIONS, awsOutputs } from "./support/previewProgram";
import { mockPulumi } from "./support/pulumi";

// AWS mode, with a tuning that webtier refuses: one rule that needs no host, and one that only the
// machines the stack would create break (Debian's images log in as admin, a sudoer).
const mocks = mockPulumi({ outputs: awsOutputs(), functions: AWS_FUNCTIONS });
pulumi.runtime.setAllConfig(
  {
    "aws:region": "eu-west-1",
    "webtier:aws": JSON.stringify({ adminCidr: "192.0.2.0/24", appCount: 3 }),
    "webtier:uwsgi": JSON.stringify({ harakiri: 75, uid: "admin" }),
  },
  [],
);

// The program runs once, as `pulumi up` runs it; the test judges what it did.
let refused: string | undefined;
beforeAll(async () => {
  refused = await import("../index.js").then(() => undefined, (err: Error) => err.message);
});

it("refuses an invalid tuning on AWS with every problem before it creates a single cloud resource", async () => {
  expect(refused).toBe(
    [
      "invalid webtier configuration:",
      "  - uwsgi.harakiri (75) must be below nginx.uwsgiReadTimeout (60)",
      "  - uwsgi.uid (admin) must differ from the SSH user of hosts.nginx[0] (lb-1): that user has passwordless sudo, so the app would be root in effect",
    ].join("\n"),
  );
  // Registration is asynchronous: only once the program is idle does "nothing" mean nothing.
  await mocks.idle();
  expect(mocks.resources.map((r) => `${r.type} ${r.name}`)).toEqual([]);
});
