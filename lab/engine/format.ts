// Messages as Pulumi and the provider print them, and the lab's progress lines.
import type { Operation } from "./plan";

/** Go's %q for the command text in the provider's error (strconv.Quote for the usual characters). */
export function goQuote(text: string): string {
  return JSON.stringify(text)
    .replace(/\\u0007/g, "\\a")
    .replace(/\\u000b/g, "\\v")
    .replace(/\\u00([0-9a-f]{2})/g, "\\x$1")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** commandOutputs.go `run`: `%w: running %q:\n%s` with the interleaved output. */
export function commandFailure(code: number | undefined, signal: string | undefined, command: string, combined: string): string {
  const status = signal ? `Process exited with status ${code ?? 255} from signal ${signal}` : `Process exited with status ${code ?? 255}`;
  return `${status}: running ${goQuote(command)}:\n${combined}`;
}

/** `webtier-app-1-uwsgi-file-0` on app-1 → `uwsgi-file-0`. */
export function stepName(resourceName: string, host: string): string {
  const marker = `-${host}-`;
  const at = resourceName.indexOf(marker);
  return at < 0 ? resourceName : resourceName.slice(at + marker.length);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function progressLine(host: string, step: string, outcome: string): string {
  return `${host.padEnd(8)} ${step.padEnd(24)} ${outcome}`;
}

export type PlannedOperation = Operation | "delete";

export interface PlannedStep {
  urn: string;
  type: string;
  name: string;
  host: string;
  op: PlannedOperation;
}

const OPERATIONS: PlannedOperation[] = ["create", "update", "replace", "delete", "same"];
const shortType = (type: string) => type.split(":").pop() ?? type;

/**
 * The preview as `lab up` prints it: per resource type the count of each operation, then one line
 * per resource that changes.
 */
export function planLines(steps: PlannedStep[]): string[] {
  const types = [...new Set(steps.map((s) => s.type))].sort();
  const lines = types.map((type) => {
    const counts = OPERATIONS.map((op) => `${steps.filter((s) => s.type === type && s.op === op).length} ${op}`);
    return `plan: ${type}: ${counts.join(", ")}`;
  });
  for (const op of OPERATIONS.filter((o) => o !== "same")) {
    for (const s of steps.filter((x) => x.op === op)) lines.push(`plan:   ${op.padEnd(7)} ${s.name} (${shortType(s.type)} on ${s.host})`);
  }
  return lines;
}
