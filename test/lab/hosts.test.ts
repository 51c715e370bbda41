// Real hosts: boots the lab (1 nginx + 2 app hosts), checks what a cloud VM pair would give us
// (systemd as PID 1, pinned sshd, bastion-only app hosts, apt through the proxy, reboots), scales
// in, and proves `labDown` leaves nothing. Needs root and the lab's binaries; in CI they must exist.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootLab, LAB_BINARIES, LAB_DIR, labDown, labStatus, sshArgs, sshRun, type LabState } from "../../lab";
import { run } from "../../lab/hosts/exec";
import { LAB, NAME_PREFIX } from "../../lab/hosts/paths";
import { SUPERVISOR_TAG } from "../../lab/hosts/supervise";
import { LAB_NET } from "../../lab/hosts/topology";
import { labRequirements } from "./labRequirements";

const MIN = 60_000;
const { runnable, requirement } = labRequirements("the lab host tests", [...LAB_BINARIES, "timeout", "ps"]);
// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

async function inClient(state: LabState, script: string): Promise<number> {
  return (await run("ip", ["netns", "exec", state.clients[0]!.namespace, "bash", "-c", script], { timeoutMs: 20_000 })).code;
}

async function pid1Start(state: LabState, host: string): Promise<string> {
  const r = await sshRun(state, host, "cut -d' ' -f22 /proc/1/stat", { timeoutMs: 15_000 });
  return r.code === 0 ? r.stdout.trim() : "";
}

