// The rules the lab engine follows because pulumi v3.248 and pulumi-command v1.2.1 do
// (docs/engine-rules.md): each test would fail against the engine's earlier, kinder behaviour.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { setenvRefusedMessage } from "../../../lab/engine/commandEnv";
import { connect } from "../../../lab/engine/dial";
import { DeployEngine } from "../../../lab/engine/engine";
import { withDefaults } from "../../../lab/engine/inputs";
import { defaultParallel } from "../../../lab/engine/parallelism";
import { refreshState } from "../../../lab/engine/refresh";
import { hopConfig, TCP_CONNECTOR } from "../../../lab/engine/sshConfig";
import { readDeployState } from "../../../lab/engine/state";
import type { Session } from "../../../lab/engine/transport";
import { apply, command, COMMAND, direct, engineRun, newStateFile, secret, tmp, urnOf, viaBastion } from "./engineSupport";
import { FakeTransport } from "./fakeTransport";

const noSleep = async () => undefined;

describe("ignoreChanges and replacements", () => {
  it("a replacement gets the program's inputs in full: the ignored connection is the NEW one", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [command("k", { create: "rotate", triggers: ["m1"] }, { ignoreChanges: ["connection"] })]);
    const { transport } = await apply(stateFile, [command("k", { create: "rotate", triggers: ["m2"], connection: secret(viaBastion) }, { ignoreChanges: ["connection"] })]);
    expect(transport.calls.filter((c) => c.startsWith("dial"))).toEqual(["dial admin@10.0.0.11", "dial admin@10.0.1.101 via #1"]);
    expect(readDeployState(stateFile).resources[urnOf(COMMAND, "k")]!.inputs.connection).toEqual(viaBastion);
  });
});

describe("parallelism", () => {
  it("defaults like `pulumi up --parallel`: PULUMI_PARALLEL when above 0, else 4 × CPUs", () => {
    expect(defaultParallel({}, 2)).toBe(8);
    expect(defaultParallel({ PULUMI_PARALLEL: "3" }, 2)).toBe(3);
    expect(defaultParallel({ PULUMI_PARALLEL: "0" }, 6)).toBe(24);
  });

  it("runs at most `parallel` resource operations at once", async () => {
    const transport = new FakeTransport();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    transport.execGate = () => gate;
    const engine = new DeployEngine({
      preview: false, transport, owner: "lab-a", stateFile: newStateFile(), log: () => undefined, hostNames: {}, sleep: noSleep, parallel: 2,
    });
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => engine.register(command(`c${i}`, { create: `run ${i}` }))));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #1 run 1", "exec #2 run 2"]);
    release();
    await all;
    expect(transport.maxConcurrentExecs).toBe(2);
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toHaveLength(5);
  });
});

