import { describe, expect, it } from "vitest";
import { asStored, bytesByField, bytesByType, SECRET_SIG, SECRET_VALUE, storedBytes } from "../../bench/stateModel";

const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });

describe("the state model", () => {
  it("stores a secret as ciphertext: a 12-byte nonce and the value's JSON plus a 16-byte tag, base64", () => {
    // JSON of "abc" is 5 bytes; 5 + 16 = 21 bytes is 28 base64 characters; the nonce 16.
    expect(asStored(secret("abc"))).toEqual({ [SECRET_SIG]: SECRET_VALUE, ciphertext: `v1:${"n".repeat(16)}:${"c".repeat(28)}` });
    expect(asStored({ a: [secret(1)], b: "plain" })).toEqual({ a: [{ [SECRET_SIG]: SECRET_VALUE, ciphertext: `v1:${"n".repeat(16)}:${"c".repeat(24)}` }], b: "plain" });
  });

  it("stores an archive by its path and a 64-hex hash, not its content", () => {
    const stored = asStored({ [SECRET_SIG]: "0def7320c3a5731c473e5ecbe6d01bc7", path: "/cache/release/" }) as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual([SECRET_SIG, "hash", "path"].sort());
    expect(stored.path).toBe("/cache/release/");
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts a custom resource's inputs twice (inputs, and outputs that embed them) plus its own outputs", () => {
    const inputs = { stdin: "x".repeat(100) };
    const one = storedBytes({ type: "command:remote:Command", name: "c", inputs, extraOutputs: { stdout: "" } });
    expect(one).toBe(JSON.stringify({ type: "command:remote:Command", inputs, outputs: { ...inputs, stdout: "" } }).length);
    const component = storedBytes({ type: "webtier:index:WebTier", name: "w", inputs: { url: "http://x/" }, outputsOnly: true });
    expect(component).toBe(JSON.stringify({ type: "webtier:index:WebTier", outputs: { url: "http://x/" } }).length);
  });

  it("sums bytes per type, largest first, and per input of one type", () => {
    const resources = [
      { type: "b", name: "1", inputs: { stdin: "xx" } },
      { type: "a", name: "2", inputs: { stdin: "x".repeat(50) } },
      { type: "b", name: "3", inputs: { stdin: "xx", triggers: ["t"] } },
    ];
    expect(bytesByType(resources).map((t) => [t.type, t.count])).toEqual([["a", 1], ["b", 2]]);
    // "xx" is 4 bytes of JSON, stored twice, in two resources; ["t"] 5 bytes twice.
    expect(bytesByField(resources, "b")).toEqual({ stdin: 16, triggers: 10 });
  });
});
