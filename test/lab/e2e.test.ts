// End to end on real hosts: `webtier lab up` deploys the real program (index.ts) to 1 nginx + 3 app
// Debian hosts through the lab executor; then every promise of the product is checked on the hosts
// themselves — serving, pushed bytes, kernel settings, uWSGI under systemd, reboots, isolation,
// convergence, scaling, failure handling — and `lab down` must leave nothing behind.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labLeftovers, labStatus, sshRun, type LabState } from "../../lab";
import { run } from "../../lab/hosts/exec";
import { NAME_PREFIX } from "../../lab/hosts/paths";
import { LAB_NET } from "../../lab/hosts/topology";
import { DEPLOY_STATE_FILE } from "../../lab/engine/state";
import {
  clientCanConnect, deployOnly, getFromClient, listFiles, MIN, onHost, remoteDigests, renderStackFile, requirement,
  runnable, sshLoginsDuring, webtier, writeStackFile,
} from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing
// (`npm test` installs them first).

// Non-default tuning, so reading the kernel settings back proves they were applied.
const SETTINGS = {
  uwsgi: { workers: 2, threads: 2, listen: 6000 },
  nginx: { backlog: 5000 },
  sysctl: { tcpFinTimeout: 20 },
};
const NGINX_LIVE = ["/etc/nginx/nginx.conf", "/etc/nginx/webtier/site.conf", "/etc/nginx/webtier/upstream.conf"];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function servedBy(state: LabState, url: string, requests: number): Promise<Record<string, number>> {
  const hits: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const answer = await getFromClient(state, url);
    expect(answer.status).toBe(200);
    // The sample app names its host in the body and the header: both must agree.
    expect(answer.body).toMatch(new RegExp(`^hello from ${answer.servedBy} \\(pid \\d+\\)\\n$`));
    hits[answer.servedBy] = (hits[answer.servedBy] ?? 0) + 1;
  }
  return hits;
}

async function upstreamServers(state: LabState): Promise<string[]> {
  const conf = await onHost(state, "lb-1", "cat /etc/nginx/webtier/upstream.conf");
  return conf.split("\n").filter((l) => l.trim().startsWith("server "));
}

async function pid1Start(state: LabState, host: string): Promise<string> {
  const r = await sshRun(state, host, "cut -d' ' -f22 /proc/1/stat", { timeoutMs: 15_000, connectTimeoutSec: 3 });
  return r.code === 0 ? r.stdout.trim() : "";
}

