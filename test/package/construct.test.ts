import * as pulumi from "@pulumi/pulumi";
import { beforeAll, expect, it } from "vitest";
import { hostList } from "../support/hosts";
import { mockPulumi, valueOf, type RecordedResource } from "../support/pulumi";

// A Python (or Go, C#, YAML) program reaches webtier through the component provider's `construct`:
// the generated SDK sends the schema's property names with plain values, and a secret arrives as a
// secret Output. These tests construct through the provider and through the TypeScript API, under
// the same mocks, and compare what each registers.
const mocks = mockPulumi();
const resources = mocks.resources;
let components: typeof import("../../components");
let provider: import("@pulumi/pulumi/provider/experimental").ComponentProvider;
let schema: any;
beforeAll(async () => {
  components = await import("../../components/index.js");
  provider = (await import("../../provider/webtierProvider.js")).webtierProvider();
  schema = JSON.parse(await provider.getSchema());
}, 120_000);

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nkey-material\n-----END OPENSSH PRIVATE KEY-----\n";
const HOSTS = hostList(3, { user: "admin" });
const lb = HOSTS.nginx[0]!;
const app = (i: number) => HOSTS.app[i - 1]!;

const TIER_INPUTS = {
  settings: { balancing: "least_conn", uwsgi: { workers: 4, listen: 1024 }, nginx: { uwsgiNextUpstream: ["error", "timeout"] } },
  nginxHosts: [lb],
  appHosts: [{ ...app(1), weight: 2 }, app(2), { ...app(3), backup: true }],
  bastion: lb,
  rolloutBatchSize: 2,
};
const STACK_INPUTS = {
  config: { hosts: { nginx: [lb], app: [app(1), app(2)] }, bastion: "lb-1", balancing: "round_robin", sysctl: { somaxconn: 8192 } },
  baseDir: process.cwd(),
};

/** Problems found walking a value against a schema property: unknown keys, wrong types, missing required keys. */
function schemaProblems(value: unknown, prop: any, at: string): string[] {
  if (prop.$ref) {
    const type = schema.types[prop.$ref.replace("#/types/", "")];
    if (type.enum) return type.enum.some((e: any) => e.value === value) ? [] : [`${at}: ${String(value)} is not in ${prop.$ref}`];
    return schemaProblems(value, type, at);
  }
  if (prop.type === "array") return (value as unknown[]).flatMap((v, i) => schemaProblems(v, prop.items, `${at}[${i}]`));
  if (prop.type === "object" && prop.properties) {
    const entries = Object.entries(value as object);
    return [
      ...entries.flatMap(([k, v]) => (prop.properties[k] ? schemaProblems(v, prop.properties[k], `${at}.${k}`) : [`${at}.${k}: not in the schema`])),
      ...(prop.required ?? []).filter((k: string) => !(k in (value as object))).map((k: string) => `${at}.${k}: missing`),
    ];
  }
  const actual = typeof value === "number" ? "number" : typeof value;
  return actual === prop.type ? [] : [`${at}: ${actual} where the schema says ${prop.type}`];
}

const inputsProblems = (token: string, inputs: Record<string, unknown>) => {
  const resource = schema.resources[token];
  return schemaProblems(inputs, { type: "object", properties: resource.inputProperties, required: resource.requiredInputs }, token);
};

