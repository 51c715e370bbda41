// A drill's phases and what the client saw in each: every 1-second load slice belongs to the phase
// in which it STARTED, and a phase's figures are made from its slices.
//
// wrk's latency histogram is per run, so percentiles cannot be merged exactly across slices. The
// figures here are conservative: p50 is the request-weighted median of the slices' medians, p99 and
// max are the largest slice's. A phase's p99 is therefore never lower than the worst second's.
import type { SliceFigures } from "../load/wrk";
import type { LoadFigures, PhaseReport } from "./types";

/** What the phase figures are made of (a load slice, or anything shaped like one). */
export type SliceLike = Pick<SliceFigures, "requests" | "statuses" | "non2xx" | "socketErrors" | "p50Ms" | "p99Ms" | "maxMs" | "unreachable"> & {
  startMs: number;
};

export interface PhaseMark {
  name: string;
  /** Milliseconds since the load started. */
  atMs: number;
}

/** The phase a drill starts in: until the scenario marks its first phase. */
export const INITIAL_PHASE = "before";
/** A first mark this soon after the load started names the initial phase instead of following it. */
export const INITIAL_GRACE_MS = 1000;

/**
 * The phases as marked, starting with "before" at 0 ms. Marking the phase already current changes
 * nothing. A scenario whose first mark comes within INITIAL_GRACE_MS of the start ("article" at
 * 3 ms) renames the initial phase rather than leaving a "before" nothing was measured in.
 */
export class PhaseMarks {
  readonly marks: PhaseMark[] = [{ name: INITIAL_PHASE, atMs: 0 }];
  private renamed = false;

  /** Records `name` as starting at `atMs`; false when it is already the current phase. */
  mark(name: string, atMs: number): boolean {
    if (typeof name !== "string" || name.trim() === "") throw new Error(`a phase needs a name (got ${JSON.stringify(name)})`);
    if (this.current() === name) return false;
    if (this.marks.length === 1 && !this.renamed && atMs < INITIAL_GRACE_MS) {
      this.marks[0] = { name, atMs: 0 };
      this.renamed = true;
      return true;
    }
    const last = this.marks[this.marks.length - 1]!;
    this.marks.push({ name, atMs: Math.max(atMs, last.atMs) });
    return true;
  }

  current(): string {
    return this.marks[this.marks.length - 1]!.name;
  }

  /** When the current phase started (ms since the load started). */
  currentSince(): number {
    return this.marks[this.marks.length - 1]!.atMs;
  }
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** Sums and conservative percentiles over slices (see the file comment). */
export function combineSlices(slices: readonly SliceLike[]): LoadFigures {
  const statuses: Record<string, number> = {};
  const socketErrors = { connect: 0, read: 0, write: 0, timeout: 0 };
  let requests = 0;
  let non2xx = 0;
  let unreachableSlices = 0;
  for (const s of slices) {
    requests += s.requests;
    non2xx += s.non2xx;
    if (s.unreachable !== undefined) unreachableSlices++;
    for (const [code, n] of Object.entries(s.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    socketErrors.connect += s.socketErrors.connect;
    socketErrors.read += s.socketErrors.read;
    socketErrors.write += s.socketErrors.write;
    socketErrors.timeout += s.socketErrors.timeout;
  }
  const answered = slices.filter((s) => s.requests > 0);
  return {
    requests,
    statuses: sortedStatuses(statuses),
    non2xx,
    socketErrors,
    p50Ms: round(weightedMedian(answered), 3),
    p99Ms: round(Math.max(0, ...answered.map((s) => s.p99Ms)), 3),
    maxMs: round(Math.max(0, ...answered.map((s) => s.maxMs)), 3),
    unreachableSlices,
  };
}

/** The slice p50 below which half of the requests were answered (slices weighted by requests). */
function weightedMedian(slices: readonly SliceLike[]): number {
  const total = slices.reduce((sum, s) => sum + s.requests, 0);
  if (total === 0) return 0;
  let seen = 0;
  for (const s of [...slices].sort((a, b) => a.p50Ms - b.p50Ms)) {
    seen += s.requests;
    if (seen * 2 >= total) return s.p50Ms;
  }
  return 0; // unreachable: the loop always reaches the total
}

function sortedStatuses(statuses: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(statuses).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Phase reports from the marks (PhaseMarks.marks) and the slices: a slice belongs to the phase in
 * which it started. The first phase starts with the load, whatever its mark says; a phase ends
 * where the next begins, the last at `endMs`.
 */
export function attributePhases(slices: readonly SliceLike[], marks: readonly PhaseMark[], endMs: number): PhaseReport[] {
  const phases = marks.length > 0 ? marks.map((m, i) => (i === 0 ? { ...m, atMs: 0 } : m)) : [{ name: INITIAL_PHASE, atMs: 0 }];
  return phases.map((phase, i) => {
    const until = phases[i + 1]?.atMs ?? Math.max(endMs, phase.atMs);
    const last = i === phases.length - 1;
    const mine = slices.filter((s) => s.startMs >= phase.atMs && (last || s.startMs < until));
    return {
      name: phase.name,
      startSeconds: round(phase.atMs / 1000, 3),
      endSeconds: round(until / 1000, 3),
      ...combineSlices(mine),
    };
  });
}