describe("dialing through a proxy (x/crypto closes the tunnel after a failed handshake)", () => {
  const conn = { ...direct, host: "10.0.1.5", dialErrorLimit: 3, proxy: { ...direct, host: "10.0.0.1", dialErrorLimit: 1 } };

  it("a handshake that fails once is not really retried: every retry is `ssh: handshake failed: EOF`, the first cause lost", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.1.5", ["ssh: handshake failed: ssh: host key mismatch"]);
    const waits: number[] = [];
    const held: Session[] = [];
    await expect(connect(t, conn, async (ms) => void waits.push(ms), (p) => held.push(p)))
      .rejects.toThrow(/^proxy: after 3 failed attempts: ssh: handshake failed: EOF$/);
    expect(t.calls).toEqual(["dial admin@10.0.0.1", "dial admin@10.0.1.5 via #1 FAILS ssh: handshake failed: ssh: host key mismatch"]);
    expect(waits).toEqual([100, 150, 225]);
    expect(held).toEqual([{ label: "#1" }]);
  });

  it("with dialErrorLimit 0 the first cause is what the provider reports", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.1.5", ["ssh: handshake failed: ssh: host key mismatch"]);
    await expect(connect(t, { ...conn, dialErrorLimit: 0 }, noSleep, () => undefined))
      .rejects.toThrow(/^proxy: after 0 failed attempts: ssh: handshake failed: ssh: host key mismatch$/);
  });

  it("the tunnel (proxyClient.Dial) is retried for real; so are the proxy's own handshake and a direct one", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.0.1", ["ssh: handshake failed: ssh: host key mismatch"]);
    t.dialErrors.set("10.0.1.5", ["ssh: rejected: connect failed (Connection refused)", "ssh: rejected: connect failed (Connection refused)"]);
    expect(await connect(t, { ...conn, proxy: { ...conn.proxy, dialErrorLimit: 2 } }, noSleep, () => undefined)).toEqual({ label: "#2" });
    expect(t.calls).toEqual([
      "dial admin@10.0.0.1 FAILS ssh: handshake failed: ssh: host key mismatch", "dial admin@10.0.0.1",
      "dial admin@10.0.1.5 via #1 FAILS ssh: rejected: connect failed (Connection refused)",
      "dial admin@10.0.1.5 via #1 FAILS ssh: rejected: connect failed (Connection refused)", "dial admin@10.0.1.5 via #1",
    ]);
  });

  it("a host-key mismatch behind the bastion fails the resource after one real dial of the target", async () => {
    const run = engineRun(newStateFile());
    run.transport.dialErrors.set("10.0.1.101", Array(11).fill("ssh: handshake failed: ssh: host key mismatch"));
    await expect(run.engine.register(command("webtier-app-1-provision", { create: "p", connection: secret(viaBastion) })))
      .rejects.toThrow(/^app-1: provision \(webtier-app-1-provision\): proxy: after 10 failed attempts: ssh: handshake failed: EOF$/);
    expect(run.engine.stats.dialAttempts).toBe(2);
  });
});

describe("the OpenSSH client configured as the provider's x/crypto client", () => {
  const files = { key: "/k", connector: "/c.py", connectError: "/e" };

  it("offers only the pinned key's type: an ssh-rsa pin offers ssh-rsa (SHA-1) alone", () => {
    expect(hopConfig("wt-1", { ...direct, hostKey: "ssh-rsa AAAAB3 x" }, { ...files, known: "/kh" })).toContain("\n  HostKeyAlgorithms ssh-rsa\n");
    expect(hopConfig("wt-1", { ...direct, hostKey: "ssh-ed25519 AAAAC3" }, { ...files, known: "/kh" })).toContain("\n  HostKeyAlgorithms ssh-ed25519\n");
    expect(hopConfig("wt-1", direct, files)).not.toContain("HostKeyAlgorithms");
  });

  it("bounds only the direct TCP connect by perDialTimeout: not the banner, not a tunnelled hop", () => {
    const own = hopConfig("wt-1", { ...direct, perDialTimeout: 7 }, files);
    expect(own.split("\n").filter((l) => /Proxy|Timeout/.test(l))).toEqual(["  ProxyCommand python3 /c.py %h %p 7 /e", "  ProxyUseFdpass yes"]);
    const tunnelled = hopConfig("wt-2", viaBastion, files, { config: "/cfg-1", socket: "/m-1", alias: "wt-1" });
    expect(tunnelled.split("\n").filter((l) => /Proxy|Timeout/.test(l)))
      .toEqual(["  ProxyCommand ssh -F /cfg-1 -o ControlMaster=no -o ControlPath=/m-1 -W %h:%p wt-1"]);
  });

  it("the connector fails a TCP connect in Go's words", async () => {
    const script = path.join(tmp, "tcp-connect.py");
    const errors = path.join(tmp, "connect-error");
    fs.writeFileSync(script, TCP_CONNECTOR);
    const code = await new Promise<number | null>((resolve) => execFile("python3", [script, "127.0.0.1", "1", "5", errors]).on("exit", resolve));
    expect({ code, said: fs.readFileSync(errors, "utf8") }).toEqual({ code: 1, said: "dial tcp 127.0.0.1:1: connect: connection refused\n" });
  });
});