/** A component's resources with its own name cut off, so two instances compare equal. */
function registered(name: string): Omit<RecordedResource, "started" | "finished">[] {
  return resources
    .filter((r) => r.name === name || r.name.startsWith(`${name}-`))
    .map((r) => ({ type: r.type, name: r.name.slice(name.length), inputs: JSON.parse(JSON.stringify(r.inputs).split(`${name}-`).join("<name>-")) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const upstreamServers = (files: Record<string, Record<string, string>>) =>
  files["lb-1"]!["/etc/nginx/webtier/upstream.conf"]!.split("\n").filter((l) => l.includes("server "));

it("the inputs below are what the schema describes", () => {
  expect(inputsProblems("webtier:index:WebTier", { ...TIER_INPUTS, privateKey: KEY })).toEqual([]);
  expect(inputsProblems("webtier:index:WebtierStack", { ...STACK_INPUTS, sshPrivateKey: KEY })).toEqual([]);
  expect(inputsProblems("webtier:index:WebTier", { ...TIER_INPUTS, privateKey: KEY, settings: { balancing: "fastest" } })).toEqual([
    "webtier:index:WebTier.settings.balancing: fastest is not in #/types/webtier:index:BalancingMethod",
  ]);
});

it("constructs WebTier from schema-shaped inputs with the same resources and upstream as the TypeScript API", async () => {
  const constructed = await provider.construct("viaProvider", "webtier:index:WebTier", { ...TIER_INPUTS, privateKey: pulumi.secret(KEY) }, {});
  const direct = new components.WebTier("viaTs", {
    ...TIER_INPUTS,
    settings: { balancing: "least_conn", uwsgi: { workers: 4, listen: 1024 }, nginx: { uwsgiNextUpstream: ["error", "timeout"] } },
    privateKey: KEY,
  });
  const files = await valueOf(constructed.state.renderedFiles as pulumi.Output<Record<string, Record<string, string>>>);
  await valueOf(direct.stepOutputs);
  await mocks.idle();

  expect(upstreamServers(files)).toEqual([
    "    server 10.0.1.11:3031 weight=2 max_fails=3 fail_timeout=10s;",
    "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s;",
    "    server 10.0.1.13:3031 max_fails=3 fail_timeout=10s backup;",
  ]);
  expect(upstreamServers(files)).toEqual(upstreamServers(await valueOf(direct.renderedFiles)));
  expect(Object.keys(constructed.state).sort()).toEqual(["appAddresses", "nginxAddresses", "renderedFiles", "stepOutputs", "tlsCertificate", "url"]);
  expect(await valueOf(constructed.state.url as pulumi.Output<string>)).toBe("http://203.0.113.10/");

  const viaProvider = registered("viaProvider");
  expect(viaProvider.map((r) => r.type).sort()).toEqual([
    "command:remote:Command", "command:remote:Command", "command:remote:Command", "command:remote:Command",
    "command:remote:Command", "command:remote:Command", "command:remote:Command", "command:remote:Command",
    "command:remote:CopyToRemote", "command:remote:CopyToRemote", "command:remote:CopyToRemote",
    "webtier:index:AppTier", "webtier:index:HostConfiguration", "webtier:index:HostConfiguration",
    "webtier:index:HostConfiguration", "webtier:index:HostConfiguration", "webtier:index:NginxTier", "webtier:index:WebTier",
  ]);
  // Same names, same inputs (payloads, connections, triggers): the provider adds nothing and loses nothing.
  expect(viaProvider).toEqual(registered("viaTs"));
}, 60_000);

it("constructs WebtierStack on existing hosts from a schema-shaped config like the TypeScript API", async () => {
  const constructed = await provider.construct("stackViaProvider", "webtier:index:WebtierStack", { ...STACK_INPUTS, sshPrivateKey: pulumi.secret(KEY) }, {});
  const direct = new components.WebtierStack("stackViaTs", {
    config: { hosts: { nginx: [lb], app: [app(1), app(2)] }, bastion: "lb-1", balancing: "round_robin", sysctl: { somaxconn: 8192 } },
    baseDir: process.cwd(),
    sshPrivateKey: KEY,
  });
  const files = await valueOf(constructed.state.renderedFiles as pulumi.Output<Record<string, Record<string, string>>>);
  await valueOf(direct.stepOutputs);
  await mocks.idle();

  expect(upstreamServers(files)).toEqual(["    server 10.0.1.11:3031 max_fails=3 fail_timeout=10s;", "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s;"]);
  expect(files["app-1"]!["/etc/sysctl.d/99-webtier.conf"]).toContain("net.core.somaxconn = 8192");
  expect(registered("stackViaProvider").length).toBe(15);
  expect(registered("stackViaProvider")).toEqual(registered("stackViaTs"));
}, 60_000);
