// `webtier bench` refusing to start, as a user runs it (bin/webtier.js), without a lab: the lab
// directory points at an empty scratchDir directory, so nothing here can touch a running lab.
import * as fs from "node:fs";
import * as path from "node:path";
import { runWithoutLab, scratch } from "../cli/cliSupport";
import { afterAll, describe, expect, it } from "vitest";
import { parseBenchFlags } from "../../cli/bench";
import { DrillUsageError as UsageError } from "../../cli/drill";
import { SCENARIOS } from "../../lab/bench/scenarios";

const scratchDir = scratch("bench-cli-");
afterAll(() => fs.rmSync(scratchDir, { recursive: true, force: true }));

const bench = (args: string[], env: NodeJS.ProcessEnv = {}) => runWithoutLab(scratchDir, "bench", args, env);

const KNOWN = SCENARIOS.map((s) => s.name).join(", ");
const FLAGS = { connections: "100,1000,5000", duration: "10", repeat: "3" };

describe("parseBenchFlags", () => {
  const out = path.join(scratchDir, "new-dir");

  it("sorts the concurrencies and converts every number", () => {
    expect(parseBenchFlags({ ...FLAGS, connections: " 5000,100 ,1000", out })).toEqual({ connections: [100, 1000, 5000], durationSeconds: 10, repeat: 3, out });
    expect(parseBenchFlags({ ...FLAGS, scenarios: "tuned, static", out }).scenarios).toEqual(["tuned", "static"]);
  });

  it.each([
    [{ connections: "1" }, "--connections (1) must be an integer from 2 to 16000"],
    [{ connections: "100,abc" }, "--connections (abc) must be an integer from 2 to 16000"],
    [{ connections: "100,,1000" }, "--connections () must be an integer from 2 to 16000"],
    [{ connections: "100,1000,100" }, "--connections (100,1000,100) lists 100 twice"],
    [{ duration: "0" }, "--duration (0) must be an integer from 1 to 600 (seconds)"],
    [{ duration: "601" }, "--duration (601) must be an integer from 1 to 600 (seconds)"],
    [{ repeat: "0" }, "--repeat (0) must be an integer from 1 to 15"],
    [{ repeat: "1.5" }, "--repeat (1.5) must be an integer from 1 to 15"],
    [{ scenarios: "tuned,turbo" }, `--scenarios: unknown scenario "turbo": known scenarios are ${KNOWN}`],
    [{ out: "" }, "--out <dir> is required: the directory for results.json, report.md and chart.svg"],
  ])("names a bad value and the rule: %j", (flags, message) => {
    expect(() => parseBenchFlags({ ...FLAGS, out, ...flags })).toThrow(new UsageError(message));
  });
});

// Each case starts the real CLI: a few, for the exit codes and what reaches the terminal.
describe.concurrent("webtier bench refuses to start", { timeout: 90_000 }, () => {
  it("exits 2 on a bad value, with one line naming it", async () => {
    expect(await bench(["--repeat", "0", "--out", path.join(scratchDir, "out")])).toEqual({ status: 2, stdout: "", stderr: "webtier bench: --repeat (0) must be an integer from 1 to 15\n" });
  });

  it("exits 2 without --out", async () => {
    expect(await bench([])).toEqual({ status: 2, stdout: "", stderr: "webtier bench: --out <dir> is required: the directory for results.json, report.md and chart.svg\n" });
  });

  it("exits 2 when --out is a file", async () => {
    const file = path.join(scratchDir, "a-file");
    fs.writeFileSync(file, "");
    expect(await bench(["--out", file])).toEqual({ status: 2, stdout: "", stderr: `webtier bench: --out (${file}) is not a directory\n` });
  });

  it("treats an unknown option as a usage error too (exit 2)", async () => {
    const r = await bench(["--conections", "100", "--out", path.join(scratchDir, "out")]);
    expect([r.status, r.stdout, r.stderr.split("\n").slice(0, 2)]).toEqual([2, "", ["error: unknown option '--conections'", "(Did you mean --connections?)"]]);
  });

  it("says the lab is not running, and how to start it (exit 1), and creates nothing", async () => {
    const dir = path.join(scratchDir, "never-created");
    const r = await bench(["--out", dir]);
    expect(r).toEqual({ status: 1, stdout: "", stderr: "webtier bench: the lab is not running: npx webtier lab up\n" });
    expect(fs.existsSync(dir)).toBe(false);
  });
});