describe("environment (session.Setenv)", () => {
  it("a variable sshd refuses fails the command before it runs, with the provider's error and log", async () => {
    const run = engineRun(newStateFile());
    run.transport.refusedEnv.add("APP_MODE");
    await expect(run.engine.register(command("webtier-lb-1-x", { create: "x", environment: { LANG: "C.UTF-8", APP_MODE: "1" } })))
      .rejects.toThrow(/^lb-1: x \(webtier-lb-1-x\): could not set environment variable "APP_MODE": ssh: setenv failed$/);
    expect(run.transport.calls).toEqual(["dial admin@10.0.0.11", "env #1 APP_MODE,LANG"]);
    expect(run.lines[0]).toBe(`error: lb-1: x (webtier-lb-1-x): ${setenvRefusedMessage("APP_MODE")}`);
  });

  it("accepted variables reach the command; a refused previous output is only a warning", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [command("webtier-lb-1-x", { create: "x", environment: { LANG: "C.UTF-8" }, addPreviousOutputInEnv: undefined })]);
    const run = engineRun(stateFile);
    run.transport.refusedEnv.add("PULUMI_COMMAND_STDOUT");
    await run.engine.register(command("webtier-lb-1-x", { create: "x", update: "y", environment: { LANG: "C.UTF-8", LC_ALL: "C" }, addPreviousOutputInEnv: undefined }));
    expect(run.transport.calls).toEqual(["dial admin@10.0.0.11", "env #1 LANG,LC_ALL,PULUMI_COMMAND_STDOUT", "exec #1 y [LANG=C.UTF-8 LC_ALL=C]"]);
    expect(run.lines[0]).toBe(`warning: lb-1: x (webtier-lb-1-x): ${setenvRefusedMessage("PULUMI_COMMAND_STDOUT")}`);
  });
});

describe("output streaming", () => {
  const streamed = async (logging?: string) => {
    const run = engineRun(newStateFile());
    run.transport.results.set("x", { chunks: [["stdout", "a\nb"], ["stderr", "c\r\n"], ["stdout", "d"]], stdout: "a\nbd", stderr: "c\r\n" });
    await run.engine.register(command("webtier-lb-1-x", { create: "x", ...(logging ? { logging } : {}) }));
    return run.lines.filter((l) => l.startsWith("  "));
  };

  it("logs each line of stdout and stderr as it arrives, through one pipe like the provider", async () => {
    expect(await streamed()).toEqual(["  lb-1 x: a", "  lb-1 x: bc", "  lb-1 x: d"]);
  });

  it("honours `logging`", async () => {
    expect(await streamed("stderr")).toEqual(["  lb-1 x: c"]);
    expect(await streamed("stdout")).toEqual(["  lb-1 x: a", "  lb-1 x: bd"]);
    expect(await streamed("none")).toEqual([]);
  });
});

describe("refresh", () => {
  it("is an identity read: the recorded state, unchanged, and nothing dialled", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [command("a", { create: "x" })]);
    const before = fs.readFileSync(stateFile, "utf8");
    const result = refreshState(stateFile);
    expect(result).toEqual({ resources: Object.values(readDeployState(stateFile).resources), changed: 0 });
    expect(result.resources.map((r) => r.outputs)).toEqual([{ stdout: "out:x", stderr: "" }]);
    expect(fs.readFileSync(stateFile, "utf8")).toBe(before);
  });
});

describe("connection defaults", () => {
  it("are the provider's: root, port 22, 10 dial errors, 15 s per dial, the proxy's own the same", () => {
    expect(withDefaults({ host: "a", proxy: { host: "b", dialErrorLimit: -1 } })).toEqual({
      host: "a", user: "root", port: 22, dialErrorLimit: 10, perDialTimeout: 15,
      proxy: { host: "b", user: "root", port: 22, dialErrorLimit: -1, perDialTimeout: 15 },
    });
  });
});
