// Evaluation time of the Pulumi program for 10/50/100 app hosts (median of N runs, each in a fresh
// process). Growth should be linear: compare ms per host across sizes measured in this one run.
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SIZES = [10, 50, 100];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function evaluate(appCount: number): { resources: number; ms: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "evalOnce.ts"), String(appCount)], {
    encoding: "utf8",
    cwd: path.join(__dirname, ".."),
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows = SIZES.map((size) => {
  const runs = Array.from({ length: RUNS }, () => evaluate(size));
  return { size, resources: runs[0]!.resources, ms: median(runs.map((r) => r.ms)) };
});
console.log(`program evaluation under mocks, median of ${RUNS} runs`);
console.log("app hosts  resources  ms      ms/host  vs 10 hosts (per host)");
for (const row of rows) {
  const perHost = row.ms / row.size;
  const ratio = perHost / (rows[0]!.ms / rows[0]!.size);
  console.log(
    `${String(row.size).padStart(9)}  ${String(row.resources).padStart(9)}  ${String(row.ms).padStart(6)}  ${perHost.toFixed(1).padStart(7)}  ${ratio.toFixed(2)}`,
  );
}
