// When a program under the mocks has finished. Under mocks all its work is promise chains, which
// drain within one turn of the event loop, and mock creations, which the mocks count in flight;
// every registration and provider call also holds a place in the SDK's RPC queue from the moment
// it is declared (before the mocks hear of it) until its outputs are resolved. The queue is an
// SDK internal, not part of its public API.
const rpcQueue = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
const runtimeState = require("@pulumi/pulumi/runtime/state") as { getStore(): { settings: { rpcDone: Promise<void> } } };

const queueTail = () => runtimeState.getStore().settings.rpcDone;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves once the RPC queue is empty, nothing is in flight, and what that resolved declared nothing new. */
export async function drained(inFlight: () => number): Promise<void> {
  for (;;) {
    await rpcQueue.waitForRPCs();
    const tail = queueTail();
    await nextTurn();
    if (inFlight() === 0 && queueTail() === tail) return;
  }
}

/**
 * Resolves once a whole turn passed with nothing in flight, nothing recorded and nothing declared:
 * all a failed program can still do. What waits on a resource whose registration failed stays in
 * the queue forever, so a failed program is never drained.
 */
export async function stalled(inFlight: () => number, recorded: () => number): Promise<void> {
  for (;;) {
    const [tail, count] = [queueTail(), recorded()];
    await nextTurn();
    if (inFlight() === 0 && queueTail() === tail && recorded() === count) return;
  }
}
