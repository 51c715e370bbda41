// The lab engine's rules with a fake transport: each test would fail if its rule were dropped.
import * as fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { readDeployState, writeDeployState } from "../../../lab/engine/state";
import { apply, command, copy, COMMAND, engineRun, newStateFile, privateKey, secret, urnOf, viaBastion } from "./engineSupport";


const prepare = (inputs: Record<string, unknown> = {}) =>
  command("webtier-app-1-prepare", {
    connection: secret(viaBastion), create: "prepare", update: "prepare --again", delete: "unprepare", stdin: "conf", triggers: ["t1"], ...inputs,
  });

describe("lab engine: what it executes", () => {
  it("refuses every resource type it does not execute, and function calls", async () => {
    const { engine } = engineRun(newStateFile());
    await expect(engine.register({ type: "aws:ec2/instance:Instance", name: "vm", urn: "u", custom: true, inputs: {}, dependencies: [] }))
      .rejects.toThrow("lab engine does not execute aws:ec2/instance:Instance (vm)");
    expect(() => engine.call("aws:index/getAmi:getAmi")).toThrow("lab engine does not execute function aws:index/getAmi:getAmi");
    expect((await engine.failed).message).toBe("lab engine does not execute aws:ec2/instance:Instance (vm)");
  });

  it("treats webtier's component resources as no-ops", async () => {
    const { engine, transport } = engineRun(newStateFile());
    expect(await engine.register({ type: "webtier:index:HostConfiguration", name: "h", urn: "u", custom: false, inputs: {}, dependencies: [] })).toEqual({});
    expect(transport.calls).toEqual([]);
  });

  it("refuses resource options it does not implement", async () => {
    const { engine } = engineRun(newStateFile());
    await expect(engine.register({ ...prepare(), unsupportedOptions: ["ignoreChanges", "protect"] }))
      .rejects.toThrow("lab engine does not implement the option ignoreChanges, protect (webtier-app-1-prepare)");
  });

  it("says when an update has nothing to run", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [copy("webtier-app-1-files", "v1", "/etc/x")]);
    const { lines } = await apply(stateFile, [copy("webtier-app-1-files", "v1", "/etc/x", {}, viaBastion)]);
    expect(lines).toEqual(["app-1    files                    updated, nothing to run"]);
  });

  it("fails the provider's Check on apply too, naming the resource", async () => {
    const { engine } = engineRun(newStateFile());
    const bad = { ...copy("webtier-app-1-files", "x", "/x"), inputs: { connection: secret(viaBastion), remotePath: "/x" } };
    await expect(engine.register(bad)).rejects.toThrow(
      "command:remote:CopyToRemote resource 'webtier-app-1-files': property asset has a problem: either asset or archive must be set",
    );
  });
});

