// HTTPS through the WebTier component: where the certificate and its key go (the key only in
// nginx's secret activation, 0600), a self-signed certificate generated once with exact inputs,
// and a key that does not match refused before anything reaches a host.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeTestPki, type TestPki } from "../render/testCertificates";
import { hostList } from "../support/hosts";
import { bundleFiles, decodeBundle, isSecret, mockPulumi, nameOf, unwrapSecrets, valueOf } from "../support/pulumi";
import { refusal } from "../support/refusal";

const pki: TestPki = makeTestPki();
afterAll(() => pki.cleanup());

const mocks = mockPulumi({
  outputs: (type) => {
    if (type === "tls:index/privateKey:PrivateKey") return { privateKeyPem: pki.selfSigned.key };
    if (type === "tls:index/selfSignedCert:SelfSignedCert") return { certPem: pki.selfSigned.certificate };
    return {};
  },
});
const resources = mocks.resources;
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----\n";
const TLS_KEY_PATH = "/etc/nginx/webtier/tls/key.pem";
const TLS_CERT_PATH = "/etc/nginx/webtier/tls/certificate.pem";

function hosts(prefix: string) {
  const { nginx, app } = hostList(1, { nginx: 2, prefix, user: "admin" });
  return { nginxHosts: nginx, appHosts: app };
}

const mine = (name: string) => resources.filter((r) => r.name.startsWith(`${name}-`));
const stdinOf = (name: string) => {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r.inputs.stdin;
};

