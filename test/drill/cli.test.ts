// `webtier drill` refusing to start, as a user runs it (bin/webtier.js), without a lab: the lab
// directory points at an empty scratchDir directory, so nothing here can touch a running lab.
import * as fs from "node:fs";
import * as path from "node:path";
import { runWithoutLab, scratch } from "../cli/cliSupport";
import { afterAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../lab/drill/scenarios";

const scratchDir = scratch("drill-cli-");
afterAll(() => fs.rmSync(scratchDir, { recursive: true, force: true }));

const drill = (args: string[], env: NodeJS.ProcessEnv = {}) => runWithoutLab(scratchDir, "drill", args, env);

const KNOWN = "rolling-app-change, nginx-change, bad-nginx-config, scale-out, scale-in, kill-app-host, backlog";

describe.concurrent("webtier drill refuses to start", () => {
  it("names an unknown scenario and lists the known ones (exit 2, nothing on stdout)", async () => {
    expect(Object.keys(SCENARIOS).join(", ")).toBe(KNOWN);
    const r = await drill(["rolling-update", "--json"]);
    expect(r).toEqual({ status: 2, stdout: "", stderr: `webtier drill: unknown scenario "rolling-update": known scenarios are ${KNOWN}\n` });
  });

  it("refuses an inherited property name as a scenario", async () => {
    const r = await drill(["constructor"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`webtier drill: unknown scenario "constructor": known scenarios are ${KNOWN}\n`);
  });

  it.each([
    [["--connections", "1"], "--connections (1) must be an integer from 2 to 16000"],
    [["--connections", "16001"], "--connections (16001) must be an integer from 2 to 16000"],
    [["--connections", "1e3x"], "--connections (1e3x) must be an integer from 2 to 16000"],
    [["--connections", ""], "--connections () must be an integer from 2 to 16000"],
    [["--duration", "0"], "--duration (0) must be an integer from 1 to 3600 (seconds)"],
    [["--duration", "2.5"], "--duration (2.5) must be an integer from 1 to 3600 (seconds)"],
  ])("names a bad value and the rule: %j", async (args, message) => {
    const r = await drill(["backlog", ...args]);
    expect(r).toEqual({ status: 2, stdout: "", stderr: `webtier drill: ${message}\n` });
  });

  it("says the lab is not running, and how to start it (exit 1)", async () => {
    const r = await drill(["backlog", "--connections", "200", "--duration", "10", "--json"]);
    expect(r).toEqual({ status: 1, stdout: "", stderr: "webtier drill: the lab is not running: npx webtier lab up\n" });
  });

  it("says wrk is missing when the lab is there but wrk is not", async () => {
    // A lab state file (never used: the drill stops before any host is contacted) and a PATH
    // holding bash alone.
    const labDir = fs.mkdtempSync(path.join(scratchDir, "lab-state-"));
    fs.writeFileSync(path.join(labDir, "state.json"), JSON.stringify({ url: "http://10.77.0.11:80/", hosts: [], clients: [], internal: {} }));
    const bin = fs.mkdtempSync(path.join(scratchDir, "bin-"));
    fs.symlinkSync(fs.realpathSync("/bin/bash"), path.join(bin, "bash"));
    const r = await drill(["backlog"], { WEBTIER_LAB_DIR: labDir, PATH: bin });
    expect(r).toEqual({ status: 1, stdout: "", stderr: "webtier drill: wrk is not installed (apt-get install wrk): the drill's load comes from it\n" });
  });
});
