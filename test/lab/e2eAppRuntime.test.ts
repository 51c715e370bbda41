// The app tier at run time on the lab (1 nginx + 2 app hosts, the app reporting what its workers
// see): `appEnvironment` from a root-only file to the app byte for byte and never into a command
// or a log; each way the uwsgi step takes a change (restart, graceful reload, chain reload) proven
// on the hosts by the processes and uWSGI's own lines, with requests succeeding throughout.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labStatus, sshRun, type LabState } from "../../lab";
import { DEPLOY_STATE_FILE } from "../../lab/engine/state";
import { appAnswers, reloadKind, uwsgiProcesses, writeReportingApp } from "./appRuntimeSupport";
import {
  deployOnly, journalAfter, journalMark, MIN, onHost, probeDuring, requirement, runnable, webtier, writeStackFile,
  type ChildOutcome, type ProbeOutcome,
} from "./e2eSupport";

// Never skipped: without root or the lab's tools the suite fails, naming what is missing.

const APPS = ["app-1", "app-2"];
const SETTINGS = { uwsgi: { workers: 2, threads: 2 }, app: { source: "app" } };
const TOKEN = randomBytes(12).toString("hex");
/** Values a shell, systemd or a careless quoting would change. */
const HOSTILE = {
  WT_SPACES: "  leading, inner  and trailing  ",
  WT_QUOTES: `he said "hi", it's 'fine'`,
  WT_SHELL: "$HOME ${PATH} $(id) `id` ; | & > <",
  WT_BACKSLASH: 'C:\\dir\\ \\" \\$ \\\\ end\\',
  WT_EQUALS: "a=b==c",
  WT_COMMENT: "#not a comment ;nor this",
  WT_SPECIFIERS: "%h %n %% %i",
  WT_UNICODE: "ünïcödé ✓ 日本",
  WT_TAB: "a\tb",
  WT_EMPTY: "",
  WT_SECRET: `secret-${TOKEN}`,
};
// systemd's EnvironmentFile syntax: double quotes, only `\` and `"` escaped ($ and % mean nothing there).
const HOSTILE_FILE = [
  'WT_BACKSLASH="C:\\\\dir\\\\ \\\\\\" \\\\$ \\\\\\\\ end\\\\"',
  'WT_COMMENT="#not a comment ;nor this"',
  'WT_EMPTY=""',
  'WT_EQUALS="a=b==c"',
  `WT_QUOTES="he said \\"hi\\", it's 'fine'"`,
  `WT_SECRET="secret-${TOKEN}"`,
  'WT_SHELL="$HOME ${PATH} $(id) `id` ; | & > <"',
  'WT_SPACES="  leading, inner  and trailing  "',
  'WT_SPECIFIERS="%h %n %% %i"',
  'WT_TAB="a\tb"',
  'WT_UNICODE="ünïcödé ✓ 日本"',
  "",
].join("\n");

