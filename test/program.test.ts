import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { existingHostsConfig, TEST_KEY } from "./support/programConfig";
import { mockPulumi, unwrapSecrets, valueOf } from "./support/pulumi";
import { testHostKey } from "./support/hostKeys";

const mocks = mockPulumi();
const resources = mocks.resources;
pulumi.runtime.setAllConfig(
  { ...existingHostsConfig(100, { outputs: { renderedFiles: true, stepOutputs: true } }), "webtier:appEnvironment": JSON.stringify({ SECRET_TOKEN: "tok-123" }) },
  ["webtier:sshPrivateKey", "webtier:appEnvironment"],
);

let program: typeof import("../index");
beforeAll(async () => {
  program = await import("../index.js");
  await valueOf(program.stepOutputs);
  await mocks.idle();
}, 120_000);

describe("the Pulumi program (index.ts) in existing-hosts mode with 100 app hosts", () => {
  it("declares exactly the per-host resources and no cloud resource", () => {
    const types = new Map<string, number>();
    for (const r of resources) types.set(r.type, (types.get(r.type) ?? 0) + 1);
    expect(Object.fromEntries(types)).toEqual({
      "webtier:index:WebtierStack": 1,
      "webtier:index:WebTier": 1,
      "webtier:index:AppTier": 1,
      "webtier:index:NginxTier": 1,
      "webtier:index:HostConfiguration": 101,
      // per host: provision + activate
      "command:remote:Command": 100 * 2 + 2,
      // per app host: the release upload
      "command:remote:CopyToRemote": 100,
    });
  });

  it("exports the URL, the addresses and the upstream of all 100 app hosts", async () => {
    expect(await valueOf(program.url)).toBe("http://203.0.113.10/");
    expect(await valueOf(program.nginxAddresses)).toEqual(["203.0.113.10"]);
    const appAddresses = await valueOf(program.appAddresses);
    expect(appAddresses).toHaveLength(100);
    const upstream = (await valueOf(program.renderedFiles!))["lb-1"]!["/etc/nginx/webtier/upstream.conf"]!;
    const servers = upstream.split("\n").filter((line) => line.startsWith("    server "));
    expect(servers).toEqual(appAddresses.map((a) => `    server ${a}:3031 max_fails=3 fail_timeout=10s;`));
  });

  it("reaches app hosts through the bastion with the secret deploy key", () => {
    const prepare = resources.find((r) => r.name === "webtier-app-57-provision")!;
    const connection = unwrapSecrets(prepare.inputs.connection);
    expect(connection).toMatchObject({ host: "10.0.1.67", user: "admin", privateKey: TEST_KEY, proxy: { host: "203.0.113.10", hostKey: testHostKey("lb1") } });
  });

  it("keeps every secret out of every command string", () => {
    for (const r of resources.filter((x) => x.type === "command:remote:Command")) {
      const text = JSON.stringify([unwrapSecrets(r.inputs.create), unwrapSecrets(r.inputs.delete ?? "")]);
      expect(text).not.toContain("tok-123");
      expect(text).not.toContain("program-test-key");
    }
  });
});
