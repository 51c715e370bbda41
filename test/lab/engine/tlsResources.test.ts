// The lab engine's @pulumi/tls provider: real keys and certificates in terraform-provider-tls's
// formats, the provider's diff (replace on any input but early_renewal_hours, renewal inside the
// early-renewal window), secrets, and nothing dialed. Needs openssl, ssh-keygen and curl.
import { execFileSync, spawn } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { describe, expect, it } from "vitest";
import { SECRET_SIG, unwrapSecrets } from "../../../lab/engine/inputs";
import { installEngine } from "../../../lab/engine/monitor";
import { readDeployState } from "../../../lab/engine/state";
import { requireBinary } from "../../support/binaries";
import { apply, engineRun, newStateFile, privateKey, selfSignedCert, SELF_SIGNED_CERT, tmp, urnOf, PRIVATE_KEY } from "./engineSupport";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

// Certificates are issued under os.tmpdir(): a directory of this file's own, to see them removed.
const issuing = fs.mkdtempSync(path.join(tmp, "issuing-"));
process.env.TMPDIR = issuing;

const NOW = new Date("2026-11-27T08:40:56.120Z");
const YEAR = 365 * 24;
const MONTH = 30 * 24;
// What webtier's `tls: { selfSigned: true }` asks for on a lab (nginx lb-1 at 10.0.0.11).
const LAB_CERT = {
  subject: { commonName: "webtier.test", organization: "webtier self-signed" },
  dnsNames: ["webtier.test", "lb-1"],
  ipAddresses: ["10.0.0.11", "127.0.0.1"],
  validityPeriodHours: YEAR,
  earlyRenewalHours: MONTH,
  allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
};

const plain = (outputs: Record<string, unknown>) => unwrapSecrets(outputs) as Record<string, any>;

async function labKeyAndCert(stateFile: string, cert: Record<string, unknown> = LAB_CERT, now = NOW) {
  const run = engineRun(stateFile, false, now);
  await run.engine.begin();
  const key = await run.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" }));
  const issued = await run.engine.register(selfSignedCert("cert", plain(key).privateKeyPem, cert));
  await run.engine.finish();
  return { run, key: plain(key), cert: plain(issued), rawKey: key, rawCert: issued };
}

function inDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, "files-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
  return dir;
}

/** `openssl x509 -ext` lines of the named extensions (what node's X509Certificate does not show). */
function extensions(certPem: string, names: string): string {
  const dir = inDir({ "cert.pem": certPem });
  return execFileSync(requireBinary("openssl"), ["x509", "-in", path.join(dir, "cert.pem"), "-noout", "-ext", names], { encoding: "utf8" });
}

