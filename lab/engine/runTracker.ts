// The bookkeeping of one run's concurrent work: the first failure (reported once, as a promise that
// never rejects — the SDK may drop rejections) and when nothing is in flight any more.
export class RunTracker {
  /** Resolves with the first failure. */
  readonly failed: Promise<Error>;
  private reportFailure!: (err: Error) => void;
  private firstError?: Error;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor() {
    this.failed = new Promise((resolve) => (this.reportFailure = resolve));
  }

  get error(): Error | undefined {
    return this.firstError;
  }

  fail(err: Error): never {
    if (!this.firstError) {
      this.firstError = err;
      this.reportFailure(err);
    }
    throw err;
  }

  /** Runs `fn` as in-flight work; its error becomes the run's failure if it is the first. */
  async track<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn();
    } catch (err) {
      return this.fail(err as Error);
    } finally {
      if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves once no work is in flight. */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
