// Security end to end on a real app host (1 nginx + 1 app host): uWSGI sandboxed by systemd still
// serves through nginx and reloads; its `systemd-analyze security` score; what the app's user
// cannot read; the metadata service (IMDS) closed to it and open to root.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, type LabState } from "../../lab";
import { deployOnly, getFromClient, journalAfter, journalMark, MIN, onHost, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const SETTINGS = { uwsgi: { workers: 2, threads: 2 } };
const SECRET_NAME = "WEBTIER_E2E_SECRET";
const SECRET_VALUE = "only-for-systemd";
/** `systemd-analyze security webtier-uwsgi.service` measured on a lab host (9.8 before the sandbox). */
const EXPOSURE = 1.3;
const IMDS = "169.254.169.254";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The master (MainPID) and its workers, sorted. */
async function uwsgiProcesses(state: LabState): Promise<{ master: string; workers: string[] }> {
  const out = await onHost(state, "app-1", 'pid=$(systemctl show -p MainPID --value webtier-uwsgi); echo "$pid"; pgrep -P "$pid" | sort');
  const [master, ...workers] = out.trim().split("\n");
  return { master: master!, workers };
}

/** Waits (30 s at most) until `count` workers run and none of `old` is among them. */
async function workersReplaced(state: LabState, old: string[], count: number): Promise<{ master: string; workers: string[] }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await uwsgiProcesses(state);
    if (now.workers.length === count && now.workers.every((w) => !old.includes(w))) return now;
    if (Date.now() > deadline) throw new Error(`workers not replaced: before ${old.join(" ")}, now ${now.workers.join(" ")}`);
    await sleep(500);
  }
}

