// The engine under the real SDK in a preview (setMocks' 4th argument): outputs of what would change
// are left out, and the SDK reads them as unknown, so a CopyToRemote whose source depends on them
// fails the provider's Check, as v1.2.1 does in `pulumi preview`. Nothing is dialed. The same for
// tls resources: a new key or certificate is unknown until the apply generates it; a recorded one
// answers its recorded outputs, secrets still secret.
import * as fs from "node:fs";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { expect, it } from "vitest";
import { planLines } from "../../../lab/engine/format";
import { installEngine } from "../../../lab/engine/monitor";
import { apply, command as commandRegistration, engineRun, newStateFile, privateKey } from "./engineSupport";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

it("plans without dialing; changing outputs are unknown, unchanged ones recorded; an unknown copy source fails Check", async () => {
  const stateFile = newStateFile();
  // Recorded earlier: "same" (unchanged) and "old" (which has left the program).
  const recorded = await apply(stateFile, [
    commandRegistration("same", { create: "hostname" }), commandRegistration("old", { create: "o", delete: "rm" }),
    privateKey("deploy-key", { algorithm: "ED25519" }),
  ]);
  const recordedKey = fs.readFileSync(stateFile, "utf8");
  expect(recorded.engine.stats.executed).toBe(3);
  const run = engineRun(stateFile, true);
  installEngine(run.engine, "webtier", "lab", true);
  const connection = { host: "10.0.0.11", user: "admin", port: 22, privateKey: pulumi.secret("KEY"), dialErrorLimit: 10, perDialTimeout: 15 };
  const same = new command.remote.Command("same", { connection, create: "hostname", addPreviousOutputInEnv: false });
  const fresh = new command.remote.Command("fresh", { connection, create: "identify" });
  new command.remote.CopyToRemote("files", { connection, source: fresh.stdout.apply((t) => new pulumi.asset.StringAsset(t)), remotePath: "/etc/x" });
  new command.remote.CopyToRemote("static", { connection, source: new pulumi.asset.StringAsset("x"), remotePath: "/etc/y" });
  const deployKey = new tls.PrivateKey("deploy-key", { algorithm: "ED25519" });
  const key = new tls.PrivateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const cert = new tls.SelfSignedCert("cert", {
    privateKeyPem: key.privateKeyPem, subject: { commonName: "webtier.test" }, dnsNames: ["webtier.test"], ipAddresses: ["10.0.0.11"],
    validityPeriodHours: 8760, earlyRenewalHours: 720, allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
  });
  const outputs = [same.stdout, fresh.stdout, deployKey.publicKeyOpenssh, deployKey.privateKeyOpenssh, key.privateKeyPem, key.publicKeyPem, cert.certPem, cert.validityEndTime];
  const known = await Promise.all(outputs.map((o) => (o as any).isKnown as Promise<boolean>));
  const secret = await (deployKey.privateKeyOpenssh as any).isSecret;
  const sameStdout = await (same.stdout as any).promise();
  const recordedPublic = await (deployKey.publicKeyOpenssh as any).promise();
  await waitForRPCs();
  await run.engine.idle();
  await run.engine.finish();
  expect(known).toEqual([true, false, true, true, false, false, false, false]);
  expect(sameStdout).toBe("out:hostname");
  expect(secret).toBe(true);
  expect(recordedPublic).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/]+=*\n$/);
  expect(recordedKey).toContain(JSON.stringify(recordedPublic));
  expect(run.engine.checkFailures).toEqual([
    "command:remote:CopyToRemote resource 'files': property asset has a problem: either asset or archive must be set",
  ]);
  expect(run.engine.plan.map((s) => `${s.op} ${s.name}`).sort()).toEqual([
    "create cert", "create fresh", "create key", "create static", "delete old", "same deploy-key", "same same",
  ]);
  // Per type, the command lines as before; the per-resource lines come in registration order.
  const lines = planLines(run.engine.plan);
  expect(lines.slice(0, 4)).toEqual([
    "plan: command:remote:Command: 1 create, 0 update, 0 replace, 1 delete, 1 same",
    "plan: command:remote:CopyToRemote: 1 create, 0 update, 0 replace, 0 delete, 0 same",
    "plan: tls:index/privateKey:PrivateKey: 1 create, 0 update, 0 replace, 0 delete, 1 same",
    "plan: tls:index/selfSignedCert:SelfSignedCert: 1 create, 0 update, 0 replace, 0 delete, 0 same",
  ]);
  expect(lines.slice(4).sort()).toEqual([
    "plan:   create  cert (SelfSignedCert on local)",
    "plan:   create  fresh (Command on lb-1)",
    "plan:   create  key (PrivateKey on local)",
    "plan:   create  static (CopyToRemote on lb-1)",
    "plan:   delete  old (Command on lb-1)",
  ]);
  expect(run.transport.calls).toEqual([]);
  // A preview writes no state: nothing was generated for it.
  expect(fs.readFileSync(stateFile, "utf8")).toBe(recordedKey);
});
