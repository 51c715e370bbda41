import { testHostKey } from "./hostKeys";

export interface TestHost {
  name: string;
  address: string;
  privateAddress?: string;
  user?: string;
  hostKey: string;
}

export interface HostListOptions {
  /** nginx hosts; default 1. */
  nginx?: number;
  /** Prepended to every host name, so scenarios in one test file stay apart. */
  prefix?: string;
  /** SSH user of every host; unset means the default (root). */
  user?: string;
}

/**
 * The hosts of a test stack: nginx hosts `lb-1`… at 203.0.113.10… (private 10.0.0.10…), app
 * hosts `app-1`… at 10.0.1.11… (200 to a /24, so hundreds fit), each with its own pinned host key.
 */
export function hostList(appCount: number, options: HostListOptions = {}): { nginx: TestHost[]; app: TestHost[] } {
  const prefix = options.prefix ?? "";
  const user = options.user === undefined ? {} : { user: options.user };
  const nginx = Array.from({ length: options.nginx ?? 1 }, (_, i) => ({
    name: `${prefix}lb-${i + 1}`,
    address: `203.0.113.${10 + i}`,
    privateAddress: `10.0.0.${10 + i}`,
    ...user,
    hostKey: testHostKey(`lb${i + 1}`),
  }));
  const app = Array.from({ length: appCount }, (_, i) => ({
    name: `${prefix}app-${i + 1}`,
    address: `10.0.${1 + Math.floor(i / 200)}.${11 + (i % 200)}`,
    ...user,
    hostKey: testHostKey(`app${i + 1}`),
  }));
  return { nginx, app };
}
