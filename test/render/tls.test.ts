import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxGeneration, parseConfig, planDeployment, REMOTE, renderHostBundle, renderSiteConf, resolveTuning, type Tuning } from "../../components/render";
import { requireBinary, run } from "../support/binaries";
import { tuningOf, withHosts, withTls } from "../support/fixtures";
import { makeTestPki, type TestPki } from "./testCertificates";

let pki: TestPki;
let work: string;
beforeAll(() => {
  pki = makeTestPki();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-tls-"));
});
afterAll(() => {
  pki.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

const chain = () => pki.leaf.certificate + pki.intermediate.certificate;

const health = (generation: string) => [
  "    location = /healthz {",
  "        access_log off;",
  "        default_type text/plain;",
  "        if (-f /run/webtier-nginx.draining) {",
  `            return 503 "draining ${generation}";`,
  "        }",
  `        return 200 "ok ${generation}";`,
  "    }",
];
const STATUS = ["    location = /nginx_status {", "        stub_status;", "        access_log off;", "        allow 127.0.0.1;", "        deny all;", "    }"];
const app = (proto: string[]) => [
  "    location / {",
  "        include uwsgi_params;",
  "        uwsgi_param HTTP_X_REAL_IP $remote_addr;",
  "        uwsgi_param HTTP_X_FORWARDED_FOR $proxy_add_x_forwarded_for;",
  ...proto,
  "        uwsgi_pass webtier_app;",
  "        uwsgi_connect_timeout 5s;",
  "        uwsgi_read_timeout 60s;",
  "        uwsgi_send_timeout 60s;",
  "        uwsgi_buffering on;",
  "        uwsgi_request_buffering on;",
  "        uwsgi_next_upstream error timeout http_503;",
  "        uwsgi_next_upstream_tries 2;",
  "    }",
];
const AS_RECEIVED = ["        uwsgi_param HTTP_X_FORWARDED_PROTO $scheme;"];
const OFFLOADED = ["        uwsgi_param HTTP_X_FORWARDED_PROTO https;", "        uwsgi_param HTTPS on;"];
const MOZILLA = [
  "    ssl_certificate webtier/tls/certificate.pem;",
  "    ssl_certificate_key webtier/tls/key.pem;",
  "    ssl_protocols TLSv1.2 TLSv1.3;",
  "    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305;",
  "    ssl_prefer_server_ciphers off;",
  "    ssl_dhparam webtier/tls/ffdhe2048.pem;",
  "    ssl_session_cache shared:webtier_tls:10m;",
  "    ssl_session_timeout 1d;",
  "    ssl_session_tickets off;",
];
const STAPLING = ["    ssl_stapling on;", "    ssl_stapling_verify on;", "    ssl_trusted_certificate webtier/tls/certificate.pem;"];
const HEADER = "# Rendered by webtier. Local edits are replaced on the next deployment.";
const TLS_HEADER = "# TLS: Mozilla intermediate profile, guideline v5.7 (https://ssl-config.mozilla.org/).";

/** The `server { … }` blocks of a site.conf, each as its lines. */
function servers(site: string): string[][] {
  const blocks: string[][] = [];
  for (const line of site.split("\n")) {
    if (line === "server {") blocks.push([]);
    else if (line !== "}" && line !== "" && blocks.length > 0) blocks[blocks.length - 1]!.push(line);
  }
  return blocks;
}

describe("site.conf with TLS in nginx", () => {
  it("renders the redirecting HTTP server and the Mozilla intermediate TLS server with stapling and HSTS", () => {
    const t = tuningOf(withTls(2, { certificate: chain(), hsts: { maxAge: 63072000, includeSubDomains: true, preload: true }, serverNames: ["www.example.test", "example.test"] }));
    const g = nginxGeneration(t);
    expect(renderSiteConf(t)).toBe(
      [
        HEADER,
        TLS_HEADER,
        "server {",
        "    listen 80 backlog=4096 default_server;",
        "    server_name _;",
        ...health(g),
        ...STATUS,
        "    location / {",
        "        return 301 https://$host$request_uri;",
        "    }",
        "}",
        "server {",
        "    listen 443 ssl http2 backlog=4096 default_server;",
        "    server_name www.example.test example.test;",
        ...MOZILLA,
        ...STAPLING,
        '    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains; preload" always;',
        ...health(g),
        ...app(AS_RECEIVED),
        "}",
        "",
      ].join("\n"),
    );
  });

  it("staples OCSP only when the server certificate names a responder and the chain holds its issuer", () => {
    const tlsLines = (certificate: string) => servers(renderSiteConf(tuningOf(withTls(2, { certificate }))))[1]!.filter((l) => l.startsWith("    ssl_"));
    expect(tlsLines(chain())).toEqual([...MOZILLA, ...STAPLING]);
    // A responder but no issuer: nginx would warn "issuer certificate not found" at every start.
    expect(tlsLines(pki.leaf.certificate)).toEqual(MOZILLA);
    // An issuer but no responder.
    expect(tlsLines(pki.leafNoKeyId.certificate + pki.intermediate.certificate)).toEqual(MOZILLA);
    expect(tlsLines(pki.selfSigned.certificate)).toEqual(MOZILLA);
    // Rendering never trusts validation to have run: a second certificate that is not the issuer.
    const unchecked = resolveTuning(parseConfig(withTls(2, { certificate: pki.leaf.certificate + pki.selfSigned.certificate })).config!);
    expect(servers(renderSiteConf(unchecked))[1]!.filter((l) => l.startsWith("    ssl_"))).toEqual(MOZILLA);
  });

  it("redirects to the TLS port when it is not 443, and serves the app over HTTP when redirectHttp is false", () => {
    const redirect = servers(renderSiteConf(tuningOf(withTls(2, { certificate: chain(), port: 8443 }))));
    expect(redirect[0]!.slice(-3)).toEqual(["    location / {", "        return 301 https://$host:8443$request_uri;", "    }"]);
    expect(redirect[1]![0]).toBe("    listen 8443 ssl http2 backlog=4096 default_server;");
    expect(redirect[1]![1]).toBe("    server_name _;");

    const t = tuningOf(withTls(2, { certificate: chain(), redirectHttp: false }));
    expect(servers(renderSiteConf(t))[0]).toEqual([
      "    listen 80 backlog=4096 default_server;",
      "    server_name _;",
      ...health(nginxGeneration(t)),
      ...STATUS,
      ...app(AS_RECEIVED),
    ]);
  });

  it("puts nginx.extraServer in every server", () => {
    const site = renderSiteConf(tuningOf(withTls(2, { certificate: chain() }, { nginx: { extraServer: ["add_header X-Tier web"] } })));
    expect(servers(site).map((s) => s[s.length - 1])).toEqual(["    add_header X-Tier web;", "    add_header X-Tier web;"]);
  });
});

describe("site.conf with TLS ended at the load balancer (certificateArn)", () => {
  const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

  it("adds a plain server on offloadPort that tells the app the request was HTTPS, and redirects port 80", () => {
    const t = tuningOf(withTls(2, { certificateArn: ARN, hsts: { maxAge: 31536000 } }));
    const g = nginxGeneration(t);
    expect(renderSiteConf(t)).toBe(
      [
        HEADER,
        "server {",
        "    listen 80 backlog=4096 default_server;",
        "    server_name _;",
        ...health(g),
        ...STATUS,
        "    location / {",
        "        return 301 https://$host$request_uri;",
        "    }",
        "}",
        "server {",
        "    listen 8443 backlog=4096;",
        "    server_name _;",
        "    add_header Strict-Transport-Security max-age=31536000 always;",
        ...health(g),
        ...app(OFFLOADED),
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("the nginx generation", () => {
  it("changes with the certificate and with tls itself, not with nginx.drainSeconds", () => {
    const gen = (config: Record<string, unknown>) => nginxGeneration(tuningOf(config));
    const plain = gen(withHosts(2));
    expect(gen(withHosts(2, { nginx: { drainSeconds: 30 } }))).toBe(plain);
    expect(gen(withTls(2, { certificate: chain() }))).not.toBe(plain);
    expect(gen(withTls(2, { certificate: chain() }))).not.toBe(gen(withTls(2, { certificate: pki.selfSigned.certificate })));
    expect(gen(withTls(2, { certificate: chain() }))).toBe(gen(withTls(2, { certificate: chain() })));
  });
});

describe("planned TLS files", () => {
  const nginxFiles = (t: Tuning) => planDeployment(t, "r1").nginx[0]!.steps.find((s) => s.name === "nginx")!.files;

  it("plans the certificate and ffdhe2048 (0644) but never the key", () => {
    const files = nginxFiles(tuningOf(withTls(2, { certificate: pki.selfSigned.certificate })));
    expect(files.map((f) => `${f.path} ${f.mode}`)).toEqual([
      "/etc/nginx/nginx.conf 0644",
      "/etc/nginx/webtier/upstream.conf 0644",
      "/etc/nginx/webtier/site.conf 0644",
      "/etc/nginx/webtier/tls/certificate.pem 0644",
      "/etc/nginx/webtier/tls/ffdhe2048.pem 0644",
      "/etc/systemd/system/nginx.service.d/webtier-limits.conf 0644",
    ]);
    expect(files[3]!.content).toBe(pki.selfSigned.certificate);
    expect(files[4]!.content).toMatch(/^-----BEGIN DH PARAMETERS-----\n[\s\S]+\n-----END DH PARAMETERS-----\n$/);
  });

  it("renders a self-signed stand-in (no certificate yet) without the certificate file", () => {
    const t = tuningOf(withTls(2, { selfSigned: true }));
    expect(servers(renderSiteConf(t))[1]!.filter((l) => l.startsWith("    ssl_"))).toEqual(MOZILLA);
    expect(nginxFiles(t).map((f) => f.path)).not.toContain(REMOTE.tlsCertificate);
    expect(nginxFiles(t).map((f) => f.path)).toContain(REMOTE.tlsDhparam);
  });

  it("plans no TLS file when TLS ends at the load balancer", () => {
    const t = tuningOf(withTls(2, { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d" }));
    expect(nginxFiles(t).map((f) => f.path).filter((p) => p.includes("/tls/"))).toEqual([]);
  });

  it("stages the key only through the bundle's secret files", () => {
    const plan = planDeployment(tuningOf(withTls(2, { certificate: chain() })), "r1").nginx[0]!;
    expect(renderHostBundle(plan, "activate")).not.toContain(`stage_file ${REMOTE.tlsKey}`);
    const bundle = renderHostBundle(plan, "activate", [{ path: REMOTE.tlsKey, content: pki.leaf.key }]);
    expect(bundle).toContain(`stage_file /etc/nginx/webtier/tls/key.pem cat <<'WEBTIER_EOF'\n${pki.leaf.key}WEBTIER_EOF\n`);
  });
});

describe("nginx -t on the staged TLS tree", () => {
  /** Stages /etc/nginx plus the planned files and the key the way the step does, then runs nginx -t. */
  function nginxTest(name: string, config: Record<string, unknown>, key?: string): { status: number; stderr: string } {
    requireBinary("nginx");
    const tree = path.join(work, name);
    fs.cpSync("/etc/nginx", tree, { recursive: true });
    const step = planDeployment(tuningOf(config), "r1").nginx[0]!.steps.find((s) => s.name === "nginx")!;
    const staged = [...step.files, ...(key === undefined ? [] : [{ path: REMOTE.tlsKey, content: key }])];
    for (const file of staged.filter((f) => f.path.startsWith("/etc/nginx/"))) {
      const target = path.join(tree, path.relative("/etc/nginx", file.path));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content);
    }
    const result = run("nginx", ["-t", "-q", "-c", path.join(tree, "nginx.conf")]);
    return { status: result.status, stderr: result.stderr };
  }

  it.each([
    ["chain with an OCSP responder nginx can resolve", () => withTls(2, { certificate: pki.leafLocalOcsp.certificate + pki.intermediate.certificate, hsts: { maxAge: 63072000 } }), () => pki.leaf.key],
    ["self-signed certificate", () => withTls(2, { certificate: pki.selfSigned.certificate }), () => pki.selfSigned.key],
    ["server certificate alone, responder named, no issuer", () => withTls(2, { certificate: pki.leaf.certificate }), () => pki.leaf.key],
    ["TLS on port 8443, no redirect", () => withTls(2, { certificate: pki.selfSigned.certificate, port: 8443, redirectHttp: false }), () => pki.selfSigned.key],
    ["TLS ended at the load balancer", () => withTls(2, { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d" }), () => undefined],
  ])("passes with the %s", (name, config, key) => {
    expect(nginxTest(name.replace(/\W+/g, "-"), config(), key())).toEqual({ status: 0, stderr: "" });
  });

  it("passes with the chain naming ocsp.example.test, warning only that the responder's name does not resolve here", () => {
    const result = nginxTest("unresolvable-ocsp", withTls(2, { certificate: chain() }), pki.leaf.key);
    expect(result.status).toBe(0);
    // Stapling is on and the issuer was found (else: "issuer certificate not found").
    expect(result.stderr).toMatch(
      /^\S+ \S+ \[warn\] \d+#\d+: "ssl_stapling" ignored, host not found in OCSP responder "ocsp\.example\.test" in the certificate "[^"]+\/unresolvable-ocsp\/webtier\/tls\/certificate\.pem"\n$/,
    );
  });

  it("reads the key from the staged tree: a key of another certificate fails", () => {
    const result = nginxTest("wrong-key", withTls(2, { certificate: pki.selfSigned.certificate }), pki.leaf.key);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("/wrong-key/webtier/tls/key.pem\") failed (SSL: error:05800074:x509 certificate routines::key values mismatch)");
  });
});
