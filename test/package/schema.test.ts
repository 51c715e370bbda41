import { beforeAll, expect, it } from "vitest";
import { BALANCING_METHODS, nginxSchema } from "../../components/render/schema";
import { webtierProvider } from "../../provider/webtierProvider";

// What `pulumi package add` generates SDKs from, inferred from the TypeScript sources.
let schema: any;
beforeAll(async () => {
  schema = JSON.parse(await webtierProvider().getSchema());
}, 120_000);

it("matches the checked-in snapshot (after a deliberate change: npx vitest run test/package/schema -u)", async () => {
  await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot("../../provider/schema.json");
});

it("offers WebtierStack and WebTier as components of the webtier package", () => {
  expect(schema.name).toBe("webtier");
  expect(Object.keys(schema.resources).sort()).toEqual(["webtier:index:WebTier", "webtier:index:WebtierStack"]);
  expect(Object.values(schema.resources).map((r: any) => r.isComponent)).toEqual([true, true]);
  expect(schema.resources["webtier:index:WebtierStack"].requiredInputs).toEqual(["baseDir", "config"]);
  expect(schema.resources["webtier:index:WebTier"].requiredInputs).toEqual(["appHosts", "nginxHosts", "privateKey", "settings"]);
});

it("describes every input, every output of WebTier and every setting from the JSDoc", () => {
  const undocumented: string[] = [];
  for (const [token, resource] of Object.entries<any>(schema.resources)) {
    for (const [key, prop] of Object.entries<any>(resource.inputProperties)) if (!prop.description) undocumented.push(`${token} input ${key}`);
  }
  for (const [key, prop] of Object.entries<any>(schema.resources["webtier:index:WebTier"].properties)) {
    if (!prop.description) undocumented.push(`WebTier output ${key}`);
  }
  const settings = ["UwsgiSettings", "NginxSettings", "UpstreamSettings", "SysctlSettings", "AppSettings", "ExistingHost", "RemoteHost"];
  for (const name of settings) {
    for (const [key, prop] of Object.entries<any>(schema.types[`webtier:index:${name}`].properties)) {
      if (!prop.description) undocumented.push(`${name}.${key}`);
    }
  }
  expect(undocumented).toEqual([]);
  expect(schema.types["webtier:index:UwsgiSettings"].properties.listen.description).toBe(
    "Socket listen backlog; default 4096 (never above the host's somaxconn).",
  );
});

it("turns the fixed choices into enums with the values the zod schema accepts", () => {
  const values = (name: string) => schema.types[`webtier:index:${name}`].enum.map((e: any) => e.value);
  expect(values("BalancingMethod")).toEqual([...BALANCING_METHODS]);
  expect(values("NextUpstreamCondition")).toEqual(nginxSchema.shape.uwsgiNextUpstream.unwrap().element.options);
  expect(values("EgressMode")).toEqual(["nat", "proxy"]);
  expect(values("TcpTwReuse")).toEqual([0, 1, 2]);
  expect(schema.types["webtier:index:NginxSettings"].properties.uwsgiNextUpstream.items).toEqual({
    $ref: "#/types/webtier:index:NextUpstreamCondition",
    plain: true,
  });
});

it("takes addresses, host keys, the key and the app's environment as inputs (Outputs from other resources)", () => {
  const host = schema.types["webtier:index:RemoteHost"].properties;
  expect(Object.keys(host).filter((k) => !host[k].plain).sort()).toEqual(["address", "hostKey", "identity", "privateAddress"]);
  const tier = schema.resources["webtier:index:WebTier"].inputProperties;
  expect(Object.keys(tier).filter((k) => !tier[k].plain).sort()).toEqual(["appEnvironment", "privateKey", "tlsKey"]);
});
