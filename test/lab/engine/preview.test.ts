// The engine under the real SDK in a preview (setMocks' 4th argument): outputs of what would change
// are left out, and the SDK reads them as unknown, so a CopyToRemote whose source depends on them
// fails the provider's Check, as v1.2.1 does in `pulumi preview`. Nothing is dialed.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { installEngine } from "../../../lab/engine/monitor";
import { apply, command as commandRegistration, engineRun, newStateFile } from "./engineSupport";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

it("plans without dialing; changing outputs are unknown, unchanged ones recorded; an unknown copy source fails Check", async () => {
  const stateFile = newStateFile();
  // Recorded earlier: "same" (unchanged) and "old" (which has left the program).
  await apply(stateFile, [commandRegistration("same", { create: "hostname" }), commandRegistration("old", { create: "o", delete: "rm" })]);
  const run = engineRun(stateFile, true);
  installEngine(run.engine, "webtier", "lab", true);
  const connection = { host: "10.0.0.11", user: "admin", port: 22, privateKey: pulumi.secret("KEY"), dialErrorLimit: 10, perDialTimeout: 15 };
  const same = new command.remote.Command("same", { connection, create: "hostname", addPreviousOutputInEnv: false });
  const fresh = new command.remote.Command("fresh", { connection, create: "identify" });
  new command.remote.CopyToRemote("files", { connection, source: fresh.stdout.apply((t) => new pulumi.asset.StringAsset(t)), remotePath: "/etc/x" });
  new command.remote.CopyToRemote("static", { connection, source: new pulumi.asset.StringAsset("x"), remotePath: "/etc/y" });
  const known = await Promise.all([same.stdout, fresh.stdout].map((o) => (o as any).isKnown as Promise<boolean>));
  const sameStdout = await (same.stdout as any).promise();
  await waitForRPCs();
  await run.engine.idle();
  await run.engine.finish();
  expect(known).toEqual([true, false]);
  expect(sameStdout).toBe("out:hostname");
  expect(run.engine.checkFailures).toEqual([
    "command:remote:CopyToRemote resource 'files': property asset has a problem: either asset or archive must be set",
  ]);
  expect(run.engine.plan.map((s) => `${s.op} ${s.name}`).sort()).toEqual(["create fresh", "create static", "delete old", "same same"]);
  expect(run.transport.calls).toEqual([]);
});