describe("webtier on the lab: 1 nginx + 3 app hosts, deployed by index.ts", () => {
  const suiteStarted = Date.now();
  let tmp = "";
  let stackFile = "";
  let state: LabState;
  let url = "";
  /** Resources the fresh deploy executed. */
  let firstDeploy = 0;

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-"));
    stackFile = writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const started = Date.now();
    const up = await webtier(["lab", "up", "--app-hosts", "3", "--nginx-hosts", "1", "--config", stackFile]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
    console.log(`lab up, fresh (boot + deploy + verify): ${seconds(Date.now() - started)}; ${/^deploy: .*$/m.exec(up.stdout)?.[0]}`);
    // The preview planned every resource as a create: per host provision + activate, per app host
    // the release upload; then everything ran once.
    expect(up.stdout).toContain("plan: command:remote:Command: 8 create, 0 update, 0 replace, 0 delete, 0 same\n");
    expect(up.stdout).toContain("plan: command:remote:CopyToRemote: 3 create, 0 update, 0 replace, 0 delete, 0 same\n");
    expect(up.stdout.indexOf("plan: ")).toBeLessThan(up.stdout.search(/^lb-1 +provision +[\d.]+s$/m));
    const summary = /^deploy: (\d+) executed, 0 unchanged, 0 deleted, (\d+) remote commands in [\d.]+ s$/m.exec(up.stdout);
    expect(summary).not.toBeNull();
    firstDeploy = Number(summary![1]);
    expect([firstDeploy, Number(summary![2])]).toEqual([11, 11]);
    // The provider never closes a Command's connection (nor the bastion hop of an upload) before
    // the run ends: 2 commands on lb-1, and per app host 2 commands + 1 upload through lb-1.
    expect(up.stdout).toMatch(/^bastion lb-1: 11 SSH connections held at the end of the run \(peak\)$/m);
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
  }, 20 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
    console.log(`lab e2e suite: ${seconds(Date.now() - suiteStarted)}`);
  }, 5 * MIN);

  it("reports the lab in `lab status --json`", async () => {
    expect(url).toBe(`http://${LAB_NET}.0.11/`);
    const r = await webtier(["lab", "status", "--json"]);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.url).toBe(url);
    expect(status.clients).toEqual([{ namespace: `${NAME_PREFIX}-client-1`, address: `${LAB_NET}.0.200` }]);
    expect(status.hosts.map((h: any) => [h.name, h.role, h.address, h.privateAddress])).toEqual([
      ["lb-1", "nginx", `${LAB_NET}.0.11`, `${LAB_NET}.1.11`],
      ["app-1", "app", `${LAB_NET}.1.101`, `${LAB_NET}.1.101`],
      ["app-2", "app", `${LAB_NET}.1.102`, `${LAB_NET}.1.102`],
      ["app-3", "app", `${LAB_NET}.1.103`, `${LAB_NET}.1.103`],
    ]);
  });

  it("serves from every app host through the URL, from the client namespace", async () => {
    const hits = await servedBy(state, url, 9);
    expect(Object.keys(hits).sort()).toEqual(["app-1", "app-2", "app-3"]);
  }, 2 * MIN);

  it("pushed exactly the bytes `webtier render` writes for the same config", async () => {
    const out = path.join(tmp, "rendered");
    const r = await webtier(["render", renderStackFile(path.join(tmp, "Pulumi.render.yaml"), state, SETTINGS), "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n").map((l) => l.split(":")[0])).toEqual(["lb-1", "app-1", "app-2", "app-3", ""]);
    // Every file render writes for a host (whatever the plan's steps are) must be on it, byte for byte.
    const must = {
      nginx: ["/etc/apt/apt.conf.d/80webtier-proxy", "/etc/nginx/nginx.conf", "/etc/nginx/webtier/site.conf", "/etc/nginx/webtier/upstream.conf", "/etc/sysctl.d/99-webtier.conf", "/etc/systemd/system/nginx.service.d/webtier-limits.conf"],
      app: ["/etc/apt/apt.conf.d/80webtier-proxy", "/etc/sysctl.d/99-webtier.conf", "/etc/systemd/system/webtier-uwsgi.service", "/etc/webtier/uwsgi.ini", "/usr/local/lib/webtier/uwsgi-probe.py"],
    };
    for (const host of ["lb-1", "app-1", "app-2", "app-3"]) {
      const files = listFiles(path.join(out, host)).filter((f) => !f.startsWith(".steps/")).map((f) => `/${f}`);
      expect(files).toEqual(expect.arrayContaining(host === "lb-1" ? must.nginx : must.app));
      // App hosts also hold the release (the sample app).
      if (host !== "lb-1") expect(files).toContainEqual(expect.stringMatching(/^\/srv\/webtier\/releases\/[0-9a-f]{16}\/wsgi\.py$/));
      const local = Object.fromEntries(files.map((f) => {
        const file = path.join(out, host, f);
        const hash = execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0];
        return [f, `${(fs.statSync(file).mode & 0o777).toString(8)} ${hash}`];
      }));
      expect({ host, files: await remoteDigests(state, host, files) }).toEqual({ host, files: local });
    }
  }, 3 * MIN);

  it("applied the kernel settings on every host (read back with sysctl)", async () => {
    const expected = {
      "lb-1": { "net.core.somaxconn": "5000", "net.ipv4.tcp_max_syn_backlog": "5000", "net.ipv4.ip_local_port_range": "10240 65535", "net.ipv4.tcp_tw_reuse": "1", "net.ipv4.tcp_fin_timeout": "20" },
      app: { "net.core.somaxconn": "6000", "net.ipv4.tcp_max_syn_backlog": "6000" },
    };
    for (const host of ["lb-1", "app-1", "app-2", "app-3"]) {
      const want = host === "lb-1" ? expected["lb-1"] : expected.app;
      const out = await onHost(state, host, `for k in ${Object.keys(want).join(" ")}; do printf '%s=%s\\n' "$k" "$(sysctl -n "$k" | xargs)"; done`);
      const got = Object.fromEntries(out.trim().split("\n").map((l) => l.split("=") as [string, string]));
      expect({ host, got }).toEqual({ host, got: want });
      // Persisted for the next boot, not only applied.
      expect(await onHost(state, host, "cat /etc/sysctl.d/99-webtier.conf")).toContain(`net.core.somaxconn = ${want["net.core.somaxconn"]}\n`);
    }
  }, 2 * MIN);

  it("runs uWSGI as non-root under systemd with die-on-term, enabled at boot", async () => {
    for (const host of ["app-1", "app-2", "app-3"]) {
      const out = await onHost(state, host, [
        "ps -o user= -C uwsgi | sort | uniq -c | awk '{print $2\"×\"$1}'",
        "systemctl is-active webtier-uwsgi; systemctl is-enabled webtier-uwsgi",
        "pid=$(systemctl show -p MainPID --value webtier-uwsgi); ps -o comm=,ppid= -p \"$pid\" | tr -s ' '",
        "grep -x 'die-on-term = true' /etc/webtier/uwsgi.ini",
      ].join("; "));
      // Master + 2 workers, all as the app user; the master is systemd's child.
      expect({ host, out }).toEqual({ host, out: "webtier×3\nactive\nenabled\nuwsgi 1\ndie-on-term = true\n" });
    }
    expect(await onHost(state, "lb-1", "systemctl is-active nginx; systemctl is-enabled nginx")).toBe("active\nenabled\n");
  }, 2 * MIN);

  it("keeps uWSGI and SSH of app hosts unreachable from the client segment", async () => {
    for (const app of [`${LAB_NET}.1.101`, `${LAB_NET}.1.102`, `${LAB_NET}.1.103`]) {
      expect({ app, uwsgi: await clientCanConnect(state, app, 3031), ssh: await clientCanConnect(state, app, 22) }).toEqual({ app, uwsgi: false, ssh: false });
    }
    expect(await clientCanConnect(state, `${LAB_NET}.0.11`, 80)).toBe(true);
    // The host's own firewall: on the private segment, only the nginx tier reaches uWSGI. This
    // machine has an address there too (the lab's apt proxy) and must be turned away.
    const fromLab = await run("timeout", ["3", "bash", "-c", `</dev/tcp/${LAB_NET}.1.101/3031`]);
    expect(fromLab.code).not.toBe(0);
    expect(await onHost(state, "lb-1", `timeout 3 bash -c '</dev/tcp/${LAB_NET}.1.101/3031' && echo open`)).toBe("open\n");
    expect(await onHost(state, "app-1", "nft list table inet webtier | grep -c 'tcp dport 3031'")).toBe("2\n");
    // uWSGI listens on the private address only; its stats on loopback.
    const listening = await onHost(state, "app-1", "ss -Hltn | awk '{print $4}' | sort");
    expect(listening.split("\n").filter((l) => /:(3031|9191)$/.test(l))).toEqual([`${LAB_NET}.1.101:3031`, "127.0.0.1:9191"]);
  }, 2 * MIN);

  it("re-deploys the same config without a single remote command, files untouched", async () => {
    const hosts = ["lb-1", "app-1", "app-2", "app-3"];
    const watched = (h: string) => (h === "lb-1" ? [...NGINX_LIVE, "/etc/sysctl.d/99-webtier.conf"] : ["/etc/webtier/uwsgi.ini", "/etc/systemd/system/webtier-uwsgi.service", "/etc/sysctl.d/99-webtier.conf"]);
    const stamp = (h: string) => onHost(state, h, `stat -c '%n %Y.%y' ${watched(h).join(" ")}; sha256sum ${watched(h).join(" ")}`);
    const before = await Promise.all(hosts.map(stamp));
    const { result: outcome, logins } = await sshLoginsDuring(state, hosts, () => deployOnly({ stackFile }));
    console.log(`re-deploy, unchanged (deploy only): ${outcome.durationMs} ms`);
    expect(outcome.error).toBeUndefined();
    expect(outcome.stats).toEqual({ executed: 0, unchanged: firstDeploy, deleted: 0, remoteCommands: 0, dialAttempts: 0, bastionPeakConnections: 0 });
    expect(logins).toEqual({ "lb-1": 0, "app-1": 0, "app-2": 0, "app-3": 0 });
    expect(await Promise.all(hosts.map(stamp))).toEqual(before);
  }, 5 * MIN);

  it("fails a host whose key differs from the pinned one after the provider's dial retries; nothing else changes", async () => {
    const key = path.join(tmp, "impostor");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
    const wrong = fs.readFileSync(`${key}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
    const outcome = await deployOnly({ stackFile, hostKeys: { "app-2": wrong } });
    expect(outcome.ok).toBe(false);
    // Like the provider behind a bastion: the first handshake fails on the key, and the 10 retries
    // reuse the connection x/crypto closed then, so the error names EOF, not the key.
    expect(outcome.error).toBe("app-2: provision (webtier-app-2-provision): proxy: after 10 failed attempts: ssh: handshake failed: EOF");
    // A new pinned key is a new machine identity: the preview plans app-2's three resources as replacements.
    expect(outcome.stdout).toContain("plan: command:remote:Command: 0 create, 0 update, 2 replace, 0 delete, 6 same\n");
    expect(outcome.stdout.split("\n").filter((l) => /^(lb|app)-\d+ /.test(l))).toEqual([expect.stringMatching(/^app-2 +provision +FAILED after [\d.]+s$/)]);
    // The refused deploy recorded nothing: the right key converges without a command.
    expect((await deployOnly({ stackFile })).stats).toMatchObject({ executed: 0, remoteCommands: 0 });
  }, 5 * MIN);

  it("converges on a connection-only change (the nginx host reached at its private address) without retiring anything", async () => {
    const stamp = () => Promise.all(["lb-1", "app-1"].map((h) => onHost(state, h, "cat /var/lib/webtier/host; systemctl is-active nginx webtier-uwsgi 2>/dev/null | head -1")));
    const before = await stamp();
    for (const address of [`${LAB_NET}.1.11`, `${LAB_NET}.0.11`]) {
      const outcome = await deployOnly({ stackFile, addresses: { "lb-1": address } });
      expect({ address, error: outcome.error }).toEqual({ address, error: undefined });
      // Every command runs again (through the bastion's new address for app hosts); the uploads,
      // whose source did not change, copy nothing.
      expect(outcome.stdout).toContain("plan: command:remote:Command: 0 create, 8 update, 0 replace, 0 delete, 0 same\n");
      expect(outcome.stdout).toContain("plan: command:remote:CopyToRemote: 0 create, 3 update, 0 replace, 0 delete, 0 same\n");
      // 11 resources updated, 8 commands run: an upload whose source is unchanged copies nothing.
      expect(outcome.stats).toMatchObject({ executed: 11, remoteCommands: 8, deleted: 0 });
      expect(outcome.stdout.split("\n").filter((l) => /^(lb|app)-\d+ +release/.test(l)).sort()).toEqual(
        ["app-1", "app-2", "app-3"].map((h) => expect.stringMatching(new RegExp(`^${h} +release +updated, nothing to run$`))),
      );
      expect(Object.keys(await servedBy(state, url, 9)).sort()).toEqual(["app-1", "app-2", "app-3"]);
    }
    expect(await stamp()).toEqual(before);
  }, 8 * MIN);

  it("fails a config nginx -t rejects, naming host, step and nginx's message; the old config keeps serving", async () => {
    const live = () => onHost(state, "lb-1", `sha256sum ${NGINX_LIVE.join(" ")}`);
    const before = await live();
    const bad = writeStackFile(path.join(tmp, "Pulumi.bad.yaml"), { ...SETTINGS, nginx: { ...SETTINGS.nginx, extraServer: ["bogus_directive on"] } });
    const r = await webtier(["lab", "up", "--config", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^webtier: lb-1: activate \(webtier-lb-1-activate\): Process exited with status 1: running "sudo -n timeout /);
    expect(r.stderr).toContain("webtier: lb-1: nginx: nginx -t rejected the staged configuration");
    expect(r.stderr).toContain('nginx -t rejected the staged configuration: ');
    expect(r.stderr).toContain('unknown directive "bogus_directive"');
    expect(r.stdout).toMatch(/^lb-1 +activate +FAILED after/m);
    expect(await live()).toBe(before);
    expect(Object.keys(await servedBy(state, url, 6)).sort()).toEqual(["app-1", "app-2", "app-3"]);
  }, 5 * MIN);

  it("fails a release whose import fails on the first app host, which rolls back; the rest never activates it", async () => {
    // A chain reload finishes after the step's `touch`: the step must wait for the new workers
    // instead of declaring an old worker's answer healthy (that let this release take every host down).
    const app = path.join(tmp, "broken-app");
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, "wsgi.py"), 'raise RuntimeError("boom at import")\n');
    const broken = writeStackFile(path.join(tmp, "Pulumi.broken.yaml"), { ...SETTINGS, app: { source: "broken-app" } });
    const live = async () => Promise.all(["app-2", "app-3"].map((h) => onHost(state, h, "readlink /srv/webtier/current")));
    const before = await live();
    const r = await webtier(["lab", "up", "--config", broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^webtier: app-1: activate \(webtier-app-1-activate\): Process exited with status 1: running "sudo -n timeout /);
    expect(r.stderr).toContain(`uWSGI is not healthy on ${LAB_NET}.1.101:3031; previous configuration restored.`);
    expect(r.stderr).toContain("previous configuration restored. First error: RuntimeError: boom at import. Recent log:");
    // Other hosts may upload the release (uploads run in parallel) but never activate it.
    const others = r.stdout.split("\n").filter((l) => /^(lb|app)-\d+ /.test(l) && !l.startsWith("app-1 "));
    expect(others.filter((l) => !/^app-[23] +release +[\d.]+s$/.test(l))).toEqual([]);
    expect(await live()).toEqual(before);
    expect(await onHost(state, "app-1", "systemctl is-active webtier-uwsgi")).toBe("active\n");
    expect(Object.keys(await servedBy(state, url, 6)).sort()).toEqual(["app-1", "app-2", "app-3"]);
  }, 5 * MIN);

  it("brings an app host back into service after `systemctl reboot`, and the nginx host too", async () => {
    // A lab host's network namespace outlives its reboot, and so do its net.* values: a stock
    // value set just before the reboot shows that the boot applied the persisted ones again.
    await onHost(state, "app-2", "sysctl -q -w net.core.somaxconn=128");
    for (const host of ["app-2", "lb-1"]) {
      const before = await pid1Start(state, host);
      await sshRun(state, host, "sudo systemctl reboot", { timeoutMs: 30_000 });
      const deadline = Date.now() + 2 * MIN;
      let after = "";
      while (Date.now() < deadline && (!after || after === before)) {
        await sleep(1000);
        after = await pid1Start(state, host);
      }
      expect({ host, rebooted: after !== "" && after !== before }).toEqual({ host, rebooted: true });
      const service = host === "lb-1" ? "nginx" : "webtier-uwsgi";
      let active = "";
      while (Date.now() < deadline && active !== "active\n") {
        active = (await sshRun(state, host, `systemctl is-active ${service}`)).stdout;
        if (active !== "active\n") await sleep(1000);
      }
      expect({ host, active }).toEqual({ host, active: "active\n" });
    }
    // nginx took app-2 out while it was down (max_fails/fail_timeout); it must come back.
    const deadline = Date.now() + MIN;
    let hits: Record<string, number> = {};
    while (Date.now() < deadline && !hits["app-2"]) hits = { ...hits, ...(await servedBy(state, url, 3)) };
    expect(Object.keys(hits).sort()).toEqual(["app-1", "app-2", "app-3"]);
    expect(await onHost(state, "app-2", "sysctl -n net.core.somaxconn")).toBe("6000\n");
  }, 6 * MIN);

  it("applies a changed listen backlog to the live uWSGI socket (a restart, not a reload)", async () => {
    const file = writeStackFile(path.join(tmp, "Pulumi.listen.yaml"), { ...SETTINGS, uwsgi: { ...SETTINGS.uwsgi, listen: 5000 } });
    const out = await webtier(["lab", "up", "--config", file]);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    for (const [host, address] of [["app-1", `${LAB_NET}.1.101`], ["app-2", `${LAB_NET}.1.102`], ["app-3", `${LAB_NET}.1.103`]] as const) {
      // ss prints a listening socket's backlog in the Send-Q column.
      expect(await onHost(state, host, `ss -Hltn src ${address}:3031 | awk '{print $3}'`)).toBe("5000\n");
      expect(await onHost(state, host, "sysctl -n net.core.somaxconn")).toBe("5000\n");
    }
    expect(Object.keys(await servedBy(state, url, 9)).sort()).toEqual(["app-1", "app-2", "app-3"]);
    // Back to the suite's settings, so later plans count only their own changes.
    const back = await webtier(["lab", "up", "--config", stackFile]);
    expect({ code: back.code, stderr: back.stderr }).toEqual({ code: 0, stderr: "" });
  }, 5 * MIN);

  it("retires a host listed in hosts.retire: uWSGI, its firewall and webtier's files gone, the machine left running", async () => {
    const outcome = await deployOnly({ stackFile, appHosts: 2, retire: ["app-3"] });
    expect(outcome.error).toBeUndefined();
    expect(outcome.stdout).toMatch(/^app-3 +retire +[\d.]+s$/m);
    // Leaving the tiers dials nothing: app-3's own resources are only dropped from the state.
    expect(outcome.stdout).toContain("plan: command:remote:Command: 1 create, 1 update, 0 replace, 2 delete, 5 same\n");
    expect(await upstreamServers(state)).toEqual([1, 2].map((n) => `    server ${LAB_NET}.1.${100 + n}:3031 max_fails=3 fail_timeout=10s;`));
    expect(await onHost(state, "app-3", [
      "for u in webtier-uwsgi webtier-firewall; do systemctl is-active $u || true; done",
      "for d in /etc/webtier /var/lib/webtier /srv/webtier /usr/local/lib/webtier /etc/sysctl.d/99-webtier.conf; do [ ! -e $d ] || echo \"$d left\"; done",
      "nft list table inet webtier >/dev/null 2>&1 && echo 'table inet webtier left' || true",
      "ss -Hltn 'sport = :3031' | wc -l",
    ].join("; "))).toBe("inactive\ninactive\n0\n");
  }, 5 * MIN);

  it("scales 3 → 4 → 2 app hosts, re-rendering the upstream exactly and retiring the hosts that leave", async () => {
    const server = (n: number) => `    server ${LAB_NET}.1.${100 + n}:3031 max_fails=3 fail_timeout=10s;`;
    const out = await webtier(["lab", "up", "--app-hosts", "4", "--config", stackFile]);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    // The retired app-3 rejoins from scratch and app-4 is new; of the rest only the nginx activation
    // changes, and app-3's retire leaves the stack.
    expect(out.stdout).toContain("plan: command:remote:Command: 4 create, 1 update, 0 replace, 1 delete, 5 same\n");
    expect(out.stdout).toContain("plan: command:remote:CopyToRemote: 2 create, 0 update, 0 replace, 0 delete, 2 same\n");
    expect(await upstreamServers(state)).toEqual([1, 2, 3, 4].map(server));
    state = (await labStatus())!;
    expect(Object.keys(await servedBy(state, url, 12)).sort()).toEqual(["app-1", "app-2", "app-3", "app-4"]);

    const down = await webtier(["lab", "up", "--app-hosts", "2", "--config", stackFile]);
    expect({ code: down.code, stderr: down.stderr }).toEqual({ code: 0, stderr: "" });
    expect(await upstreamServers(state)).toEqual([1, 2].map(server));
    // nginx dropped them, then they were retired (hosts.retire), then the lab removed them. Their
    // own resources left the stack without a single command on them.
    const lines = down.stdout.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^lb-1 +activate +[\d.]+s$/)).toBeGreaterThanOrEqual(0);
    expect(down.stdout).toContain("plan: command:remote:Command: 2 create, 1 update, 0 replace, 4 delete, 5 same\n");
    for (const host of ["app-3", "app-4"]) {
      expect(at(new RegExp(`^${host} +retire +[\\d.]+s$`))).toBeGreaterThan(at(/^lb-1 +activate +[\d.]+s$/));
      expect(at(new RegExp(`^lab: removing ${host}$`))).toBeGreaterThan(at(new RegExp(`^${host} +retire `)));
    }
    state = (await labStatus())!;
    expect(state.hosts.map((h) => h.name)).toEqual(["lb-1", "app-1", "app-2"]);
    expect(Object.keys(await servedBy(state, url, 6)).sort()).toEqual(["app-1", "app-2"]);
    // Every command removed its own stage directory; every upload was installed and removed.
    expect(await onHost(state, "lb-1", "ls -A /var/lib/webtier/stage /var/lib/webtier/upload")).toBe("/var/lib/webtier/stage:\n\n/var/lib/webtier/upload:\n");
    expect(await onHost(state, "app-1", "ls -A /var/lib/webtier/stage /var/lib/webtier/upload")).toBe("/var/lib/webtier/stage:\n\n/var/lib/webtier/upload:\n");
  }, 10 * MIN);

  it("scales in an app host that was powered off first: it leaves the stack, and the next up is clean", async () => {
    await sshRun(state, "app-2", "sudo systemctl poweroff", { timeoutMs: 30_000 });
    const deadline = Date.now() + MIN;
    while (Date.now() < deadline && (await sshRun(state, "app-2", "true", { timeoutMs: 10_000, connectTimeoutSec: 2 })).code === 0) await sleep(1000);
    const single = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";
    const out = await webtier(["lab", "up", "--app-hosts", "1", "--config", stackFile]);
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: single });
    expect(out.stdout).toMatch(/^lab: app-2 is powered off: left as it is, it leaves the lab$/m);
    expect(out.stdout).toMatch(/^lab: app-2 does not answer over SSH: it leaves without being retired$/m);
    expect(out.stdout).not.toMatch(/^app-2 /m);
    state = (await labStatus())!;
    expect(state.hosts.map((h) => h.name)).toEqual(["lb-1", "app-1"]);
    expect(Object.keys(await servedBy(state, url, 4))).toEqual(["app-1"]);
    const next = await webtier(["lab", "up", "--app-hosts", "1", "--config", stackFile]);
    expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: single });
    expect(next.stdout).toMatch(/^deploy: 0 executed, 5 unchanged, 0 deleted, 0 remote commands in [\d.]+ s$/m);
  }, 8 * MIN);

  it("`lab down` leaves no link, namespace, mount, process or deploy state behind", async () => {
    const r = await webtier(["lab", "down"]);
    expect(r.code).toBe(0);
    expect(await labLeftovers()).toEqual({ links: [], namespaces: [], mounts: [], processes: [], cgroups: [] });
    expect(fs.existsSync(DEPLOY_STATE_FILE)).toBe(false);
    expect(await labStatus()).toBeUndefined();
    const status = await webtier(["lab", "status", "--json"]);
    expect({ code: status.code, stdout: status.stdout }).toEqual({ code: 1, stdout: "null\n" });
    expect((await webtier(["lab", "down"])).code).toBe(0);
  }, 5 * MIN);
});
