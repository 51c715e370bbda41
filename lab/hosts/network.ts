// Bridges, named network namespaces and veth legs, all configured from the root namespace with
// `ip` so hosts boot with their addresses already in place (nothing inside the image to configure).
// No default routes anywhere: a client only knows the public /24, so it cannot reach the private
// segment whatever the root namespace's ip_forward says.
import * as fs from "node:fs";
import { run, runOk } from "./exec";
import { NAME_PREFIX } from "./paths";
import { LAB_NET, macFor, PRIVATE_BRIDGE, PRIVATE_GATEWAY, PUBLIC_BRIDGE, PUBLIC_GATEWAY, type Leg } from "./topology";

async function linkExists(name: string, ns?: string): Promise<boolean> {
  const args = ns ? ["-n", ns, "link", "show", "dev", name] : ["link", "show", "dev", name];
  return (await run("ip", args)).code === 0;
}

export async function ensureBridges(): Promise<void> {
  await assertSubnetFree();
  for (const [br, addr] of [[PUBLIC_BRIDGE, PUBLIC_GATEWAY], [PRIVATE_BRIDGE, PRIVATE_GATEWAY]] as const) {
    // An explicit MAC: otherwise a bridge takes the lowest port MAC, which changes as hosts come
    // and go, and hosts' ARP entries for the proxy address would go stale.
    if (!(await linkExists(br))) await runOk("ip", ["link", "add", "name", br, "address", macFor(addr), "type", "bridge"]);
    await runOk("ip", ["addr", "replace", `${addr}/24`, "dev", br]);
    await runOk("ip", ["link", "set", "dev", br, "up"]);
  }
}

/** Names of lab namespaces present now (by prefix). */
export async function listLabNamespaces(): Promise<string[]> {
  const out = await runOk("ip", ["netns", "list"]);
  return out.split("\n").map((l) => l.trim().split(/\s+/)[0]).filter((n) => n && n.startsWith(`${NAME_PREFIX}-`));
}

/** Names of lab links in the root namespace (by prefix). */
export async function listLabLinks(): Promise<string[]> {
  const out = await runOk("ip", ["-o", "link", "show"]);
  return out.split("\n")
    .map((l) => l.split(":")[1]?.trim().split("@")[0] ?? "")
    .filter((n) => n.startsWith(`${NAME_PREFIX}-`));
}

/**
 * Refuses to build over another lab's addresses: two labs on one block would answer ARP for the
 * same gateways and route each other's hosts.
 */
export async function assertSubnetFree(): Promise<void> {
  const out = await runOk("ip", ["-o", "-4", "addr", "show"]);
  const ours = new Set(bridgeNames());
  for (const line of out.split("\n")) {
    const [, dev, , cidr] = line.trim().split(/\s+/);
    if (dev && cidr?.startsWith(`${LAB_NET}.`) && !ours.has(dev)) {
      throw new Error(`lab ${NAME_PREFIX}: ${LAB_NET}.0.0/16 is already used by ${dev} (${cidr}); choose another WEBTIER_LAB_OCTET`);
    }
  }
}

export async function ensureNamespace(ns: string, legs: Leg[]): Promise<void> {
  if (!(await listLabNamespaces()).includes(ns)) await runOk("ip", ["netns", "add", ns]);
  await runOk("ip", ["-n", ns, "link", "set", "dev", "lo", "up"]);
  for (const leg of legs) {
    const inside = await linkExists(leg.ifname, ns);
    const outside = await linkExists(leg.hostIf);
    if (!inside || !outside) {
      // A half-present pair (one end gone) is useless: rebuild it.
      if (outside) await runOk("ip", ["link", "del", "dev", leg.hostIf]);
      if (inside) await runOk("ip", ["-n", ns, "link", "del", "dev", leg.ifname]);
      const mac = macFor(leg.cidr.split("/")[0]!);
      await runOk("ip", ["link", "add", "name", leg.hostIf, "type", "veth", "peer", "name", leg.ifname, "address", mac, "netns", ns]);
    }
    await runOk("ip", ["link", "set", "dev", leg.hostIf, "master", leg.bridge, "up"]);
    await runOk("ip", ["-n", ns, "addr", "replace", leg.cidr, "dev", leg.ifname]);
    await runOk("ip", ["-n", ns, "link", "set", "dev", leg.ifname, "up"]);
    for (const prefix of leg.onLink) {
      await runOk("ip", ["-n", ns, "route", "replace", prefix, "dev", leg.ifname, "scope", "link"]);
    }
  }
}

/** Deletes a namespace and the root-namespace ends of its legs. Missing pieces are fine. */
export async function removeNamespace(ns: string, hostIfs: string[] = []): Promise<void> {
  if ((await listLabNamespaces()).includes(ns)) await runOk("ip", ["netns", "del", ns]);
  // The kernel deletes a veth pair when its namespace dies; delete explicitly in case a
  // process still pins the namespace.
  for (const hostIf of hostIfs) {
    if (await linkExists(hostIf)) await run("ip", ["link", "del", "dev", hostIf]);
  }
  // `ip netns del` can leave the mount point file behind if it was busy.
  const file = `/run/netns/${ns}`;
  if (fs.existsSync(file)) {
    await run("umount", [file]);
    fs.rmSync(file, { force: true });
  }
}

/** Removes every lab link left in the root namespace (veth ends, then the bridges). */
export async function removeLabLinks(): Promise<void> {
  const links = await listLabLinks();
  const bridges = [PUBLIC_BRIDGE, PRIVATE_BRIDGE];
  for (const l of links.filter((n) => !bridges.includes(n))) await run("ip", ["link", "del", "dev", l]);
  for (const b of bridges.filter((n) => links.includes(n))) await run("ip", ["link", "del", "dev", b]);
}

export function bridgeNames(): string[] {
  return [PUBLIC_BRIDGE, PRIVATE_BRIDGE];
}
