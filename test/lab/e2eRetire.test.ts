// Retiring an app host on the lab (1 nginx host, app tier scaled out from 1 to 2 hosts): the host
// listed in `hosts.retire` leaves the upstream before anything on it stops, then is returned to
// plain Debian exactly as the retire step promises, and stays so across a reboot.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, sshRun, type LabState } from "../../lab";
import { deployOnly, getFromClient, MIN, onHost, probeDuring, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

// A listen backlog above the namespace default (4096), so the host's somaxconn shows webtier's value.
const SETTINGS = { uwsgi: { workers: 2, threads: 2, listen: 5000 } };
const SINGLE_APP_WARNING = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";
/** Everything webtier installs on an app host, per the retire step: all of it must go. */
const WEBTIER_PATHS = [
  "/etc/systemd/system/webtier-uwsgi.service", "/etc/systemd/system/webtier-firewall.service",
  "/etc/webtier", "/var/lib/webtier", "/srv/webtier", "/usr/local/lib/webtier",
  "/etc/sysctl.d/99-webtier.conf", "/etc/apt/apt.conf.d/80webtier-proxy",
];

/** What webtier leaves running or installed on an app host, one line per fact. */
const FOOTPRINT = [
  "for u in webtier-uwsgi webtier-firewall; do echo \"$u $(systemctl is-active $u || true) $(systemctl is-enabled $u 2>/dev/null || echo no-unit)\"; done",
  `for p in ${WEBTIER_PATHS.join(" ")}; do [ -e "$p" ] && echo "present $p" || echo "absent $p"; done`,
  "echo \"uwsgi processes $(pgrep -c -x uwsgi || true)\"",
  "echo \"listening $(ss -Hltn '( sport = :3031 or sport = :9191 )' | wc -l)\"",
  "nft list table inet webtier >/dev/null 2>&1 && echo 'table inet webtier' || echo 'no table inet webtier'",
  // What the next boot applies: systemd-sysctl reads every sysctl.d file.
  "echo \"somaxconn at boot: $(/usr/lib/systemd/systemd-sysctl --cat-config | grep -E '^net.core.somaxconn *=' | tr -d ' ' | grep . || echo default)\"",
].join("\n");
const SOMAXCONN = "echo \"somaxconn now $(sysctl -n net.core.somaxconn)\"";

const RETIRED = [
  "webtier-uwsgi inactive no-unit",
  "webtier-firewall inactive no-unit",
  ...WEBTIER_PATHS.map((p) => `absent ${p}`),
  "uwsgi processes 0",
  "listening 0",
  "no table inet webtier",
  "somaxconn at boot: default",
  "",
].join("\n");

describe("retiring an app host on the lab", () => {
  let tmp = "";
  let stackFile = "";
  let state: LabState;
  let url = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-retire-"));
    stackFile = writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", stackFile]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: SINGLE_APP_WARNING });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
  }, 20 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("scales out to a second app host that serves", async () => {
    const out = await webtier(["lab", "up", "--app-hosts", "2", "--config", stackFile]);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    state = (await labStatus())!;
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await getFromClient(state, url)).servedBy);
    expect([...served].sort()).toEqual(["app-1", "app-2"]);
    expect(await onHost(state, "app-2", `${FOOTPRINT}\n${SOMAXCONN}`)).toBe([
      "webtier-uwsgi active enabled",
      "webtier-firewall active enabled",
      ...WEBTIER_PATHS.map((p) => `present ${p}`),
      "uwsgi processes 3",
      "listening 2",
      "table inet webtier",
      "somaxconn at boot: net.core.somaxconn=5000",
      "somaxconn now 5000",
      "",
    ].join("\n"));
  }, 10 * MIN);

  it("takes the host out of nginx's upstream before retiring it: no request fails, none is sent to it while it stops", async () => {
    const app2 = state.hosts.find((h) => h.name === "app-2")!;
    const errorLogSize = Number(await onHost(state, "lb-1", "stat -c %s /var/log/nginx/error.log"));
    const { result, probe } = await probeDuring(state, url, () => deployOnly({ stackFile, appHosts: 1, retire: ["app-2"] }));
    expect(result.error).toBeUndefined();
    // The app tier first (a lone app host waits for no rejoin: its script changed), nginx's
    // activation, then the retire.
    const lines = result.stdout.split("\n").filter((l) => /^(lb|app)-\d+ /.test(l));
    expect(lines).toEqual([/^app-1 +activate +[\d.]+s$/, /^lb-1 +activate +[\d.]+s$/, /^app-2 +retire +[\d.]+s$/].map((re) => expect.stringMatching(re)));
    expect(Object.keys(probe.answers).filter((a) => a !== "200 app-1" && a !== "200 app-2")).toEqual([]);
    expect(probe.requests).toBeGreaterThan(20);
    // nginx would log a refused or reset connection to app-2 (and retry on app-1) had it still used it.
    const errors = await onHost(state, "lb-1", `tail -c +${errorLogSize + 1} /var/log/nginx/error.log`);
    expect(errors.split("\n").filter((l) => l.includes(`${app2.privateAddress}:3031`))).toEqual([]);
    expect(await onHost(state, "lb-1", "grep -c '^ *server ' /etc/nginx/webtier/upstream.conf")).toBe("1\n");
  }, 10 * MIN);

  it("leaves the retired host running, with no webtier service, file or firewall; its kernel settings until the next boot", async () => {
    expect(await onHost(state, "app-2", `${FOOTPRINT}\n${SOMAXCONN}`)).toBe(`${RETIRED}somaxconn now 5000\n`);
    expect(await onHost(state, "app-2", "systemctl is-system-running || true")).toBe("running\n");
  }, 2 * MIN);

  it("comes back from a reboot as a plain host: nothing of webtier starts or is applied at boot", async () => {
    // The start time of PID 1 (clock ticks since the kernel booted) changes when the host boots again.
    const pid1Start = async () => (await sshRun(state, "app-2", "cut -d' ' -f22 /proc/1/stat", { timeoutMs: 15_000, connectTimeoutSec: 3 })).stdout.trim();
    const before = await pid1Start();
    expect(before).toMatch(/^\d+$/);
    await sshRun(state, "app-2", "sudo systemctl reboot", { timeoutMs: 30_000 });
    const deadline = Date.now() + 2 * MIN;
    let after = "";
    while (Date.now() < deadline && (after === "" || after === before)) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      after = await pid1Start();
    }
    expect(after).toMatch(/^\d+$/);
    expect(after).not.toBe(before);
    let running = "";
    while (Date.now() < deadline && !/^(running|degraded)\n$/.test(running)) {
      running = (await sshRun(state, "app-2", "systemctl is-system-running --wait", { timeoutMs: 60_000 })).stdout;
    }
    expect(running).toBe("running\n");
    // The lab's network namespace outlives a boot of its host, and with it the live somaxconn (a
    // VM's reboot resets it): what this boot shows is that no sysctl file sets it any more.
    expect(await onHost(state, "app-2", FOOTPRINT)).toBe(RETIRED);
    expect((await getFromClient(state, url)).servedBy).toBe("app-1");
  }, 5 * MIN);
});
