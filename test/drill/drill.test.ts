// The drill's own rules without a lab: when the load stops, what `lab up` is asked for, and the
// settings it reads from --config and writes for each deploy.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readStackFile } from "../../components";
import { AFTER_MIN_MS, HARD_CAP_EXTRA_MS, labUpArgs, loadFinished, readDrillSettings, writeDrillStackFile } from "../../lab/drill/drill";
import type { LabHost, LabState } from "../../lab/hosts/state";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drill-engine-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("loadFinished", () => {
  it("goes on until the duration has passed AND the scenario returned, then 3 s more", () => {
    expect(AFTER_MIN_MS).toBe(3000);
    expect(loadFinished(29_000, 30_000, 1_000)).toBe("no"); // returned early: the duration still runs
    expect(loadFinished(30_000, 30_000, 1_000)).toBe("done");
    expect(loadFinished(60_000, 30_000, undefined)).toBe("no"); // still running: the load goes on
    expect(loadFinished(62_999, 30_000, 60_000)).toBe("no"); // returned after the duration: 3 s of after
    expect(loadFinished(63_000, 30_000, 60_000)).toBe("done");
    expect(loadFinished(30_000, 30_000, 28_000)).toBe("no");
    expect(loadFinished(31_000, 30_000, 28_000)).toBe("done");
  });

  it("stops at the hard cap, duration + 900 s, whatever the scenario does", () => {
    expect(HARD_CAP_EXTRA_MS).toBe(900_000);
    expect(loadFinished(929_999, 30_000, undefined)).toBe("no");
    expect(loadFinished(930_000, 30_000, undefined)).toBe("capped");
  });
});

const host = (name: string, role: LabHost["role"]): LabHost => ({ name, role, address: "", privateAddress: "", user: "admin", port: 22, hostKey: "", namespace: `wtlab-${name}` });
const LAB: LabState = {
  url: "http://10.77.0.11:80/", privateKeyPath: "", bastion: "lb-1", proxy: "", clients: [],
  hosts: [host("lb-1", "nginx"), host("lb-2", "nginx"), host("app-1", "app"), host("app-2", "app"), host("app-3", "app"), host("app-4", "app")],
};

describe("labUpArgs", () => {
  it("keeps the lab's host counts unless the scenario asks for another app tier (lab up defaults to 1 + 3)", () => {
    expect(labUpArgs("/w/stack-1.yaml", LAB)).toEqual(["--config", "/w/stack-1.yaml", "--nginx-hosts", "2", "--app-hosts", "4"]);
    expect(labUpArgs("/w/stack-2.yaml", LAB, 3)).toEqual(["--config", "/w/stack-2.yaml", "--nginx-hosts", "2", "--app-hosts", "3"]);
  });
});

describe("settings", () => {
  it("reads --config with app.source made absolute, and writes them back as a stack file webtier reads", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "project-"));
    const file = path.join(dir, "Pulumi.drill.yaml");
    fs.writeFileSync(file, "config:\n  aws:region: eu-west-1\n  webtier:app: { source: ./myapp, module: 'wsgi:application' }\n  webtier:uwsgi: { workers: 4 }\n");
    const settings = readDrillSettings(file, () => undefined);
    expect(settings).toEqual({ app: { source: path.join(dir, "myapp"), module: "wsgi:application" }, uwsgi: { workers: 4 } });

    const out = path.join(tmp, "stack-1.yaml");
    writeDrillStackFile(out, settings);
    expect(parse(fs.readFileSync(out, "utf8"))).toEqual({ config: { "webtier:app": { source: path.join(dir, "myapp"), module: "wsgi:application" }, "webtier:uwsgi": { workers: 4 } } });
    expect(readStackFile(out).values).toEqual(settings);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });

  it("refuses settings that name hosts (the lab supplies them), and says a secret is ignored", () => {
    const file = path.join(tmp, "Pulumi.hosts.yaml");
    fs.writeFileSync(file, "config:\n  webtier:bastion: lb-1\n");
    expect(() => readDrillSettings(file, () => undefined)).toThrow("bastion (set): the lab supplies the hosts; remove bastion from the stack config");
    const secret = path.join(tmp, "Pulumi.secret.yaml");
    fs.writeFileSync(secret, "config:\n  webtier:appEnvironment: { secure: AAABAG== }\n");
    const lines: string[] = [];
    expect(readDrillSettings(secret, (l) => lines.push(l))).toEqual({});
    expect(lines).toEqual([`warning: appEnvironment in ${secret} ignored: the lab cannot decrypt Pulumi secrets`]);
  });
});
