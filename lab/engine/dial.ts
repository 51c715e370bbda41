// Dialing as the provider does it (connection.go `Dial`, `dialWithRetry`; retry.Until's backoff):
// dialErrorLimit N means N+1 attempts (-1: no limit), waits of 0.1 s growing ×1.5 up to 5 s in
// between, EVERY error retried (a host-key mismatch too). Through a proxy: the proxy under its own
// limit first, then the target through it under the target's; every error on that path is
// prefixed "proxy: ". The proxy connection is never closed by the provider: it stays open until
// the run ends, whatever happens to the target connection.
import type { ConnectionHop, RemoteConnection } from "./inputs";
import type { Session, Transport } from "./transport";

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const FIRST_DELAY_MS = 100;
const BACKOFF = 1.5;
const MAX_DELAY_MS = 5000;

const causeOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function dialWithRetry<T>(limit: number, attempt: () => Promise<T>, sleep: Sleep): Promise<T> {
  let delay = FIRST_DELAY_MS;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      // The provider counts `try` from 0: its last message says N, the limit, after N+1 attempts.
      if (limit > -1 && tries + 1 > limit) throw new Error(`after ${tries} failed attempts: ${causeOf(err)}`);
    }
    await sleep(delay);
    delay = Math.min(delay * BACKOFF, MAX_DELAY_MS);
  }
}

const limitOf = (hop: ConnectionHop) => hop.dialErrorLimit ?? 10;

/**
 * Dials the connection's target (through its proxy when it has one). `holdProxy` receives the proxy
 * connection as soon as it is up: the caller keeps it open until the run ends.
 */
export async function connect(t: Transport, c: RemoteConnection, sleep: Sleep, holdProxy: (s: Session) => void): Promise<Session> {
  if (!c.proxy) return dialWithRetry(limitOf(c), () => t.dial(c), sleep);
  const proxyHop = c.proxy;
  let proxy: Session;
  try {
    proxy = await dialWithRetry(limitOf(proxyHop), () => t.dial(proxyHop), sleep);
  } catch (err) {
    throw new Error(`proxy: ${causeOf(err)}`);
  }
  holdProxy(proxy);
  try {
    return await dialWithRetry(limitOf(c), () => t.dial(c, proxy), sleep);
  } catch (err) {
    throw new Error(`proxy: ${causeOf(err)}`);
  }
}
