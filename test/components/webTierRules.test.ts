// WebTier's rules around the hosts it is given: configuration warnings said once, the site's URL,
// stand-in addresses that never collide with a real one, an app environment it cannot write,
// and key rotations that wait for the bastion's.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { siteOrigin } from "../../components/webTier";
import { hostList } from "../support/hosts";
import { isSecret, mockPulumi, nameOf, valueOf } from "../support/pulumi";

const mocks = mockPulumi();
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});
afterEach(() => {
  vi.restoreAllMocks();
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nrules-key\n-----END OPENSSH PRIVATE KEY-----\n";
type Args = Partial<import("../../components").WebTierArgs> & { nginxHosts: any[]; appHosts: any[] };

async function deploy(name: string, args: Args) {
  const tier = new components.WebTier(name, { settings: {}, privateKey: KEY, ...args });
  await valueOf(tier.stepOutputs);
  await mocks.idle();
  return tier;
}

class Vm extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Instance", name, {});
  }
}

describe("siteOrigin", () => {
  it("names the port only when it is not the scheme's own", () => {
    expect(siteOrigin({}, false, "203.0.113.10")).toBe("http://203.0.113.10");
    expect(siteOrigin({ nginx: { port: 8080 } }, false, "203.0.113.10")).toBe("http://203.0.113.10:8080");
    expect(siteOrigin({ tls: { selfSigned: true } }, true, "203.0.113.10")).toBe("https://203.0.113.10");
    expect(siteOrigin({ tls: { selfSigned: true, port: 8443 }, nginx: { port: 8080 } }, true, "203.0.113.10")).toBe("https://203.0.113.10:8443");
  });
});

describe("WebTier", () => {
  it("says each configuration warning once, when it is constructed", async () => {
    const warn = vi.spyOn(pulumi.log, "warn");
    const { nginx, app } = hostList(1, { prefix: "warn-" });
    await deploy("warn", { nginxHosts: nginx.map(({ hostKey: _k, ...h }) => h), appHosts: app });
    expect(warn.mock.calls.map(([message]) => message)).toEqual([
      "webtier: hosts.nginx[0].hostKey (unset): SSH to warn-lb-1 accepts any host key; pin it",
      "webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it",
    ]);
  });

  it("renders hosts whose real address lies in the stand-in range", async () => {
    const { nginx, app } = hostList(2, { prefix: "bench-" });
    const tier = await deploy("bench", { nginxHosts: nginx, appHosts: [app[0]!, { ...app[1]!, address: "198.18.0.1" }] });
    const upstream = (await valueOf(tier.renderedFiles))["bench-lb-1"]!["/etc/nginx/webtier/upstream.conf"]!;
    expect(upstream.split("\n").filter((l) => l.includes("server "))).toEqual([
      "    server 10.0.1.11:3031 max_fails=3 fail_timeout=10s;",
      "    server 198.18.0.1:3031 max_fails=3 fail_timeout=10s;",
    ]);
  });

  it("refuses an app environment it cannot write, naming the variable and not its value", async () => {
    const { nginx, app } = hostList(1, { prefix: "badenv-" });
    const tier = new components.WebTier("badenv", { settings: {}, privateKey: KEY, nginxHosts: nginx, appHosts: app, appEnvironment: { TOKEN: "a\nb" } });
    await expect(valueOf(tier.stepOutputs)).rejects.toThrow("appEnvironment.TOKEN (secret) must not contain a newline or NUL");
    await mocks.idle().catch(() => undefined);
  });

  it("keeps app activations readable without an environment or a secret proxy", async () => {
    const { nginx, app } = hostList(1, { prefix: "open-" });
    await deploy("open", { nginxHosts: nginx, appHosts: app });
    expect(isSecret(mocks.resources.find((r) => r.name === "open-open-app-1-activate")!.inputs.stdin)).toBe(false);
  });

  it("rotates an app host's key only after the bastion's rotation and provisioning (its sshd), when both are new machines", async () => {
    const { nginx, app } = hostList(1, { prefix: "both-", user: "admin" });
    const created = <T extends { name: string }>(h: T) => ({
      ...h, instance: new Vm(`vm-${h.name}`), bootstrap: { hostKey: `ssh-ed25519 AAAAboot${h.name.replace(/\W/g, "")}`, newHostPrivateKey: pulumi.secret(`${h.name}-key`) },
    });
    const bastion = created(nginx[0]!);
    const dependsOn = new Map<string, pulumi.Input<pulumi.Resource>[]>();
    const tier = new components.WebTier("both", { settings: {}, privateKey: KEY, nginxHosts: [bastion], appHosts: [created(app[0]!)], bastion }, {
      transformations: [(a) => {
        dependsOn.set(a.name, (a.opts.dependsOn ?? []) as pulumi.Input<pulumi.Resource>[]);
        return undefined;
      }],
    });
    await valueOf(tier.stepOutputs);
    await mocks.idle();
    const names = async (name: string) => (await Promise.all(dependsOn.get(name)!)).map((r) => nameOf(r));
    expect(await names("both-both-app-1-hostkey")).toEqual(["both-both-lb-1-provision"]);
    expect(await names("both-both-lb-1-provision")).toEqual(["both-both-lb-1-hostkey"]);
    expect(await names("both-both-lb-1-hostkey")).toEqual([]);
  });
});
