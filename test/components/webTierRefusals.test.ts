// WebTier refuses what it cannot deploy with the rule that is broken, before it registers anything:
// not even its own component may reach the engine's state.
import { beforeAll, describe, expect, it } from "vitest";
import type { WebTierArgs } from "../../components";
import { hostList } from "../support/hosts";
import { mockPulumi } from "../support/pulumi";
import { refusal } from "../support/refusal";

const mocks = mockPulumi();
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nrefusal-key\n-----END OPENSSH PRIVATE KEY-----\n";
const problems = (...lines: string[]) => ["invalid webtier configuration:", ...lines.map((l) => `  - ${l}`)].join("\n");
const tier = (name: string, extra: Partial<WebTierArgs>) => () => {
  const { nginx, app } = hostList(2, { prefix: `${name}-`, user: "admin" });
  return new components.WebTier(name, { settings: {}, privateKey: KEY, nginxHosts: nginx, appHosts: app, ...extra });
};

describe("WebTier refuses, registering nothing", () => {
  it("an empty nginx tier", async () => {
    expect(await refusal(mocks, tier("nonginx", { nginxHosts: [] }))).toBe(problems("hosts.nginx ([]) must list at least one host"));
  });

  it("settings that break a cross-key rule", async () => {
    expect(await refusal(mocks, tier("listen", { settings: { uwsgi: { listen: 8192 }, sysctl: { somaxconn: 4096 } } }))).toBe(
      problems("uwsgi.listen (8192) must not exceed sysctl.somaxconn (4096): uWSGI refuses to start"),
    );
  });

  it("a TLS key without a certificate", async () => {
    expect(await refusal(mocks, tier("keyonly", { tlsKey: "-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n" }))).toBe(
      problems("tlsKey (secret) is set but tls.certificate is not: the key belongs to the certificate nginx serves"),
    );
  });

  it("a rollout batch that is not a positive integer", async () => {
    expect(await refusal(mocks, tier("batch", { rolloutBatchSize: 0 }))).toBe(problems("rollout.batchSize (0) must be a positive integer"));
  });
});
