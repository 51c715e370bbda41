// The edge on real hosts: two nginx hosts in front of the same app tier, HTTPS with a self-signed
// certificate the stack generated once, HTTP redirected, and a certificate rotation that rolls over
// the nginx hosts one at a time — each drained through its health path first — as a reload that
// loses no request under load.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, type LabState } from "../../lab";
import { run } from "../../lab/hosts/exec";
import { NAME_PREFIX, TLS_CERTIFICATE_FILE } from "../../lab/hosts/paths";
import { parseWrk } from "../../lab/load/wrk";
import { deployOnly, MIN, onHost, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

const DRAIN_SECONDS = 3;
const SETTINGS = { tls: { selfSigned: true }, nginx: { drainSeconds: DRAIN_SECONDS } };
const NGINX_HOSTS = ["lb-1", "lb-2"];
const APP_HOSTS = ["app-1", "app-2"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `curl` from the lab's client namespace: status line code, headers and body. */
async function curl(state: LabState, args: string[]): Promise<{ code: number; status: number; headers: string; body: string; stderr: string }> {
  const r = await run("ip", ["netns", "exec", state.clients[0]!.namespace, "curl", "-sS", "-i", "-m", "10", ...args], { timeoutMs: 20_000 });
  const split = r.stdout.indexOf("\r\n\r\n");
  const headers = split < 0 ? r.stdout : r.stdout.slice(0, split);
  return {
    code: r.code,
    status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(headers)?.[1] ?? 0),
    headers,
    body: split < 0 ? "" : r.stdout.slice(split + 4),
    stderr: r.stderr,
  };
}

/** SHA-256 fingerprint of the certificate a host serves on 443, as the client sees it. */
async function servedFingerprint(state: LabState, address: string): Promise<string> {
  const script = `openssl s_client -connect ${address}:443 -servername ${address} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`;
  const r = await run("ip", ["netns", "exec", state.clients[0]!.namespace, "bash", "-c", script], { timeoutMs: 20_000 });
  return r.stdout.trim();
}

const fingerprintOf = (pemFile: string) => execFileSync("openssl", ["x509", "-in", pemFile, "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" }).trim();

/** The nginx master's PID on a host: unchanged across a reload, new after a restart. */
const nginxMaster = (state: LabState, host: string) => onHost(state, host, "cat /run/nginx.pid").then((s) => s.trim());

describe("the edge on the lab: 2 nginx hosts, HTTPS, rolling certificate rotation", () => {
  let tmp = "";
  let state: LabState;
  let url = "";
  const address = (host: string) => state.hosts.find((h) => h.name === host)!.address;

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-edge-"));
    const stackFile = writeStackFile(path.join(tmp, "Pulumi.edge.yaml"), SETTINGS);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--nginx-hosts", "2", "--app-hosts", "2", "--config", stackFile]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
    // The key and the certificate are created once, before anything that serves them.
    expect(up.stdout).toContain("plan: tls:index/privateKey:PrivateKey: 1 create, 0 update, 0 replace, 0 delete, 0 same\n");
    expect(up.stdout).toContain("plan: tls:index/selfSignedCert:SelfSignedCert: 1 create, 0 update, 0 replace, 0 delete, 0 same\n");
    expect(up.stdout).toMatch(new RegExp(`^verified lb-1 from ${NAME_PREFIX}-client-1: app-1 ×\\d+, app-2 ×\\d+$`, "m"));
    expect(up.stdout).toMatch(new RegExp(`^verified lb-2 from ${NAME_PREFIX}-client-1: app-1 ×\\d+, app-2 ×\\d+$`, "m"));
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
  }, 20 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("shows both nginx hosts, their HTTPS URLs and the certificate to trust in `lab status`", async () => {
    expect(url).toBe(`https://${address("lb-1")}/`);
    const r = await webtier(["lab", "status"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`tls:     curl --cacert ${TLS_CERTIFICATE_FILE} ${url}\n`);
    for (const host of NGINX_HOSTS) {
      expect(r.stdout).toMatch(new RegExp(`^${host} +nginx +${address(host).replace(/\./g, "\\.")} +\\S+ +https://${address(host).replace(/\./g, "\\.")}/$`, "m"));
    }
  });

  it("serves HTTPS through each nginx host to every app host, trusted with --cacert", async () => {
    for (const host of NGINX_HOSTS) {
      const seen = new Set<string>();
      for (let i = 0; i < 12 && seen.size < APP_HOSTS.length; i++) {
        const r = await curl(state, ["--cacert", TLS_CERTIFICATE_FILE, "-H", "Connection: close", `https://${address(host)}/`]);
        expect({ code: r.code, status: r.status, stderr: r.stderr }).toEqual({ code: 0, status: 200, stderr: "" });
        seen.add(/^x-served-by: *(\S+)/im.exec(r.headers)![1]!);
      }
      expect([...seen].sort()).toEqual(APP_HOSTS);
      // The same certificate on every nginx host, the one the stack exported, its key root-only.
      expect(await servedFingerprint(state, address(host))).toBe(fingerprintOf(TLS_CERTIFICATE_FILE));
      expect(await onHost(state, host, "stat -c '%a %U' /etc/nginx/webtier/tls/key.pem")).toBe("600 root\n");
    }
    // Without the certificate to trust, curl refuses the self-signed one.
    const untrusted = await curl(state, [`https://${address("lb-1")}/`]);
    expect(untrusted.code).toBe(60);
  });

  it("speaks HTTP/2 and TLS 1.2–1.3 only (Mozilla intermediate)", async () => {
    const h2 = await run("ip", ["netns", "exec", state.clients[0]!.namespace, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_version}", "--cacert", TLS_CERTIFICATE_FILE, url]);
    expect(h2.stdout).toBe("2");
    const handshake = (version: string) =>
      run("ip", ["netns", "exec", state.clients[0]!.namespace, "bash", "-c", `openssl s_client ${version} -connect ${address("lb-1")}:443 </dev/null >/dev/null 2>&1`]);
    expect((await handshake("-tls1_2")).code).toBe(0);
    expect((await handshake("-tls1_3")).code).toBe(0);
    expect((await handshake("-tls1_1")).code).not.toBe(0);
  });

  it("redirects HTTP to HTTPS, except the health path a load balancer checks", async () => {
    const redirect = await curl(state, [`http://${address("lb-2")}/some/page?x=1`]);
    expect(redirect.status).toBe(301);
    expect(redirect.headers).toMatch(new RegExp(`^location: https://${address("lb-2").replace(/\./g, "\\.")}/some/page\\?x=1\\r?$`, "im"));
    const health = await curl(state, [`http://${address("lb-2")}/healthz`]);
    expect(health.status).toBe(200);
    expect(health.body).toMatch(/^ok [0-9a-f]{16}$/);
  });

  it("keeps the self-signed certificate across ups: a second up changes nothing", async () => {
    const before = fingerprintOf(TLS_CERTIFICATE_FILE);
    const again = await deployOnly({ stackFile: path.join(tmp, "Pulumi.edge.yaml") });
    expect(again.ok).toBe(true);
    expect(again.stats!.executed).toBe(0);
    for (const host of NGINX_HOSTS) expect(await servedFingerprint(state, address(host))).toBe(before);
  }, 10 * MIN);

  it("rotates to a new certificate as a rolling reload: one nginx host drained at a time, no failed request under load", async () => {
    // A certificate of the operator's own, for both nginx hosts' addresses.
    const key = path.join(tmp, "rotated.key");
    const cert = path.join(tmp, "rotated.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "60",
      "-subj", "/CN=webtier-lab", "-addext", `subjectAltName=IP:${address("lb-1")},IP:${address("lb-2")}`,
      "-keyout", key, "-out", cert,
    ], { stdio: "ignore" });
    const rotated = writeStackFile(path.join(tmp, "Pulumi.rotated.yaml"), {
      ...SETTINGS, tls: { certificate: fs.readFileSync(cert, "utf8") },
    });
    const masters = await Promise.all(NGINX_HOSTS.map((h) => nginxMaster(state, h)));

    // Health of both nginx hosts, sampled from the client while the deploy runs.
    const samples: { at: number; host: string; status: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const host of NGINX_HOSTS) {
          const r = await curl(state, ["-m", "2", `http://${address(host)}/healthz`]);
          samples.push({ at: Date.now(), host, status: r.status });
        }
        await sleep(200);
      }
    })();
    // Bounded HTTPS load on both hosts, new connection per request: keep-alive connections that
    // are idle when an old worker exits are closed by nginx 1.22 (FACTS), which no drain prevents.
    const load = (host: string) => new Promise<string>((resolve, reject) => {
      const wrk = spawn("ip", ["netns", "exec", state.clients[0]!.namespace, "wrk", "-t1", "-c10", "-d45s", "--timeout", "5s", "--latency",
        "-H", "Connection: close", `https://${address(host)}/`]);
      let out = "";
      wrk.stdout.on("data", (chunk) => (out += chunk));
      wrk.on("error", reject);
      wrk.on("close", () => resolve(out));
    });
    const loads = NGINX_HOSTS.map(load);
    await sleep(2000);
    const outcome = await deployOnly({ stackFile: rotated, secrets: { tlsKey: fs.readFileSync(key, "utf8") } });
    const results = (await Promise.all(loads)).map(parseWrk);
    sampling = false;
    await sampler;

    expect(outcome.ok, outcome.error).toBe(true);
    results.forEach((r, i) => console.log(
      `${NGINX_HOSTS[i]} under rotation (wrk -c10 -d45s, Connection: close, HTTPS): ${r.requests} requests, ${r.rps} rps, p99 ${r.p99ms} ms, ` +
      `non-2xx ${r.non2xx}, socket errors ${r.connectErrors + r.readErrors + r.writeErrors + r.timeouts}; deploy ${((outcome.durationMs ?? 0) / 1000).toFixed(1)} s`,
    ));
    // Only the two activations ran (the key and certificate are the stack's now), lb-1 first.
    const activations = outcome.stdout.split("\n").filter((l) => /^lb-\d +activate +[\d.]+s$/.test(l));
    expect(activations.map((l) => l.split(/ +/)[0])).toEqual(NGINX_HOSTS);
    for (const r of results) {
      expect(r.requests).toBeGreaterThan(100);
      expect({ non2xx: r.non2xx, connect: r.connectErrors, read: r.readErrors, write: r.writeErrors, timeout: r.timeouts })
        .toEqual({ non2xx: 0, connect: 0, read: 0, write: 0, timeout: 0 });
    }
    // A reload: the same master on both hosts, now serving the new certificate.
    expect(await Promise.all(NGINX_HOSTS.map((h) => nginxMaster(state, h)))).toEqual(masters);
    for (const host of NGINX_HOSTS) expect(await servedFingerprint(state, address(host))).toBe(fingerprintOf(cert));

    // Each host answered 503 on its health path while it changed; never both at once; lb-1 first.
    const draining = (host: string) => samples.filter((s) => s.host === host && s.status === 503);
    for (const host of NGINX_HOSTS) expect(draining(host).length).toBeGreaterThan(0);
    expect(draining("lb-1").at(-1)!.at).toBeLessThan(draining("lb-2")[0]!.at);
    expect(samples.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
  }, 10 * MIN);
});
