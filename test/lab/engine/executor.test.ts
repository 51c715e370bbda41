// The lab executor without hosts: what it refuses, what it treats as no-ops, and that an unchanged
// resource is answered from its state without dialing anything (the host below does not exist).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LabExecutor, stepName, unwrapSecrets } from "../../../lab/engine/executor";
import { digestOf, readDeployState, writeDeployState } from "../../../lab/engine/state";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-executor-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function executor(name: string, lines: string[] = []) {
  const stateFile = path.join(tmp, `${name}.json`);
  return { stateFile, ex: new LabExecutor({ hostNames: { "192.0.2.7": "app-9" }, log: (l) => lines.push(l), owner: "lab-a", stateFile }) };
}

const connection = { host: "192.0.2.7", port: 22, user: "admin", privateKey: "KEY", hostKey: "ssh-ed25519 AAAA", dialErrorLimit: 10, perDialTimeout: 15 };
const commandInputs = { connection: { [SIG]: SECRET, value: connection }, create: "sudo -n bash -s -- /stage", stdin: "echo hi", triggers: ["t1"], addPreviousOutputInEnv: false };

describe("lab executor", () => {
  it("refuses every resource type it does not execute, naming it, and fails the deploy", async () => {
    const { ex } = executor("refuse");
    await expect(ex.mocks.newResource({ type: "aws:ec2/instance:Instance", name: "vm", inputs: {}, custom: true }))
      .rejects.toThrow("lab executor does not execute aws:ec2/instance:Instance (vm)");
    await expect(ex.mocks.newResource({ type: "command:local:Command", name: "l", inputs: {}, custom: true }))
      .rejects.toThrow("lab executor does not execute command:local:Command (l)");
    expect(() => ex.mocks.call({ token: "aws:index/getAmi:getAmi", inputs: {} })).toThrow("lab executor does not execute function aws:index/getAmi:getAmi");
    expect((await ex.failed).message).toBe("lab executor does not execute aws:ec2/instance:Instance (vm)");
    ex.dispose();
  });

  it("treats webtier's component resources as no-ops", async () => {
    const { ex } = executor("component");
    expect(await ex.mocks.newResource({ type: "webtier:index:HostConfiguration", name: "webtier-app-1", inputs: {}, custom: false }))
      .toEqual({ id: undefined, state: {} });
    expect(ex.stats).toEqual({ executed: 0, unchanged: 0, deleted: 0, remoteCommands: 0 });
    ex.dispose();
  });

  it("answers an unchanged resource from its state without any remote command", async () => {
    const { ex: first, stateFile } = executor("unchanged");
    first.dispose();
    const inputs = unwrapSecrets(commandInputs);
    expect(inputs.connection).toEqual(connection);
    writeDeployState({
      version: 1, owner: "lab-a",
      resources: {
        "command:remote:Command::webtier-app-9-uwsgi": {
          type: "command:remote:Command", name: "webtier-app-9-uwsgi", host: "app-9", seq: 1,
          digest: digestOf(inputs), triggers: digestOf(inputs.triggers), outputs: { stdout: "done", stderr: "" },
        },
      },
    }, stateFile);
    const { ex } = executor("unchanged");
    const result = await ex.mocks.newResource({ type: "command:remote:Command", name: "webtier-app-9-uwsgi", inputs: commandInputs, custom: true });
    expect(result.state.stdout).toBe("done");
    expect(ex.stats).toEqual({ executed: 0, unchanged: 1, deleted: 0, remoteCommands: 0 });
    await ex.finish("http://192.0.2.1/");
    expect(readDeployState(stateFile).url).toBe("http://192.0.2.1/");
    ex.dispose();
  });

  it("does not trust state recorded for another lab", () => {
    const stateFile = path.join(tmp, "other.json");
    writeDeployState({ version: 1, owner: "lab-old", resources: { x: { type: "t", name: "x", host: "h", digest: "d", triggers: "t", outputs: {}, seq: 1 } } }, stateFile);
    const lines: string[] = [];
    const ex = new LabExecutor({ hostNames: {}, log: (l) => lines.push(l), owner: "lab-new", stateFile });
    expect(lines).toEqual([`lab: ${stateFile} describes another lab's hosts: starting from an empty state`]);
    ex.dispose();
  });

  it("names a step after its host", () => {
    expect(stepName("webtier-app-1-uwsgi-file-0", "app-1")).toBe("uwsgi-file-0");
    expect(stepName("webtier-lb-1-retire", "lb-1")).toBe("retire");
    expect(stepName("other", "lb-1")).toBe("other");
  });
});
