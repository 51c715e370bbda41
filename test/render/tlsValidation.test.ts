import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkCertificateChain,
  checkConfig,
  checkTlsKeyPair,
  describeCertificate,
  frontDoorOf,
  validateModes,
} from "../../components/render";
import { withHosts, withTls } from "../support/fixtures";
import { makeTestPki, type TestPki } from "./testCertificates";

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.cleanup());

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string, days: number) => new Date(new Date(iso).getTime() + days * DAY);
const chain = () => pki.leaf.certificate + pki.intermediate.certificate;
const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

describe("tls.certificate", () => {
  it("accepts a chain in signing order, a full chain with its root, and a self-signed certificate", () => {
    expect(checkConfig(withTls(2, { certificate: chain() }))).toMatchObject({ ok: true, errors: [], warnings: [] });
    expect(checkConfig(withTls(2, { certificate: chain() + pki.root.certificate }))).toMatchObject({ ok: true, errors: [], warnings: [] });
    expect(checkConfig(withTls(2, { selfSigned: true }))).toMatchObject({ ok: true, errors: [], warnings: [] });
  });

  it("names the positions of a chain out of order (intermediate before the server certificate)", () => {
    expect(checkConfig(withTls(2, { certificate: pki.intermediate.certificate + pki.leaf.certificate })).errors).toEqual([
      "tls.certificate (certificate 1: CN=Webtier Test Intermediate CA) is not issued by certificate 2 (CN=www.example.test): list the server certificate first, then each issuer in signing order",
    ]);
  });

  it("refuses an issuer whose name matches but whose key did not sign the certificate", () => {
    const now = at(pki.leaf.validFrom, 1);
    expect(checkCertificateChain(pki.leafNoKeyId.certificate + pki.intermediate.certificate, now).errors).toEqual([]);
    expect(checkCertificateChain(pki.leafNoKeyId.certificate + pki.forgedIntermediate.certificate, now).errors).toEqual([
      "tls.certificate (certificate 1: CN=www.example.test) is not issued by certificate 2 (CN=Webtier Test Intermediate CA): list the server certificate first, then each issuer in signing order",
    ]);
  });

  it("refuses a certificate followed by one that did not issue it", () => {
    // The self-signed certificate stands after the leaf, which it did not issue.
    expect(checkCertificateChain(pki.leaf.certificate + pki.selfSigned.certificate, at(pki.leaf.validFrom, 1)).errors).toEqual([
      "tls.certificate (certificate 1: CN=www.example.test) is not issued by certificate 2 (CN=self.example.test): list the server certificate first, then each issuer in signing order",
    ]);
  });

  it("refuses an expired certificate and one not valid yet, at the clock it is given", () => {
    const { validFrom, validTo } = pki.selfSigned;
    expect(checkCertificateChain(pki.selfSigned.certificate, at(validTo, 1))).toEqual({
      errors: [`tls.certificate (certificate 1: CN=self.example.test) expired on ${validTo}`],
      warnings: [],
    });
    expect(checkCertificateChain(pki.selfSigned.certificate, at(validFrom, -1))).toEqual({
      errors: [`tls.certificate (certificate 1: CN=self.example.test) is not valid before ${validFrom}`],
      warnings: [],
    });
    // checkConfig takes the same clock (the real one unless a test sets it).
    expect(checkConfig(withTls(2, { certificate: pki.selfSigned.certificate }), at(validTo, 1)).errors).toEqual([
      `tls.certificate (certificate 1: CN=self.example.test) expired on ${validTo}`,
    ]);
  });

  it("warns about every certificate of the chain expiring within 14 days, not 14 days ahead", () => {
    const { validTo } = pki.leaf;
    expect(checkCertificateChain(pki.leaf.certificate, at(validTo, -13))).toEqual({
      errors: [],
      warnings: [`tls.certificate (certificate 1: CN=www.example.test) expires on ${validTo}, within 14 days: renew it`],
    });
    expect(checkCertificateChain(pki.leaf.certificate, at(validTo, -14))).toEqual({ errors: [], warnings: [] });
    const config = checkConfig(withTls(2, { certificate: chain() }), at(validTo, -13));
    expect(config).toMatchObject({ ok: true, errors: [] });
    expect(config.warnings).toEqual([
      `tls.certificate (certificate 1: CN=www.example.test) expires on ${validTo}, within 14 days: renew it`,
      `tls.certificate (certificate 2: CN=Webtier Test Intermediate CA) expires on ${pki.intermediate.validTo}, within 14 days: renew it`,
    ]);
  });

  it("refuses what is not a certificate, without showing a key", () => {
    const errors = (certificate: string) => checkConfig(withTls(2, { certificate })).errors;
    expect(errors(pki.leaf.key)).toEqual([
      "tls.certificate (block 1: PRIVATE KEY) must hold only CERTIFICATE blocks: the private key goes in the secret webtier:tlsKey",
    ]);
    expect(errors(chain() + pki.leaf.key)).toEqual([
      "tls.certificate (block 3: PRIVATE KEY) must hold only CERTIFICATE blocks: the private key goes in the secret webtier:tlsKey",
    ]);
    expect(errors("hello")).toEqual([
      "tls.certificate (no PEM block) must hold at least one CERTIFICATE block: the server certificate, then its intermediates",
    ]);
    expect(errors("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toEqual(["tls.certificate (block 1) is not a valid X.509 certificate"]);
  });

  it("summarizes the server certificate for messages and outputs", () => {
    const summary = describeCertificate(chain())!;
    expect(summary).toEqual({
      subject: "CN=www.example.test",
      names: ["DNS:www.example.test"],
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      validTo: pki.leaf.validTo,
    });
    expect(describeCertificate("hello")).toBeUndefined();
  });
});

describe("checkTlsKeyPair", () => {
  it("accepts the server certificate's key", () => {
    expect(checkTlsKeyPair(chain(), pki.leaf.key)).toEqual([]);
  });

  it("refuses another key and a value that is not a PEM private key, never printing it", () => {
    const mismatch = checkTlsKeyPair(chain(), pki.selfSigned.key);
    expect(mismatch).toEqual(["tlsKey (secret) does not match tls.certificate's first certificate (CN=www.example.test)"]);
    expect(checkTlsKeyPair(chain(), "not a key")).toEqual([
      "tlsKey (secret) must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)",
    ]);
    expect(checkTlsKeyPair(chain(), pki.leaf.certificate)).toEqual([
      "tlsKey (secret) must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)",
    ]);
    const body = pki.selfSigned.key.split("\n")[1]!;
    expect(mismatch.join("\n")).not.toContain(body);
  });
});

describe("tls sources", () => {
  it.each([
    ["certificate and certificateArn", { certificate: "PEM", certificateArn: ARN }, "tls (certificate and certificateArn) must set exactly one of certificate, selfSigned, certificateArn"],
    ["certificate and selfSigned", { certificate: "PEM", selfSigned: true }, "tls (certificate and selfSigned) must set exactly one of certificate, selfSigned, certificateArn"],
    ["selfSigned and certificateArn", { selfSigned: true, certificateArn: ARN }, "tls (selfSigned and certificateArn) must set exactly one of certificate, selfSigned, certificateArn"],
    ["none", { port: 443 }, "tls (no certificate source) must set exactly one of certificate, selfSigned, certificateArn"],
    ["selfSigned false", { selfSigned: false }, "tls (no certificate source) must set exactly one of certificate, selfSigned, certificateArn"],
  ])("refuses %s", (_name, tls, message) => {
    const certificate = (tls as { certificate?: string }).certificate === undefined ? {} : { certificate: chain() };
    expect(checkConfig(withTls(2, { ...tls, ...certificate })).errors).toEqual([message]);
  });
});

describe("ports nginx listens on", () => {
  it.each([
    ["tls.port on nginx.port", { certificate: "PEM", port: 80 }, {}, ["tls.port (80) must differ from nginx.port"]],
    ["tls.port on a moved nginx.port", { certificate: "PEM" }, { nginx: { port: 443 } }, ["tls.port (443) must differ from nginx.port"]],
    ["offloadPort on tls.port", { certificateArn: ARN, port: 8443 }, {}, ["tls.offloadPort (8443) must differ from tls.port"]],
    ["offloadPort on nginx.port", { certificateArn: ARN, offloadPort: 80 }, {}, ["tls.offloadPort (80) must differ from nginx.port"]],
    ["tls.port on SSH", { certificate: "PEM", port: 22 }, {}, ["tls.port (22) must differ from hosts.nginx[0].port, the SSH port of lb-1"]],
    ["offloadPort on SSH", { certificateArn: ARN, offloadPort: 22 }, {}, ["tls.offloadPort (22) must differ from hosts.nginx[0].port, the SSH port of lb-1"]],
  ])("refuses %s", (_name, tls, extra, messages) => {
    const certificate = (tls as { certificate?: string }).certificate === undefined ? {} : { certificate: chain() };
    expect(checkConfig(withTls(2, { ...tls, ...certificate }, extra)).errors).toEqual(messages);
  });

  it("refuses nginx.port on an nginx host's SSH port, with or without TLS", () => {
    const config = withHosts(2, { nginx: { port: 2222 } });
    (config.hosts as { nginx: Record<string, unknown>[] }).nginx[0]!.port = 2222;
    expect(checkConfig(config).errors).toEqual(["nginx.port (2222) must differ from hosts.nginx[0].port, the SSH port of lb-1"]);
  });

  it("ignores ports that are not in use: the offload port with TLS in nginx, tls.port at the load balancer vs SSH", () => {
    expect(checkConfig(withTls(2, { certificate: chain(), port: 8443 })).errors).toEqual([]);
    expect(checkConfig(withTls(2, { certificateArn: ARN, port: 22 })).errors).toEqual([]);
  });
});

describe("tls.certificateArn and the AWS front door", () => {
  const aws = (extra: Record<string, unknown>) => ({ aws: { adminCidr: "198.51.100.0/24", ...extra }, tls: { certificateArn: ARN } });

  it("defaults the front door to nlb with more than one nginx host, else eip", () => {
    expect(frontDoorOf({ aws: {} })).toBe("eip");
    expect(frontDoorOf({ aws: { nginxCount: 2 } })).toBe("nlb");
    expect(frontDoorOf({ aws: { nginxCount: 2, frontDoor: "eip" } })).toBe("eip");
    expect(frontDoorOf({ aws: { frontDoor: "nlb" } })).toBe("nlb");
    expect(frontDoorOf({})).toBeUndefined();
  });

  it("requires an nlb front door", () => {
    expect(validateModes(aws({}))).toEqual([
      `tls.certificateArn (${ARN}) requires aws.frontDoor nlb (this stack's front door is eip): only a load balancer can use an ACM certificate`,
    ]);
    expect(validateModes(aws({ nginxCount: 3, frontDoor: "eip" }))).toEqual([
      `tls.certificateArn (${ARN}) requires aws.frontDoor nlb (this stack's front door is eip): only a load balancer can use an ACM certificate`,
    ]);
    expect(validateModes(aws({ nginxCount: 2 }))).toEqual([]);
    expect(validateModes(aws({ frontDoor: "nlb" }))).toEqual([]);
  });
});

describe("the schema of tls, nginx.drainSeconds and aws.frontDoor", () => {
  it.each([
    [{ tls: { selfSigned: true, serverNames: ["www.example.test", "bad_name"] } }, "tls.serverNames[1] (bad_name) must be a DNS name such as www.example.com (a leading *. wildcard allowed)"],
    [{ tls: { selfSigned: true, serverNames: ["203.0.113.10"] } }, "tls.serverNames[0] (203.0.113.10) must be a DNS name such as www.example.com (a leading *. wildcard allowed)"],
    [{ tls: { selfSigned: true, hsts: { includeSubDomains: true } } }, "tls.hsts.maxAge (undefined) is required"],
    [{ tls: { selfSigned: true, hsts: { maxAge: 0 } } }, "tls.hsts.maxAge (0) must be a positive integer"],
    [{ tls: { selfSigned: true, redirect: true } }, "tls.redirect (true) is not a known key"],
    [{ nginx: { drainSeconds: 601 } }, "nginx.drainSeconds (601) must not exceed 600"],
    [{ nginx: { drainSeconds: -1 } }, "nginx.drainSeconds (-1) must be a non-negative integer"],
  ])("refuses %j", (extra, message) => {
    expect(checkConfig(withHosts(2, extra)).errors).toEqual([message]);
  });

  it("refuses an ARN that is not an ACM certificate's, then checks the rest without it", () => {
    expect(checkConfig(withHosts(2, { tls: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } })).errors).toEqual([
      "tls.certificateArn (arn:aws:iam::123456789012:server-certificate/x) must be an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-…",
      "tls (no certificate source) must set exactly one of certificate, selfSigned, certificateArn",
    ]);
  });

  it("accepts wildcard names and a drain of 600 s", () => {
    expect(checkConfig(withHosts(2, { tls: { selfSigned: true, serverNames: ["*.example.test", "example.test"] }, nginx: { drainSeconds: 600 } })).errors).toEqual([]);
  });

  it("refuses an unknown front door", () => {
    expect(checkConfig({ aws: { adminCidr: "198.51.100.0/24", frontDoor: "alb" } }).errors).toEqual(["aws.frontDoor (alb) must be nlb or eip"]);
  });
});