/** Non-zombie processes whose command line mentions this lab (another lab may run beside it). */
function labProcesses(): string[] {
  const out = execFileSync("ps", ["-eo", "stat=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.trim() && !l.trim().startsWith("Z"))
    .filter((l) => l.includes(`${LAB_DIR}/`) || l.includes(SUPERVISOR_TAG));
}

// Pieces of another lab running beside this one (its own name): this lab must never touch them.
const NEIGHBOUR = { namespace: "wtside-app-1", bridge: "wtside-pub" };

function addNeighbour(): void {
  removeNeighbour();
  execFileSync("ip", ["netns", "add", NEIGHBOUR.namespace]);
  execFileSync("ip", ["link", "add", "name", NEIGHBOUR.bridge, "type", "bridge"]);
}

function removeNeighbour(): void {
  spawnSync("ip", ["netns", "del", NEIGHBOUR.namespace]);
  spawnSync("ip", ["link", "del", "dev", NEIGHBOUR.bridge]);
}

describe("lab hosts (1 nginx + 2 app, real systemd-nspawn)", () => {
  let state: LabState;
  let tmp = "";

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-test-"));
    if (!runnable) throw new Error(requirement);
    await labDown();
    addNeighbour();
    const started = Date.now();
    state = await bootLab({ nginxHosts: 1, appHosts: 2 });
    console.log(`lab boot (incl. image if not cached): ${Date.now() - started} ms`);
  }, 10 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await labDown();
    removeNeighbour();
  }, 3 * MIN);

  it("records the AWS-like topology and pinned keys", async () => {
    expect(state.url).toBe(`http://${LAB_NET}.0.11:80/`);
    expect(state.bastion).toBe("lb-1");
    expect(state.proxy).toBe(`http://${LAB_NET}.1.1:8888`);
    expect(state.privateKeyPath).toBe(path.join(LAB_DIR, "id_ed25519"));
    expect(state.clients).toEqual([{ namespace: `${NAME_PREFIX}-client-1`, address: `${LAB_NET}.0.200` }]);
    expect(state.hosts.map((h) => [h.name, h.role, h.address, h.privateAddress, h.namespace, h.user, h.port])).toEqual([
      ["lb-1", "nginx", `${LAB_NET}.0.11`, `${LAB_NET}.1.11`, `${NAME_PREFIX}-lb-1`, "admin", 22],
      ["app-1", "app", `${LAB_NET}.1.101`, `${LAB_NET}.1.101`, `${NAME_PREFIX}-app-1`, "admin", 22],
      ["app-2", "app", `${LAB_NET}.1.102`, `${LAB_NET}.1.102`, `${NAME_PREFIX}-app-2`, "admin", 22],
    ]);
    for (const h of state.hosts) expect(h.hostKey).toMatch(/^ssh-ed25519 AAAA[0-9A-Za-z+/]+=*$/);
    expect(new Set(state.hosts.map((h) => h.hostKey)).size).toBe(3);
    expect(await labStatus()).toEqual(state);
  });

  it("runs systemd as PID 1, with its hostname and passwordless sudo for admin", async () => {
    for (const h of state.hosts) {
      const r = await sshRun(state, h.name, "ps -p 1 -o comm=; hostname; sudo -n id -u");
      expect({ host: h.name, code: r.code, out: r.stdout }).toEqual({ host: h.name, code: 0, out: `systemd\n${h.name}\n0\n` });
    }
  }, 2 * MIN);

  it("reaches app hosts through the bastion only, with pinned host keys", async () => {
    expect(sshArgs(state, "app-1")).toContain("-J");
    expect(sshArgs(state, "app-1")[sshArgs(state, "app-1").indexOf("-J") + 1]).toBe(`admin@${LAB_NET}.0.11:22`);
    expect(sshArgs(state, "lb-1")).not.toContain("-J");
    expect(sshArgs(state, "lb-1")).toContain("StrictHostKeyChecking=yes");
    for (const app of ["app-1", "app-2"]) {
      const r = await sshRun(state, app, "echo $SSH_CONNECTION");
      expect(r.code).toBe(0);
      expect(r.stdout.split(" ")[0]).toBe(`${LAB_NET}.1.11`); // lb-1's private leg
    }
    // A wrong pinned key (same addresses, another key) must be refused, directly and via the jump.
    const wrongKey = path.join(tmp, "wrong");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    const pub = fs.readFileSync(`${wrongKey}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
    const wrongKnown = path.join(tmp, "known_hosts");
    fs.writeFileSync(wrongKnown, state.hosts.map((h) => `${h.address} ${pub}`).join("\n") + "\n");
    for (const host of ["lb-1", "app-1"]) {
      const r = await sshRun(state, host, "true", { knownHostsFile: wrongKnown });
      expect(r.code).toBe(255);
      expect(r.stderr).toContain("Host key verification failed");
    }
  }, 2 * MIN);

  it("lets a client reach lb-1's public SSH but nothing on the private segment", async () => {
    expect(await inClient(state, `timeout 3 bash -c "</dev/tcp/${LAB_NET}.0.11/22"`)).toBe(0);
    for (const addr of [`${LAB_NET}.1.101`, `${LAB_NET}.1.102`, `${LAB_NET}.1.11`, `${LAB_NET}.1.1`]) {
      expect({ addr, code: await inClient(state, `timeout 3 bash -c "</dev/tcp/${addr}/22"`) }).not.toEqual({ addr, code: 0 });
    }
    const routes = execFileSync("ip", ["-n", `${NAME_PREFIX}-client-1`, "-4", "route", "show"], { encoding: "utf8" });
    expect(routes.trim()).toBe(`${LAB_NET}.0.0/24 dev eth0 proto kernel scope link src ${LAB_NET}.0.200`);
  }, 2 * MIN);

  it("refuses to boot a second lab on this lab's address block, naming the block and its owner", () => {
    const other = "/var/lib/webtier-lab-wtside";
    const existed = fs.existsSync(other);
    try {
      const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "bin", "webtier.js"), "lab", "up", "--app-hosts", "1"], {
        encoding: "utf8", timeout: 60_000, env: { ...process.env, WEBTIER_LAB_NAME: "wtside", WEBTIER_LAB_OCTET: String(LAB.octet) },
      });
      expect(r.stderr).toContain(
        `lab wtside: ${LAB_NET}.0.0/16 is already used by ${NAME_PREFIX}-pub (${LAB_NET}.0.1/24); choose another WEBTIER_LAB_OCTET`,
      );
      expect(r.status).not.toBe(0);
      expect(execFileSync("ip", ["-o", "link"], { encoding: "utf8" })).not.toContain("wtside-priv");
    } finally {
      if (!existed) fs.rmSync(other, { recursive: true, force: true });
    }
  }, 2 * MIN);

  it("installs from Debian only through the apt proxy (not baked into the image)", async () => {
    const baked = await sshRun(state, "app-1", "apt-config dump | grep -ci proxy || true");
    expect(baked.stdout.trim()).toBe("0");
    const r = await sshRun(state, "app-1", ["sudo", "apt-get", "-q", "-o", `Acquire::http::Proxy=${state.proxy}`, "update"], { timeoutMs: 4 * MIN });
    expect({ code: r.code, stderr: r.stderr.replace(/^W: .*\n?/gm, "") }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/bookworm InRelease/);
  }, 5 * MIN);

  it("brings a host back after `systemctl reboot`", async () => {
    const before = await pid1Start(state, "app-1");
    expect(before).toMatch(/^\d+$/);
    const supervisor = state.hosts.find((h) => h.name === "app-1")!.pid;
    const r = await sshRun(state, "app-1", "sudo systemctl reboot", { timeoutMs: 30_000 });
    expect([0, 255]).toContain(r.code); // the connection may drop as the host goes down
    const deadline = Date.now() + 90_000;
    let after = "";
    while (Date.now() < deadline) {
      after = await pid1Start(state, "app-1");
      if (after && after !== before) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    expect(after).toMatch(/^\d+$/);
    expect(after).not.toBe(before);
    const again = await sshRun(state, "app-1", "ps -p 1 -o comm=; ip -4 -o addr show dev eth0 | awk '{print $4}'");
    expect(again.stdout).toBe(`systemd\n${LAB_NET}.1.101/24\n`);
    expect((await labStatus())!.hosts.find((h) => h.name === "app-1")!.pid).toBe(supervisor);
    const log = fs.readFileSync(path.join(LAB_DIR, "hosts/app-1/console.log"), "utf8");
    expect(log).toContain("supervisor: nspawn exited 133");
  }, 3 * MIN);

  it("scales app hosts 2 -> 1 and removes app-2 entirely", async () => {
    const app1 = state.hosts.find((h) => h.name === "app-1")!;
    state = await bootLab({ nginxHosts: 1, appHosts: 1 });
    expect(state.hosts.map((h) => h.name)).toEqual(["lb-1", "app-1"]);
    expect(state.hosts.find((h) => h.name === "app-1")!.pid).toBe(app1.pid); // reused, not rebooted
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(`${NAME_PREFIX}-app-2`);
    expect(execFileSync("ip", ["-o", "link"], { encoding: "utf8" })).not.toContain(`${NAME_PREFIX}-a2v`);
    expect(fs.readFileSync("/proc/mounts", "utf8")).not.toContain("hosts/app-2");
    expect(fs.existsSync(path.join(LAB_DIR, "hosts/app-2"))).toBe(false);
    expect(labProcesses().filter((l) => / app-2( |$)/.test(l))).toEqual([]);
    expect((await sshRun(state, "app-1", "hostname")).stdout).toBe("app-1\n");
  }, 3 * MIN);

  it("labDown removes every link, namespace, mount and process, and is idempotent", async () => {
    await labDown();
    expect(execFileSync("ip", ["-o", "link"], { encoding: "utf8" }).split("\n").filter((l) => l.includes(`${NAME_PREFIX}-`))).toEqual([]);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").filter((l) => l.includes(`${NAME_PREFIX}-`))).toEqual([]);
    expect(fs.readFileSync("/proc/mounts", "utf8").split("\n").filter((l) => l.includes(`${NAME_PREFIX}-`) || l.includes(`${LAB_DIR}/`))).toEqual([]);
    expect(labProcesses()).toEqual([]);
    expect(await labStatus()).toBeUndefined();
    // Another lab's namespace and bridge are still there.
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).toContain(NEIGHBOUR.namespace);
    expect(execFileSync("ip", ["-o", "link", "show", "dev", NEIGHBOUR.bridge], { encoding: "utf8" })).toContain(NEIGHBOUR.bridge);
    await labDown();
    expect(await labStatus()).toBeUndefined();
  }, 3 * MIN);
});
