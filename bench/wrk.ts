// wrk's runner and report parser live with the lab's load tools (lab/load/wrk.ts); re-exported here
// for the benchmarks and their tests.
export { parseWrk, runWrk, type WrkResult } from "../lab/load/wrk";
