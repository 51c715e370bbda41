// Drives a DeployEngine the way the monitor does, against a FakeTransport and a temp state file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll } from "vitest";
import { DeployEngine, type Registration } from "../../../lab/engine/engine";
import { SECRET_SIG, SECRET_VALUE } from "../../../lab/engine/inputs";
import { FakeTransport } from "./fakeTransport";

export const COMMAND = "command:remote:Command";
export const COPY = "command:remote:CopyToRemote";
export const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";

export const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-engine-"));
// Registered on the importing test file: its state files go when it is done.
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

export const direct = { host: "10.0.0.11", port: 22, user: "admin", privateKey: "KEY", dialErrorLimit: 10, perDialTimeout: 15 };
export const viaBastion = { host: "10.0.1.101", port: 22, user: "admin", privateKey: "KEY", dialErrorLimit: 10, perDialTimeout: 15, proxy: direct };
export const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });

export const urnOf = (type: string, name: string) => `urn:pulumi:lab::webtier::${type}::${name}`;

export function command(name: string, inputs: Record<string, unknown>, options: Partial<Registration> = {}): Registration {
  return {
    type: COMMAND, name, urn: urnOf(COMMAND, name), custom: true, dependencies: [],
    inputs: { connection: secret(direct), addPreviousOutputInEnv: false, ...inputs }, ...options,
  };
}

export function copy(name: string, text: string, remotePath: string, options: Partial<Registration> = {}, connection: unknown = direct): Registration {
  return {
    type: COPY, name, urn: urnOf(COPY, name), custom: true, dependencies: [],
    inputs: { connection: secret(connection), source: new pulumi.asset.StringAsset(text), remotePath }, ...options,
  };
}

/** A tls.PrivateKey registration (inputs as the SDK sends them). */
export function privateKey(name: string, inputs: Record<string, unknown>, options: Partial<Registration> = {}): Registration {
  return { type: PRIVATE_KEY, name, urn: urnOf(PRIVATE_KEY, name), custom: true, dependencies: [], inputs, ...options };
}

/** A tls.SelfSignedCert registration; the SDK sends privateKeyPem as a secret. */
export function selfSignedCert(name: string, keyPem: string, inputs: Record<string, unknown>, options: Partial<Registration> = {}): Registration {
  return {
    type: SELF_SIGNED_CERT, name, urn: urnOf(SELF_SIGNED_CERT, name), custom: true,
    dependencies: [urnOf(PRIVATE_KEY, "key")], inputs: { privateKeyPem: secret(keyPem), ...inputs }, ...options,
  };
}

let files = 0;

/** One run: an engine (apply unless preview) over a fresh FakeTransport and the given state file. */
export function engineRun(stateFile: string, preview = false, now?: Date) {
  const transport = new FakeTransport();
  const lines: string[] = [];
  const engine = new DeployEngine({
    preview, ...(preview ? {} : { transport }), owner: "lab-a", stateFile, log: (l) => lines.push(l),
    hostNames: { "10.0.0.11": "lb-1", "10.0.1.101": "app-1" }, sleep: async () => undefined,
    ...(now ? { now: () => now } : {}),
  });
  return { engine, transport, lines };
}

export const newStateFile = () => path.join(tmp, `state-${++files}.json`);

/** Applies the registrations in order (one apply run), then the deletes; closes held connections. */
export async function apply(stateFile: string, registrations: Registration[], now?: Date) {
  const run = engineRun(stateFile, false, now);
  await run.engine.begin();
  for (const r of registrations) await run.engine.register(r);
  await run.engine.finish("http://10.0.0.11/");
  return run;
}
