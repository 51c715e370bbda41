// nginx changes that pass `nginx -t` on the staged tree and fail only once they are live (1 nginx +
// 1 app host): a port another process holds is not checked by `nginx -t`, and binding it fails in
// the running master. A reload then keeps the old configuration and still exits 0, so only the
// health location's generation shows the failure; a restart leaves nginx stopped. Either way the
// previous files must come back byte for byte, nginx must serve them, and the next deploy work.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { labStatus, type LabState } from "../../lab";
import { deployOnly, getFromClient, MIN, onHost, remoteDigests, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const SETTINGS = { uwsgi: { workers: 2, threads: 2 } };
const LIVE = [
  "/etc/nginx/nginx.conf", "/etc/nginx/webtier/site.conf", "/etc/nginx/webtier/upstream.conf",
  "/etc/systemd/system/nginx.service.d/webtier-limits.conf",
];
const SINGLE_APP_WARNING = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";
/** The default open-files limit of nginx: 2 × 8192 worker connections + 1024. */
const DEFAULT_NOFILE = 17408;

describe("nginx changes that fail after the swap roll back on the lab", () => {
  let tmp = "";
  let state: LabState;
  let url = "";

  /** Holds `port` on lb-1 with a listener that is not nginx, until released. */
  async function holdPort(port: number): Promise<void> {
    await onHost(state, "lb-1", [
      `systemd-run --quiet --unit=wtlab-hold-${port} -p RuntimeMaxSec=600 systemd-socket-activate -l 0.0.0.0:${port} sleep infinity`,
      "deadline=$((SECONDS + 20))",
      `until ss -Hltn 'sport = :${port}' | grep -q .; do [ "$SECONDS" -lt "$deadline" ] || exit 1; sleep 0.1; done`,
    ].join("\n"));
  }
  const releasePort = (port: number) => onHost(state, "lb-1", `systemctl stop wtlab-hold-${port} 2>/dev/null || true`);
  const nginxMaster = async () => (await onHost(state, "lb-1", "systemctl show -p MainPID --value nginx")).trim();
  /** What nginx's health location answers on one of its ports, asked on the host itself. */
  const health = async (port: number) => (await onHost(state, "lb-1", `curl -sS --max-time 5 http://127.0.0.1:${port}/healthz`)).trim();
  const masterNofile = () => onHost(state, "lb-1", "awk '/^Max open files/ { print $4 }' /proc/$(systemctl show -p MainPID --value nginx)/limits");
  const deployLines = (stdout: string) => stdout.split("\n").filter((l) => /^(lb|app)-\d+ /.test(l));

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-rollback-"));
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS)]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: SINGLE_APP_WARNING });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
  }, 20 * MIN);

  // A failed expectation must not leave a port held for the next test.
  afterEach(async () => {
    if (state) for (const port of [8081, 8082]) await releasePort(port);
  });

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("catches a reload that kept the old configuration by its generation, restores the files, and deploys once the port is free", async () => {
    const before = { files: await remoteDigests(state, "lb-1", LIVE), master: await nginxMaster(), health: await health(80) };
    const oldGeneration = /^ok ([0-9a-f]{16})$/.exec(before.health)?.[1];
    expect(oldGeneration, before.health).toBeDefined();
    const extraPort = writeStackFile(path.join(tmp, "Pulumi.port.yaml"), { ...SETTINGS, nginx: { extraServer: ["listen 8081"] } });

    await holdPort(8081);
    const failed = await deployOnly({ stackFile: extraPort });
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/^lb-1: activate \(webtier-lb-1-activate\): Process exited with status 1: running "sudo -n timeout /);
    // The reload exited 0: the health location still answering the previous generation is what failed the step.
    const verdict = new RegExp(
      `webtier: lb-1: nginx: nginx did not take the new configuration; previous configuration restored\\. ` +
      `http://127\\.0\\.0\\.1:80/healthz answered 'ok ${oldGeneration}', expected 'ok ([0-9a-f]{16})'\n`,
    ).exec(failed.error ?? "");
    expect(verdict, failed.error).not.toBeNull();
    const newGeneration = verdict![1]!;
    expect(newGeneration).not.toBe(oldGeneration);
    // nginx's own words from its error log.
    expect(failed.error).toContain("bind() to 0.0.0.0:8081 failed (98: Address already in use)");
    expect(deployLines(failed.stdout)).toEqual([expect.stringMatching(/^lb-1 +activate +FAILED after [\d.]+s$/)]);

    // The previous files, byte for byte, served by the same master; the port is still the other process's.
    expect(await remoteDigests(state, "lb-1", LIVE)).toEqual(before.files);
    expect(await nginxMaster()).toBe(before.master);
    expect(await health(80)).toBe(`ok ${oldGeneration}`);
    expect(await onHost(state, "lb-1", "ss -Hltnp 'sport = :8081' | grep -o 'users:((\"[a-z-]*\"' | sort -u")).toBe('users:(("systemd-socket-"\n');
    const answer = await getFromClient(state, url);
    expect({ status: answer.status, servedBy: answer.servedBy }).toEqual({ status: 200, servedBy: "app-1" });

    // With the port free, the same change goes live by a reload: the generation the failed step expected.
    await releasePort(8081);
    const next = await deployOnly({ stackFile: extraPort });
    expect(next.error).toBeUndefined();
    expect(deployLines(next.stdout)).toEqual([expect.stringMatching(/^lb-1 +activate +[\d.]+s$/)]);
    expect(await nginxMaster()).toBe(before.master);
    expect([await health(80), await health(8081)]).toEqual([`ok ${newGeneration}`, `ok ${newGeneration}`]);
  }, 8 * MIN);

  it("brings nginx back on the previous configuration and open-files limit when the restart a new limit takes fails", async () => {
    const before = { files: await remoteDigests(state, "lb-1", LIVE), master: await nginxMaster(), health: await health(80) };
    expect(await masterNofile()).toBe(`${DEFAULT_NOFILE}\n`);
    // A new limit applies only when the master starts: this change restarts nginx, which cannot bind.
    const restart = writeStackFile(path.join(tmp, "Pulumi.restart.yaml"), {
      ...SETTINGS, nginx: { extraServer: ["listen 8081", "listen 8082"], workerRlimitNofile: 17000 },
    });

    await holdPort(8082);
    const failed = await deployOnly({ stackFile: restart });
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/^lb-1: activate \(webtier-lb-1-activate\): Process exited with status 1: running "sudo -n timeout /);
    expect(failed.error).toContain(
      "webtier: lb-1: nginx: nginx did not take the new configuration; previous configuration restored. " +
      "Job for nginx.service failed because the control process exited with error code.\n",
    );
    expect(failed.error).toContain("bind() to 0.0.0.0:8082 failed (98: Address already in use)");

    // Restarted on the previous files (the limit's drop-in included), with the previous limit.
    expect(await remoteDigests(state, "lb-1", LIVE)).toEqual(before.files);
    expect(await onHost(state, "lb-1", "systemctl is-active nginx")).toBe("active\n");
    expect(await nginxMaster()).not.toBe(before.master);
    expect(await masterNofile()).toBe(`${DEFAULT_NOFILE}\n`);
    expect(await health(80)).toBe(before.health);
    const answer = await getFromClient(state, url);
    expect({ status: answer.status, servedBy: answer.servedBy }).toEqual({ status: 200, servedBy: "app-1" });

    await releasePort(8082);
    const next = await deployOnly({ stackFile: restart });
    expect(next.error).toBeUndefined();
    expect(await masterNofile()).toBe("17000\n");
    expect(await health(8082)).toMatch(/^ok [0-9a-f]{16}$/);
    expect(await health(8082)).not.toBe(before.health);
  }, 8 * MIN);
});
