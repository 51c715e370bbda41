// The bastion's sshd on a real nginx host (1 nginx + 1 app host): the drop-in a deploy installs,
// a burst of simultaneous logins with it and with sshd's default, measured side by side, the step
// run again under requests through nginx, and a configuration sshd -t refuses, kept out.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, sshRun, type LabState } from "../../lab";
import { BASTION_SSHD } from "../../components/render/defaults";
import { renderBastionSshdConf } from "../../components/render/sshd";
import { renderSshdStep } from "../../components/render/steps/sshd";
import { MIN, onHost, probeDuring, requirement, runnable, webtier, writeStackFile } from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const SETTINGS = { uwsgi: { workers: 2, threads: 2 } };
const SINGLE_HOST_WARNING = "warning: [runtime] webtier: upstream.maxFails (3) has no effect with a single app host: nginx ignores it\n";
const CONF = "/etc/ssh/sshd_config.d/40-webtier-bastion.conf";
const BURST = 100;

/** How many of `count` logins to `host`, started at once, get in (each holds its session 2 s). */
async function simultaneousLogins(state: LabState, host: string, count: number): Promise<number> {
  const runs = await Promise.all(Array.from({ length: count }, () => sshRun(state, host, "sleep 2", { timeoutMs: 60_000, connectTimeoutSec: 20 })));
  return runs.filter((r) => r.code === 0).length;
}

/** Runs the rendered sshd step on `host` with `conf` staged, as a provision bundle runs it. */
function runSshdStep(state: LabState, host: string, conf: string) {
  const encode = (text: string) => Buffer.from(text).toString("base64");
  const script = [
    "set -euo pipefail",
    'stage="$(mktemp -d)"; trap \'rm -rf "$stage"\' EXIT',
    `mkdir -p "$stage${path.dirname(CONF)}"`,
    `echo ${encode(conf)} | base64 -d > "$stage${CONF}"`,
    `echo ${encode(renderSshdStep({ name: host, role: "nginx", address: "", privateAddress: "", port: 22, user: "root" }))} | base64 -d > "$stage/step.sh"`,
    'bash "$stage/step.sh" "$stage"',
  ].join("\n");
  return sshRun(state, host, ["sudo", "-n", "bash", "-c", script], { timeoutMs: 120_000 });
}

const maxStartups = async (state: LabState, host: string) => (await onHost(state, host, "/usr/sbin/sshd -T | grep -i '^maxstartups '")).trim();

describe("the bastion's sshd on the lab", () => {
  let tmp = "";
  let state: LabState;
  let url = "";

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-bastion-"));
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "1", "--nginx-hosts", "1", "--config", writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS)]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: SINGLE_HOST_WARNING });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
    expect(state.bastion).toBe("lb-1");
  }, 10 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("is configured by the deploy on the bastion only, and sshd runs with it", async () => {
    expect(await onHost(state, "lb-1", `cat ${CONF}`)).toBe(renderBastionSshdConf());
    expect(await maxStartups(state, "lb-1")).toBe(`maxstartups ${BASTION_SSHD.maxStartups}`);
    expect(await maxStartups(state, "app-1")).toBe("maxstartups 10:30:100");
  });

  it(`lets ${BURST} simultaneous logins in, where sshd's default drops some (measured side by side)`, async () => {
    const withWebtier = await simultaneousLogins(state, "lb-1", BURST);
    await onHost(state, "lb-1", `mv ${CONF} /root/bastion.conf.saved && systemctl reload ssh.service`);
    let withDefault: number;
    try {
      expect(await maxStartups(state, "lb-1")).toBe("maxstartups 10:30:100");
      withDefault = await simultaneousLogins(state, "lb-1", BURST);
    } finally {
      await onHost(state, "lb-1", `mv /root/bastion.conf.saved ${CONF} && systemctl reload ssh.service`);
    }
    console.log(`${BURST} simultaneous SSH logins to the bastion: ${withWebtier} in with MaxStartups ${BASTION_SSHD.maxStartups}, ${withDefault} with sshd's default 10:30:100`);
    expect(withWebtier).toBe(BURST);
  }, 5 * MIN);

  it("applies the setting on a live nginx host without failing a request or dropping the session it runs in", async () => {
    await onHost(state, "lb-1", `rm -f ${CONF} && systemctl reload ssh.service`);
    const { result, probe } = await probeDuring(state, url, () => runSshdStep(state, "lb-1", renderBastionSshdConf()));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result.stdout.split("\n")).toEqual(["sshd reloaded with /etc/ssh/sshd_config.d/40-webtier-bastion.conf", `sshd: maxstartups ${BASTION_SSHD.maxStartups}`, ""]);
    expect(probe.requests).toBeGreaterThan(0);
    expect(probe.answers).toEqual({ [`200 app-1`]: probe.requests });
    expect(await maxStartups(state, "lb-1")).toBe(`maxstartups ${BASTION_SSHD.maxStartups}`);
  }, 5 * MIN);

  it("keeps the previous configuration when sshd -t refuses the new one: sshd still takes logins", async () => {
    const refused = await runSshdStep(state, "lb-1", `MaxStartups 64:30:128\nNoSuchOption yes\n`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`webtier: lb-1: sshd: sshd -t rejected the configuration with ${CONF} (previous configuration kept): `);
    expect(refused.stderr).toContain("Bad configuration option: NoSuchOption");
    expect(await onHost(state, "lb-1", `cat ${CONF}`)).toBe(renderBastionSshdConf());
    expect(await maxStartups(state, "lb-1")).toBe(`maxstartups ${BASTION_SSHD.maxStartups}`);
    expect((await onHost(state, "lb-1", "systemctl is-active ssh.service")).trim()).toBe("active");
    expect((await sshRun(state, "app-1", "true", { timeoutMs: 30_000 })).code).toBe(0);
  }, 5 * MIN);
});
