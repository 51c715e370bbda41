// What the state holds per app host, by resource type, for existing hosts and for AWS at 10 and
// 100 app hosts (one mocked `pulumi up` each, in its own process; see stateModel.ts for what is
// counted). Keys are real: an ed25519 deploy key, host keys as ssh-keyscan prints them.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import type { TypeBytes } from "./stateModel";

const SIZES = [10, 100];
const MODES = ["existing", "aws"] as const;

interface Measured {
  types: TypeBytes[];
  fields: Record<string, Record<string, number>>;
}

function measure(appCount: number, mode: string): Measured {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "stateOnce.ts"), String(appCount), mode], {
    encoding: "utf8",
    cwd: path.join(__dirname, ".."),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as Measured;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

for (const mode of MODES) {
  for (const size of SIZES) {
    const { types, fields } = measure(size, mode);
    const total = types.reduce((sum, t) => sum + t.bytes, 0);
    console.log(`\n${mode} hosts, 1 nginx + ${size} app hosts: ${kb(total)} KB in all, ${kb(total / size)} KB per app host`);
    console.log("  resource type                                          count      KB   KB/app host");
    for (const t of types.slice(0, 8)) {
      console.log(`  ${t.type.padEnd(52)} ${String(t.count).padStart(6)} ${kb(t.bytes).padStart(7)} ${kb(t.bytes / size).padStart(8)}`);
    }
    for (const [type, byField] of Object.entries(fields)) {
      const parts = Object.entries(byField).sort((a, b) => b[1] - a[1]).map(([f, bytes]) => `${f} ${kb(bytes / size)}`);
      console.log(`  ${type} per app host, by input (KB, inputs and outputs): ${parts.join(", ")}`);
    }
  }
}
