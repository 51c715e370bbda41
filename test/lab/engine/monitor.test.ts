// The engine under the real SDK (apply): the resource options Pulumi's engine acts on reach it
// through the monitor, which `setMocks`' newResource would not deliver.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import type { Registration } from "../../../lab/engine/engine";
import { SECRET_SIG, SECRET_VALUE } from "../../../lab/engine/inputs";
import { installEngine, markSecretOutputs, unsupportedOptions } from "../../../lab/engine/monitor";
import { readDeployState } from "../../../lab/engine/state";
import { engineRun, newStateFile } from "./engineSupport";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

it("passes the registration's options to the engine, records dependencies and deletedWith, answers stdout", async () => {
  const stateFile = newStateFile();
  const run = engineRun(stateFile);
  const registrations: Registration[] = [];
  const register = run.engine.register.bind(run.engine);
  run.engine.register = (r) => {
    registrations.push(r);
    return register(r);
  };
  installEngine(run.engine, "webtier", "lab", false);
  const connection = { host: "10.0.0.11", user: "admin", privateKey: pulumi.secret("KEY") };
  const host = new command.remote.Command("host", { connection, create: "identify", delete: "wipe" });
  const step = new command.remote.Command("step", { connection, create: pulumi.interpolate`configure ${host.stdout}` }, {
    deletedWith: host, deleteBeforeReplace: true, replaceOnChanges: ["stdin"], dependsOn: [host],
  });
  const created = await new Promise((resolve) => step.create.apply(resolve));
  await waitForRPCs();
  await run.engine.idle();
  expect(created).toBe("configure out:identify");
  expect(run.transport.calls).toEqual(["dial admin@10.0.0.11", "exec #1 identify", "dial admin@10.0.0.11", "exec #2 configure out:identify"]);
  const hostUrn = "urn:pulumi:lab::webtier::command:remote:Command::host";
  expect(registrations.map((r) => [r.name, r.deleteBeforeReplace, r.replaceOnChanges, r.deletedWith])).toEqual([
    // @pulumi/command itself asks for `triggers[*]`.
    ["host", false, ["triggers[*]"], undefined],
    ["step", true, ["stdin", "triggers[*]"], hostUrn],
  ]);
  const recorded = readDeployState(stateFile).resources["urn:pulumi:lab::webtier::command:remote:Command::step"]!;
  expect({ dependencies: recorded.dependencies, deletedWith: recorded.deletedWith }).toEqual({ dependencies: [hostUrn], deletedWith: hostUrn });
  // The connection's defaults come from the SDK; the secret is unwrapped in the state.
  expect(recorded.inputs.connection).toEqual({ host: "10.0.0.11", user: "admin", privateKey: "KEY", port: 22, dialErrorLimit: 10, perDialTimeout: 15 });
});

it("names the options a registration sets that the engine does not implement", () => {
  const { RegisterResourceRequest } = require("@pulumi/pulumi/proto/resource_pb");
  const req = new RegisterResourceRequest();
  expect(unsupportedOptions(req)).toEqual([]);
  // Whole top-level inputs are ignored as the engine does; a nested path is not implemented.
  req.setIgnorechangesList(["stdin"]);
  expect(unsupportedOptions(req)).toEqual([]);
  req.setIgnorechangesList(["connection.host"]);
  req.setRetainondelete(true);
  req.setProtect(true);
  req.setReplaceWithList(["urn:x"]);
  expect(unsupportedOptions(req)).toEqual(["ignoreChanges (nested path)", "retainOnDelete", "protect", "replaceWith"]);
});

it("marks the outputs named in additionalSecretOutputs secret, once, as the engine does", () => {
  const wrapped = { [SECRET_SIG]: SECRET_VALUE, value: "k" };
  expect(markSecretOutputs({ privateKeyPem: "k", publicKeyPem: "p", connection: wrapped, absent: undefined }, ["privateKeyPem", "connection", "absent", "other"]))
    .toEqual({ privateKeyPem: wrapped, publicKeyPem: "p", connection: wrapped, absent: undefined });
});
