// One mocked `pulumi up` of the program (index.ts) for N app hosts, existing hosts or AWS; prints
// the state it would store, by resource type, as JSON. Run by bench/stateSize.ts, one process per
// run (mocks are process-global).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AWS_FUNCTIONS, awsOutputs } from "../test/support/awsMocks";
import { existingHostsConfig } from "../test/support/programConfig";
import { bytesByField, bytesByType, type RecordedState } from "./stateModel";

const [, , countArg, mode] = process.argv;
const appCount = Number(countArg);

/** A real ed25519 deploy key (OpenSSH format, about 400 bytes): the state holds it in every connection. */
function realDeployKey(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-state-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path.join(dir, "key")]);
    return fs.readFileSync(path.join(dir, "key"), "utf8");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const DEPLOY_KEY = realDeployKey();
// A host key line as ssh-keyscan prints it (ed25519: 80 characters).
const hostKeyOf = (name: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(name.padEnd(32, "-").slice(0, 32)).toString("base64").slice(0, 43)}`;

const recorded: RecordedState[] = [];
const pending: Promise<unknown>[] = [];
// A component's first registerOutputs is the one the SDK sends (resource.js: later calls return).
const componentOutputs = new Map<object, RecordedState>();

async function resolveAssets(value: any): Promise<any> {
  if (Array.isArray(value)) return Promise.all(value.map(resolveAssets));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveAssets(await v)]));
    return Object.fromEntries(entries);
  }
  return value;
}

const awsAnswers = awsOutputs();
// The AWS answers with keys of real length: the deploy key and each machine's host keys.
const outputs = mode === "aws"
  ? (type: string, name: string, inputs: unknown) => {
      const answer = awsAnswers(type, name, inputs);
      if (type !== "tls:index/privateKey:PrivateKey") return answer;
      return { ...answer, publicKeyOpenssh: `${hostKeyOf(name)}\n`, privateKeyOpenssh: DEPLOY_KEY };
    }
  : () => ({});
pulumi.runtime.setMocks(
  {
    newResource: async (args) => {
      const inputs = await resolveAssets(args.inputs);
      // Components store only their registered outputs (recorded below).
      if (args.custom === false) return { id: "", state: {} };
      // A command's own outputs; what it prints (a few hundred bytes) is not modelled.
      const extraOutputs = args.type === "command:remote:Command" ? { stdout: "", stderr: "" } : {};
      recorded.push({ type: args.type, name: args.name, inputs, extraOutputs: { ...extraOutputs, ...outputs(args.type, args.name, args.inputs) } });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...outputs(args.type, args.name, args.inputs) } };
    },
    call: (args) => {
      const fn = (AWS_FUNCTIONS as Record<string, (i: unknown) => Record<string, unknown>>)[args.token];
      if (!fn) throw new Error(`unexpected call ${args.token}`);
      return fn(args.inputs);
    },
  },
  "webtier",
  "bench",
  false,
);

// Components' registered outputs go into the state too: record them as the SDK serializes them.
const register = pulumi.ComponentResource.prototype["registerOutputs"];
pulumi.ComponentResource.prototype["registerOutputs"] = function (this: pulumi.ComponentResource, out?: any) {
  const type = (this as unknown as { __pulumiType: string }).__pulumiType;
  if (componentOutputs.has(this)) return register.call(this, out);
  componentOutputs.set(this, { type, name: type, inputs: {}, outputsOnly: true });
  pending.push(pulumi.runtime.serializeProperties(`bench ${type}`, out ?? {}).then((inputs) => componentOutputs.set(this, { type, name: type, inputs, outputsOnly: true })));
  return register.call(this, out);
};

if (mode === "aws") {
  pulumi.runtime.setAllConfig({ "aws:region": "eu-west-1", "webtier:aws": JSON.stringify({ adminCidr: "192.0.2.0/24", appCount }) }, []);
} else {
  const config = existingHostsConfig(appCount);
  const hosts = JSON.parse(config["webtier:hosts"]!) as { nginx: { name: string; hostKey?: string }[]; app: { name: string; hostKey?: string }[] };
  for (const host of [...hosts.nginx, ...hosts.app]) host.hostKey = hostKeyOf(host.name);
  pulumi.runtime.setAllConfig({ ...config, "webtier:hosts": JSON.stringify(hosts), "webtier:sshPrivateKey": DEPLOY_KEY }, ["webtier:sshPrivateKey"]);
}

async function main(): Promise<void> {
  const program = (await import("../index.js")) as Record<string, unknown>;
  const exports = Object.fromEntries(Object.entries(program).filter(([, v]) => v !== undefined));
  recorded.push({ type: "pulumi:pulumi:Stack", name: "stack", inputs: await pulumi.runtime.serializeProperties("bench stack", exports), outputsOnly: true });
  let seen = -1;
  while (seen !== recorded.length + componentOutputs.size) {
    seen = recorded.length + componentOutputs.size;
    await Promise.all(pending);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const all = [...recorded, ...componentOutputs.values()];
  const fields = Object.fromEntries(["command:remote:Command", "command:remote:CopyToRemote"].map((t) => [t, bytesByField(all, t)]));
  console.log(JSON.stringify({ appCount, mode, types: bytesByType(all), fields }));
}

void main();
