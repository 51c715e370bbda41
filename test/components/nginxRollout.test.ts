// The nginx tier changes what it serves one host at a time, after the whole app tier, while every
// host is provisioned at once; on each nginx host the steps run in order: its new host key, then
// provisioning, then activation.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hostList } from "../support/hosts";
import { mockPulumi, type RecordedResource } from "../support/pulumi";

// Step durations chosen so that a step which did not wait for the one before it would overlap
// it: nginx hosts' first dial and package install; a rolling uWSGI change on each app host that
// outlasts them; the last nginx host's package install outlasting the activations before it.
const STEP_MS: [RegExp, number][] = [
  [/-lb-3-provision$/, 200],
  [/-lb-\d+-(hostkey|provision)$/, 40],
  [/-app-\d+-activate$/, 60],
];
const mocks = mockPulumi({ delayMs: (_type, name) => STEP_MS.find(([pattern]) => pattern.test(name))?.[1] ?? 1 });
let components: typeof import("../../components");

class Vm extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Instance", name, {});
  }
}

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nrollout-key\n-----END OPENSSH PRIVATE KEY-----\n";
const NGINX = ["lb-1", "lb-2", "lb-3"];
const APP = ["app-1", "app-2"];

beforeAll(async () => {
  components = await import("../../components/index.js");
});

// Built afresh for each test, so each test's record of the steps is its own.
beforeEach(async () => {
  mocks.resources.splice(0);
  const { nginx, app } = hostList(APP.length, { nginx: NGINX.length, user: "admin" });
  // Machines the stack created: each first gets its own host key.
  const createdNginx = nginx.map((host) => ({
    ...host,
    instance: new Vm(`vm-${host.name}`),
    bootstrap: { hostKey: `${host.hostKey}-bootstrap`, newHostPrivateKey: pulumi.secret(`${host.name}-host-private-key`) },
  }));
  new components.WebTier("roll", { settings: { balancing: "least_conn" }, privateKey: KEY, nginxHosts: createdNginx, appHosts: app });
  await mocks.idle();
});

const step = (host: string, name: string): RecordedResource => {
  const found = mocks.resources.find((r) => r.name === `roll-${host}-${name}`);
  if (!found) throw new Error(`no step roll-${host}-${name}`);
  return found;
};
/** Steps in the order they started, and every pair of them that ran at the same time. */
function timeline(steps: RecordedResource[]): { order: string[]; overlapping: string[][] } {
  const sorted = [...steps].sort((a, b) => a.started - b.started);
  const overlapping = sorted.flatMap((a, i) => sorted.slice(i + 1).filter((b) => b.started < a.finished).map((b) => [a.name, b.name]));
  return { order: sorted.map((r) => r.name), overlapping };
}

describe("WebTier with three nginx hosts and two app hosts", () => {
  it("runs each nginx host's steps one after the other: host key, provisioning, activation", () => {
    for (const host of NGINX) {
      expect(timeline(["hostkey", "provision", "activate"].map((s) => step(host, s)))).toEqual({
        order: [`roll-${host}-hostkey`, `roll-${host}-provision`, `roll-${host}-activate`],
        overlapping: [],
      });
    }
  });

  it("activates the nginx hosts one at a time, in host order", () => {
    expect(timeline(NGINX.map((host) => step(host, "activate")))).toEqual({
      order: ["roll-lb-1-activate", "roll-lb-2-activate", "roll-lb-3-activate"],
      overlapping: [],
    });
    // Each waits for the one before it, not only for the app tier.
    expect(step("lb-2", "activate").started).toBeGreaterThan(step("lb-1", "activate").finished);
    expect(step("lb-3", "activate").started).toBeGreaterThan(step("lb-2", "activate").finished);
  });

  it("activates the first nginx host only once every app host is activated", () => {
    const lastApp = Math.max(...APP.map((host) => step(host, "activate").finished));
    expect(step("lb-1", "activate").started).toBeGreaterThan(lastApp);
  });

  it("provisions every nginx host at once: only activation is one at a time", () => {
    expect(timeline(NGINX.map((host) => step(host, "provision"))).overlapping).toEqual([
      ["roll-lb-1-provision", "roll-lb-2-provision"],
      ["roll-lb-1-provision", "roll-lb-3-provision"],
      ["roll-lb-2-provision", "roll-lb-3-provision"],
    ]);
  });
});
