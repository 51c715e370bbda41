import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
// The fixture installs the Pulumi mocks on import: it must come before any resource is built.
// Each scenario's prefix ("nat", "rt", "as", "fw", "ea") selects one slow mock in the fixture's DELAYS.
import { build, byName, construct, DEPLOY_KEY, mocks, of, T } from "./awsFixture";
import { valueOf } from "../support/pulumi";

describe("creation order: hosts wait until they are reachable and can reach out", () => {
  const started = (prefix: string, name: string) => byName(prefix, T.instance, name).started;
  const finished = (prefix: string, type: string, name: string) => byName(prefix, type, name).finished;

  test("app hosts after the NAT route (slow NAT gateway)", async () => {
    await build("nat", { frontDoor: "eip", nginxCount: 1, appCount: 3, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    const natRoute = finished("nat", T.route, "nat-net-private-default");
    for (const name of ["nat-app-1", "nat-app-2", "nat-app-3"]) expect(started("nat", name), name).toBeGreaterThan(natRoute);
  });

  test("hosts after their subnet's default route (slow routes)", async () => {
    await build("rt", { frontDoor: "eip", nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    expect(started("rt", "rt-lb-1")).toBeGreaterThan(finished("rt", T.route, "rt-net-public-default"));
    expect(started("rt", "rt-app-1")).toBeGreaterThan(finished("rt", T.route, "rt-net-private-default"));
  });

  test("hosts after their subnet's route table association (slow associations)", async () => {
    await build("as", { frontDoor: "eip", nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    expect(started("as", "as-lb-1")).toBeGreaterThan(finished("as", T.assoc, "as-net-public-1"));
    expect(started("as", "as-app-1")).toBeGreaterThan(finished("as", T.assoc, "as-net-private-1"));
  });

  test("hosts after every rule of their security group (slow rules)", async () => {
    await build("fw", { frontDoor: "eip", nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    const rules = of("fw").filter((r) => r.type === T.ingress || r.type === T.egress);
    expect(rules).toHaveLength(10);
    for (const [instance, group] of [["fw-lb-1", "fw-sg-lb-id"], ["fw-app-1", "fw-sg-app-id"]] as const) {
      const own = rules.filter((r) => r.inputs.securityGroupId === group);
      expect(own.length).toBeGreaterThan(2);
      for (const rule of own) expect(started("fw", instance), `${instance} after ${rule.name}`).toBeGreaterThan(rule.finished);
    }
  });

  test("an nginx host is dialed at its Elastic IP only once the EIP is associated (slow association)", async () => {
    const { tiers } = construct("ea", { frontDoor: "eip", nginxCount: 1, appCount: 1, adminCidr: "198.51.100.0/24", sshPublicKey: DEPLOY_KEY });
    // What the association's record says at the moment the address resolves: missing or still
    // pending (0) if the address did not wait for it.
    const associationFinished = await valueOf(pulumi.output(tiers.nginxHosts[0]!.address).apply(() => of("ea").find((r) => r.type === T.eipAssoc)?.finished ?? 0));
    expect(associationFinished).toBeGreaterThan(0);
    expect(await valueOf(tiers.nginxHosts[0]!.address)).toBe(await valueOf(tiers.publicAddresses.apply((a) => a[0]!)));
    await mocks.idle();
  });
});
