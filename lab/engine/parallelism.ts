// How many resource operations run at once: `pulumi up --parallel`, whose default is PULUMI_PARALLEL
// when set above 0, else 4 × the deployer's CPUs (pulumi@v3.248.0 pkg/cmd/pulumi/operations/up.go
// `defaultParallel`: runtime.GOMAXPROCS(0) * 4); the step executor runs that many workers
// (pkg/resource/deploy/step_executor.go `worker`, `executeChain`).
import * as os from "node:os";

export function defaultParallel(env: NodeJS.ProcessEnv = process.env, cpus = os.availableParallelism()): number {
  const fromEnv = Number.parseInt(env.PULUMI_PARALLEL ?? "", 10);
  return fromEnv > 0 ? fromEnv : 4 * cpus;
}

/** At most `size` operations at a time; the rest wait their turn in arrival order. */
export class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size > 0)) throw new Error(`parallel must be a positive integer (got ${size})`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; busy stays the same.
      if (next) next();
      else this.busy--;
    }
  }
}
