import { callDeadline, isBudgetSpent } from './call-budget';
import { DmsOperationFailed, errorCode, isAccessDenied, isThrottling, isTransient } from './errors';
import { graceMs } from './grace';
import { DmsOperation, OperationMark } from './operation';
import { RandomSource, startRetryDelayMs, THROTTLED_START_RETRY_MS } from './poll-schedule';
import { DmsRefusal } from './refusal';
import { realClock, WaitClock } from './wait';

/**
 * Starts the operation, retrying for a while what passes: AccessDenied (a shared role's
 * policy grows when a construct is added, and a new grant can take seconds to reach DMS,
 * aws/aws-cdk#37675) and transient faults, for 20 s; throttling, with random pauses so
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
          : isAccessDenied(err) || isTransient(err) ? graceMs('startRetry') : 0;
      const outOfTime = clock.now() + delay >= (callDeadline() ?? Infinity);
      if (outOfTime || clock.now() + delay - began > limit) {
        throw err instanceof DmsRefusal ? new DmsRefusal(err.call, err.resource, err.dmsMessage, clock.now() - began) : err;
      }
      await clock.sleep(delay);
    }
  }
}
