import { DmsOperation, Progress, waitForOperation, WaitClock, WaitTimedOut, formatDuration } from '../lambda/dms';

/** A clock that only moves when the code under test sleeps. */
function fakeClock(start = 1_000_000): WaitClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

/** An operation whose checks answer from a script and record when they ran. */
function scripted(answers: Array<Progress | Error>, clock: { now(): number }) {
  const checkedAt: number[] = [];
  const op: DmsOperation = {
    subject: 'the test operation',
    start: async () => ({}),
    check: async () => {
      checkedAt.push(clock.now());
      const next = answers.shift() ?? { done: false, status: 'refreshing' };
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { op, checkedAt };
}

const waiting: Progress = { done: false, status: 'refreshing' };

/** A wait window: deadline `deadlineIn` ms after the start, returning by `returnBy` (epoch ms). */
function windowOf(startedAt: number, deadlineIn: number, pollIntervalMs: number, returnBy: number) {
  return { startedAt, deadline: startedAt + deadlineIn, pollIntervalMs, returnBy };
}

test('checks fall on startedAt + k × pollInterval and stop when done', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  const { op, checkedAt } = scripted([waiting, waiting, { done: true, status: 'successful' }], clock);
  const result = await waitForOperation(op, {}, windowOf(startedAt, 60_000, 2_000, startedAt + 40_000), clock);
  expect(result).toEqual({ done: true, status: 'successful' });
  expect(checkedAt.map((t) => t - startedAt)).toEqual([0, 2_000, 4_000]);
});

test('a later invocation keeps the schedule anchored at the start', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  clock.t += 4_500; // the waiter calls isComplete again 4.5 s after onEvent
  const { op, checkedAt } = scripted([waiting, { done: true, status: 'successful' }], clock);
  await waitForOperation(op, {}, windowOf(startedAt, 60_000, 2_000, clock.t + 10_000), clock);
  expect(checkedAt.map((t) => t - startedAt)).toEqual([6_000, 8_000]);
});

test('returns unfinished, without a DMS call, when no check is due before returnBy', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  clock.t += 1_000;
  const { op, checkedAt } = scripted([], clock);
  const result = await waitForOperation(op, {}, windowOf(startedAt, 600_000, 300_000, clock.t + 40_000), clock);
  expect(result.done).toBe(false);
  expect(checkedAt).toEqual([]);
});

test('returns the last progress when the budget ends between checks', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  const { op, checkedAt } = scripted([], clock);
  const result = await waitForOperation(op, {}, windowOf(startedAt, 600_000, 5_000, startedAt + 12_000), clock);
  expect(result).toEqual(waiting);
  expect(checkedAt.map((t) => t - startedAt)).toEqual([0, 5_000, 10_000]);
});

test('fails at the deadline with the subject, the time waited and the last status', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  const { op, checkedAt } = scripted([], clock);
  const wait = waitForOperation(op, {}, windowOf(startedAt, 10_000, 5_000, startedAt + 40_000), clock);
  await expect(wait).rejects.toThrow(WaitTimedOut);
  await expect(wait).rejects.toThrow('Timed out after 10s waiting for the test operation; last status: refreshing');
  expect(checkedAt.map((t) => t - startedAt)).toEqual([0, 5_000, 10_000]);
});

test('a late invocation past the deadline checks once more, then fails', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  clock.t += 70_000;
  const { op, checkedAt } = scripted([], clock);
  await expect(
    waitForOperation(op, {}, windowOf(startedAt, 60_000, 5_000, clock.t + 40_000), clock),
  ).rejects.toThrow(/Timed out after 1m 10s/);
  expect(checkedAt).toHaveLength(1);
});

test('throttling that outlived the SDK retries postpones the answer instead of failing', async () => {
  const clock = fakeClock();
  const startedAt = clock.t;
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const { op } = scripted([waiting, throttled, { done: true, status: 'successful' }], clock);
  const result = await waitForOperation(op, {}, windowOf(startedAt, 60_000, 1_000, startedAt + 40_000), clock);
  expect(result.status).toBe('successful');
});

test('other errors fail at once', async () => {
  const clock = fakeClock();
  const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedFault' });
  const { op } = scripted([denied], clock);
  await expect(
    waitForOperation(op, {}, windowOf(clock.t, 60_000, 1_000, clock.t + 40_000), clock),
  ).rejects.toThrow('not authorized');
});

test.each([
  [0, '0s'],
  [59_400, '59s'],
  [61_000, '1m 1s'],
  [3_600_000, '1h 0m 0s'],
])('formatDuration(%d) = %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test('a DMS that does not answer for the unanswered limit fails the operation with the last error', async () => {
  const clock = fakeClock();
  const unavailable = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
  const { op, checkedAt } = scripted(Array.from({ length: 20 }, unavailable), clock);
  await expect(
    waitForOperation(op, {}, { ...windowOf(clock.t, 600_000, 1_000, clock.t + 60_000), unansweredLimitMs: 5_000 }, clock),
  ).rejects.toThrow('DMS did not answer for 5s while waiting for the test operation; last error: ServiceUnavailable: Service Unavailable');
  expect(checkedAt).toHaveLength(6);
});

