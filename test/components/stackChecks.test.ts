import { describe, expect, it } from "vitest";
import { aptProxyIsSecret } from "../../components/aptProxySecret";
import { checkTlsKey } from "../../components/tlsMaterial";
import { awsTiersArgs, checkWebtierStack } from "../../components/webtierStackCheck";

// The stack's own checks and what it hands the AWS layer, as plain functions; the components'
// refusals (webtierStack*.test.ts) show they run before anything registers.

const ADMIN = { adminCidr: "198.51.100.0/24" };
const ARN = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

describe("awsTiersArgs", () => {
  it("fills in the defaults the tier settings leave open", () => {
    expect(awsTiersArgs(ADMIN, {}, "KEY")).toStrictEqual({
      ...ADMIN, frontDoor: "eip", healthPath: "/healthz", nginxCount: 1, appCount: 2,
      httpCidrs: undefined, nginxPort: 80, uwsgiPort: 3031, sshPublicKey: "KEY",
    });
  });

  it("takes ports, counts, the health path and client networks from the settings, and TLS offload at the NLB", () => {
    expect(awsTiersArgs(
      { ...ADMIN, nginxCount: 3, appCount: 4 },
      { nginx: { port: 8080, healthPath: "/up" }, uwsgi: { socketPort: 4000 }, clientCidrs: ["203.0.113.0/24"], tls: { certificateArn: ARN } },
      "KEY",
    )).toStrictEqual({
      ...ADMIN, nginxCount: 3, appCount: 4, frontDoor: "nlb", healthPath: "/up", tlsPort: 443, tlsOffload: { certificateArn: ARN, targetPort: 8443 },
      httpCidrs: ["203.0.113.0/24"], nginxPort: 8080, uwsgiPort: 4000, sshPublicKey: "KEY",
    });
  });

  it("opens the HTTPS port when nginx serves TLS, without an offload", () => {
    expect(awsTiersArgs(ADMIN, { tls: { selfSigned: true, port: 8443 } }, "KEY")).toMatchObject({ tlsPort: 8443 });
    expect(awsTiersArgs(ADMIN, { tls: { selfSigned: true } }, "KEY")).not.toHaveProperty("tlsOffload");
  });

  it("opens the apt proxy's port, its scheme's default when it names none, only with proxy egress", () => {
    const port = (aptProxy: string, egress: "nat" | "proxy") => awsTiersArgs({ ...ADMIN, egress }, { aptProxy }, "KEY").aptProxyPort;
    expect(port("http://proxy.example:3142", "proxy")).toBe(3142);
    expect(port("http://proxy.example", "proxy")).toBe(80);
    expect(port("https://proxy.example", "proxy")).toBe(443);
    expect(port("http://proxy.example:3142", "nat")).toBeUndefined();
    expect(awsTiersArgs({ ...ADMIN, egress: "proxy" }, {}, "KEY")).not.toHaveProperty("aptProxyPort");
  });
});

describe("checkWebtierStack", () => {
  it("says once that hosts are missing, without asking for a deploy key they would need", () => {
    expect(checkWebtierStack({ config: {}, baseDir: process.cwd() })).toEqual([
      "hosts (unset) is required unless aws is set: list the existing nginx and app hosts",
    ]);
  });

  it("leaves an app.source of the wrong type to the configuration's rule", () => {
    const config = { hosts: { nginx: [], app: [] }, app: { source: 5 } } as never;
    expect(checkWebtierStack({ config, baseDir: process.cwd(), sshPrivateKey: "k" })).toEqual([
      "app.source (5) must be a string",
      "hosts.nginx ([]) must list at least one host",
      "hosts.app ([]) must list at least one host",
    ]);
  });
});

describe("checkTlsKey", () => {
  const KEY = "-----BEGIN PRIVATE KEY-----\n";
  it("wants the key exactly when nginx serves a configured certificate", () => {
    expect(checkTlsKey(undefined, undefined)).toEqual([]);
    expect(checkTlsKey({ certificate: "PEM" }, KEY)).toEqual([]);
    expect(checkTlsKey({ certificate: "PEM" }, undefined)).toEqual([
      "tlsKey (unset) is required with tls.certificate: pulumi config set --secret webtier:tlsKey < key.pem",
    ]);
    const unused = ["tlsKey (secret) is set but tls.certificate is not: the key belongs to the certificate nginx serves"];
    expect(checkTlsKey(undefined, KEY)).toEqual(unused);
    // TLS that ends at the load balancer has no key on nginx either.
    expect(checkTlsKey({ certificateArn: ARN }, KEY)).toEqual(unused);
  });
});

describe("aptProxyIsSecret", () => {
  it("holds for a proxy URL with its own credentials, or one set as a secret", () => {
    expect(aptProxyIsSecret("http://user:pw@proxy.example:3142")).toBe(true);
    expect(aptProxyIsSecret("HTTP://user@proxy.example")).toBe(true);
    expect(aptProxyIsSecret("http://proxy.example:3142", true)).toBe(true);
    expect(aptProxyIsSecret("http://proxy.example:3142")).toBe(false);
  });

  it("looks only at the URL's own user part", () => {
    expect(aptProxyIsSecret("http://proxy.example:3142/mirror@2")).toBe(false);
    expect(aptProxyIsSecret("http://proxy.example/?via=http://user:pw@other")).toBe(false);
  });

  it("is false without a proxy, however it was set", () => {
    expect(aptProxyIsSecret(undefined)).toBe(false);
    expect(aptProxyIsSecret(undefined, true)).toBe(false);
  });
});