describe("lab engine: create, update, replace", () => {
  it("creates: runs create with stdin and records outputs; the state file is 0600", async () => {
    const stateFile = newStateFile();
    const { engine, transport, lines } = await apply(stateFile, [prepare()]);
    expect(transport.calls).toEqual(["dial admin@10.0.0.11", "dial admin@10.0.1.101 via #1", "exec #2 prepare <<conf"]);
    expect(lines).toEqual(["  app-1 prepare: out:prepare", expect.stringMatching(/^app-1 +prepare +\d+\.\ds$/)]);
    expect(engine.stats).toEqual({ executed: 1, unchanged: 0, deleted: 0, remoteCommands: 1, dialAttempts: 2 });
    const state = readDeployState(stateFile);
    expect(state.resources[urnOf(COMMAND, "webtier-app-1-prepare")]!.outputs).toEqual({ stdout: "out:prepare", stderr: "" });
    expect(state.url).toBe("http://10.0.0.11/");
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it("a Command without create dials nothing on create, and nothing without update/create on update", async () => {
    const stateFile = newStateFile();
    const only = command("webtier-app-1-retire", { delete: "retire", triggers: ["a"] });
    expect((await apply(stateFile, [only])).transport.calls).toEqual([]);
    const changed = command("webtier-app-1-retire", { delete: "retire --now", triggers: ["a"] });
    const second = await apply(stateFile, [changed]);
    expect(second.transport.calls).toEqual([]);
    expect(second.engine.stats).toMatchObject({ executed: 1, unchanged: 0 });
  });

  it("leaves unchanged inputs alone: nothing dialed, recorded outputs returned", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [prepare()]);
    const run = engineRun(stateFile);
    expect(await run.engine.register(prepare())).toMatchObject({ stdout: "out:prepare", stderr: "" });
    await run.engine.finish();
    expect(run.transport.calls).toEqual([]);
    expect(run.engine.stats).toEqual({ executed: 0, unchanged: 1, deleted: 0, remoteCommands: 0, dialAttempts: 0 });
  });

  it("updates on a connection-only change: runs `update` (the new connection), deletes nothing", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [prepare()]);
    const { transport } = await apply(stateFile, [prepare({ connection: secret({ ...viaBastion, hostKey: "ssh-ed25519 AAAA" }) })]);
    expect(transport.calls).toEqual(["dial admin@10.0.0.11", "dial admin@10.0.1.101 via #1", "exec #2 prepare --again <<conf"]);
  });

  it("ignoreChanges keeps an existing resource's recorded input: a new connection runs nothing", async () => {
    const stateFile = newStateFile();
    const base = { create: "rotate", stdin: "k", triggers: ["m"] };
    await apply(stateFile, [command("k", base, { ignoreChanges: ["connection"] })]);
    const moved = await apply(stateFile, [command("k", { ...base, connection: secret(viaBastion) }, { ignoreChanges: ["connection"] })]);
    expect(moved.transport.calls).toEqual([]);
    expect(moved.engine.stats).toMatchObject({ executed: 0, unchanged: 1 });
    // Any other change still updates, with the recorded (ignored) connection.
    const changed = await apply(stateFile, [command("k", { ...base, stdin: "k2", connection: secret(viaBastion) }, { ignoreChanges: ["connection"] })]);
    expect(changed.transport.calls).toEqual(["dial admin@10.0.0.11", "exec #1 rotate <<k2"]);
  });

  it("an update without `update` runs `create` again", async () => {
    const stateFile = newStateFile();
    const base = { create: "prepare", stdin: "a", triggers: ["t"] };
    await apply(stateFile, [command("c", base)]);
    const { transport } = await apply(stateFile, [command("c", { ...base, stdin: "b" })]);
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #1 prepare <<b"]);
  });

  it("a CopyToRemote copies again only for a new source or remotePath, not for a new connection", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [copy("f", "v1", "/etc/x")]);
    const moved = await apply(stateFile, [copy("f", "v1", "/etc/x", {}, viaBastion)]);
    expect(moved.transport.calls).toEqual([]);
    expect(moved.engine.stats).toMatchObject({ executed: 1, remoteCommands: 0 });
    const changed = await apply(stateFile, [copy("f", "v2", "/etc/x", {}, viaBastion)]);
    expect(changed.transport.calls).toEqual(["dial admin@10.0.0.11", "dial admin@10.0.1.101 via #1", "copy #2 text:v2 -> /etc/x", "close #2"]);
    const elsewhere = await apply(stateFile, [copy("f", "v2", "/etc/y", {}, viaBastion)]);
    expect(elsewhere.transport.calls).toContain("copy #2 text:v2 -> /etc/y");
  });

  it("replaces on new triggers: creates the new one first, runs the OLD delete with the old inputs last", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [prepare(), command("webtier-app-1-other", { create: "other", triggers: ["o"] })]);
    const newer = prepare({ triggers: ["t2"], stdin: "conf2", delete: "unprepare2", connection: secret({ ...viaBastion, host: "10.0.1.102" }) });
    const { transport, lines, engine } = await apply(stateFile, [newer, command("webtier-app-1-other", { create: "other", triggers: ["o2"] })]);
    expect(transport.calls).toEqual([
      "dial admin@10.0.0.11", "dial admin@10.0.1.102 via #1", "exec #2 prepare <<conf2",
      "dial admin@10.0.0.11", "exec #3 other",
      // The old copy's delete after every other step, with the old connection (address) and old stdin.
      "dial admin@10.0.0.11", "dial admin@10.0.1.101 via #4", "exec #5 unprepare <<conf",
    ]);
    expect(lines.filter((l) => !l.startsWith("  ")).map((l) => l.replace(/ +[\d.]+s$/, ""))).toEqual(["10.0.1.102 webtier-app-1-prepare", "lb-1     webtier-app-1-other", "app-1    prepare (delete)"]);
    expect(engine.stats).toMatchObject({ executed: 2, deleted: 2 }); // both old copies; "other" has no delete to run
    expect(readDeployState(stateFile).pendingDeletes).toEqual([]);
  });

  it("deleteBeforeReplace flips the order: the old delete runs before the new create", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [prepare()]);
    const { transport } = await apply(stateFile, [prepare({ triggers: ["t2"] }), command("later", { create: "later" })].map((r, i) => (i === 0 ? { ...r, deleteBeforeReplace: true } : r)));
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #2 unprepare <<conf", "exec #4 prepare <<conf", "exec #5 later"]);
    expect(readDeployState(stateFile).pendingDeletes).toEqual([]);
  });
});

