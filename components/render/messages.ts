import type { z } from "zod";

// One message style everywhere: `<key> (<value>) <rule>`. Values and keys come from the user and
// may be hostile: control characters are shown escaped (one message stays one line) and long
// values are cut (a 100 KB value does not become a 100 KB message).

const SHOWN_MAX = 120;
const CONTROL = /[\x00-\x1f\x7f]/;

function cut(text: string): string {
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}… (${text.length} characters)` : text;
}

/** A config value as shown inside the parentheses of a message. */
export function show(value: unknown): string {
  if (typeof value === "string") return cut(CONTROL.test(value) ? JSON.stringify(value) : value);
  return cut(JSON.stringify(value) ?? "undefined");
}

/** A config key path as `hosts.app[0].address`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    const name = show(String(part));
    return acc === "" ? name : `${acc}.${name}`;
  }, "");
}

/** The value at `path`, own properties only: `constructor` or `__proto__` never reach a prototype. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, part) => {
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    return (node as Record<PropertyKey, unknown>)[part];
  }, root);
}

export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return `${keyPath(path)} (${show(valueAt(input, path))}) is not a known key`;
    });
  }
  const value = valueAt(input, issue.path);
  const rule = value === undefined ? "is required" : issue.message;
  return [`${keyPath(issue.path)} (${show(value)}) ${rule}`];
}
