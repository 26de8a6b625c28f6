import { callDeadline, isBudgetSpent } from './call-budget';
import { DmsOperationFailed, errorCode, isAccessDenied, isThrottling, isTransient, stillDenied } from './errors';
import { graceMs } from './grace';
import { DmsOperation, OperationMark } from './operation';
import { RandomSource, startRetryDelayMs, THROTTLED_START_RETRY_MS } from './poll-schedule';
import { DmsRefusal } from './refusal';
import { realClock, WaitClock } from './wait';

/**
 * Starts the operation, retrying for a while what passes: access denied (a shared role's
 * policy grows when a construct is added, and a new role, bucket policy or key grant can take
 * seconds to reach DMS, aws/aws-cdk#37675) for the IAM propagation grace (a minute);
 * transient faults for 20 s; throttling, with random pauses so
 * that starts throttled together do not come back together, for 90 s; DMS refusals for
 * the refusal grace (a state such as `modifying` ends by itself). What persists fails
 * with DMS's own message; a start whose calls hang past the invocation fails with ours.
 */
export async function startOperation(
  operation: DmsOperation,
  clock: WaitClock = realClock,
  random: RandomSource = Math.random,
): Promise<OperationMark> {
  const began = clock.now();
  for (let retry = 0; ; retry++) {
    try {
      return await operation.start();
    } catch (err) {
      if (isBudgetSpent(err)) {
        throw new DmsOperationFailed(`DMS did not answer in time to start ${operation.subject}: the invocation's time ran out. Retry the deployment.`, errorCode(err));
      }
      const throttled = isThrottling(err);
      const delay = startRetryDelayMs(retry, throttled, random);
      const limit = err instanceof DmsRefusal ? graceMs('refusal')
        : throttled ? THROTTLED_START_RETRY_MS
          : isAccessDenied(err) ? graceMs('iamPropagation')
            : isTransient(err) ? graceMs('startRetry') : 0;
      const outOfTime = clock.now() + delay >= (callDeadline() ?? Infinity);
      if (outOfTime || clock.now() + delay - began > limit) {
        if (err instanceof DmsRefusal) throw new DmsRefusal(err.call, err.resource, err.dmsMessage, clock.now() - began);
        if (retry > 0 && isAccessDenied(err) && err instanceof DmsOperationFailed) throw stillDenied(err, clock.now() - began);
        throw err;
      }
      await clock.sleep(delay);
    }
  }
}
