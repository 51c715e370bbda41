// Dialing as the provider does (connection.go): N+1 attempts, backoff 0.1 s ×1.5 up to 5 s, every
// error retried, the proxy first under its own limit, errors prefixed "proxy: " on that path.
import { describe, expect, it } from "vitest";
import { connect, dialWithRetry } from "../../../lab/engine/dial";
import type { Session } from "../../../lab/engine/transport";
import { FakeTransport } from "./fakeTransport";

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("dialWithRetry", () => {
  it("makes dialErrorLimit + 1 attempts with the provider's backoff, then reports the last cause", async () => {
    const { waits, sleep } = recordingSleep();
    let attempts = 0;
    await expect(dialWithRetry(10, async () => { attempts++; throw new Error("connection refused"); }, sleep))
      .rejects.toThrow(/^after 10 failed attempts: connection refused$/);
    expect(attempts).toBe(11);
    expect(waits.map((w) => Math.round(w))).toEqual([100, 150, 225, 338, 506, 759, 1139, 1709, 2563, 3844]);
  });

  it("caps the wait at 5 s", async () => {
    const { waits, sleep } = recordingSleep();
    await expect(dialWithRetry(14, async () => { throw new Error("x"); }, sleep)).rejects.toThrow("after 14 failed attempts: x");
    expect(waits.slice(-4)).toEqual([5000, 5000, 5000, 5000]);
  });

  it("dialErrorLimit 0 is one attempt; -1 retries until it connects", async () => {
    let attempts = 0;
    await expect(dialWithRetry(0, async () => { attempts++; throw new Error("x"); }, async () => undefined)).rejects.toThrow("after 0 failed attempts: x");
    expect(attempts).toBe(1);
    attempts = 0;
    expect(await dialWithRetry(-1, async () => (++attempts < 40 ? Promise.reject(new Error("x")) : "up"), async () => undefined)).toBe("up");
    expect(attempts).toBe(40);
  });

  it("retries a host-key mismatch like any other dial error", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.0.5", ["ssh: handshake failed: ssh: host key mismatch", "ssh: handshake failed: ssh: host key mismatch"]);
    const held: Session[] = [];
    const s = await connect(t, { host: "10.0.0.5", user: "admin", dialErrorLimit: 10 }, async () => undefined, (p) => held.push(p));
    expect(s).toEqual({ label: "#1" });
    expect(t.calls).toEqual([
      "dial admin@10.0.0.5 FAILS ssh: handshake failed: ssh: host key mismatch",
      "dial admin@10.0.0.5 FAILS ssh: handshake failed: ssh: host key mismatch",
      "dial admin@10.0.0.5",
    ]);
  });
});

describe("connect through a proxy", () => {
  const conn = {
    host: "10.0.1.5", user: "admin", dialErrorLimit: 3,
    proxy: { host: "10.0.0.1", user: "admin", dialErrorLimit: 1 },
  };

  it("dials the proxy under its own limit, prefixing the error with proxy:", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.0.1", ["refused", "refused", "refused"]);
    await expect(connect(t, conn, async () => undefined, () => undefined)).rejects.toThrow(/^proxy: after 1 failed attempts: refused$/);
    expect(t.calls).toEqual(["dial admin@10.0.0.1 FAILS refused", "dial admin@10.0.0.1 FAILS refused"]);
  });

  it("then the target through the proxy under the target's limit; the proxy connection is held either way", async () => {
    const t = new FakeTransport();
    t.dialErrors.set("10.0.1.5", ["no route", "no route", "no route", "no route"]);
    const held: Session[] = [];
    await expect(connect(t, conn, async () => undefined, (p) => held.push(p))).rejects.toThrow(/^proxy: after 3 failed attempts: no route$/);
    expect(t.calls).toEqual(["dial admin@10.0.0.1", ...Array(4).fill("dial admin@10.0.1.5 via #1 FAILS no route")]);
    expect(held).toEqual([{ label: "#1" }]);
  });
});
