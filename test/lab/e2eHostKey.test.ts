// End to end: a machine the stack created first offers its bootstrap host key; its first command,
// pinned to that key, installs a new one, every later command pins the new key, and the bootstrap
// key no longer authenticates the host. Then a wrong key for that host (behind the bastion) fails
// as the provider fails it: one real dial, the handshake retries on the closed tunnel.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, type LabState } from "../../lab";
import { run } from "../../lab/hosts/exec";
import { LAB_NET } from "../../lab/hosts/topology";
import { deployOnly, getFromClient, MIN, requirement, runnable, webtier, type ChildOutcome } from "./e2eSupport";

const PROGRAM = path.join(__dirname, "hostKeyProgram.ts");

/** The ED25519 key app-1 offers right now, as `ssh-keyscan` sees it from this machine. */
async function offeredKey(address: string): Promise<string> {
  const r = await run("ssh-keyscan", ["-t", "ed25519", "-T", "5", address], { timeoutMs: 20_000 });
  const line = r.stdout.split("\n").find((l) => l.startsWith(`${address} `));
  return line ? line.split(" ").slice(1, 3).join(" ") : "";
}

describe("host-key bootstrap on a machine the stack created (lab: 1 nginx + 1 app host)", () => {
  let tmp = "";
  let state: LabState;
  let bootstrapKey = "";
  let newKey = "";
  let url = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-hostkey-"));
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1"]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n" });
    state = (await labStatus())!;
    bootstrapKey = state.hosts.find((h) => h.name === "app-1")!.hostKey;
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path.join(tmp, "rotated")]);
    newKey = fs.readFileSync(path.join(tmp, "rotated.pub"), "utf8").trim();
    process.env.WEBTIER_TEST_ROTATION = JSON.stringify({
      host: "app-1", newHostKey: newKey, newHostPrivateKey: fs.readFileSync(path.join(tmp, "rotated"), "utf8"),
    });
  }, 10 * MIN);

  afterAll(async () => {
    delete process.env.WEBTIER_TEST_ROTATION;
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("rotates the key first, then provisions and activates over connections pinned to the new key", async () => {
    expect(await offeredKey(`${LAB_NET}.1.101`)).toBe(bootstrapKey);
    const outcome = await deployOnly({ program: PROGRAM });
    expect(outcome.error).toBeUndefined();
    url = (outcome as ChildOutcome & { url: string }).url;
    const lines = outcome.stdout.split("\n").filter((l) => /^app-1 /.test(l));
    expect(lines.map((l) => l.split(/ +/)[1])).toEqual(["hostkey", "provision", "release", "activate"]);
    expect(await offeredKey(`${LAB_NET}.1.101`)).toBe(newKey);
  }, 5 * MIN);

  it("no longer authenticates with the bootstrap key", async () => {
    const known = path.join(tmp, "bootstrap_known_hosts");
    fs.writeFileSync(known, `${LAB_NET}.1.101 ${bootstrapKey}\n`);
    const r = await run("ssh", [
      "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${known}`, "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "ConnectTimeout=5", "-i", state.privateKeyPath, `admin@${LAB_NET}.1.101`, "true",
    ], { timeoutMs: 30_000 });
    expect(r.code).toBe(255);
    expect(r.stderr).toContain("Host key verification failed.");
  }, 2 * MIN);

  it("does not rotate again: the next deploy runs nothing", async () => {
    const outcome = await deployOnly({ program: PROGRAM });
    expect(outcome.error).toBeUndefined();
    expect(outcome.stats).toMatchObject({ executed: 0, remoteCommands: 0 });
  }, 5 * MIN);

  it("fails a wrong key on the app host behind the bastion as the provider does: the EOF retries, bounded, nothing applied there", async () => {
    const impostor = path.join(tmp, "impostor");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", impostor]);
    const rotation = process.env.WEBTIER_TEST_ROTATION!;
    // The program now believes app-1 is another machine: every pin of app-1 is wrong.
    process.env.WEBTIER_TEST_ROTATION = JSON.stringify({
      host: "app-1", newHostKey: fs.readFileSync(`${impostor}.pub`, "utf8").trim(), newHostPrivateKey: fs.readFileSync(impostor, "utf8"),
    });
    try {
      const started = Date.now();
      const outcome = await deployOnly({ program: PROGRAM });
      // A new machine is first contact (components/connection.ts FIRST_CONTACT_DIAL_LIMIT, 60). x/crypto
      // closed the tunnel after the first failed handshake: the 60 retries read EOF, the mismatch
      // itself is lost (pulumi-command v1.2.1 connection.go Dial).
      expect(outcome.error).toMatch(/^app-1: [\w-]+ \([\w-]+\): proxy: after 60 failed attempts: ssh: handshake failed: EOF$/);
      // About 4.4 min of backoff between the retries (0.1 s ×1.5 up to 5 s), nothing more.
      expect(Date.now() - started).toBeLessThan(6 * MIN);
      expect(outcome.stdout.split("\n").filter((l) => /^app-1 /.test(l))).toEqual([expect.stringMatching(/^app-1 +[\w-]+ +FAILED after [\d.]+s$/)]);
      expect(await offeredKey(`${LAB_NET}.1.101`)).toBe(newKey);
      // The tier still serves what it served.
      expect(await getFromClient(state, url)).toMatchObject({ status: 200, servedBy: "app-1" });
    } finally {
      process.env.WEBTIER_TEST_ROTATION = rotation;
    }
  }, 10 * MIN);
});
