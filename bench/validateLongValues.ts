// How long validation takes to refuse very long hostile values: checkConfig in process, and the
// old nginx directive regex for comparison (quadratic: measured on shorter values only), and
// `webtier render` as a whole.
// Run: npx tsx bench/validateLongValues.ts
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkConfig } from "../components";
import { stackYaml } from "../test/cli/cliSupport";
import { exampleConfig } from "../test/support/fixtures";

const OLD_DIRECTIVE = /^[a-z_][a-z0-9_]*(\s+[^;{}\n]+)?$/;

function millis(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const KB100 = 100_000;
const cases: [string, Record<string, unknown>][] = [
  ["nginx.extraHttp: name + 100 KB of spaces + ';'", { nginx: { extraHttp: [`gzip${" ".repeat(KB100)};`] } }],
  ["nginx.extraHttp: 4096 characters of spaces + ';'", { nginx: { extraHttp: [`gzip${" ".repeat(4090)};`] } }],
  ["aptProxy: http:// + 100 KB host", { aptProxy: `http://${"a".repeat(KB100)}!` }],
  ["aptProxy: 2000-character host + '!'", { aptProxy: `http://${"a".repeat(2000)}!` }],
  ["app.source: 100 KB", { app: { source: "../".repeat(KB100 / 3) } }],
  ["hosts.app[0].address: 100 KB", { hosts: { nginx: [{ name: "lb-1", address: "203.0.113.10" }], app: [{ name: "app-1", address: "1".repeat(KB100) }] } }],
  ["unknown key of 100 KB", { ["k".repeat(KB100)]: 1 }],
];

console.log("checkConfig (exampleConfig + one long value), best of 5 runs:");
for (const [name, extra] of cases) {
  const config = { ...exampleConfig(), ...extra };
  const best = Math.min(...Array.from({ length: 5 }, () => millis(() => checkConfig(config))));
  const errors = checkConfig(config).errors.length;
  console.log(`  ${name.padEnd(52)} ${best.toFixed(2).padStart(8)} ms  (${errors} error${errors === 1 ? "" : "s"})`);
}

console.log("the old nginx directive regex on 'gzip' + N spaces + ';' (for comparison):");
for (const n of [2_000, 4_000, 8_000, 16_000]) {
  const line = `gzip${" ".repeat(n)};`;
  console.log(`  N = ${String(n).padStart(6)} ${millis(() => OLD_DIRECTIVE.test(line)).toFixed(1).padStart(10)} ms`);
}

// Through the real CLI: the whole process (tsx start-up included) against one that is valid.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-bench-"));
try {
  for (const [name, extra] of [["valid config (renders)", {}], ["nginx.extraHttp of 100 KB (refused)", cases[0]![1]]] as const) {
    const file = path.join(work, "Pulumi.bench.yaml");
    fs.writeFileSync(file, stackYaml({ ...exampleConfig(), ...extra }));
    const out = path.join(work, `out-${Math.random().toString(36).slice(2)}`);
    let status: number | null = null;
    const took = millis(() => {
      status = spawnSync(path.join(__dirname, "..", "bin", "webtier.js"), ["render", file, "--out", out]).status;
    });
    console.log(`webtier render, ${name.padEnd(36)} ${took.toFixed(0).padStart(6)} ms  (exit ${status})`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
