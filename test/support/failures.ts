// Failures the Pulumi SDK only reports as unhandled rejections: a registration whose input's apply
// threw, a mock or a provider function call that failed. The outputs of such a resource never
// resolve, so whoever waits on them must hear of the failure instead. The SDK rejects every
// promise that carries a failure (each output, each dependent's serialization): once one of them
// reached the test, the others, whose messages contain or are contained in it, are the same failure.

const pending: unknown[] = [];
const reported: string[] = [];
const waiting = new Set<(failure: unknown) => void>();
let listening = false;
let failedOnce = false;

const messageOf = (failure: unknown) => (failure instanceof Error ? failure.message : String(failure));

function alreadyReported(failure: unknown): boolean {
  const message = messageOf(failure);
  return message !== "" && reported.some((seen) => message.includes(seen) || seen.includes(message));
}

/** Marks `failure` as heard by the test, and with it every pending one that is the same failure. */
function report(failure: unknown): unknown {
  const message = messageOf(failure);
  if (message !== "") reported.push(message);
  const others = pending.splice(0).filter((f) => f !== failure && !alreadyReported(f));
  pending.push(...others);
  return failure;
}

/** Starts recording unhandled rejections (once per process). */
export function recordFailures(): void {
  if (listening) return;
  listening = true;
  process.on("unhandledRejection", (failure) => {
    failedOnce = true;
    if (alreadyReported(failure)) return;
    pending.push(failure);
    for (const reject of waiting) reject(failure);
  });
}

/** Whether anything failed in this process: what waited on it may wait forever. */
export function failedBefore(): boolean {
  return failedOnce;
}

/** The failures no test has heard of, oldest first; the next test starts with a clean slate. */
export function takeUnreported(): unknown[] {
  reported.length = 0;
  return pending.splice(0);
}

/** `promise`, or the first failure recorded while waiting for it; either way the failure counts as reported. */
export function untilFailure<T>(promise: Promise<T>): Promise<T> {
  if (pending.length > 0) return Promise.reject(report(pending[0]));
  return new Promise<T>((resolve, reject) => {
    const fail = (failure: unknown) => reject(report(failure));
    waiting.add(fail);
    promise.then(resolve, (failure) => reject(report(failure))).finally(() => waiting.delete(fail));
  });
}
