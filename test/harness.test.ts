// The Pulumi mock harness every component and program test relies on: what it records, when it
// says the program is done, and how a failure reaches the test instead of a timeout.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { mockPulumi, valueOf } from "./support/pulumi";

const SLOW_MS = 250;
const mocks = mockPulumi({
  delayMs: (_type, name) => (name.startsWith("slow-") ? SLOW_MS : 1),
  outputs: (_type, name) => {
    if (name === "refused") throw new Error("the provider refused refused");
    return { answer: `${name}-answer` };
  },
});

class Thing extends pulumi.CustomResource {
  declare readonly answer: pulumi.Output<string>;
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, { answer: undefined, ...props }, opts);
  }
}
class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Group", name, {});
  }
}

const named = (prefix: string) => mocks.resources.filter((r) => r.name.startsWith(prefix)).map((r) => r.name);
const broken = (message: string) => pulumi.output(1).apply((): number => {
  throw new Error(message);
});
// A failure must arrive well before the test's own timeout.
const FAST = 3_000;

// Before anything failed in this process: idle waits for the SDK's queue to drain.
describe("idle", () => {
  it("sees a registration the mock has not been asked for yet: nothing registered is a real check", async () => {
    new Group("early-group");
    // The SDK registers asynchronously: right after the constructor the mock has heard nothing.
    expect(named("early-")).toEqual([]);
    await mocks.idle();
    expect(named("early-")).toEqual(["early-group"]);
  }, FAST);

  it("records a registration when it starts, counts it in flight, and waits for it to finish", async () => {
    new Thing("slow-one", {});
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 2));
    const record = mocks.resources.find((r) => r.name === "slow-one");
    expect({ finished: record?.finished, inFlight: mocks.inFlight() }).toEqual({ finished: 0, inFlight: 1 });
    await mocks.idle();
    expect(record!.finished).toBeGreaterThan(record!.started);
    expect(mocks.inFlight()).toBe(0);
  }, FAST);

  it("waits for what the resolved outputs register next, however long a creation takes", async () => {
    const first = new Thing("slow-first", {});
    first.answer.apply((answer) => new Thing("slow-second", { after: answer }));
    await mocks.idle();
    const second = mocks.resources.find((r) => r.name === "slow-second");
    expect(second?.inputs).toEqual({ after: "slow-first-answer" });
    expect(second!.finished).toBeGreaterThan(second!.started);
  }, FAST);
});

describe("a failure reaches the test", () => {
  it("valueOf rejects with the error of an apply that threw, directly or through other outputs", async () => {
    await expect(valueOf(broken("apply broke"))).rejects.toThrow("apply broke");
    await expect(valueOf(pulumi.all([broken("apply broke twice"), pulumi.output(2)]).apply(([a, b]) => a + b))).rejects.toThrow("apply broke twice");
    expect(await valueOf(pulumi.output(41).apply((n) => n + 1))).toBe(42);
  }, FAST);

  it("valueOf rejects, instead of waiting forever, on the output of a resource whose input failed", async () => {
    const thing = new Thing("broken-input", { input: broken("input broke") });
    await expect(valueOf(thing.answer)).rejects.toThrow('error serializing property "input": input broke');
  }, FAST);

  it("idle rejects with the failure of a registration whose input's apply threw", async () => {
    new Thing("bad-input", { input: broken("no address yet") });
    await expect(mocks.idle()).rejects.toThrow('error serializing property "input": no address yet');
    expect(named("bad-input")).toEqual([]);
  }, FAST);

  it("idle rejects with a failure of the mock itself", async () => {
    new Thing("refused", {});
    await expect(mocks.idle()).rejects.toThrow("failed to register new resource refused [test:index:Thing]: the provider refused refused");
  }, FAST);

  it("idle rejects with a call to a provider function the mocks do not answer", async () => {
    new Thing("needs-region", { region: pulumi.runtime.invokeOutput("aws:index/getRegion:getRegion", {}) });
    await expect(mocks.idle()).rejects.toThrow("unexpected provider function call: aws:index/getRegion:getRegion");
  }, FAST);

  it("after a failure, idle still resolves once nothing can move, though a dependent waits forever", async () => {
    const failed = new Thing("stuck-input", { input: broken("never known") });
    new Thing("stuck-dependent", {}, { dependsOn: [failed] });
    await expect(mocks.idle()).rejects.toThrow('error serializing property "input": never known');
    new Thing("after-failure", {});
    await mocks.idle();
    expect(named("stuck-")).toEqual([]);
    expect(mocks.resources.find((r) => r.name === "after-failure")?.finished).toBeGreaterThan(0);
  }, FAST);
});
