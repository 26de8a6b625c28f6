import { callDeadline, isBudgetSpent } from './call-budget';
import { CONSTRUCT_TIMEOUT_ADVICE, DmsOperationFailed, errorCode, formatDuration, isThrottling, isTransient, quote, WaitTimedOut } from './errors';
import { DmsOperation, OperationMark, Progress } from './operation';
import { nextPollDelayMs, PollPolicy, QUICK_INTERVAL_MS, scheduledCheckAtOrAfter } from './poll-schedule';

/** When and how long to check an operation. All times are epoch milliseconds. */
export interface WaitWindow {
  /** When the operation was started: the poll schedule counts from here. */
  readonly startedAt: number;
  /** Past this, an unfinished operation fails with WaitTimedOut. */
  readonly deadline: number;
  /** The user's fixed poll interval (checks on startedAt + k × pollInterval); unset: the adaptive schedule (poll-schedule.ts). */
  readonly pollIntervalMs?: number;
  /** Adaptive schedule: checks at least this far apart (the stack's share of the DMS call budget). */
  readonly minSpacingMs?: number;
  /** This call returns (unfinished) rather than wait for a check after this time. */
  readonly returnBy: number;
  /** What the timeout reason advises. Defaults to the constructs' advice (raise the `timeout` prop). */
  readonly timeoutAdvice?: string;
  /**
   * A DMS that has not answered (throttling, 5xx, dropped connections, timeouts
   * that outlived the SDK's retries) for this long in a row fails the operation
   * rather than wait for the deadline. Default 45 s. Throttling is an answer: it
   * only pushes the next check back, so the deadline alone bounds a throttled wait.
   */
  readonly unansweredLimitMs?: number;
}

const DEFAULT_UNANSWERED_LIMIT_MS = 45_000;

export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Jitter of the backoff after throttling. @default Math.random */
  random?(): number;
}

export const realClock: WaitClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Checks `operation` on its poll schedule until it is done, the deadline passes
 * (WaitTimedOut), or the next check would fall after `returnBy` (then it waits
 * until `returnBy` and returns the unfinished progress). The schedule is anchored
 * at `startedAt` and seeded by the wait, so a caller that is invoked again and again
 * (the provider's isComplete) keeps it without carrying state, and makes no DMS
 * call when no check is due.
 */
export async function waitForOperation(
  operation: DmsOperation,
  mark: OperationMark,
  window: WaitWindow,
  clock: WaitClock = realClock,
): Promise<Progress> {
  const { startedAt, deadline, returnBy } = window;
  const policy: PollPolicy = { fixedIntervalMs: window.pollIntervalMs, minSpacingMs: window.minSpacingMs };
  const scheduled = (atOrAfter: number) => startedAt + scheduledCheckAtOrAfter(atOrAfter - startedAt, policy, `${startedAt}|${operation.subject}`);
  let progress: Progress = { done: false, status: 'not checked yet' };
  let unansweredSince: number | undefined;
  let throttledInARow = 0;
  let slot = scheduled(clock.now());
  let handBackAt = returnBy;
  for (;;) {
    const dueAt = Math.min(slot, deadline);
    if (dueAt > handBackAt) {
      // Hand back at returnBy, not at once: the waiter would only call again a second later.
      await clock.sleep(Math.max(0, handBackAt - clock.now()));
      return progress;
    }
    await clock.sleep(Math.max(0, dueAt - clock.now()));
    const checkedAt = clock.now();
    const outcome = await checkOnce(operation, mark, progress);
    throttledInARow = outcome.fault && isThrottling(outcome.fault) ? throttledInARow + 1 : 0;
    if (outcome.fault && !throttledInARow) {
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
    const now = clock.now();
    // Only this invocation remembers since when DMS has not answered (as with a request DMS may
    // not show yet, or a refusal): look again soon, and stay until the limit can be judged.
    const followUp: Pick<Progress, 'holdUntil' | 'recheckAt'> = unansweredSince === undefined ? progress : {
      holdUntil: Math.max(progress.holdUntil ?? 0, unansweredSince + (window.unansweredLimitMs ?? DEFAULT_UNANSWERED_LIMIT_MS) + QUICK_INTERVAL_MS),
      recheckAt: Math.min(progress.recheckAt ?? Infinity, now + QUICK_INTERVAL_MS),
    };
    if (followUp.holdUntil !== undefined) handBackAt = Math.max(handBackAt, Math.min(followUp.holdUntil, callDeadline() ?? Infinity));
    // A call abandoned at the invocation's deadline: no time left for another, hand back.
    if (outcome.budgetSpent && now < deadline) return progress;
    if (now >= deadline) {
      const advice = operation.timeoutAdvice ?? window.timeoutAdvice ?? CONSTRUCT_TIMEOUT_ADVICE;
      throw new WaitTimedOut(operation.subject, now - startedAt, progress.status, progress.detail, advice);
    }
    slot = scheduled(Math.max(slot + 1, now));
    // A refusal or a silent DMS is looked at again soon, but no sooner than the stack's share of the DMS call budget allows.
    if (followUp.recheckAt !== undefined) slot = Math.max(now, Math.min(slot, Math.max(followUp.recheckAt, now + (policy.minSpacingMs ?? 0))));
    if (throttledInARow) slot = Math.max(slot, now + nextPollDelayMs(now - startedAt, throttledInARow, clock.random ?? Math.random, policy));
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
