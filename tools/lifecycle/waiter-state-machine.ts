/**
 * The provider framework's waiter state machine, read from its Amazon States Language definition.
 *
 * aws-cdk-lib renders one Task (`framework-isComplete-task`) with
 * `Retry: [{ ErrorEquals: [States.ALL], IntervalSeconds, MaxAttempts, BackoffRate }]` and
 * `Catch: [{ ErrorEquals: [States.ALL], Next: framework-onTimeout-task }]`
 * (custom-resources/lib/provider-framework/waiter-state-machine.ts, util.ts).
 */

/** How Step Functions retries the isComplete task. */
export interface WaiterRetryPolicy {
  readonly intervalSeconds: number;
  /** Retries after the first attempt. */
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  /** Whether exhausted retries go to the onTimeout task (otherwise the execution just fails). */
  readonly catchesToTimeoutHandler: boolean;
}

/** Reads the retry policy of the start state from a (resolved) state machine definition. */
export function readWaiterRetryPolicy(definition: string | Record<string, any>): WaiterRetryPolicy {
  const def = typeof definition === 'string' ? JSON.parse(definition) : definition;
  const task = def?.States?.[def?.StartAt];
  if (!task) throw new Error(`Waiter definition has no start state: ${JSON.stringify(def).slice(0, 200)}`);
  const retriers: any[] = task.Retry ?? [];
  const retrier = retriers.find((r) => (r.ErrorEquals ?? []).includes('States.ALL')) ?? retriers[0];
  const catchers: any[] = task.Catch ?? [];
  // Amazon States Language defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0.
  return {
    intervalSeconds: retrier ? retrier.IntervalSeconds ?? 1 : 0,
    maxAttempts: retrier ? retrier.MaxAttempts ?? 3 : 0,
    backoffRate: retrier ? retrier.BackoffRate ?? 2 : 1,
    maxDelaySeconds: retrier?.MaxDelaySeconds,
    catchesToTimeoutHandler: catchers.some((c) => (c.ErrorEquals ?? []).includes('States.ALL')),
  };
}

/** Milliseconds Step Functions waits before retry number `retry` (1-based): interval × rate^(retry-1), capped by MaxDelaySeconds. */
export function retryDelayMs(policy: WaiterRetryPolicy, retry: number): number {
  const seconds = policy.intervalSeconds * Math.pow(policy.backoffRate, retry - 1);
  const capped = policy.maxDelaySeconds !== undefined ? Math.min(seconds, policy.maxDelaySeconds) : seconds;
  return capped * 1000;
}
