import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment, REMOTE, renderHostBundle } from "../../components/render";
import { requireBinary, run } from "../support/binaries";
import { tuningOf, withHosts, withTls } from "../support/fixtures";
import { makeTestPki, type TestPki } from "./testCertificates";

// The nginx step's TLS files, verification URLs and drain hook. Its behaviour on a host (drain,
// reload, rollback) is proven on lab hosts; here: what is rendered, and that shellcheck is clean.

const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d";

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => pki.cleanup());
const withCertificate = (extra: Record<string, unknown> = {}) => withTls(2, { certificate: pki.selfSigned.certificate }, extra);

function nginxStep(config: Record<string, unknown>): string {
  return planDeployment(tuningOf(config), "r1").nginx[0]!.steps.find((s) => s.name === "nginx")!.script;
}

function varsOf(script: string): string[] {
  return script.split("\n").filter((line) => line.startsWith("readonly ") && !/^readonly (HOST_NAME|STEP)=/.test(line));
}

describe("the nginx step's variables", () => {
  it("installs the TLS files with their modes, the key root-only, and verifies over HTTPS", () => {
    expect(varsOf(nginxStep(withCertificate({ nginx: { drainSeconds: 30 } })))).toEqual([
      "readonly FILES=(/etc/nginx/nginx.conf /etc/nginx/webtier/upstream.conf /etc/nginx/webtier/site.conf /etc/nginx/webtier/tls/certificate.pem /etc/nginx/webtier/tls/ffdhe2048.pem /etc/nginx/webtier/tls/key.pem)",
      "readonly FILE_MODES=(0644 0644 0644 0644 0644 0600)",
      "readonly STALE_FILES=()",
      "readonly LIMITS=/etc/systemd/system/nginx.service.d/webtier-limits.conf",
      "readonly DIST_CONF=/var/lib/webtier/nginx.conf.dist",
      expect.stringMatching(/^readonly GENERATION=[0-9a-f]{16}$/),
      "readonly HEALTH_URLS=(http://127.0.0.1:80/healthz https://127.0.0.1:443/healthz)",
      "readonly APP_URL=https://127.0.0.1:443/",
      "readonly VERIFY_SECONDS=60",
      "readonly DRAIN_SECONDS=30",
      "readonly DRAIN_MARKER=/run/webtier-nginx.draining",
    ]);
  });

  it("removes the TLS files of a config without TLS and drains nothing by default", () => {
    const vars = varsOf(nginxStep(withHosts(2)));
    expect(vars.slice(0, 3)).toEqual([
      "readonly FILES=(/etc/nginx/nginx.conf /etc/nginx/webtier/upstream.conf /etc/nginx/webtier/site.conf)",
      "readonly FILE_MODES=(0644 0644 0644)",
      "readonly STALE_FILES=(/etc/nginx/webtier/tls/certificate.pem /etc/nginx/webtier/tls/ffdhe2048.pem /etc/nginx/webtier/tls/key.pem)",
    ]);
    expect(vars.slice(6)).toEqual([
      "readonly HEALTH_URLS=(http://127.0.0.1:80/healthz)",
      "readonly APP_URL=http://127.0.0.1:80/",
      "readonly VERIFY_SECONDS=60",
      "readonly DRAIN_SECONDS=0",
      "readonly DRAIN_MARKER=/run/webtier-nginx.draining",
    ]);
  });

  it("verifies the offload server when a load balancer ends TLS", () => {
    const vars = varsOf(nginxStep(withTls(2, { certificateArn: ARN }, { nginx: { port: 8080 } })));
    expect(vars[2]).toBe("readonly STALE_FILES=(/etc/nginx/webtier/tls/certificate.pem /etc/nginx/webtier/tls/ffdhe2048.pem /etc/nginx/webtier/tls/key.pem)");
    expect(vars.slice(6, 8)).toEqual([
      "readonly HEALTH_URLS=(http://127.0.0.1:8080/healthz http://127.0.0.1:8443/healthz)",
      "readonly APP_URL=http://127.0.0.1:8443/",
    ]);
  });
});