describe("lab engine: tls resources (local)", () => {
  it("executes them without dialing: deleteBeforeReplace forgets the old copy first, so nothing stays pending", async () => {
    const stateFile = newStateFile();
    const first = await apply(stateFile, [privateKey("key", { algorithm: "ED25519" }), command("uses-key", { create: "c" })]);
    const old = readDeployState(stateFile).resources[urnOf("tls:index/privateKey:PrivateKey", "key")]!;
    const run = engineRun(stateFile);
    await run.engine.begin();
    await run.engine.register(privateKey("key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, { deleteBeforeReplace: true }));
    expect(readDeployState(stateFile).pendingDeletes).toEqual([]);
    await run.engine.register(command("uses-key", { create: "c" }));
    await run.engine.finish();
    const now = readDeployState(stateFile).resources[urnOf("tls:index/privateKey:PrivateKey", "key")]!;
    expect(now.outputs.privateKeyPem).not.toBe(old.outputs.privateKeyPem);
    expect(now.host).toBe("local");
    expect(run.engine.stats).toEqual({ executed: 1, unchanged: 1, deleted: 1, remoteCommands: 0, dialAttempts: 0 });
    expect([...first.transport.calls, ...run.transport.calls]).toEqual(["dial admin@10.0.0.11", "exec #1 c"]);
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
  });
});

describe("lab engine: deletes", () => {
  it("deletes resources that left the program after all other steps, dependents first", async () => {
    const stateFile = newStateFile();
    const base = command("base", { create: "b", delete: "rm-base" });
    const top = command("top", { create: "t", delete: "rm-top" }, { dependencies: [urnOf(COMMAND, "base")] });
    await apply(stateFile, [base, top]);
    const { transport } = await apply(stateFile, [command("new", { create: "n" })]);
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #1 n", "exec #2 rm-top", "exec #3 rm-base"]);
    expect(Object.keys(readDeployState(stateFile).resources)).toEqual([urnOf(COMMAND, "new")]);
  });

  it("a failed delete of a replaced resource stays pending and is retried AFTER the registrations of every later run", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [prepare()]);
    const run = engineRun(stateFile);
    run.transport.results.set("unprepare", { code: 3, stdout: "", stderr: "no such host\n", combined: "no such host\n" });
    await run.engine.begin();
    await run.engine.register(prepare({ triggers: ["t2"] }));
    await expect(run.engine.finish()).rejects.toThrow(
      'app-1: prepare (delete) (webtier-app-1-prepare): Process exited with status 3: running "unprepare":\nno such host\n',
    );
    expect(readDeployState(stateFile).pendingDeletes.map((r) => r.inputs.triggers)).toEqual([["t1"]]);

    // Next run (pulumi@v3.248.0 step_generator.go GenerateDeletes): the registrations first, then
    // the pending delete, which fails the run again and stays pending.
    const again = engineRun(stateFile);
    again.transport.results.set("unprepare", { code: 3, stdout: "", stderr: "", combined: "" });
    await again.engine.begin();
    expect(again.transport.calls).toEqual([]);
    await again.engine.register(command("later", { create: "later" }));
    await expect(again.engine.finish()).rejects.toThrow("Process exited with status 3");
    expect(again.transport.calls).toEqual([
      "dial admin@10.0.0.11", "exec #1 later",
      "dial admin@10.0.0.11", "dial admin@10.0.1.101 via #2", "exec #3 unprepare <<conf",
    ]);
    expect(readDeployState(stateFile).pendingDeletes).toHaveLength(1);

    // Once it succeeds it is gone.
    const third = await apply(stateFile, [prepare({ triggers: ["t2"] }), command("later", { create: "later" })]);
    expect(third.transport.calls).toEqual(["dial admin@10.0.0.11", "dial admin@10.0.1.101 via #1", "exec #2 unprepare <<conf"]);
    expect(readDeployState(stateFile).pendingDeletes).toEqual([]);
  });

  it("a removed resource whose delete fails stays in the state and is deleted again next run", async () => {
    const stateFile = newStateFile();
    await apply(stateFile, [command("gone", { create: "c", delete: "rm" })]);
    const run = engineRun(stateFile);
    run.transport.dialErrors.set("10.0.0.11", Array(11).fill("connect: connection refused"));
    await expect(run.engine.finish()).rejects.toThrow("lb-1: gone (delete) (gone): after 10 failed attempts: connect: connection refused");
    expect(Object.keys(readDeployState(stateFile).resources)).toEqual([urnOf(COMMAND, "gone")]);
    const next = await apply(stateFile, []);
    expect(next.transport.calls).toEqual(["dial admin@10.0.0.11", "exec #1 rm"]);
    expect(readDeployState(stateFile).resources).toEqual({});
  });

  it("skips the delete of a resource deleted with a resource deleted in the same run", async () => {
    const stateFile = newStateFile();
    const host = command("host", { create: "c", delete: "wipe-host", triggers: ["id1"] });
    const step = command("step", { create: "s", delete: "rm-step" }, { deletedWith: urnOf(COMMAND, "host") });
    await apply(stateFile, [host, step]);
    // Both removed (a scale-in): only the host's delete runs.
    const removal = await apply(stateFile, []);
    expect(removal.transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #1 wipe-host"]);
    expect(removal.engine.stats.deleted).toBe(2);
  });

  it("skips it too when the deletedWith target's old copy is deleted by a replace", async () => {
    const stateFile = newStateFile();
    const step = (t: string) => command("step", { create: "s", delete: "rm-step", triggers: [t] }, { deletedWith: urnOf(COMMAND, "host") });
    await apply(stateFile, [command("host", { create: "c", delete: "wipe-host", triggers: ["id1"] }), step("a")]);
    const { transport } = await apply(stateFile, [command("host", { create: "c", delete: "wipe-host", triggers: ["id2"] }), step("b")]);
    expect(transport.calls.filter((c) => c.startsWith("exec"))).toEqual(["exec #1 c", "exec #2 s", "exec #3 wipe-host"]);
  });
});

describe("lab engine: connections", () => {
  it("holds every Command's connection (and its proxy's) until the run ends; a copy closes its own", async () => {
    const stateFile = newStateFile();
    const run = engineRun(stateFile);
    await run.engine.register(prepare());
    await run.engine.register(copy("f", "v1", "/etc/x", {}, viaBastion));
    await run.engine.register(command("lb", { create: "nginx" }));
    await run.engine.finish();
    // prepare: proxy #1 + target #2; copy: proxy #3 (never closed by the provider) + target #4 (closed); lb: #5.
    expect([...run.transport.open]).toEqual(["#1", "#2", "#3", "#5"]);
    expect(run.engine.heldConnections).toBe(4);
    expect(run.transport.calls).toContain("close #4");
    await run.engine.closeHeld();
    expect(run.transport.open.size).toBe(0);
  });

  it("reports a failing command with its full text and output, like the provider", async () => {
    const run = engineRun(newStateFile());
    run.transport.results.set("nginx -t", { code: 1, stdout: "", stderr: "", combined: 'nginx: [emerg] unknown directive "x"\n' });
    await expect(run.engine.register(command("webtier-lb-1-nginx", { create: "nginx -t" }))).rejects.toThrow(
      'lb-1: nginx (webtier-lb-1-nginx): Process exited with status 1: running "nginx -t":\nnginx: [emerg] unknown directive "x"\n',
    );
    expect(run.lines).toEqual([expect.stringMatching(/^lb-1 +nginx +FAILED after \d+\.\ds$/)]);
  });

  it("stops nothing that runs: a command still running after an hour is waited for, not killed", async () => {
    vi.useFakeTimers();
    try {
      const run = engineRun(newStateFile());
      let release!: () => void;
      const running = new Promise<void>((resolve) => (release = resolve));
      const exec = run.transport.exec.bind(run.transport);
      run.transport.exec = async (s, c, i) => {
        await running;
        return exec(s, c, i);
      };
      let settled = false;
      const registered = run.engine.register(command("slow", { create: "sleep 7200" })).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(60 * 60_000);
      expect({ settled, calls: run.transport.calls }).toEqual({ settled: false, calls: ["dial admin@10.0.0.11"] });
      release();
      expect(await registered).toMatchObject({ stdout: "out:sleep 7200" });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("lab engine: state", () => {
  it("does not trust state recorded for another lab", () => {
    const stateFile = newStateFile();
    writeDeployState({ version: 2, owner: "lab-old", resources: { x: { urn: "x", type: COMMAND, name: "x", host: "h", inputs: {}, outputs: {}, dependencies: [], seq: 1 } }, pendingDeletes: [] }, stateFile);
    const { lines } = engineRun(stateFile);
    expect(lines).toEqual([`lab: ${stateFile} describes another lab's hosts: starting from an empty state`]);
  });

  it("starts empty from a state written by the previous engine", () => {
    const stateFile = newStateFile();
    fs.writeFileSync(stateFile, JSON.stringify({ version: 1, owner: "lab-a", resources: {} }));
    const { lines } = engineRun(stateFile);
    expect(lines).toEqual([`lab: ${stateFile} was written by an older lab engine (version 1): starting from an empty state`]);
  });
});
