// Names and addresses, mirroring an AWS VPC: a public segment (clients + nginx hosts) and a
// private segment (nginx hosts + app hosts). Pure functions: no side effects here.
import { LAB, NAME_PREFIX } from "./paths";

/** The first two octets of every lab address: 10.<octet>. */
export const LAB_NET = `10.${LAB.octet}`;

export const PUBLIC_BRIDGE = `${NAME_PREFIX}-pub`;
export const PRIVATE_BRIDGE = `${NAME_PREFIX}-priv`;
export const PUBLIC_GATEWAY = `${LAB_NET}.0.1`; // root namespace leg on the public bridge
export const PRIVATE_GATEWAY = `${LAB_NET}.1.1`; // root namespace leg on the private bridge (apt proxy only)
export const PROXY_PORT = 8888;
export const LAB_SUBNET = `${LAB_NET}.0.0/16`;
export const MAX_NGINX_HOSTS = 9; // <net>.x.11..19
export const MAX_APP_HOSTS = 99; // <net>.1.101..199
export const MAX_CLIENTS = 2;

/**
 * A fixed MAC per address: a host re-created with the same address keeps its MAC, so neighbours'
 * ARP caches stay right (a new random MAC left the bastion's entry REACHABLE-but-wrong for ~30 s).
 */
export function macFor(address: string): string {
  const hex = address.split(".").map((o) => Number(o).toString(16).padStart(2, "0"));
  return ["02", ...hex, "00"].join(":");
}

export interface Leg {
  /** Interface name inside the namespace. */
  ifname: string;
  /** Peer name in the root namespace (<= 15 chars, starts with the lab prefix). */
  hostIf: string;
  bridge: string;
  cidr: string;
  /** Extra on-link prefixes reachable through this leg (second client /24). */
  onLink: string[];
}

export interface HostPlan {
  name: string;
  role: "nginx" | "app";
  namespace: string;
  address: string;
  privateAddress: string;
  legs: Leg[];
}

export interface ClientPlan {
  namespace: string;
  address: string;
  legs: Leg[];
}

// Client i lives in its own /24 on the public bridge (<net>.0.200, then <net>.2.200), so
// nginx's ip_hash (first three octets) can tell them apart.
function clientSubnet(i: number): number {
  return i === 1 ? 0 : i;
}

export function clientPrefixes(clients: number): string[] {
  const out: string[] = [];
  for (let i = 2; i <= clients; i++) out.push(`${LAB_NET}.${clientSubnet(i)}.0/24`);
  return out;
}

export function planHosts(nginxHosts: number, appHosts: number, clients = 1): HostPlan[] {
  if (!Number.isInteger(nginxHosts) || nginxHosts < 1 || nginxHosts > MAX_NGINX_HOSTS) {
    throw new Error(`lab nginxHosts (${nginxHosts}) must be an integer from 1 to ${MAX_NGINX_HOSTS}`);
  }
  if (!Number.isInteger(appHosts) || appHosts < 0 || appHosts > MAX_APP_HOSTS) {
    throw new Error(`lab appHosts (${appHosts}) must be an integer from 0 to ${MAX_APP_HOSTS}`);
  }
  const plans: HostPlan[] = [];
  for (let i = 1; i <= nginxHosts; i++) {
    const name = `lb-${i}`;
    plans.push({
      name, role: "nginx", namespace: `${NAME_PREFIX}-${name}`,
      address: `${LAB_NET}.0.${10 + i}`, privateAddress: `${LAB_NET}.1.${10 + i}`,
      legs: [
        { ifname: "eth0", hostIf: `${NAME_PREFIX}-l${i}p`, bridge: PUBLIC_BRIDGE, cidr: `${LAB_NET}.0.${10 + i}/24`, onLink: clientPrefixes(clients) },
        { ifname: "eth1", hostIf: `${NAME_PREFIX}-l${i}v`, bridge: PRIVATE_BRIDGE, cidr: `${LAB_NET}.1.${10 + i}/24`, onLink: [] },
      ],
    });
  }
  for (let i = 1; i <= appHosts; i++) {
    const name = `app-${i}`;
    const addr = `${LAB_NET}.1.${100 + i}`;
    plans.push({
      name, role: "app", namespace: `${NAME_PREFIX}-${name}`, address: addr, privateAddress: addr,
      legs: [{ ifname: "eth0", hostIf: `${NAME_PREFIX}-a${i}v`, bridge: PRIVATE_BRIDGE, cidr: `${addr}/24`, onLink: [] }],
    });
  }
  return plans;
}

export function planClients(clients: number): ClientPlan[] {
  if (!Number.isInteger(clients) || clients < 1 || clients > MAX_CLIENTS) {
    throw new Error(`lab clients (${clients}) must be an integer from 1 to ${MAX_CLIENTS}`);
  }
  const out: ClientPlan[] = [];
  for (let i = 1; i <= clients; i++) {
    const address = `${LAB_NET}.${clientSubnet(i)}.200`;
    // Public segment only: on-link route to the nginx hosts' /24, never to <net>.1.0/24.
    const onLink = i === 1 ? [] : [`${LAB_NET}.0.0/24`];
    out.push({
      namespace: `${NAME_PREFIX}-client-${i}`, address,
      legs: [{ ifname: "eth0", hostIf: `${NAME_PREFIX}-c${i}p`, bridge: PUBLIC_BRIDGE, cidr: `${address}/24`, onLink }],
    });
  }
  return out;
}

/** Root-namespace veth names a host or client had, derived from its name (for cleanup). */
export function hostIfsFor(name: string): string[] {
  const m = /^(lb|app|client)-(\d+)$/.exec(name);
  if (!m) return [];
  const i = m[2];
  if (m[1] === "lb") return [`${NAME_PREFIX}-l${i}p`, `${NAME_PREFIX}-l${i}v`];
  if (m[1] === "app") return [`${NAME_PREFIX}-a${i}v`];
  return [`${NAME_PREFIX}-c${i}p`];
}
