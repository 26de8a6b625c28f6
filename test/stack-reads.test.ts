/**
 * Stack reads in a throttled account (issue 20, case 8): CloudFormation throttles busy
 * accounts for minutes, and a rollback that gives up reading its stack after 15 s fails
 * for nothing. `retryRead` rides throttling out until the invocation's own deadline, on a
 * simulated clock here so that a several-minute episode takes no time.
 */
import { retryRead } from '../lambda/handler-kit/stack-status';

/** A clock that only moves when slept on, with a fixed jitter. */
function simulatedClock(start = 0) {
  let now = start;
  return { now: () => now, sleep: async (ms: number) => { now += ms; }, random: () => 0.5 };
}

function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
}

/** A DescribeStacks that answers Throttling until `endsAt` (simulated ms), counting the calls. */
function throttledUntil(clock: { now(): number }, endsAt: number) {
  const calls: number[] = [];
  return {
    calls,
    describe: async () => {
      calls.push(clock.now());
      if (clock.now() < endsAt) throw throttling();
      return 'UPDATE_ROLLBACK_IN_PROGRESS';
    },
  };
}

test('a throttling episode of four minutes is ridden out within a ten-minute invocation, with few calls', async () => {
  const clock = simulatedClock();
  const cfn = throttledUntil(clock, 4 * 60_000);
  await expect(retryRead(cfn.describe, 10 * 60_000, clock)).resolves.toBe('UPDATE_ROLLBACK_IN_PROGRESS');
  // Backoff doubles (1 s, 2 s, 4 s … at most 5 min apart): a handful of calls, not one a second.
  expect(cfn.calls.length).toBeLessThanOrEqual(10);
  expect(cfn.calls.at(-1)).toBeGreaterThanOrEqual(4 * 60_000);
});

test('throttling that outlasts the deadline fails with CloudFormation\'s own error, before the deadline', async () => {
  const clock = simulatedClock();
  const cfn = throttledUntil(clock, Infinity);
  await expect(retryRead(cfn.describe, 3 * 60_000, clock)).rejects.toThrow('Rate exceeded');
  expect(clock.now()).toBeLessThan(3 * 60_000);
  // Well past the 15 s after which the reads used to give up.
  expect(clock.now()).toBeGreaterThan(60_000);
});

test('an error that is not transient is not retried', async () => {
  const clock = simulatedClock();
  let calls = 0;
  const denied = async () => {
    calls++;
    throw Object.assign(new Error('not authorized to perform cloudformation:DescribeStacks'), { name: 'AccessDenied' });
  };
  await expect(retryRead(denied, 10 * 60_000, clock)).rejects.toThrow('not authorized');
  expect(calls).toBe(1);
});