describe("the app tier at run time on the lab: environment, restarts and reloads", () => {
  let tmp = "";
  let stackFile = "";
  let state: LabState;
  let url = "";

  const masters = async () => Promise.all(APPS.map(async (h) => (await uwsgiProcesses(state, h)).master));
  /** Every answer of the probe was a 200 from one of `hosts`, and there were enough to mean something. */
  function expectNoFailure(probe: ProbeOutcome, hosts = APPS): void {
    expect(Object.keys(probe.answers).filter((a) => !hosts.some((h) => a === `200 ${h}`))).toEqual([]);
    expect(probe.requests).toBeGreaterThan(20);
  }
  function expectDeployed(outcome: ChildOutcome): void {
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
  }
  /** What the app's workers see, from enough answers to reach every worker of both hosts. */
  async function seen(): Promise<{ hosts: string[]; releases: string[]; envs: string[] }> {
    const answers = await appAnswers(state, url, 12);
    const distinct = (values: string[]) => [...new Set(values)].sort();
    return {
      hosts: distinct(answers.map((a) => a.host)),
      releases: distinct(answers.map((a) => a.release)),
      envs: distinct(answers.map((a) => JSON.stringify(a.env, Object.keys(a.env).sort()))),
    };
  }

  beforeAll(async () => {
    if (!runnable) throw new Error(requirement);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-e2e-runtime-"));
    writeReportingApp(path.join(tmp, "app"), "one");
    stackFile = writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), SETTINGS);
    expect((await webtier(["lab", "down"])).code).toBe(0);
    const up = await webtier(["lab", "up", "--app-hosts", "2", "--nginx-hosts", "1", "--config", stackFile]);
    expect({ code: up.code, stderr: up.stderr }).toEqual({ code: 0, stderr: "" });
    url = /^url: (\S+)$/m.exec(up.stdout)![1]!;
    state = (await labStatus())!;
  }, 20 * MIN);

  afterAll(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (runnable) await webtier(["lab", "down"]);
  }, 5 * MIN);

  it("starts uWSGI once on the first deploy: no restart, no reload", async () => {
    const started = /^Started webtier-uwsgi\.service - uWSGI application server \(webtier\)\.$/;
    for (const host of APPS) {
      const lines = await journalAfter(state, host, undefined, "_SYSTEMD_UNIT=webtier-uwsgi.service + UNIT=webtier-uwsgi.service", (l) => l.some((x) => started.test(x)));
      const count = (re: RegExp) => lines.filter((l) => re.test(l)).length;
      expect({ host, started: count(started), stopping: count(/^Stopping /), reload: reloadKind(lines) }).toEqual({ host, started: 1, stopping: 0, reload: "none" });
    }
  }, 2 * MIN);

  it("hands hostile appEnvironment values to the app byte for byte from a root-only file, restarting uWSGI without a failed request", async () => {
    const before = await masters();
    const { result, probe } = await probeDuring(state, url, () => deployOnly({ stackFile, secrets: { appEnvironment: HOSTILE } }));
    expectDeployed(result);
    expectNoFailure(probe);
    // systemd reads the file only when it starts the service: a new master on every host.
    const after = await masters();
    after.forEach((m, i) => expect(m).not.toBe(before[i]));
    expect(await seen()).toEqual({ hosts: APPS, releases: ["one"], envs: [JSON.stringify(HOSTILE, Object.keys(HOSTILE).sort())] });
    for (const host of APPS) {
      const files = await onHost(state, host, "stat -c '%n %a %U:%G' /etc/webtier/app.env /var/lib/webtier/app.env.applied; cmp /etc/webtier/app.env /var/lib/webtier/app.env.applied && echo same");
      expect({ host, files }).toEqual({ host, files: "/etc/webtier/app.env 600 root:root\n/var/lib/webtier/app.env.applied 600 root:root\nsame\n" });
      expect(await onHost(state, host, "cat /etc/webtier/app.env")).toBe(HOSTILE_FILE);
    }
  }, 10 * MIN);

  it("keeps the values out of every command line, log and output the deploy records", async () => {
    // The deploy's own lines, the hosts' journals (sudo logs each command line) and logs, and the
    // lab's state (each command's text, stdout and stderr): the secret travels only on stdin.
    const outcome = await deployOnly({ stackFile, secrets: { appEnvironment: HOSTILE } });
    expectDeployed(outcome);
    expect(outcome.stats).toMatchObject({ executed: 0, remoteCommands: 0 });
    expect(outcome.stdout).not.toContain(TOKEN);
    for (const host of ["lb-1", ...APPS]) {
      // The token goes on stdin: in this command line, sudo would log it.
      const search = 'read -r token; { journalctl --no-pager -q -o verbose; grep -rsaF -- "$token" /var/log /tmp /var/tmp /home /root; } | grep -caF -- "$token" || true';
      const found = await sshRun(state, host, ["sudo", "-n", "bash", "-c", search], { input: `${TOKEN}\n` });
      expect({ host, found }).toEqual({ host, found: { code: 0, stdout: "0\n", stderr: "" } });
    }
    const recorded = JSON.parse(fs.readFileSync(DEPLOY_STATE_FILE, "utf8")) as { resources: Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }> };
    const commands = Object.values(recorded.resources).flatMap((r) => [r.inputs.create, r.inputs.update, r.inputs.delete, r.outputs.stdout, r.outputs.stderr]);
    expect(commands.filter((c) => typeof c === "string" && c.length > 0).length).toBeGreaterThan(6);
    expect(commands.filter((c) => typeof c === "string" && c.includes(TOKEN))).toEqual([]);
    expect(fs.readFileSync(DEPLOY_STATE_FILE, "utf8")).not.toContain(TOKEN);
  }, 5 * MIN);

  it("refuses a value with a newline before touching a host, naming the key and not the value", async () => {
    const outcome = await deployOnly({ stackFile, secrets: { appEnvironment: { ...HOSTILE, WT_NEWLINE: `first ${TOKEN}\nsecond` } } });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain("appEnvironment.WT_NEWLINE (secret) must not contain a newline or NUL");
    expect(outcome.error).not.toContain(TOKEN);
    expect(outcome.stdout).not.toContain(TOKEN);
    expect(outcome.stdout.split("\n").filter((l) => /^(lb|app)-\d+ /.test(l))).toEqual([]);
    expect(await onHost(state, "app-1", "cat /etc/webtier/app.env")).toBe(HOSTILE_FILE);
  }, 5 * MIN);

  it("restarts uWSGI host by host for a changed value and for a removed environment; the app sees each, no request fails", async () => {
    const changed = { ...HOSTILE, WT_SECRET: "rotated" };
    for (const [label, secrets, expected, file] of [
      ["changed", { appEnvironment: changed }, changed, HOSTILE_FILE.replace(`secret-${TOKEN}`, "rotated")],
      // Always staged, empty without an environment: removing a variable removes it from the app.
      ["removed", undefined, {}, ""],
    ] as const) {
      const before = await masters();
      const { result, probe } = await probeDuring(state, url, () => deployOnly({ stackFile, ...(secrets ? { secrets } : {}) }));
      expectDeployed(result);
      expectNoFailure(probe);
      const after = await masters();
      after.forEach((m, i) => expect({ label, restarted: m !== before[i] }).toEqual({ label, restarted: true }));
      expect({ label, seen: await seen() }).toEqual({ label, seen: { hosts: APPS, releases: ["one"], envs: [JSON.stringify(expected, Object.keys(expected).sort())] } });
      expect({ label, file: await onHost(state, "app-2", "stat -c '%a %U:%G' /etc/webtier/app.env; cat /etc/webtier/app.env") }).toEqual({ label, file: `600 root:root\n${file}` });
    }
  }, 10 * MIN);

  /** Deploys `settings` under the probe and returns how each host's uWSGI took it. */
  async function deployAndWatch(settings: Record<string, unknown>): Promise<{
    probe: ProbeOutcome; before: Record<string, { master: string; workers: string[] }>; after: Record<string, { master: string; workers: string[] }>;
    kinds: Record<string, string>; lines: Record<string, string[]>;
  }> {
    const before: Record<string, { master: string; workers: string[] }> = {};
    const marks: Record<string, string> = {};
    for (const host of APPS) {
      before[host] = await uwsgiProcesses(state, host);
      marks[host] = await journalMark(state, host);
    }
    stackFile = writeStackFile(path.join(tmp, "Pulumi.lab.yaml"), settings);
    const { result, probe } = await probeDuring(state, url, () => deployOnly({ stackFile }));
    expectDeployed(result);
    const after: Record<string, { master: string; workers: string[] }> = {};
    const kinds: Record<string, string> = {};
    const lines: Record<string, string[]> = {};
    for (const host of APPS) {
      after[host] = await uwsgiProcesses(state, host);
      // uWSGI's lines reach the journal a moment after the step saw the new workers: wait for a
      // complete set (a mixed one waits out the deadline, then fails below).
      lines[host] = await journalAfter(state, host, marks[host]!, "_SYSTEMD_UNIT=webtier-uwsgi.service", (l) => ["chain", "graceful"].includes(reloadKind(l)), 30_000);
      kinds[host] = reloadKind(lines[host]!);
    }
    return { probe, before, after, kinds, lines };
  }

  /** The same master on every host, with `count` workers none of which ran before. */
  function expectReloadedInPlace(run: Awaited<ReturnType<typeof deployAndWatch>>, count: number): void {
    for (const host of APPS) {
      const { before, after } = { before: run.before[host]!, after: run.after[host]! };
      expect({ host, master: after.master, workers: after.workers.length }).toEqual({ host, master: before.master, workers: count });
      expect({ host, kept: after.workers.filter((w) => before.workers.includes(w)) }).toEqual({ host, kept: [] });
    }
  }

  it("moves to a new release by a chain reload (lazy-apps): same master, every worker replaced, no request fails", async () => {
    writeReportingApp(path.join(tmp, "app"), "two");
    const run = await deployAndWatch(SETTINGS);
    expect(run.kinds, JSON.stringify(run.lines, null, 1)).toEqual({ "app-1": "chain", "app-2": "chain" });
    expectReloadedInPlace(run, 2);
    expectNoFailure(run.probe);
    expect(await seen()).toEqual({ hosts: APPS, releases: ["two"], envs: ["{}"] });
  }, 10 * MIN);

  it("applies a changed uWSGI setting by a graceful reload: same master, new workers at the new count, no request fails", async () => {
    const run = await deployAndWatch({ ...SETTINGS, uwsgi: { ...SETTINGS.uwsgi, workers: 3 } });
    expect(run.kinds, JSON.stringify(run.lines, null, 1)).toEqual({ "app-1": "graceful", "app-2": "graceful" });
    expectReloadedInPlace(run, 3);
    expectNoFailure(run.probe);
    expect(await onHost(state, "app-1", "grep -x 'workers = 3' /etc/webtier/uwsgi.ini")).toBe("workers = 3\n");
  }, 10 * MIN);

  it("without lazy-apps moves to a new release by a graceful reload, since workers forked from the master would keep the old code", async () => {
    const preforked = { ...SETTINGS, uwsgi: { ...SETTINGS.uwsgi, lazyApps: false } };
    expect((await deployAndWatch(preforked)).kinds).toEqual({ "app-1": "graceful", "app-2": "graceful" });
    writeReportingApp(path.join(tmp, "app"), "three");
    const run = await deployAndWatch(preforked);
    expect(run.kinds, JSON.stringify(run.lines, null, 1)).toEqual({ "app-1": "graceful", "app-2": "graceful" });
    expectReloadedInPlace(run, 2);
    expectNoFailure(run.probe);
    expect(await seen()).toEqual({ hosts: APPS, releases: ["three"], envs: ["{}"] });
  }, 10 * MIN);
});
