import { callDeadline, isBudgetSpent } from './call-budget';
import { CONSTRUCT_TIMEOUT_ADVICE, DmsOperationFailed, errorCode, formatDuration, isTransient, quote, WaitTimedOut } from './errors';
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
  /**
   * A DMS that has not answered (throttling, 5xx, dropped connections, timeouts
   * that outlived the SDK's retries) for this long in a row fails the operation
   * rather than wait for the deadline. Default 45 s.
   */
  readonly unansweredLimitMs?: number;
}

const DEFAULT_UNANSWERED_LIMIT_MS = 45_000;

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
  let unansweredSince: number | undefined;
  let slot = Math.max(0, Math.ceil((clock.now() - startedAt) / pollIntervalMs));
  let handBackAt = returnBy;
  for (;;) {
    const dueAt = Math.min(startedAt + slot * pollIntervalMs, deadline);
    if (dueAt > handBackAt) return progress;
    await clock.sleep(Math.max(0, dueAt - clock.now()));
    const checkedAt = clock.now();
    const outcome = await checkOnce(operation, mark, progress);
    if (outcome.fault) {
      unansweredSince ??= checkedAt;
      if (clock.now() - unansweredSince >= (window.unansweredLimitMs ?? DEFAULT_UNANSWERED_LIMIT_MS)) {
        throw new DmsOperationFailed(
          `DMS did not answer for ${formatDuration(clock.now() - unansweredSince)} while waiting for ${operation.subject}; last error: ${describeFault(outcome.fault)}`,
          errorCode(outcome.fault),
        );
      }
    } else {
      unansweredSince = undefined;
    }
    progress = outcome.progress;
    if (progress.done) return progress;
    // Only this invocation remembers a request DMS may not show yet: stay until it shows.
    if (progress.holdUntil !== undefined) handBackAt = Math.max(handBackAt, Math.min(progress.holdUntil, callDeadline() ?? Infinity));
    const now = clock.now();
    // A call abandoned at the invocation's deadline: no time left for another, hand back.
    if (outcome.budgetSpent && now < deadline) return progress;
    if (now >= deadline) {
      throw new WaitTimedOut(operation.subject, now - startedAt, progress.status, progress.detail, window.timeoutAdvice ?? CONSTRUCT_TIMEOUT_ADVICE);
    }
    slot = Math.max(slot + 1, Math.ceil((now - startedAt) / pollIntervalMs));
  }
}

/** One check; a transient fault that outlived the SDK's retries only postpones the answer. */
async function checkOnce(
  operation: DmsOperation,
  mark: OperationMark,
  previous: Progress,
): Promise<{ progress: Progress; fault?: Error; budgetSpent?: boolean }> {
  try {
    return { progress: await operation.check(mark) };
  } catch (err) {
    if (isBudgetSpent(err)) {
      return { progress: { ...previous, done: false, detail: 'DMS did not answer before this invocation had to hand back' }, budgetSpent: true };
    }
    if (!isTransient(err)) throw err;
    const fault = err as Error;
    return { progress: { ...previous, done: false, detail: `last check failed: ${describeFault(fault)}` }, fault };
  }
}

/** A fault in a reason: our own failures already name the call; raw SDK errors get their code. */
function describeFault(fault: Error): string {
  return fault instanceof DmsOperationFailed ? fault.message : `${errorCode(fault)}: ${quote(fault.message)}`;
}
