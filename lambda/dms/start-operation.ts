import { callDeadline, isBudgetSpent } from './call-budget';
import { DmsOperationFailed, errorCode, isAccessDenied, isTransient } from './errors';
import { graceMs } from './grace';
import { DmsOperation, OperationMark } from './operation';
import { DmsRefusal } from './refusal';
import { realClock, WaitClock } from './wait';

/**
 * Starts the operation, retrying for a short while what passes: AccessDenied (a shared
 * role's policy grows when a construct is added, and a new grant can take seconds to
 * reach DMS, aws/aws-cdk#37675), transient faults that outlived the SDK's retries, and
 * DMS refusals (for the refusal grace: a state such as `modifying` ends by itself).
 * What persists fails with DMS's own message.
 */
export async function startOperation(operation: DmsOperation, clock: WaitClock = realClock): Promise<OperationMark> {
  const began = clock.now();
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await operation.start();
    } catch (err) {
      if (isBudgetSpent(err)) {
        throw new DmsOperationFailed(`DMS did not answer in time to start ${operation.subject}: the invocation's time ran out. Retry the deployment.`, errorCode(err));
      }
      const limit = err instanceof DmsRefusal ? graceMs('refusal') : isAccessDenied(err) || isTransient(err) ? graceMs('startRetry') : 0;
      const outOfTime = clock.now() + delay >= (callDeadline() ?? Infinity);
      if (outOfTime || clock.now() + delay - began > limit) {
        throw err instanceof DmsRefusal ? new DmsRefusal(err.call, err.resource, err.dmsMessage, clock.now() - began) : err;
      }
      await clock.sleep(delay);
    }
  }
}

