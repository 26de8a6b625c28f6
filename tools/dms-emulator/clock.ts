/** Wall-clock milliseconds: the one place the emulator reads the time. */
export function nowMs(): number {
  return Date.now();
}

/** DMS's JSON 1.1 wire form of a timestamp: epoch seconds, with a fraction. */
export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

/** A state change that becomes true at `dueAtMs`. */
export interface PendingChange {
  readonly dueAtMs: number;
  readonly apply: () => void;
}

/** Anything whose state may move on by itself as time passes. */
export interface Evolving {
  pending?: PendingChange;
}

/**
 * Applies a record's pending change if it is due. Transitions are computed
 * lazily on every read instead of by timers, so the emulator never holds an
 * open handle and a closed emulator leaves nothing behind for jest.
 */
export function settle<T extends Evolving>(record: T, now: number = nowMs()): T {
  // A change may schedule the next one (a start's phases): apply every one that is due.
  for (let pending = record.pending; pending && now >= pending.dueAtMs; pending = record.pending) {
    record.pending = undefined;
    pending.apply();
  }
  return record;
}
