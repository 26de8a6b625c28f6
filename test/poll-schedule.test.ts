import {
  callSpacingMs,
  MAX_BACKOFF_MS,
  MAX_INTERVAL_MS,
  nextPollDelayMs,
  QUICK_INTERVAL_MS,
  scheduledCheckAtOrAfter,
  seededRandom,
  startDelayMs,
} from '../lambda/dms';
import { DefaultWait } from '../src/private/handler-contract';

const S = 1_000;
const MIN = 60_000;
const lowest = () => 0;
const highest = () => 0.999999;

/** Every check time of one wait (ms after its start) up to `untilMs`. */
function checkTimes(seed: string, untilMs: number, policy = {}): number[] {
  const times: number[] = [];
  for (let t = scheduledCheckAtOrAfter(0, policy, seed); t <= untilMs; t = scheduledCheckAtOrAfter(t + 1, policy, seed)) times.push(t);
  return times;
}

test('quick checks in the first seconds: every 2 s, plus at most a quarter of jitter', () => {
  for (const elapsed of [0, 10 * S, 30 * S]) {
    expect(nextPollDelayMs(elapsed, 0, lowest)).toBe(QUICK_INTERVAL_MS);
    expect(nextPollDelayMs(elapsed, 0, highest)).toBeLessThanOrEqual(QUICK_INTERVAL_MS * 1.25);
  }
});

test('the pause grows with the time waited, up to a minute', () => {
  expect(nextPollDelayMs(3 * MIN, 0, lowest)).toBe(9 * S);
  expect(nextPollDelayMs(10 * MIN, 0, lowest)).toBe(30 * S);
  expect(nextPollDelayMs(30 * MIN, 0, highest)).toBe(MAX_INTERVAL_MS);
});

test('one wait: detection within 2 s (median) up to a minute and within 5 % of the wait beyond', () => {
  // A wait that ends at a random point between two checks is seen half a pause late on average.
  const seeds = Array.from({ length: 200 }, (_, i) => `wait-${i}`);
  const medianLatency = (endMs: number) => {
    const latencies = seeds.map((seed) => scheduledCheckAtOrAfter(endMs, {}, seed) - endMs).sort((a, b) => a - b);
    return latencies[latencies.length / 2];
  };
  for (const end of [5 * S, 20 * S, 45 * S, 60 * S]) expect(medianLatency(end)).toBeLessThanOrEqual(2 * S);
  for (const end of [2 * MIN, 5 * MIN, 13 * MIN, 30 * MIN]) expect(medianLatency(end)).toBeLessThanOrEqual(0.05 * end);
});

test('a 13-minute wait makes about 70 calls (under 0.1 per second), against 390 at a fixed 2 s', () => {
  const calls = checkTimes('long wait', 13 * MIN).length;
  expect(calls).toBeLessThanOrEqual(78);
  expect(checkTimes('long wait', 13 * MIN, { fixedIntervalMs: 2 * S })).toHaveLength(391);
});

test('200 waits of one stack stay within the default budget of 4 calls per second in every minute', () => {
  const spacing = callSpacingMs(200, DefaultWait.CALLS_PER_SECOND);
  expect(spacing).toBe(50 * S);
  // Starts spread over the first minute, as onEvent spreads them.
  const random = seededRandom('starts');
  const calls = Array.from({ length: 200 }, (_, i) => {
    const start = startDelayMs({ minSpacingMs: spacing }, random);
    return checkTimes(`wait-${i}`, 60 * MIN, { minSpacingMs: spacing }).map((t) => start + t);
  }).flat();
  for (let minute = 0; minute < 60; minute++) {
    const inMinute = calls.filter((t) => t >= minute * MIN && t < (minute + 1) * MIN).length;
    expect(inMinute / 60).toBeLessThanOrEqual(DefaultWait.CALLS_PER_SECOND);
  }
});

test('the stack\'s spacing is a minimum: checks never come closer', () => {
  const times = checkTimes('spaced', 20 * MIN, { minSpacingMs: 50 * S });
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50 * S);
  expect(callSpacingMs(1, 4)).toBe(250);
  expect(callSpacingMs(0, 4)).toBe(0);
  expect(callSpacingMs(NaN, 4)).toBe(0);
});

test('throttled checks back off further, doubling per throttled check in a row, up to 5 minutes', () => {
  const fixed = { fixedIntervalMs: 5 * S };
  expect(nextPollDelayMs(0, 1, highest, fixed)).toBeCloseTo(10 * S, -1);
  expect(nextPollDelayMs(0, 3, highest, fixed)).toBeCloseTo(40 * S, -1);
  expect(nextPollDelayMs(0, 3, lowest, fixed)).toBe(5 * S);
  expect(nextPollDelayMs(0, 2, highest)).toBeCloseTo(4 * 1.25 * QUICK_INTERVAL_MS, -1);
  expect(nextPollDelayMs(20 * MIN, 30, highest)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
});

test('a fixed pollInterval is kept exactly, from the start on', () => {
  expect(checkTimes('fixed', 20 * S, { fixedIntervalMs: 5 * S })).toEqual([0, 5 * S, 10 * S, 15 * S, 20 * S]);
  expect(nextPollDelayMs(30 * MIN, 0, highest, { fixedIntervalMs: 5 * S })).toBe(5 * S);
});

test('a wait\'s check times are the same in every invocation and differ between waits', () => {
  expect(checkTimes('a', 10 * MIN)).toEqual(checkTimes('a', 10 * MIN));
  expect(checkTimes('a', 10 * MIN)).not.toEqual(checkTimes('b', 10 * MIN));
  const times = checkTimes('a', 10 * MIN);
  expect(scheduledCheckAtOrAfter(times[5] + 1, {}, 'a')).toBe(times[6]);
});

test('starts spread over the stack\'s spacing, at most a minute; a lone resource starts at once', () => {
  expect(startDelayMs({}, highest)).toBe(0);
  expect(startDelayMs({ minSpacingMs: 250 }, highest)).toBeLessThan(250);
  expect(startDelayMs({ minSpacingMs: 120 * S }, highest)).toBeLessThan(60 * S);
});
