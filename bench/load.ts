// Load through the lab: the same stack deployed with each given config, measured side by side in
// one run (every host shares this machine's cores, so only ratios within a run mean anything).
//
//   npx tsx bench/load.ts bench/configs/stock.yaml bench/configs/tuned.yaml [-c 1000] [-d 10] [-r 3]
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { labStatus, type LabState } from "../lab";
import { readCounters } from "../lab/drill/counters";
import { runWrk, type WrkResult } from "../lab/load/wrk";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { connections: { type: "string", short: "c", default: "1000" }, duration: { type: "string", short: "d", default: "10" }, runs: { type: "string", short: "r", default: "3" } },
});
const connections = Number(values.connections);
const seconds = Number(values.duration);
const runs = Number(values.runs);
if (positionals.length === 0) throw new Error("usage: bench/load.ts <stack-config.yaml>… [-c connections] [-d seconds] [-r runs]");

const COUNTERS = ["ListenOverflows", "ListenDrops", "TCPTimeouts"] as const;

/** Kernel TCP counters of one host's network namespace, from /proc/net/netstat. */
function netstat(state: LabState, host: string): Promise<Record<string, number>> {
  return readCounters(state.hosts.find((h) => h.name === host)!, COUNTERS);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row { config: string; rps: number; p50: number; p99: number; non2xx: number; socketErrors: number; overflows: number }

async function measure(config: string): Promise<Row> {
  execFileSync(process.execPath, [path.join(__dirname, "..", "bin", "webtier.js"), "lab", "up", "--config", config], { stdio: "inherit" });
  const state = (await labStatus())!;
  const apps = state.hosts.filter((h) => h.role === "app").map((h) => h.name);
  const results: (WrkResult & { overflows: number })[] = [];
  for (let i = 0; i < runs; i++) {
    const before = await Promise.all(apps.map((h) => netstat(state, h)));
    const result = await runWrk(state.clients[0]!.namespace, state.url, connections, seconds);
    const after = await Promise.all(apps.map((h) => netstat(state, h)));
    const overflows = after.reduce((sum, a, j) => sum + a.ListenOverflows! - before[j]!.ListenOverflows!, 0);
    results.push({ ...result, overflows });
    console.log(`${path.basename(config)} run ${i + 1}: ${result.rps.toFixed(0)} rps, p99 ${result.p99ms.toFixed(0)} ms, non-2xx ${result.non2xx}, socket errors ${result.connectErrors + result.readErrors + result.writeErrors}, app ListenOverflows +${overflows}`);
  }
  return {
    config: path.basename(config),
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50ms)),
    p99: median(results.map((r) => r.p99ms)),
    non2xx: median(results.map((r) => r.non2xx)),
    socketErrors: median(results.map((r) => r.connectErrors + r.readErrors + r.writeErrors)),
    overflows: median(results.map((r) => r.overflows)),
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const config of positionals) rows.push(await measure(config));
  console.log(`\nwrk -c${connections} -d${seconds}s from the lab client, median of ${runs} runs`);
  console.log("config                rps  vs first   p50 ms   p99 ms  non-2xx  socket-err  listen-overflows");
  for (const r of rows) {
    console.log(
      `${r.config.padEnd(18)} ${r.rps.toFixed(0).padStart(6)}  ${(r.rps / rows[0]!.rps).toFixed(2).padStart(8)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${String(r.non2xx).padStart(7)}  ${String(r.socketErrors).padStart(10)}  ${String(r.overflows).padStart(16)}`,
    );
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