describe("WebTier with tls.certificate and tlsKey", () => {
  const chain = pki.leaf.certificate + pki.intermediate.certificate;
  let tier: import("../../components").WebTier;

  // Built afresh for each test, so each test's records are its own.
  beforeEach(async () => {
    resources.splice(0, resources.length, ...resources.filter((r) => !r.name.startsWith("given-")));
    tier = new components.WebTier("given", {
      settings: { tls: { certificate: chain } }, privateKey: KEY, tlsKey: pki.leaf.key, ...hosts("given-"),
    });
    await valueOf(tier.stepOutputs);
    await mocks.idle();
  });

  it("delivers the key only in each nginx host's activation, which is secret", async () => {
    for (const host of ["given-lb-1", "given-lb-2"]) {
      const stdin = stdinOf(`given-${host}-activate`);
      expect(isSecret(stdin)).toBe(true);
      const staged = bundleFiles(decodeBundle(unwrapSecrets(stdin)));
      expect(staged[TLS_KEY_PATH]).toBe(pki.leaf.key);
      expect(staged[TLS_CERT_PATH]).toBe(chain);
      // Installed root-only by the nginx step: its file list and their modes, index by index.
      const script = decodeBundle(unwrapSecrets(stdin));
      const array = (name: string) => /^readonly (\w+)=\((.*)\)$/m.exec(script.split("\n").find((l) => l.startsWith(`readonly ${name}=(`))!)![2]!.split(" ").map((v) => v.replace(/'/g, ""));
      const files = array("FILES");
      expect(array("FILE_MODES")[files.indexOf(TLS_KEY_PATH)]).toBe("0600");
      expect(array("FILE_MODES")[files.indexOf(TLS_CERT_PATH)]).toBe("0644");
    }
    // No other payload carries it, and the provisions stay readable in the state.
    for (const r of mine("given").filter((x) => x.type === "command:remote:Command" && !x.name.endsWith("lb-1-activate") && !x.name.endsWith("lb-2-activate"))) {
      expect({ name: r.name, key: decodeBundle(unwrapSecrets(r.inputs.stdin)).includes("PRIVATE KEY") }).toEqual({ name: r.name, key: false });
      if (r.name.endsWith("-provision")) expect({ name: r.name, secret: isSecret(r.inputs.stdin) }).toEqual({ name: r.name, secret: false });
    }
  });

  it("shows the certificate but never the key in renderedFiles, and serves the site over HTTPS", async () => {
    const files = await valueOf(tier.renderedFiles);
    expect(files["given-lb-1"]![TLS_CERT_PATH]).toBe(chain);
    expect(Object.values(files).flatMap((f) => Object.values(f)).filter((content) => content.includes("PRIVATE KEY"))).toEqual([]);
    expect(await valueOf(tier.url)).toBe("https://203.0.113.10/");
    expect(await valueOf(tier.tlsCertificate!)).toBe(chain);
  });
});

describe("WebTier with tls.selfSigned", () => {
  it("generates one ECDSA key and a certificate for the server names, the public names and the nginx addresses", async () => {
    const parents = new Map<string, string | undefined>();
    const tier = new components.WebTier("self", {
      settings: { tls: { selfSigned: true, serverNames: ["www.example.test"] } },
      privateKey: KEY,
      publicNames: [pulumi.output("door-123.elb.eu-west-1.amazonaws.com")],
      ...hosts("self-"),
    }, {
      // Resource transformations run in the SDK, so they see the options the mocks do not.
      transformations: [(a) => { parents.set(a.name, nameOf(a.opts.parent)); return undefined; }],
    });
    await valueOf(tier.stepOutputs);
    await mocks.idle();
    const generated = mine("self").filter((r) => r.type.startsWith("tls:"));
    expect(generated.map((r) => [r.type, r.name])).toEqual([
      ["tls:index/privateKey:PrivateKey", "self-tls-key"],
      ["tls:index/selfSignedCert:SelfSignedCert", "self-tls-certificate"],
    ]);
    expect(generated[0]!.inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    expect([parents.get("self-tls-key"), parents.get("self-tls-certificate")]).toEqual(["self", "self"]);
    expect(unwrapSecrets(generated[1]!.inputs)).toEqual({
      privateKeyPem: pki.selfSigned.key,
      subject: { commonName: "www.example.test", organization: "webtier self-signed" },
      dnsNames: ["www.example.test", "door-123.elb.eu-west-1.amazonaws.com"],
      ipAddresses: ["203.0.113.10", "203.0.113.11"],
      validityPeriodHours: 8760,
      earlyRenewalHours: 720,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    const staged = bundleFiles(decodeBundle(unwrapSecrets(stdinOf("self-self-lb-2-activate"))));
    expect([staged[TLS_CERT_PATH], staged[TLS_KEY_PATH]]).toEqual([pki.selfSigned.certificate, pki.selfSigned.key]);
    expect(await valueOf(tier.tlsCertificate!)).toBe(pki.selfSigned.certificate);
  });
});

describe("WebTier with tls.selfSigned and no public names", () => {
  it("issues the certificate for the server names and the nginx addresses alone", async () => {
    const tier = new components.WebTier("bare", { settings: { tls: { selfSigned: true, serverNames: ["www.example.test"] } }, privateKey: KEY, ...hosts("bare-") });
    await valueOf(tier.stepOutputs);
    await mocks.idle();
    const certificate = unwrapSecrets(mine("bare").find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")!.inputs);
    expect([certificate.dnsNames, certificate.ipAddresses]).toEqual([["www.example.test"], ["203.0.113.10", "203.0.113.11"]]);
  });
});

describe("WebTier refuses TLS settings it cannot serve", () => {
  it("needs tlsKey with a certificate, and a certificate with tlsKey, before registering anything", async () => {
    const make = (name: string, extra: Record<string, unknown>) => () =>
      new components.WebTier(name, { settings: {}, privateKey: KEY, ...hosts(`${name}-`), ...extra });
    expect(await refusal(mocks, make("nokey", { settings: { tls: { certificate: pki.selfSigned.certificate } } }))).toBe(
      "invalid webtier configuration:\n  - tlsKey (unset) is required with tls.certificate: pulumi config set --secret webtier:tlsKey < key.pem",
    );
    expect(await refusal(mocks, make("nocert", { tlsKey: pki.selfSigned.key }))).toBe(
      "invalid webtier configuration:\n  - tlsKey (secret) is set but tls.certificate is not: the key belongs to the certificate nginx serves",
    );
  });

  it("refuses a key that does not match the certificate before any command is declared", async () => {
    new components.WebTier("mismatch", {
      settings: { tls: { certificate: pki.selfSigned.certificate } }, privateKey: KEY, tlsKey: pki.leaf.key, ...hosts("mismatch-"),
    });
    // The SDK nests the reason in every dependent's serialization error.
    await expect(mocks.idle()).rejects.toThrow("tlsKey (secret) does not match tls.certificate's first certificate (CN=self.example.test)");
    expect(mine("mismatch").filter((r) => r.type.startsWith("command:remote:")).map((r) => r.name)).toEqual([]);
  });
});
