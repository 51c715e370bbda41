// The lab engine's SSH transport on real hosts (1 nginx host as bastion + 1 app host behind it):
// connections held on the bastion as the provider holds them, a pinned key that does not match
// retried under the dial limit, the provider's error for a failing command, and files landing
// with SFTP's owner and modes. Never skipped: without root or the lab's tools it fails.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootLab, LAB_BINARIES, labDown, sshRun, type LabHost, type LabState } from "../../lab";
import { DeployEngine, type Registration } from "../../lab/engine/engine";
import { SshTransport } from "../../lab/engine/sshTransport";
import { establishedSshConnections } from "../../lab/hosts/sshConnections";
import { labRequirements } from "./labRequirements";

const MIN = 60_000;
const { runnable, requirement } = labRequirements("the lab engine test", [...LAB_BINARIES, "ss"]);

describe("lab engine over SSH (1 nginx + 1 app host)", () => {
  let state: LabState;
  let lb: LabHost;
  let app: LabHost;
  let tmp = "";
  let key = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-engine-ssh-"));
    await labDown();
    state = await bootLab({ nginxHosts: 1, appHosts: 1 });
    lb = state.hosts.find((h) => h.role === "nginx")!;
    app = state.hosts.find((h) => h.role === "app")!;
    key = fs.readFileSync(state.privateKeyPath, "utf8");
  }, 10 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await labDown();
  }, 3 * MIN);

  const hop = (h: LabHost, extra: Record<string, unknown> = {}) =>
    ({ host: h.address, port: 22, user: h.user, privateKey: key, hostKey: h.hostKey, dialErrorLimit: 10, perDialTimeout: 15, ...extra });
  const behindBastion = (extra: Record<string, unknown> = {}) => ({ ...hop(app, extra), proxy: hop(lb) });

  function engine(name: string) {
    const transport = new SshTransport(path.join(tmp, `ssh-${name}`));
    const lines: string[] = [];
    const e = new DeployEngine({
      preview: false, transport, owner: "engine-ssh", stateFile: path.join(tmp, `${name}.json`), log: (l) => lines.push(l),
      hostNames: { [lb.address]: lb.name, [app.address]: app.name },
    });
    return { e, transport, lines };
  }

  const cmd = (name: string, connection: unknown, create: string): Registration => ({
    type: "command:remote:Command", name, urn: `urn:pulumi:lab::webtier::command:remote:Command::${name}`, custom: true,
    dependencies: [], inputs: { connection, create },
  });

  async function bastionConnections(expected: number): Promise<number> {
    // Teardown of a closed master reaches the bastion's TCP table a moment later.
    let n = await establishedSshConnections(lb);
    for (let i = 0; i < 50 && n !== expected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      n = await establishedSshConnections(lb);
    }
    return n;
  }

  it("holds each Command's connection (and its proxy's) until the run ends; a copy closes its own", async () => {
    const { e, transport } = engine("held");
    expect(await bastionConnections(0)).toBe(0);
    await e.register(cmd("on-lb", hop(lb), "true"));
    await e.register(cmd("on-app", behindBastion(), "true"));
    await e.register({
      type: "command:remote:CopyToRemote", name: "copy", urn: "urn:pulumi:lab::webtier::command:remote:CopyToRemote::copy", custom: true,
      dependencies: [], inputs: { connection: behindBastion(), source: new pulumi.asset.StringAsset("x\n"), remotePath: "/tmp/engine-ssh/x" },
    });
    // on-lb: 1; on-app: its proxy connection (the target's is tunnelled in it); copy: its proxy, never closed.
    expect(await bastionConnections(3)).toBe(3);
    await e.closeHeld();
    expect(await bastionConnections(0)).toBe(0);
    transport.dispose();
  }, 2 * MIN);

  it("lands a directory as SFTP does: the SSH user's files, 0644 and 0755 under the default umask", async () => {
    const src = path.join(tmp, "release");
    fs.mkdirSync(path.join(src, "pkg"), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(src, "pkg", "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    const { e, transport } = engine("copy");
    await e.register({
      type: "command:remote:CopyToRemote", name: "dir", urn: "urn:pulumi:lab::webtier::command:remote:CopyToRemote::dir", custom: true,
      dependencies: [], inputs: { connection: behindBastion(), source: new pulumi.asset.FileArchive(`${src}/`), remotePath: "/tmp/engine-ssh/rel" },
    });
    await e.closeHeld();
    transport.dispose();
    const r = await sshRun(state, app.name, "cd /tmp/engine-ssh && stat -c '%n %a %U' rel rel/pkg rel/pkg/run.sh");
    expect(r.stdout).toBe(`rel 755 ${app.user}\nrel/pkg 755 ${app.user}\nrel/pkg/run.sh 644 ${app.user}\n`);
  }, 2 * MIN);

  it("a host key that does not match the pinned one behind the bastion: not really retried, the provider's EOF", async () => {
    const { e, transport } = engine("mismatch");
    const wrong = lb.hostKey; // another real host's key
    const started = Date.now();
    await expect(e.register(cmd("pinned", behindBastion({ hostKey: wrong, dialErrorLimit: 2 }), "true"))).rejects.toThrow(
      `${app.name}: pinned (pinned): proxy: after 2 failed attempts: ssh: handshake failed: EOF`,
    );
    // The proxy once, the target once: the handshake retries reuse the closed tunnel (0.1 s, 0.15 s between).
    expect(e.stats.dialAttempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);

  it("a directly reached host with the wrong key is redialled under the limit, in x/crypto's words", async () => {
    const { e, transport } = engine("mismatch-direct");
    await expect(e.register(cmd("pinned", hop(lb, { hostKey: app.hostKey, dialErrorLimit: 1 }), "true"))).rejects.toThrow(
      `${lb.name}: pinned (pinned): after 1 failed attempts: ssh: handshake failed: ssh: host key mismatch`,
    );
    expect(e.stats.dialAttempts).toBe(2);
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);

  it("an ssh-rsa pin offers SHA-1 RSA only, which Debian 12's sshd refuses", async () => {
    const { e, transport } = engine("rsa");
    const rsaPin = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7";
    await expect(e.register(cmd("rsa", hop(lb, { hostKey: rsaPin, dialErrorLimit: 0 }), "true"))).rejects.toThrow(
      `${lb.name}: rsa (rsa): after 0 failed attempts: ssh: handshake failed: ssh: no common algorithm for host key; we offered: [ssh-rsa], peer offered: [ssh-ed25519]`,
    );
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);

  it("sets `environment` with Setenv: a name sshd accepts reaches the command, another fails it", async () => {
    const { e, transport, lines } = engine("env");
    const withEnv = (name: string, environment: Record<string, string>): Registration =>
      ({ ...cmd(name, hop(lb), "echo \"[$LANG]\""), inputs: { connection: hop(lb), create: "echo \"[$LANG]\"", environment } });
    // Debian's sshd_config: AcceptEnv LANG LC_*.
    expect(await e.register(withEnv("accepted", { LANG: "C.UTF-8" }))).toMatchObject({ stdout: "[C.UTF-8]" });
    expect(lines).toContain(`  ${lb.name} accepted: [C.UTF-8]`);
    await expect(e.register(withEnv("refused", { APP_MODE: "x\ny" }))).rejects.toThrow(
      `${lb.name}: refused (refused): could not set environment variable "APP_MODE": ssh: setenv failed`,
    );
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);

  it("a direct hop connects in Go's words (the connector that bounds only the TCP connect)", async () => {
    const { e, transport } = engine("refused");
    await expect(e.register(cmd("closed", hop(lb, { port: 2, dialErrorLimit: 0 }), "true"))).rejects.toThrow(
      `${lb.name}: closed (closed): after 0 failed attempts: dial tcp ${lb.address}:2: connect: connection refused`,
    );
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);

  it("reports a failing command with its text and interleaved output", async () => {
    const { e, transport } = engine("failing");
    await expect(e.register(cmd("failing", hop(lb), "echo out; sleep 0.2; echo err >&2; exit 3"))).rejects.toThrow(
      `${lb.name}: failing (failing): Process exited with status 3: running "echo out; sleep 0.2; echo err >&2; exit 3":\nout\nerr\n`,
    );
    await e.closeHeld();
    transport.dispose();
  }, 2 * MIN);
});
