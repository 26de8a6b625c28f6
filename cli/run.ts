import { WaitSettings } from './arguments';
import { DmsOperation, OperationMark, Progress, startOperation, waitForOperation } from '../lambda/dms';

/**
 * Starts the operation, then either checks it once (no --wait) or waits for it
 * with the shared waiting loop, which returns done or throws WaitTimedOut /
 * DmsOperationFailed. `onChange` sees every status change, for progress lines.
 */
export async function runOperation(
  operation: DmsOperation,
  wait: WaitSettings | undefined,
  onChange: (progress: Progress) => void,
): Promise<Progress> {
  const watched = reportingChanges(operation, onChange);
  // As in the custom resources, the timeout counts from before the start, so it
  // bounds the whole step; checks follow the poll schedule from there.
  const startedAt = Date.now();
  const mark = await startOperation(watched);
  if (!wait) return startedOnly(watched, mark, startedAt);
  const deadline = startedAt + wait.timeoutMs;
  // returnBy = deadline: never return unfinished; at the deadline the loop throws WaitTimedOut.
  return waitForOperation(watched, mark, {
    startedAt,
    deadline,
    pollIntervalMs: wait.pollIntervalMs,
    returnBy: deadline,
    timeoutAdvice: 'Raise --timeout or look at the resource in the DMS console.',
  });
}

/** Without --wait, how long to wait for a precondition (a connection test) before the operation can start. */
const PRECONDITION_TIMEOUT_MS = 10 * 60_000;

/**
 * Without --wait the operation is only started. A refresh that first needs a
 * connection test has not started after `start()`: wait through that phase (the
 * test takes about a minute), so that exit 0 means DMS is really refreshing.
 */
async function startedOnly(operation: DmsOperation, mark: OperationMark, startedAt: number): Promise<Progress> {
  let last = await operation.check(mark);
  if (!last.preparing) return last;
  const untilStarted: DmsOperation = {
    subject: operation.subject,
    start: () => operation.start(),
    async check(m) {
      last = await operation.check(m);
      return last.preparing ? last : { ...last, done: true };
    },
  };
  const deadline = startedAt + PRECONDITION_TIMEOUT_MS;
  await waitForOperation(untilStarted, mark, {
    startedAt,
    deadline,
    returnBy: deadline,
    timeoutAdvice: 'Use --wait with a longer --timeout, or look at the connection in the DMS console.',
  });
  return last;
}

/** The operation, unchanged, except that a check whose status differs from the last one is reported. */
export function reportingChanges(operation: DmsOperation, onChange: (progress: Progress) => void): DmsOperation {
  let last: string | undefined;
  return {
    subject: operation.subject,
    start: () => operation.start(),
    async check(mark: OperationMark) {
      const progress = await operation.check(mark);
      if (progress.status !== last) {
        last = progress.status;
        onChange(progress);
      }
      return progress;
    },
  };
}
