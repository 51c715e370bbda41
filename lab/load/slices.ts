// Load as consecutive 1-second wrk runs ("slices"), back to back, so what the client saw can be
// attributed to the moment it happened. Each slice opens its connections afresh and abandons the
// requests still in flight when it ends: a request slower than about a second is never answered
// inside a slice, so it shows as missing throughput, not as latency (wrk's histogram is per run).
import { performance } from "node:perf_hooks";
import { parseSlice, SLICE_LUA, startWrk, type SliceFigures, type WrkOptions, type WrkProcess } from "./wrk";

export const SLICE_SECONDS = 1;

/** One slice: when it ran (ms since the load started) and what it measured. */
export interface Slice extends SliceFigures {
  startMs: number;
  endMs: number;
}

export interface SlicedLoadOptions extends Omit<WrkOptions, "seconds" | "script"> {
  /** Asked before each slice with the ms since the load started: true ends the load. */
  finished(elapsedMs: number): boolean;
  /** Called with every slice as soon as it is measured. */
  onSlice?(slice: Slice): void;
  /** Starts one wrk run (tests pass a fake). */
  start?: (opts: WrkOptions) => WrkProcess;
  /** The clock, in ms (tests pass a fake). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs slices until `finished` says so or `stop()` is called. `stop()` kills the running wrk by
 * its PID and drops its unfinished slice; `done` then resolves with the slices measured so far.
 * A wrk failure (not "unable to connect", which is a slice of its own) rejects `done`.
 */
export class SlicedLoad {
  readonly slices: Slice[] = [];
  readonly done: Promise<Slice[]>;
  private readonly t0: number;
  private current: WrkProcess | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: SlicedLoadOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.t0 = this.now();
    this.done = this.loop();
  }

  /** Milliseconds since the load started. */
  elapsedMs(): number {
    return this.now() - this.t0;
  }

  /** The wrk running now, if any (its PID is the one to kill). */
  get runningPid(): number | undefined {
    return this.current?.pid;
  }

  stop(): void {
    this.stopped = true;
    this.current?.kill();
  }

  private async loop(): Promise<Slice[]> {
    const start = this.opts.start ?? startWrk;
    const sleep = this.opts.sleep ?? realSleep;
    try {
      while (!this.stopped && !this.opts.finished(this.elapsedMs())) {
        const startMs = this.elapsedMs();
        this.current = start({ ...this.opts, seconds: SLICE_SECONDS, script: SLICE_LUA });
        const r = await this.current.done;
        this.current = undefined;
        if (this.stopped) break;
        const output = `${r.stdout}${r.stderr}`;
        const figures = parseSliceOrThrow(output, r.code);
        if (figures.unreachable) {
          // wrk gave up at once: keep the one-second rhythm so the slice stands for its second.
          const left = startMs + SLICE_SECONDS * 1000 - this.elapsedMs();
          if (left > 0) await sleep(left);
        }
        const slice: Slice = { ...figures, startMs, endMs: this.elapsedMs() };
        this.slices.push(slice);
        this.opts.onSlice?.(slice);
      }
      return this.slices;
    } finally {
      this.current?.kill();
      this.current = undefined;
    }
  }
}

function parseSliceOrThrow(output: string, code: number): SliceFigures {
  if (code !== 0 && !/^unable to connect to /m.test(output)) throw new Error(`wrk exited ${code}:\n${output}`);
  return parseSlice(output);
}