test('a silent DMS is judged within one invocation even when scheduled checks are far apart', async () => {
  const clock = fakeClock();
  const unavailable = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
  const { op, checkedAt } = scripted(Array.from({ length: 100 }, unavailable), clock);
  // A 100-s poll interval would give one check per 60-s invocation: the limit could never be reached.
  const startedAt = clock.t - 100_000;
  await expect(
    waitForOperation(op, {}, { ...windowOf(startedAt, 3_600_000, 100_000, clock.t + 60_000), unansweredLimitMs: 45_000 }, clock),
  ).rejects.toThrow(/^DMS did not answer for 4\ds while waiting for the test operation/);
  expect(checkedAt.length).toBeGreaterThan(1);
  expect(clock.t - checkedAt[0]).toBeLessThan(60_000);
});

test('an answer in between resets the unanswered clock', async () => {
  const clock = fakeClock();
  const unavailable = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
  const script = [unavailable(), unavailable(), unavailable(), waiting, unavailable(), unavailable(), unavailable(), { done: true, status: 'successful' }];
  const { op } = scripted(script, clock);
  const result = await waitForOperation(op, {}, { ...windowOf(clock.t, 600_000, 1_000, clock.t + 60_000), unansweredLimitMs: 3_500 }, clock);
  expect(result.status).toBe('successful');
});

describe('the adaptive schedule (no pollInterval)', () => {
  const adaptive = (startedAt: number, deadlineIn: number, returnBy: number) => ({ startedAt, deadline: startedAt + deadlineIn, returnBy });

  test('checks every 2 s or a little more at first, then less and less often', async () => {
    const clock = fakeClock();
    const startedAt = clock.t;
    const { op, checkedAt } = scripted([], clock);
    await expect(waitForOperation(op, {}, adaptive(startedAt, 10 * 60_000, startedAt + 11 * 60_000), clock)).rejects.toThrow(WaitTimedOut);
    const gaps = checkedAt.slice(1).map((t, i) => t - checkedAt[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[0]).toBeLessThanOrEqual(2_500);
    expect(gaps[gaps.length - 2]).toBeGreaterThanOrEqual(25_000); // the last gap ends at the deadline
    expect(checkedAt.length).toBeLessThan(70); // a fixed 2 s would check 300 times
  });

  test('a later invocation resumes the same check times without carrying state', async () => {
    const one = fakeClock();
    const startedAt = one.t;
    const first = scripted([], one);
    await waitForOperation(first.op, {}, adaptive(startedAt, 600_000, startedAt + 120_000), one);
    const two = fakeClock(startedAt);
    const second = scripted([], two);
    await waitForOperation(second.op, {}, adaptive(startedAt, 600_000, startedAt + 60_000), two);
    two.t += 1_000; // the waiter's pause
    await waitForOperation(second.op, {}, adaptive(startedAt, 600_000, startedAt + 120_000), two);
    expect(second.checkedAt).toEqual(first.checkedAt);
  });

  test('the stack\'s spacing keeps checks at least that far apart', async () => {
    const clock = fakeClock();
    const startedAt = clock.t;
    const { op, checkedAt } = scripted([], clock);
    await waitForOperation(op, {}, { ...adaptive(startedAt, 600_000, startedAt + 300_000), minSpacingMs: 50_000 }, clock);
    const gaps = checkedAt.slice(1).map((t, i) => t - checkedAt[i]);
    expect(checkedAt.length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50_000);
  });

  test('throttling never fails the wait: it backs off and the deadline bounds it', async () => {
    const clock = Object.assign(fakeClock(), { random: () => 0.5 });
    const startedAt = clock.t;
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { op, checkedAt } = scripted(Array.from({ length: 100 }, throttled), clock);
    const wait = waitForOperation(op, {}, { ...adaptive(startedAt, 5 * 60_000, startedAt + 10 * 60_000), unansweredLimitMs: 5_000 }, clock);
    await expect(wait).rejects.toThrow(/Timed out after 5m 0s .*last check failed: ThrottlingException: Rate exceeded/);
    const gaps = checkedAt.slice(1).map((t, i) => t - checkedAt[i]);
    expect(gaps[3]).toBeGreaterThan(gaps[0] * 2); // backing off
    expect(checkedAt.length).toBeLessThan(12);
  });

  test('when no check is due before returnBy, it hands back at returnBy without a DMS call', async () => {
    const clock = fakeClock();
    const startedAt = clock.t;
    const { op, checkedAt } = scripted([], clock);
    const result = await waitForOperation(op, {}, { ...adaptive(startedAt, 3_600_000, startedAt + 30_000), minSpacingMs: 120_000 }, clock);
    expect(result.done).toBe(false);
    expect(checkedAt).toEqual([]);
    expect(clock.t).toBe(startedAt + 30_000);
  });
});