describe("the drain hook", () => {
  let script: string;
  beforeAll(() => {
    script = nginxStep(withCertificate({ nginx: { drainSeconds: 30 } }));
  });

  it("drains only a serving host that changes, before it installs anything", () => {
    const drain = [
      "draining=false",
      'if [ "$DRAIN_SECONDS" -gt 0 ] && [ "$was_active" = true ] && { [ "$changed" = true ] || [ "$limits_changed" = true ]; }; then',
      "  draining=true",
      '  touch "$DRAIN_MARKER"',
      '  echo "draining for ${DRAIN_SECONDS}s"',
      '  sleep "$DRAIN_SECONDS"',
      "fi",
    ].join("\n");
    expect(script).toContain(drain);
    expect(script.indexOf(drain)).toBeLessThan(script.indexOf('for i in "${!FILES[@]}"; do install_file'));
    expect(script.indexOf("was_active=false")).toBeLessThan(script.indexOf(drain));
  });

  it("expects the draining body while draining, and rejoins after verifying", () => {
    expect(script).toContain('expected="ok $GENERATION"\n  if [ "$draining" = true ]; then expected="draining $GENERATION"; fi\n');
    const rejoin = ['if [ "$draining" = true ]; then', '  rm -f "$DRAIN_MARKER"', '  sleep "$DRAIN_SECONDS"', '  echo "rejoined after ${DRAIN_SECONDS}s"', "fi"].join("\n");
    expect(script).toContain(rejoin);
    expect(script.indexOf('echo "nginx serving generation $GENERATION"')).toBeLessThan(script.indexOf(rejoin));
  });

  it("removes the marker on every exit, and one left by a killed run before it starts", () => {
    expect(script).toContain(`trap 'rm -rf "$tree" "$backup"; rm -f "$DRAIN_MARKER"' EXIT\nrm -f "$DRAIN_MARKER"\n`);
  });

  it("tests the staged tree without the stale files, then removes them from the host", () => {
    expect(script).toContain('for f in "${STALE_FILES[@]}"; do rm -f "$tree/${f#/etc/nginx/}"; done\n');
    expect(script).toContain('install -D -m "${FILE_MODES[$i]}" "$STAGE$f" "$tree/${f#/etc/nginx/}"\n');
    expect(script).toContain('for i in "${!FILES[@]}"; do install_file "${FILES[$i]}" "${FILE_MODES[$i]}"; done\nfor f in "${STALE_FILES[@]}"; do rm -f "$f"; done\n');
  });

  it("asks every health URL, HTTPS without checking the certificate's name, and the app URL", () => {
    expect(script).toContain('  for url in "${HEALTH_URLS[@]}"; do\n');
    expect(script).toContain('body="$(curl -sS -k --max-time 5 "$url" 2>&1 || true)"');
    expect(script).toContain(`code="$(curl -s -k -o /dev/null -w '%{http_code}' --max-time 10 "$APP_URL" || true)"`);
  });

  it("keeps backups with their modes (the key stays 0600) and restores them exactly", () => {
    expect(script).toContain('    install -d -m 0700 "$backup$(dirname "$1")"\n    cp -p "$1" "$backup$1"\n');
    expect(script).toContain('  for f in "${FILES[@]}" "${STALE_FILES[@]}" "$LIMITS"; do\n    if [ -f "$backup$f" ]; then cp -p "$backup$f" "$f"; else rm -f "$f"; fi\n');
  });
});

describe("shellcheck", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-nginx-step-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["tls-drain", () => withCertificate({ nginx: { drainSeconds: 30 } })],
    ["self-signed-stand-in", () => withTls(2, { selfSigned: true })],
    ["offload", () => withTls(2, { certificateArn: ARN })],
  ])("passes on the %s step and its activation bundle", (name, config) => {
    requireBinary("shellcheck");
    const plan = planDeployment(tuningOf(config()), "r1").nginx[0]!;
    const step = path.join(dir, `${name}.sh`);
    const bundle = path.join(dir, `${name}-bundle.sh`);
    fs.writeFileSync(step, plan.steps.find((s) => s.name === "nginx")!.script);
    fs.writeFileSync(bundle, renderHostBundle(plan, "activate", [{ path: REMOTE.tlsKey, content: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n" }]));
    const result = run("shellcheck", ["--severity=style", step, bundle]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
