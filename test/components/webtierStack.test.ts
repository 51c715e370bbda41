// WebtierStack on existing hosts hands its configuration on to one WebTier, its child: the bastion
// named in the config, the hosts to retire, the app's secret environment, the rollout batch size
// and the TLS key; its outputs are that tier's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebtierStackConfig } from "../../components";
import { makeTestPki } from "../render/testCertificates";
import { testHostKey } from "../support/hostKeys";
import { hostList } from "../support/hosts";
import { bundleFiles, decodeBundle, isSecret, mockPulumi, parentRecorder, unwrapSecrets, valueOf, type RecordedResource } from "../support/pulumi";

const pki = makeTestPki();
afterAll(() => pki.cleanup());

// App activations take long enough that one waiting for another shows in the record.
const mocks = mockPulumi({
  delayMs: (_type, name) => (/-app-\d+-activate$/.test(name) ? 30 : 1),
  // What each command printed, as the provider reports it.
  outputs: (type, name) => (type === "command:remote:Command" ? { stdout: `${name} ok` } : {}),
});
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nstack-key\n-----END OPENSSH PRIVATE KEY-----\n";
const { nginx, app } = hostList(4, { nginx: 2, user: "admin" });
const GONE = { name: "app-9", address: "10.0.1.99", user: "admin", hostKey: testHostKey("app9") };

async function deploy(name: string, config: WebtierStackConfig, extra: { appEnvironment?: Record<string, string>; tlsKey?: string } = {}) {
  const { transformation, parents } = parentRecorder();
  const stack = new components.WebtierStack(name, { config, baseDir: process.cwd(), sshPrivateKey: KEY, ...extra }, {
    transformations: [transformation],
  });
  await valueOf(stack.stepOutputs);
  await mocks.idle();
  const mine = mocks.resources.filter((r) => r.name.startsWith(`${name}-`));
  const step = (host: string, s: string): RecordedResource => {
    const found = mine.find((r) => r.name === `${name}-${host}-${s}`);
    if (!found) throw new Error(`no step ${name}-${host}-${s}`);
    return found;
  };
  return { stack, mine, step, parents };
}

describe("WebtierStack on existing hosts", () => {
  it("jumps to the app hosts through the nginx host the config names as bastion", async () => {
    const { step } = await deploy("jump", { hosts: { nginx, app }, bastion: "lb-2" });
    for (const host of ["app-1", "app-4"]) {
      expect(unwrapSecrets(step(host, "provision").inputs.connection).proxy).toMatchObject({ host: "203.0.113.11", hostKey: nginx[1]!.hostKey });
    }
    expect(unwrapSecrets(step("lb-1", "activate").inputs.connection).proxy).toBeUndefined();
  });

  it("dials app hosts directly without a bastion, and retires only what it is told to", async () => {
    const { mine, step } = await deploy("direct", { hosts: { nginx, app } });
    expect(unwrapSecrets(step("app-1", "provision").inputs.connection).proxy).toBeUndefined();
    expect(mine.filter((r) => r.name.endsWith("-retire"))).toEqual([]);
  });

  it("retires the hosts under hosts.retire", async () => {
    const { step } = await deploy("gone", { hosts: { nginx, app, retire: [GONE] }, bastion: "lb-1" });
    expect(unwrapSecrets(step("app-9", "retire").inputs.connection)).toMatchObject({ host: "10.0.1.99", hostKey: testHostKey("app9"), proxy: { host: "203.0.113.10" } });
  });

  it("delivers appEnvironment to the app hosts in secret activations only", async () => {
    const { step } = await deploy("env", { hosts: { nginx, app } }, { appEnvironment: { API_TOKEN: "t0ken" } });
    const activation = step("app-2", "activate").inputs.stdin;
    expect(isSecret(activation)).toBe(true);
    expect(bundleFiles(decodeBundle(unwrapSecrets(activation)))["/etc/webtier/app.env"]).toContain("API_TOKEN=");
    const { step: plain } = await deploy("noenv", { hosts: { nginx, app } });
    expect(decodeBundle(unwrapSecrets(plain("app-2", "activate").inputs.stdin))).not.toContain("API_TOKEN");
  });

  it("activates app hosts in batches of rollout.batchSize", async () => {
    const { step } = await deploy("batch", { hosts: { nginx, app }, rollout: { batchSize: 2 } });
    const firstBatchDone = Math.max(step("app-1", "activate").finished, step("app-2", "activate").finished);
    expect(step("app-2", "activate").started).toBeLessThan(step("app-1", "activate").finished);
    expect(step("app-3", "activate").started).toBeGreaterThan(firstBatchDone);
  });

  it("serves the configured certificate with tlsKey, and says so in its URL and outputs", async () => {
    const chain = pki.leaf.certificate + pki.intermediate.certificate;
    const { stack, step } = await deploy("tls", { hosts: { nginx, app }, tls: { certificate: chain } }, { tlsKey: pki.leaf.key });
    expect(bundleFiles(decodeBundle(unwrapSecrets(step("lb-1", "activate").inputs.stdin)))["/etc/nginx/webtier/tls/key.pem"]).toBe(pki.leaf.key);
    expect(await valueOf(stack.url)).toBe("https://203.0.113.10/");
    expect(await valueOf(stack.tlsCertificate!)).toBe(chain);
    expect(stack.dnsName).toBeUndefined();
  });

  it("parents its WebTier, which parents the tiers and their hosts, and passes the tier's outputs on", async () => {
    const { stack, parents } = await deploy("out", { hosts: { nginx, app: app.slice(0, 2) } });
    // Stack → WebTier → the two tiers → one configuration per host → its commands.
    expect([
      parents.get("webtier:index:WebTier out"), parents.get("webtier:index:AppTier out"), parents.get("webtier:index:NginxTier out"),
      parents.get("webtier:index:HostConfiguration out-lb-1"), parents.get("webtier:index:HostConfiguration out-app-1"),
      parents.get("command:remote:Command out-app-1-activate"),
    ]).toEqual(["out", "out", "out", "out", "out", "out-app-1"]);
    expect(await valueOf(stack.url)).toBe("http://203.0.113.10/");
    expect(stack.tlsCertificate).toBeUndefined();
    expect(await valueOf(stack.nginxAddresses)).toEqual(["203.0.113.10", "203.0.113.11"]);
    expect(await valueOf(stack.appAddresses)).toEqual(["10.0.1.11", "10.0.1.12"]);
    expect(Object.keys(await valueOf(stack.renderedFiles))).toEqual(["lb-1", "lb-2", "app-1", "app-2"]);
    expect(await valueOf(stack.stepOutputs)).toStrictEqual(Object.fromEntries(["lb-1", "lb-2", "app-1", "app-2"].map((host) => [
      host, { provision: `out-${host}-provision ok`, activate: `out-${host}-activate ok` },
    ])));
  });
});
