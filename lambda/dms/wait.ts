import { CONSTRUCT_TIMEOUT_ADVICE, isTransient, WaitTimedOut } from './errors';
import { DmsOperation, OperationMark, Progress } from './operation';

/** When and how long to check an operation. All times are epoch milliseconds. */
export interface WaitWindow {
  /** When the operation was started: checks fall on startedAt + k × pollInterval. */
  readonly startedAt: number;
  /** Past this, an unfinished operation fails with WaitTimedOut. */
  readonly deadline: number;
  readonly pollIntervalMs: number;
  /** This call returns (unfinished) rather than wait for a check after this time. */
  readonly returnBy: number;
  /** What the timeout reason advises. Defaults to the constructs' advice (raise the `timeout` prop). */
  readonly timeoutAdvice?: string;
}

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Checks `operation` on its poll schedule until it is done, the deadline passes
 * (WaitTimedOut), or the next check would fall after `returnBy` (returns the
 * unfinished progress). The schedule is anchored at `startedAt`, so a caller that
 * is invoked again and again (the provider's isComplete) keeps the user's poll
 * interval without carrying state, and makes no DMS call when no check is due.
 */
export async function waitForOperation(
  operation: DmsOperation,
  mark: OperationMark,
  window: WaitWindow,
  clock: WaitClock = realClock,
): Promise<Progress> {
  const { startedAt, deadline, pollIntervalMs, returnBy } = window;
  let progress: Progress = { done: false, status: 'not checked yet' };
  let slot = Math.max(0, Math.ceil((clock.now() - startedAt) / pollIntervalMs));
  for (;;) {
    const dueAt = Math.min(startedAt + slot * pollIntervalMs, deadline);
    if (dueAt > returnBy) return progress;
    await clock.sleep(Math.max(0, dueAt - clock.now()));
    progress = await checkOnce(operation, mark, progress);
    if (progress.done) return progress;
    const now = clock.now();
    if (now >= deadline) {
      throw new WaitTimedOut(operation.subject, now - startedAt, progress.status, progress.detail, window.timeoutAdvice ?? CONSTRUCT_TIMEOUT_ADVICE);
    }
    slot = Math.max(slot + 1, Math.ceil((now - startedAt) / pollIntervalMs));
  }
}

/** One check; throttling that outlived the SDK's retries only postpones the answer. */
async function checkOnce(operation: DmsOperation, mark: OperationMark, previous: Progress): Promise<Progress> {
  try {
    return await operation.check(mark);
  } catch (err) {
    if (!isTransient(err)) throw err;
    return { ...previous, done: false, detail: `last check throttled (${(err as Error).name})` };
  }
}
