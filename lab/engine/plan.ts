// The engine's decisions, free of any transport (pulumi v3.248 pkg/resource/deploy and
// pulumi-command v1.2.1 remote/*Controller.go):
// - diff: a change to `triggers` (the provider marks it replaceOnChanges) or to a property named in
//   the `replaceOnChanges` option is a replace; any other change an update; none is "same";
// - what an operation runs: a Command's `create` on create, its `update` (else `create`) on update;
//   a CopyToRemote copies on create, and on update only when the source hash or remotePath changed;
// - deletes: dependents before what they depend on; a delete is skipped when the resource's
//   `deletedWith` target is deleted in the same run.
import { COMMAND, COPY, isUnknown } from "./inputs";
import { canonical, type ResourceRecord } from "./state";

export type Operation = "create" | "update" | "replace" | "same";

/** What an operation does on the host. */
export type Action = { kind: "run"; command: string } | { kind: "copy" } | { kind: "nothing" };

/** Stands in for unknown values when comparing (never equal to a recorded value). */
const UNKNOWN_MARK = "<unknown>";

function markUnknowns(value: unknown): unknown {
  if (isUnknown(value)) return UNKNOWN_MARK;
  if (Array.isArray(value)) return value.map(markUnknowns);
  if (value && typeof value === "object" && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markUnknowns(v)]));
  }
  return value;
}

/** Top-level input names whose values differ (unknown counts as different). */
export function changedKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
  return keys.filter((k) => canonical(markUnknowns(olds[k])) !== canonical(markUnknowns(news[k])));
}

export interface Diff {
  op: Operation;
  changed: string[];
}

/** The value at a property path (`a.b`, `a[0]`; `[*]` stands for the whole list). */
function valueAt(inputs: Record<string, unknown>, propertyPath: string): unknown {
  const segments = propertyPath.replace(/\[(\*|\d+)\]/g, ".$1").split(".");
  let value: unknown = inputs;
  for (const segment of segments) {
    if (segment === "*") break;
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}

/**
 * Replace when a replaceOnChanges path changed: the provider's (`triggers`; the SDK also sends it
 * as the option `triggers[*]`) or the resource option's; "*" means any property.
 */
export function diffResource(olds: Record<string, unknown> | undefined, news: Record<string, unknown>, replaceOnChanges: string[] = []): Diff {
  if (!olds) return { op: "create", changed: [] };
  const changed = changedKeys(olds, news);
  if (changed.length === 0) return { op: "same", changed };
  const paths = ["triggers", ...replaceOnChanges];
  const differs = (p: string) => canonical(markUnknowns(valueAt(olds, p))) !== canonical(markUnknowns(valueAt(news, p)));
  const replace = paths.includes("*") || paths.some(differs);
  return { op: replace ? "replace" : "update", changed };
}

const sourceHash = (inputs: Record<string, unknown>) => (inputs.source as { hash?: string } | undefined)?.hash;

/** What the provider does for `op` (create covers the new copy of a replace). */
export function actionFor(type: string, op: Operation, news: Record<string, unknown>, olds?: Record<string, unknown>): Action {
  if (op === "same") return { kind: "nothing" };
  if (type === COPY) {
    if (op !== "update") return { kind: "copy" };
    const copy = sourceHash(news) !== sourceHash(olds ?? {}) || news.remotePath !== olds?.remotePath;
    return copy ? { kind: "copy" } : { kind: "nothing" };
  }
  if (type !== COMMAND) throw new Error(`no provider for ${type}`);
  const command = op === "update" ? (news.update ?? news.create) : news.create;
  return typeof command === "string" ? { kind: "run", command } : { kind: "nothing" };
}

/** A Command's delete runs its recorded `delete` with its recorded inputs; a copy's does nothing. */
export function deleteAction(record: ResourceRecord): Action {
  const command = record.type === COMMAND ? record.inputs.delete : undefined;
  return typeof command === "string" ? { kind: "run", command } : { kind: "nothing" };
}

/** `deletedWith: r` skips the delete when r is deleted in the same run. */
export function deleteSkipped(record: ResourceRecord, deleting: ReadonlySet<string>): boolean {
  return record.deletedWith !== undefined && deleting.has(record.deletedWith);
}

/**
 * Delete order: a resource goes before everything it depends on (reverse dependency order), ties
 * broken newest registration first. Records may share a URN (a replaced resource's old copy).
 */
export function deleteOrder(records: ResourceRecord[]): ResourceRecord[] {
  const left = [...records].sort((a, b) => b.seq - a.seq);
  const ordered: ResourceRecord[] = [];
  while (left.length > 0) {
    // Deletable now: no other remaining record depends on it.
    const at = left.findIndex((r) => !left.some((o) => o !== r && o.urn !== r.urn && o.dependencies.includes(r.urn)));
    ordered.push(...left.splice(at < 0 ? 0 : at, 1));
  }
  return ordered;
}