describe("security on the lab: the sandboxed uWSGI, the app's user, the metadata service", () => {
  let tmp = "";
  let state: LabState;
  let url = "";
  let mark = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-security-"));
    const stackFile = writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", stackFile]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({
      code: 0, stderr: "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n",
    });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
    // The app's environment is secret: the lab passes it as `pulumi config set --secret` would.
    const withEnv = await deployOnly({ stackFile, secrets: { appEnvironment: { [SECRET_NAME]: SECRET_VALUE } } });
    expect(withEnv.error ?? "").toBe("");
    mark = await journalMark(state, "app-1");
  }, 10 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("serves through nginx from uWSGI started as the app's user, without capabilities, under seccomp", async () => {
    const answer = await getFromClient(state, url);
    expect({ status: answer.status, servedBy: answer.servedBy }).toEqual({ status: 200, servedBy: "app-1" });
    const out = await onHost(state, "app-1", [
      "pid=$(systemctl show -p MainPID --value webtier-uwsgi)",
      "ps -o user= -C uwsgi | sort | uniq -c | awk '{print $2\"×\"$1}'",
      "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/$pid/status | tr -s '\\t ' ' '",
      // systemd read the 0600 file as root and handed the values to the app.
      `tr '\\0' '\\n' < /proc/$pid/environ | grep -c '^${SECRET_NAME}=${SECRET_VALUE}$'`,
    ].join("\n"));
    expect(out).toBe([
      "webtier×3",
      "CapInh: 0000000000000000", "CapPrm: 0000000000000000", "CapEff: 0000000000000000",
      "CapBnd: 0000000000000000", "CapAmb: 0000000000000000",
      "NoNewPrivs: 1", "Seccomp: 2",
      "1", "",
    ].join("\n"));
  });

  it(`scores at most ${EXPOSURE} in systemd-analyze security`, async () => {
    const out = await onHost(state, "app-1", "systemd-analyze security --no-pager webtier-uwsgi.service | tail -n 1");
    const score = /Overall exposure level for webtier-uwsgi\.service: ([\d.]+) /.exec(out)?.[1];
    expect(score, out).toBeDefined();
    expect(Number(score)).toBeLessThanOrEqual(EXPOSURE);
  });

  it("keeps app.env, the SSH host keys, the deploy user's home and webtier's state from the app's user", async () => {
    const files = ["/etc/webtier/app.env", "/var/lib/webtier/app.env.applied", "/etc/ssh/ssh_host_ed25519_key", "/home/admin/.ssh/authorized_keys"];
    const dirs = ["/var/lib/webtier/stage", "/var/lib/webtier/upload", "/home/admin/.ssh"];
    const out = await onHost(state, "app-1", [
      // Root reads each one: none of the denials below is a missing file.
      `for f in ${files.join(" ")}; do test -s "$f" && echo "root reads $f"; done`,
      `for d in ${dirs.join(" ")}; do ls "$d" >/dev/null && echo "root lists $d"; done`,
      `for f in ${files.join(" ")}; do sudo -u webtier cat "$f" 2>&1 >/dev/null || true; done`,
      `for d in ${dirs.join(" ")}; do sudo -u webtier ls "$d" 2>&1 >/dev/null || true; done`,
    ].join("\n"));
    expect(out.split("\n")).toEqual([
      ...files.map((f) => `root reads ${f}`),
      ...dirs.map((d) => `root lists ${d}`),
      ...files.map((f) => `cat: ${f}: Permission denied`),
      ...dirs.map((d) => `ls: cannot open directory '${d}': Permission denied`),
      "",
    ]);
  });

  it("shows the app an empty /home and /root and a read-only system, inside its own sandbox", async () => {
    // A shell as the app's user in a worker's mount namespace sees what the app sees.
    const out = await onHost(state, "app-1", [
      "worker=$(pgrep -P \"$(systemctl show -p MainPID --value webtier-uwsgi)\" | head -n 1)",
      "nsenter -t \"$worker\" -m setpriv --reuid=webtier --regid=webtier --clear-groups -- sh -c '",
      "  ls /home /root 2>&1; touch /srv/webtier/probe /var/lib/webtier/probe /etc/probe 2>&1; touch /tmp/probe && echo tmp writable' || true",
    ].join("\n"));
    expect(out).toBe([
      "ls: cannot open directory '/home': Permission denied",
      "ls: cannot open directory '/root': Permission denied",
      "touch: cannot touch '/srv/webtier/probe': Read-only file system",
      "touch: cannot touch '/var/lib/webtier/probe': Read-only file system",
      "touch: cannot touch '/etc/probe': Read-only file system",
      "tmp writable",
      "",
    ].join("\n"));
  });

  it("lets root reach the metadata service and refuses the app's user", async () => {
    // The lab has no IMDS: a listener on its address inside the host, bounded in time, removed after.
    const fetch = `python3 -c '
import urllib.request
try:
    print(urllib.request.urlopen("http://${IMDS}/", timeout=3).status)
except OSError as err:
    print(getattr(err, "reason", err))
'`;
    await onHost(state, "app-1", [
      `ip address add ${IMDS}/32 dev lo`,
      `systemd-run --quiet --unit=wtlab-imds -p RuntimeMaxSec=60 python3 -m http.server --bind ${IMDS} 80`,
      `for _ in $(seq 50); do timeout 1 bash -c '</dev/tcp/${IMDS}/80' 2>/dev/null && exit 0; sleep 0.1; done; exit 1`,
    ].join("\n"));
    try {
      const out = await onHost(state, "app-1", [
        `echo "root: $(timeout 10 ${fetch})"`,
        `echo "webtier: $(sudo -u webtier timeout 10 ${fetch})"`,
        `nft list chain inet webtier output | grep -o 'ip daddr ${IMDS} meta skuid != 0 counter packets [1-9][0-9]*' | sed 's/packets .*/packets >0/'`,
      ].join("\n"));
      expect(out).toBe([
        "root: 200",
        "webtier: [Errno 113] No route to host",
        `ip daddr ${IMDS} meta skuid != 0 counter packets >0`,
        "",
      ].join("\n"));
    } finally {
      await onHost(state, "app-1", `systemctl stop wtlab-imds 2>/dev/null || true; ip address del ${IMDS}/32 dev lo`);
    }
  });

  it("reloads gracefully and in a chain under the sandbox, serving throughout", async () => {
    const before = await uwsgiProcesses(state);
    expect(before.workers).toHaveLength(2);
    // Graceful: the master re-executes itself (same pid) and forks new workers.
    await onHost(state, "app-1", "timeout 60 systemctl reload webtier-uwsgi");
    const graceful = await workersReplaced(state, before.workers, 2);
    expect(graceful.master).toBe(before.master);
    expect((await getFromClient(state, url)).status).toBe(200);
    // Chain: the trigger file under /var/lib/webtier replaces the workers one at a time.
    await onHost(state, "app-1", "touch /var/lib/webtier/uwsgi.chain-reload");
    const chained = await workersReplaced(state, graceful.workers, 2);
    expect(chained.master).toBe(before.master);
    expect((await getFromClient(state, url)).status).toBe(200);
    expect(await onHost(state, "app-1", "systemctl is-active webtier-uwsgi")).toBe("active\n");
    // Read until uWSGI's own last line of the chain reload is stored: everything it logged
    // before is stored by then too.
    const logged = await journalAfter(state, "app-1", mark, "_SYSTEMD_UNIT=webtier-uwsgi.service", (lines) => lines.some((l) => l.includes("chain reloading complete")));
    expect(logged.filter((l) => l.includes("chain reloading complete")).length).toBe(1);
    expect(logged.filter((l) => /Permission denied|not permitted|Read-only file system|SIGSYS/.test(l))).toEqual([]);
  }, 2 * MIN);
});