describe("tls.PrivateKey", () => {
  const cases = [
    { inputs: { algorithm: "ECDSA", ecdsaCurve: "P256" }, pem: "EC PRIVATE KEY", ssh: "ecdsa-sha2-nistp256", details: { namedCurve: "prime256v1" } },
    { inputs: { algorithm: "ECDSA", ecdsaCurve: "P384" }, pem: "EC PRIVATE KEY", ssh: "ecdsa-sha2-nistp384", details: { namedCurve: "secp384r1" } },
    { inputs: { algorithm: "ECDSA", ecdsaCurve: "P521" }, pem: "EC PRIVATE KEY", ssh: "ecdsa-sha2-nistp521", details: { namedCurve: "secp521r1" } },
    { inputs: { algorithm: "RSA", rsaBits: 3072 }, pem: "RSA PRIVATE KEY", ssh: "ssh-rsa", details: { modulusLength: 3072, publicExponent: 65537n } },
    { inputs: { algorithm: "ED25519" }, pem: "PRIVATE KEY", ssh: "ssh-ed25519", details: {} },
  ];
  it.each(cases)("$inputs.algorithm $inputs.ecdsaCurve: the provider's encodings of one real key", async ({ inputs, pem, ssh, details }) => {
    const { engine } = engineRun(newStateFile());
    const raw = await engine.register(privateKey("key", inputs));
    const key = plain(raw);
    expect(Object.keys(key).sort()).toEqual(["algorithm", "ecdsaCurve", "privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8", "publicKeyFingerprintMd5",
      "publicKeyFingerprintSha256", "publicKeyOpenssh", "publicKeyPem", "rsaBits"]);
    expect(key.privateKeyPem).toMatch(new RegExp(`^-----BEGIN ${pem}-----\\n([A-Za-z0-9+/=]{64}\\n)*[A-Za-z0-9+/=]{1,64}\\n-----END ${pem}-----\\n$`));
    expect(key.privateKeyPemPkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(key.privateKeyOpenssh).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END OPENSSH PRIVATE KEY-----\n$/);
    const privateKeyObject = createPrivateKey(key.privateKeyPem);
    expect(privateKeyObject.asymmetricKeyDetails).toEqual(details);
    // One key behind every form.
    const spki = createPublicKey(privateKeyObject).export({ type: "spki", format: "pem" });
    expect(key.publicKeyPem).toBe(spki);
    expect(createPublicKey(key.privateKeyPemPkcs8).export({ type: "spki", format: "pem" })).toBe(spki);
    const dir = inDir({ id: key.privateKeyOpenssh, "id.pub": key.publicKeyOpenssh });
    const keygen = requireBinary("ssh-keygen");
    expect(execFileSync(keygen, ["-y", "-f", path.join(dir, "id")], { encoding: "utf8" })).toBe(key.publicKeyOpenssh);
    expect(key.publicKeyOpenssh).toMatch(new RegExp(`^${ssh} [A-Za-z0-9+/]+=*\\n$`));
    const sha256 = execFileSync(keygen, ["-l", "-f", path.join(dir, "id.pub")], { encoding: "utf8" }).split(" ")[1];
    const md5 = execFileSync(keygen, ["-l", "-E", "md5", "-f", path.join(dir, "id.pub")], { encoding: "utf8" }).split(" ")[1];
    expect([key.publicKeyFingerprintSha256, `MD5:${key.publicKeyFingerprintMd5}`]).toEqual([sha256, md5]);
    // The inputs with the provider's defaults; the private forms are secrets.
    expect({ algorithm: key.algorithm, ecdsaCurve: key.ecdsaCurve, rsaBits: key.rsaBits }).toEqual({ ecdsaCurve: "P224", rsaBits: 2048, ...inputs });
    for (const name of ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"]) expect((raw[name] as any)[SECRET_SIG]).toBeDefined();
    for (const name of ["publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintSha256"]) expect(typeof raw[name]).toBe("string");
  });

  it("defaults to ECDSA P224, which has no OpenSSH form", async () => {
    const { engine } = engineRun(newStateFile());
    const key = plain(await engine.register(privateKey("key", { algorithm: "ECDSA" })));
    expect(createPrivateKey(key.privateKeyPem).asymmetricKeyDetails).toEqual({ namedCurve: "secp224r1" });
    expect([key.ecdsaCurve, key.privateKeyOpenssh, key.publicKeyOpenssh, key.publicKeyFingerprintMd5, key.publicKeyFingerprintSha256]).toEqual(["P224", "", "", "", ""]);
  });

  it("fails the schema's validators (preview too) and Go's minimum RSA size", async () => {
    const preview = engineRun(newStateFile(), true);
    await preview.engine.register(privateKey("key", { algorithm: "DSA", ecdsaCurve: "P999" }));
    expect(preview.engine.checkFailures).toEqual([
      `${PRIVATE_KEY} resource 'key': property algorithm has a problem: value must be one of: ["RSA" "ECDSA" "ED25519"], got: "DSA"\n` +
      `${PRIVATE_KEY} resource 'key': property ecdsaCurve has a problem: value must be one of: ["P224" "P256" "P384" "P521"], got: "P999"`,
    ]);
    const { engine } = engineRun(newStateFile());
    await expect(engine.register(privateKey("key", { algorithm: "RSA", rsaBits: 512 }))).rejects.toThrow(
      "Unable to generate Key from configuration: crypto/rsa: 512-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
    );
  });
});

describe("tls.SelfSignedCert", () => {
  it("issues exactly the certificate the inputs describe, in a temporary directory it removes", async () => {
    const { cert, key, rawCert, run } = await labKeyAndCert(newStateFile());
    const x509 = new X509Certificate(cert.certPem);
    expect(cert.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(x509.subject).toBe("O=webtier self-signed\nCN=webtier.test");
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.subjectAltName).toBe("DNS:webtier.test, DNS:lb-1, IP Address:10.0.0.11, IP Address:127.0.0.1");
    expect(x509.checkPrivateKey(createPrivateKey(key.privateKeyPem))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(extensions(cert.certPem, "keyUsage,basicConstraints,subjectKeyIdentifier")).toBe(
      "X509v3 Key Usage: critical\n    Digital Signature, Key Encipherment\nX509v3 Basic Constraints: critical\n    CA:FALSE\n",
    );
    expect(Date.parse(x509.validFrom)).toBe(Date.parse("2026-11-27T08:40:56Z"));
    expect(Date.parse(x509.validTo) - Date.parse(x509.validFrom)).toBe(YEAR * 3_600_000);
    expect(x509.serialNumber).toMatch(/^[0-9A-F]{1,34}$/);
    expect({ ...cert, certPem: undefined }).toEqual({
      ...LAB_CERT, privateKeyPem: key.privateKeyPem, certPem: undefined, keyAlgorithm: "ECDSA", readyForRenewal: false,
      isCaCertificate: false, setSubjectKeyId: false, setAuthorityKeyId: false,
      validityStartTime: "2026-11-27T08:40:56.12Z", validityEndTime: "2027-11-27T08:40:56.12Z",
    });
    expect((rawCert.privateKeyPem as any)[SECRET_SIG]).toBeDefined();
    expect(typeof rawCert.certPem).toBe("string");
    expect(fs.readdirSync(issuing)).toEqual([]);
    expect(run.transport.calls).toEqual([]);
    expect(run.lines.map((l) => l.replace(/ [\d.]+s$/, ""))).toEqual(["local    key                      created", "local    cert                     created"]);
  });

  it("is accepted by `openssl verify` and by curl for the names and addresses it names, not others", async () => {
    const { cert, key } = await labKeyAndCert(newStateFile(), LAB_CERT, new Date());
    const dir = inDir({ "cert.pem": cert.certPem, "key.pem": key.privateKeyPem });
    const openssl = requireBinary("openssl");
    expect(execFileSync(openssl, ["verify", "-CAfile", "cert.pem", "cert.pem"], { cwd: dir, encoding: "utf8" })).toBe("cert.pem: OK\n");
    const port = await freePort();
    const server = spawn(openssl, ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", "cert.pem", "-key", "key.pem", "-www", "-naccept", "3"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on("data", (d: Buffer) => d.toString().includes("ACCEPT") && resolve());
        server.on("exit", (code) => reject(new Error(`s_server exited ${code}`)));
      });
      const curl = (url: string, ...extra: string[]) => {
        try {
          execFileSync(requireBinary("curl"), ["-sS", "-o", "/dev/null", "--max-time", "10", "--cacert", "cert.pem", ...extra, url], { cwd: dir, encoding: "utf8", stdio: "pipe" });
          return 0;
        } catch (err) {
          return (err as { status: number }).status;
        }
      };
      expect(curl(`https://127.0.0.1:${port}/`)).toBe(0);
      expect(curl(`https://webtier.test:${port}/`, "--resolve", `webtier.test:${port}:127.0.0.1`)).toBe(0);
      // 60: the peer's certificate does not name this host.
      expect(curl(`https://other.test:${port}/`, "--resolve", `other.test:${port}:127.0.0.1`)).toBe(60);
    } finally {
      server.kill();
    }
  });

  it("a CA certificate: CA:TRUE with its path length, the provider's subject key id, and an authority key id", async () => {
    const { cert, key } = await labKeyAndCert(newStateFile(), {
      ...LAB_CERT, isCaCertificate: true, maxPathLength: 2, setAuthorityKeyId: true, allowedUses: ["cert_signing", "crl_signing", "client_auth", "server_auth"],
    });
    const point = (createPublicKey(key.privateKeyPem).export({ type: "spki", format: "der" }) as Buffer).subarray(-65);
    const ski = createHash("sha1").update(point).digest("hex").toUpperCase().match(/../g)!.join(":");
    expect(new X509Certificate(cert.certPem).keyUsage).toEqual(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"]);
    expect(extensions(cert.certPem, "keyUsage,basicConstraints,subjectKeyIdentifier,authorityKeyIdentifier")).toBe(
      "X509v3 Key Usage: critical\n    Certificate Sign, CRL Sign\nX509v3 Basic Constraints: critical\n    CA:TRUE, pathlen:2\n" +
      `X509v3 Subject Key Identifier: \n    ${ski}\nX509v3 Authority Key Identifier: \n    ${ski}\n`,
    );
  });

  it("refuses what Go's x509 refuses: a path length on a leaf, an address that is not one", async () => {
    const key = plain(await engineRun(newStateFile()).engine.register(privateKey("key", { algorithm: "ED25519" })));
    await expect(engineRun(newStateFile()).engine.register(selfSignedCert("leaf", key.privateKeyPem, { ...LAB_CERT, maxPathLength: 1 })))
      .rejects.toThrow("Failed to create certificate: x509: only CAs are allowed to specify MaxPathLen");
    await expect(engineRun(newStateFile()).engine.register(selfSignedCert("addr", key.privateKeyPem, { ...LAB_CERT, ipAddresses: ["10.0.0.300"] })))
      .rejects.toThrow('Invalid IP address: Failed to parse "10.0.0.300"');
    expect(fs.readdirSync(issuing)).toEqual([]);
  });

  it("fails the schema's validators in a preview, one message per resource", async () => {
    const preview = engineRun(newStateFile(), true);
    await preview.engine.register(selfSignedCert("cert", "PEM", { ...LAB_CERT, validityPeriodHours: -1, allowedUses: ["server"] }));
    expect(preview.engine.checkFailures).toEqual([
      `${SELF_SIGNED_CERT} resource 'cert': property validityPeriodHours has a problem: value must be at least 0, got: -1\n` +
      `${SELF_SIGNED_CERT} resource 'cert': property allowedUses[0] has a problem: value must be one of: [${[
        "any_extended", "cert_signing", "client_auth", "code_signing", "content_commitment", "crl_signing", "data_encipherment", "decipher_only",
        "digital_signature", "email_protection", "encipher_only", "ipsec_end_system", "ipsec_tunnel", "ipsec_user", "key_agreement",
        "key_encipherment", "microsoft_commercial_code_signing", "microsoft_kernel_code_signing", "microsoft_server_gated_crypto",
        "netscape_server_gated_crypto", "ocsp_signing", "server_auth", "timestamping"].map((u) => `"${u}"`).join(" ")}], got: "server"`,
    ]);
  });
});

describe("tls resources across runs", () => {
  it("the same inputs keep the recorded key and certificate: nothing generated, nothing dialed", async () => {
    const stateFile = newStateFile();
    const first = await labKeyAndCert(stateFile);
    const second = await labKeyAndCert(stateFile, LAB_CERT, new Date(NOW.getTime() + 24 * 3_600_000));
    expect(second.key).toEqual(first.key);
    expect(second.cert).toEqual(first.cert);
    expect((second.rawCert.privateKeyPem as any)[SECRET_SIG]).toBeDefined();
    expect(second.run.engine.plan.map((s) => `${s.op} ${s.name}`)).toEqual(["same key", "same cert"]);
    expect(second.run.engine.stats).toEqual({ executed: 0, unchanged: 2, deleted: 0, remoteCommands: 0, dialAttempts: 0 });
    expect(second.run.lines).toEqual([]);
    // An input spelled with its default is no change either.
    const explicit = await apply(stateFile, [privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: 2048 })]);
    expect(explicit.engine.plan.map((s) => s.op)).toEqual(["same"]);
  });

  it("a changed input replaces: the new certificate first, the old one leaves the state after the run's steps", async () => {
    const stateFile = newStateFile();
    const first = await labKeyAndCert(stateFile);
    const run = engineRun(stateFile, false, NOW);
    await run.engine.begin();
    await run.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" }));
    const replaced = plain(await run.engine.register(selfSignedCert("cert", first.key.privateKeyPem, { ...LAB_CERT, dnsNames: ["webtier.test"] })));
    expect(readDeployState(stateFile).pendingDeletes.map((r) => r.outputs.certPem)).toEqual([first.cert.certPem]);
    await run.engine.finish();
    expect(readDeployState(stateFile).pendingDeletes).toEqual([]);
    expect(replaced.certPem).not.toBe(first.cert.certPem);
    expect(new X509Certificate(replaced.certPem).subjectAltName).toBe("DNS:webtier.test, IP Address:10.0.0.11, IP Address:127.0.0.1");
    expect(run.engine.plan.map((s) => `${s.op} ${s.name}`)).toEqual(["same key", "replace cert"]);
    expect(run.engine.stats).toEqual({ executed: 1, unchanged: 1, deleted: 1, remoteCommands: 0, dialAttempts: 0 });
    expect(run.transport.calls).toEqual([]);
  });

  it("a new key replaces the key, and the certificate issued from it", async () => {
    const stateFile = newStateFile();
    const first = await labKeyAndCert(stateFile);
    const run = engineRun(stateFile, false, NOW);
    const key = plain(await run.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P384" })));
    const cert = plain(await run.engine.register(selfSignedCert("cert", key.privateKeyPem, LAB_CERT)));
    await run.engine.finish();
    expect(run.engine.plan.map((s) => `${s.op} ${s.name}`)).toEqual(["replace key", "replace cert"]);
    expect(key.privateKeyPem).not.toBe(first.key.privateKeyPem);
    expect(new X509Certificate(cert.certPem).checkPrivateKey(createPrivateKey(key.privateKeyPem))).toBe(true);
  });

  it("early_renewal_hours alone is an update (the same certificate), unless it opens the renewal window", async () => {
    const stateFile = newStateFile();
    const first = await labKeyAndCert(stateFile);
    // A preview of the update already knows the outputs: nothing is reissued.
    const preview = engineRun(stateFile, true, NOW);
    await preview.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" }));
    const planned = plain(await preview.engine.register(selfSignedCert("cert", first.key.privateKeyPem, { ...LAB_CERT, earlyRenewalHours: 2 * MONTH })));
    expect([preview.engine.plan[1]!.op, planned.certPem]).toEqual(["update", first.cert.certPem]);
    const second = await labKeyAndCert(stateFile, { ...LAB_CERT, earlyRenewalHours: 2 * MONTH });
    expect(second.run.engine.plan.map((s) => `${s.op} ${s.name}`)).toEqual(["same key", "update cert"]);
    expect(second.cert).toEqual({ ...first.cert, earlyRenewalHours: 2 * MONTH });
    expect(second.run.engine.stats).toMatchObject({ executed: 1, deleted: 0 });
    // As long as the validity: due at once, replaced by one planned ready for renewal.
    const third = await labKeyAndCert(stateFile, { ...LAB_CERT, earlyRenewalHours: YEAR });
    expect(third.run.engine.plan.map((s) => `${s.op} ${s.name}`)).toEqual(["same key", "replace cert"]);
    expect(third.cert.certPem).not.toBe(first.cert.certPem);
    expect(third.cert.readyForRenewal).toBe(true);
  });

  it("inside its early-renewal window a certificate is replaced at the next run, its inputs unchanged", async () => {
    const stateFile = newStateFile();
    const first = await labKeyAndCert(stateFile);
    const windowOpens = Date.parse(first.cert.validityEndTime) - MONTH * 3_600_000;
    const before = await labKeyAndCert(stateFile, LAB_CERT, new Date(windowOpens - 1));
    expect(before.run.engine.plan.map((s) => s.op)).toEqual(["same", "same"]);
    const preview = engineRun(stateFile, true, new Date(windowOpens));
    await preview.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" }));
    expect(await preview.engine.register(selfSignedCert("cert", first.key.privateKeyPem, LAB_CERT))).not.toHaveProperty("certPem");
    expect(preview.engine.plan.map((s) => s.op)).toEqual(["same", "replace"]);
    const inside = await labKeyAndCert(stateFile, LAB_CERT, new Date(windowOpens));
    expect(inside.run.engine.plan.map((s) => s.op)).toEqual(["same", "replace"]);
    expect([inside.cert.validityStartTime, inside.cert.validityEndTime]).toEqual(["2027-10-28T08:40:56.12Z", "2028-10-27T08:40:56.12Z"]);
  });

  it("removed from the program: gone from the state, nothing run", async () => {
    const stateFile = newStateFile();
    await labKeyAndCert(stateFile);
    const { engine, transport } = await apply(stateFile, []);
    expect(readDeployState(stateFile).resources).toEqual({});
    expect(engine.stats).toMatchObject({ deleted: 2, remoteCommands: 0 });
    expect(transport.calls).toEqual([]);
  });
});

