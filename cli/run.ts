import { WaitSettings } from './arguments';
import { DmsOperation, OperationMark, Progress, waitForOperation } from '../lambda/dms';

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
  // bounds the whole step, and the first check falls one poll interval later.
  const startedAt = Date.now();
  const mark = await watched.start();
  if (!wait) return watched.check(mark);
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

/** The operation, unchanged, except that a check whose status differs from the last one is reported. */
function reportingChanges(operation: DmsOperation, onChange: (progress: Progress) => void): DmsOperation {
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
