// The engine's decisions without hosts: diff → operation, what each operation runs, delete order
// and deletedWith.
import { describe, expect, it } from "vitest";
import { UNKNOWN_SENTINEL } from "../../../lab/engine/inputs";
import { actionFor, deleteAction, deleteOrder, deleteSkipped, diffResource } from "../../../lab/engine/plan";
import type { ResourceRecord } from "../../../lab/engine/state";

const COMMAND = "command:remote:Command";
const COPY = "command:remote:CopyToRemote";
const conn = { host: "10.0.0.1", user: "admin", privateKey: "K" };
const cmd = { connection: conn, create: "make", triggers: ["t1"], stdin: "in" };

function record(urn: string, dependencies: string[] = [], seq = 1, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  return { urn, type: COMMAND, name: urn, host: "h", inputs: {}, outputs: {}, dependencies, seq, ...extra };
}

describe("diff", () => {
  it("creates what the state does not hold", () => {
    expect(diffResource(undefined, cmd)).toEqual({ op: "create", changed: [] });
  });

  it("leaves unchanged inputs alone", () => {
    expect(diffResource(cmd, { ...cmd, triggers: ["t1"] })).toEqual({ op: "same", changed: [] });
  });

  it("replaces on a change of triggers (the provider's replaceOnChanges)", () => {
    expect(diffResource(cmd, { ...cmd, triggers: ["t2"] })).toEqual({ op: "replace", changed: ["triggers"] });
  });

  it("updates on any other change, a connection-only change included", () => {
    expect(diffResource(cmd, { ...cmd, connection: { ...conn, hostKey: "ssh-ed25519 AAAA" } })).toEqual({ op: "update", changed: ["connection"] });
    expect(diffResource(cmd, { ...cmd, stdin: "other" })).toEqual({ op: "update", changed: ["stdin"] });
  });

  it("replaces on a property named in the replaceOnChanges option, or any with *", () => {
    expect(diffResource(cmd, { ...cmd, stdin: "other" }, ["stdin"]).op).toBe("replace");
    expect(diffResource(cmd, { ...cmd, create: "other" }, ["*"]).op).toBe("replace");
    expect(diffResource(cmd, { ...cmd, create: "other" }, ["stdin"]).op).toBe("update");
  });

  it("reads replaceOnChanges as property paths, as the SDK sends them (`triggers[*]`, `connection.host`)", () => {
    expect(diffResource(cmd, { ...cmd, triggers: ["t1", "t2"] }, ["triggers[*]"]).op).toBe("replace");
    expect(diffResource(cmd, { ...cmd, connection: { ...conn, host: "10.0.0.2" } }, ["connection.host"]).op).toBe("replace");
    expect(diffResource(cmd, { ...cmd, connection: { ...conn, privateKey: "K2" } }, ["connection.host"]).op).toBe("update");
  });

  it("treats an unknown input as changed", () => {
    expect(diffResource(cmd, { ...cmd, stdin: UNKNOWN_SENTINEL })).toEqual({ op: "update", changed: ["stdin"] });
    expect(diffResource(cmd, { ...cmd, triggers: [UNKNOWN_SENTINEL] }).op).toBe("replace");
  });
});

describe("what an operation runs", () => {
  it("a Command runs create on create, update (else create) on update, nothing without either", () => {
    expect(actionFor(COMMAND, "create", { create: "c", update: "u" })).toEqual({ kind: "run", command: "c" });
    expect(actionFor(COMMAND, "update", { create: "c", update: "u" })).toEqual({ kind: "run", command: "u" });
    expect(actionFor(COMMAND, "update", { create: "c" })).toEqual({ kind: "run", command: "c" });
    expect(actionFor(COMMAND, "update", { delete: "d" })).toEqual({ kind: "nothing" });
    expect(actionFor(COMMAND, "create", { update: "u", delete: "d" })).toEqual({ kind: "nothing" });
    expect(actionFor(COMMAND, "same", { create: "c" })).toEqual({ kind: "nothing" });
  });

  it("a CopyToRemote copies on create, and on update only for a new source hash or remotePath", () => {
    const olds = { connection: conn, source: { kind: "text", hash: "h1" }, remotePath: "/a" };
    expect(actionFor(COPY, "create", olds)).toEqual({ kind: "copy" });
    expect(actionFor(COPY, "update", { ...olds, connection: { ...conn, host: "10.0.0.2" } }, olds)).toEqual({ kind: "nothing" });
    expect(actionFor(COPY, "update", { ...olds, source: { kind: "text", hash: "h2" } }, olds)).toEqual({ kind: "copy" });
    expect(actionFor(COPY, "update", { ...olds, remotePath: "/b" }, olds)).toEqual({ kind: "copy" });
  });

  it("a delete runs a Command's recorded delete; a copy's delete does nothing", () => {
    expect(deleteAction(record("a", [], 1, { inputs: { delete: "rm -rf /x" } }))).toEqual({ kind: "run", command: "rm -rf /x" });
    expect(deleteAction(record("a"))).toEqual({ kind: "nothing" });
    expect(deleteAction(record("a", [], 1, { type: COPY, inputs: { delete: "x" } }))).toEqual({ kind: "nothing" });
  });
});

describe("deletes", () => {
  it("go dependents first, then newest registration first", () => {
    const a = record("a", [], 1);
    const b = record("b", ["a"], 2);
    const c = record("c", ["b"], 0);
    const d = record("d", [], 5);
    expect(deleteOrder([a, b, c, d]).map((r) => r.urn)).toEqual(["d", "c", "b", "a"]);
  });

  it("are skipped when the deletedWith target is deleted in the same run", () => {
    const x = record("x", [], 1, { deletedWith: "r" });
    expect(deleteSkipped(x, new Set(["r", "x"]))).toBe(true);
    expect(deleteSkipped(x, new Set(["x"]))).toBe(false);
    expect(deleteSkipped(record("y"), new Set(["r", "y"]))).toBe(false);
  });
});
