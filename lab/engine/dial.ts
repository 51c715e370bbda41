// Dialing as the provider does it (pulumi-command@v1.2.1 provider/pkg/provider/remote/connection.go
// `Dial`, `dialWithRetry`; pulumi sdk retry.Until's backoff): dialErrorLimit N means N+1 attempts
// (-1: no limit), waits of 0.1 s growing ×1.5 up to 5 s in between, EVERY error retried (a host-key
// mismatch too). Through a proxy: the proxy under its own limit first (ssh.Dial, really retried),
// then the tunnel to the target (proxyClient.Dial, really retried), then the target's handshake
// over that one tunnel (ssh.NewClientConn). x/crypto closes the tunnel when a handshake fails
// (golang/crypto@v0.48.0 ssh/client.go `NewClientConn`: c.Close()), so every retry of the
// handshake fails at once with "ssh: handshake failed: EOF" and the first cause is lost. Errors on
// the proxy path are prefixed "proxy: ". The proxy connection is never closed by the provider.
import type { ConnectionHop, RemoteConnection } from "./inputs";
import { HANDSHAKE_FAILED, type Session, type Transport } from "./transport";

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const FIRST_DELAY_MS = 100;
const BACKOFF = 1.5;
const MAX_DELAY_MS = 5000;
/** What reading from the closed tunnel gives a handshake retry. */
export const CLOSED_TUNNEL = `${HANDSHAKE_FAILED}EOF`;

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

/** One lab dial through the proxy is the provider's tunnel + handshake: which of the two failed. */
type TunnelOutcome = { session: Session } | { handshakeError: Error };

/** The target through the proxy: the tunnel retried for real, the handshake on one tunnel only. */
async function dialThroughProxy(t: Transport, c: RemoteConnection, proxy: Session, sleep: Sleep): Promise<Session> {
  const limit = limitOf(c);
  // "Dial from proxy": a failure before the handshake (tunnel open) is retried with a new tunnel.
  const outcome = await dialWithRetry<TunnelOutcome>(limit, async () => {
    try {
      return { session: await t.dial(c, proxy) };
    } catch (err) {
      if (causeOf(err).startsWith(HANDSHAKE_FAILED)) return { handshakeError: err as Error };
      throw err;
    }
  }, sleep);
  if ("session" in outcome) return outcome.session;
  // "Dial": ssh.NewClientConn on the same, now closed, tunnel: nothing is dialled again.
  let attempts = 0;
  return dialWithRetry<Session>(limit, async () => {
    throw attempts++ === 0 ? outcome.handshakeError : new Error(CLOSED_TUNNEL);
  }, sleep);
}

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
    return await dialThroughProxy(t, c, proxy, sleep);
  } catch (err) {
    throw new Error(`proxy: ${causeOf(err)}`);
  }
}
