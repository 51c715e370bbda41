// The app host's firewall on a real host (1 nginx + 1 app host): how its unit is ordered at boot,
// the `inet webtier` table and what it lets through after a reboot, and another tool's nft table
// left as it was by a deploy that changes webtier's rules.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, sshRun, type LabState } from "../../lab";
import { run } from "../../lab/hosts/exec";
import { clientCanConnect, deployOnly, getFromClient, MIN, onHost, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const SETTINGS = { uwsgi: { workers: 2, threads: 2 } };
const SINGLE_HOST_WARNING = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `nft -s list table inet webtier` as the rendered rules load it, for uWSGI on `port`. */
function webtierTable(nginxPrivateAddress: string, port: number): string {
  return [
    "table inet webtier {",
    "\tchain input {",
    "\t\ttype filter hook input priority filter; policy accept;",
    '\t\tiif "lo" accept',
    `\t\ttcp dport ${port} ip saddr ${nginxPrivateAddress} accept`,
    `\t\ttcp dport ${port} counter drop`,
    "\t}",
    "",
    "\tchain output {",
    "\t\ttype filter hook output priority filter; policy accept;",
    "\t\tip daddr 169.254.169.254 meta skuid != 0 counter reject with icmpx admin-prohibited",
    "\t\tip6 daddr fd00:ec2::254 meta skuid != 0 counter reject with icmpx admin-prohibited",
    "\t}",
    "}",
    "",
  ].join("\n");
}

/** `systemctl show` properties of a unit, each list split and sorted. */
async function unitProperties(state: LabState, unit: string, names: string[]): Promise<Record<string, string[]>> {
  const out = await onHost(state, "app-1", `systemctl show ${names.map((n) => `-p ${n}`).join(" ")} ${unit}`);
  const props: Record<string, string[]> = {};
  for (const line of out.trim().split("\n")) {
    const at = line.indexOf("=");
    props[line.slice(0, at)] = line.slice(at + 1).split(" ").filter((v) => v !== "").sort();
  }
  return props;
}

/** When each unit was last activated (CLOCK_MONOTONIC, µs), in the order asked. */
async function activatedAt(state: LabState, units: string[]): Promise<number[]> {
  const out = await onHost(state, "app-1", units.map((u) => `systemctl show -p ActiveEnterTimestampMonotonic --value ${u}`).join("\n"));
  return out.trim().split("\n").map(Number);
}

async function pid1Start(state: LabState, host: string): Promise<string> {
  const r = await sshRun(state, host, "cut -d' ' -f22 /proc/1/stat", { timeoutMs: 15_000, connectTimeoutSec: 3 });
  return r.code === 0 ? r.stdout.trim() : "";
}

/** Packets the table's uWSGI drop rule has counted since it was loaded. */
async function droppedPackets(state: LabState): Promise<number> {
  const out = await onHost(state, "app-1", "nft list chain inet webtier input | sed -n 's/.* counter packets \\([0-9]*\\) bytes .* drop$/\\1/p'");
  return Number(out.trim());
}

describe("the app host firewall on the lab: boot order, reboot, other tools' tables", () => {
  let tmp = "";
  let state: LabState;
  let url = "";
  let app = "";
  let nginxPrivate = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-firewall-"));
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS)]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: SINGLE_HOST_WARNING });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
    app = state.hosts.find((h) => h.name === "app-1")!.privateAddress;
    nginxPrivate = state.hosts.find((h) => h.name === "lb-1")!.privateAddress;
  }, 10 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("orders the firewall unit after nftables and before the network and uWSGI, which requires it", async () => {
    expect(await unitProperties(state, "webtier-firewall.service", ["DefaultDependencies", "After", "Before", "Wants", "PartOf", "Conflicts", "WantedBy", "UnitFileState"])).toEqual({
      DefaultDependencies: ["no"],
      // systemd adds the slice and journald's socket to every service.
      After: ["nftables.service", "system.slice", "systemd-journald.socket"],
      Before: ["network-pre.target", "shutdown.target", "webtier-uwsgi.service"],
      Wants: ["network-pre.target"],
      PartOf: ["nftables.service"],
      Conflicts: ["shutdown.target"],
      WantedBy: ["multi-user.target"],
      UnitFileState: ["enabled"],
    });
    const uwsgi = await unitProperties(state, "webtier-uwsgi.service", ["After", "Requires"]);
    expect({ after: uwsgi.After!.includes("webtier-firewall.service"), requires: uwsgi.Requires!.includes("webtier-firewall.service") }).toEqual({ after: true, requires: true });
  });

  it("loads the table at boot before the network and uWSGI start: after a reboot only nginx reaches uWSGI", async () => {
    const before = await pid1Start(state, "app-1");
    await sshRun(state, "app-1", "sudo systemctl reboot", { timeoutMs: 30_000 });
    const deadline = Date.now() + 3 * MIN;
    let after = "";
    while (Date.now() < deadline && (after === "" || after === before)) {
      await sleep(1000);
      after = await pid1Start(state, "app-1");
    }
    expect({ rebooted: after !== "" && after !== before }).toEqual({ rebooted: true });
    let active = "";
    while (Date.now() < deadline && active !== "active\n") {
      active = (await sshRun(state, "app-1", "systemctl is-active webtier-uwsgi")).stdout;
      if (active !== "active\n") await sleep(1000);
    }
    expect(active).toBe("active\n");

    expect(await onHost(state, "app-1", "nft -s list table inet webtier")).toBe(webtierTable(nginxPrivate, 3031));
    // network-pre.target is where network managers wait for firewalls (the lab's hosts get their
    // addresses from outside, so nothing else marks when the network came up).
    const [firewall, networkPre, uwsgi] = await activatedAt(state, ["webtier-firewall.service", "network-pre.target", "webtier-uwsgi.service"]);
    expect({ firewall: firewall! > 0, beforeNetworkPre: firewall! <= networkPre!, beforeUwsgi: firewall! <= uwsgi! })
      .toEqual({ firewall: true, beforeNetworkPre: true, beforeUwsgi: true });

    // This machine has an address on the private segment (the lab's apt proxy): turned away by
    // the table's drop rule, which counts it. The client segment has no route there at all.
    expect(await droppedPackets(state)).toBe(0);
    const fromLab = await run("timeout", ["3", "bash", "-c", `</dev/tcp/${app}/3031`]);
    expect(fromLab.code).not.toBe(0);
    expect(await droppedPackets(state)).toBeGreaterThan(0);
    expect(await clientCanConnect(state, app, 3031)).toBe(false);
    expect(await onHost(state, "lb-1", `timeout 3 bash -c '</dev/tcp/${app}/3031' && echo open`)).toBe("open\n");
    // nginx set app-1 aside while it was down (max_fails); it serves again within fail_timeout.
    const serving = Date.now() + MIN;
    let answer = await getFromClient(state, url);
    while (answer.status !== 200 && Date.now() < serving) {
      await sleep(1000);
      answer = await getFromClient(state, url);
    }
    expect({ status: answer.status, servedBy: answer.servedBy }).toEqual({ status: 200, servedBy: "app-1" });
  }, 6 * MIN);

  it("leaves another tool's nft table as it was when a deploy changes webtier's rules", async () => {
    await onHost(state, "app-1", [
      "nft add table inet othertool",
      "nft add chain inet othertool input '{ type filter hook input priority 10; policy accept; }'",
      "nft add rule inet othertool input tcp dport 9999 counter accept",
    ].join("\n"));
    try {
      const foreign = await onHost(state, "app-1", "nft -s list table inet othertool");
      expect(foreign).toBe([
        "table inet othertool {",
        "\tchain input {",
        "\t\ttype filter hook input priority filter + 10; policy accept;",
        "\t\ttcp dport 9999 counter accept",
        "\t}",
        "}",
        "",
      ].join("\n"));
      // With handles and counters: a table deleted and created again would differ.
      const exact = await onHost(state, "app-1", "nft -a list table inet othertool");
      // Another uWSGI port: the firewall step installs and reloads new rules.
      const moved = writeStackFile(path.join(tmp, "Pulumi.port.yaml"), { ...SETTINGS, uwsgi: { ...SETTINGS.uwsgi, socketPort: 3032 } });
      const deployed = await deployOnly({ stackFile: moved });
      expect(deployed.error ?? "").toBe("");
      expect(await onHost(state, "app-1", "nft -s list table inet webtier")).toBe(webtierTable(nginxPrivate, 3032));
      expect(await onHost(state, "app-1", "nft -a list table inet othertool")).toBe(exact);
      expect((await getFromClient(state, url)).status).toBe(200);
    } finally {
      await onHost(state, "app-1", "nft delete table inet othertool 2>/dev/null || true");
    }
  }, 10 * MIN);
});