it("under the SDK: the private key and the certificate's key are secret Outputs, the certificate is not", async () => {
  const stateFile = newStateFile();
  const run = engineRun(stateFile);
  installEngine(run.engine, "webtier", "lab", false);
  const key = new tls.PrivateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const cert = new tls.SelfSignedCert("cert", { privateKeyPem: key.privateKeyPem, ...LAB_CERT });
  const secretness = (o: pulumi.Output<unknown>) => (o as any).isSecret as Promise<boolean>;
  const outputs = [key.privateKeyPem, key.privateKeyOpenssh, key.privateKeyPemPkcs8, key.publicKeyPem, key.publicKeyOpenssh, cert.privateKeyPem, cert.certPem, cert.validityEndTime];
  const secrets = await Promise.all(outputs.map(secretness));
  const certPem = await new Promise<string>((resolve) => cert.certPem.apply(resolve));
  await waitForRPCs();
  await run.engine.idle();
  expect(secrets).toEqual([true, true, true, false, false, true, false, false]);
  expect(new X509Certificate(certPem).subjectAltName).toBe("DNS:webtier.test, DNS:lb-1, IP Address:10.0.0.11, IP Address:127.0.0.1");
  expect(run.transport.calls).toEqual([]);
  expect(Object.keys(readDeployState(stateFile).resources)).toEqual([urnOf(PRIVATE_KEY, "key"), urnOf(SELF_SIGNED_CERT, "cert")]);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
