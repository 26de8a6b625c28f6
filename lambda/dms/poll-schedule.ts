/**
 * When to ask DMS again while waiting: the one poll schedule of the constructs, the
 * CLI and the bench. Pure (time and randomness come in as arguments), so a wait that
 * is resumed in another process (the provider's next isComplete) finds the same
 * check times, and the bench can drive it in simulated time.
 *
 * DMS throttles its API per account and region at a bucket of 200 calls refilled at
 * 8 per second, shared by every caller. A fixed 2-s poll is 0.5 calls per second per
 * wait, so 16 waits use the whole refill. The schedule instead:
 * - checks every {@link QUICK_INTERVAL_MS} at first, so short waits stay quick;
 * - then every {@link GROWTH} of the time already waited (median detection ≈ 2–3 % of
 *   the wait), up to {@link MAX_INTERVAL_MS};
 * - never more often than the stack's share of the DMS call budget
 *   (`minSpacingMs`, see {@link callSpacingMs}), so many waits at once stay within it;
 * - adds up to {@link JITTER} of random delay, so waits that began together drift apart;
 * - doubles the pause after each throttled check in a row, up to {@link MAX_BACKOFF_MS}.
 */

/** Pause between the first checks. */
export const QUICK_INTERVAL_MS = 2_000;
/** Later pauses are this share of the time waited so far. */
export const GROWTH = 1 / 20;
/** The longest pause of an unthrottled wait (jitter included) unless the stack's spacing is longer: within one isComplete budget. */
export const MAX_INTERVAL_MS = 60_000;
/** Up to this share is added at random to each pause (never taken off: the spacing is a minimum). */
export const JITTER = 0.25;
/** The longest pause after throttled checks. */
export const MAX_BACKOFF_MS = 5 * 60_000;
/** Starts of many resources at once are spread over at most this long (onEvent waits that long at most). */
export const MAX_START_SPREAD_MS = 60_000;

/** How one wait spaces its checks. */
export interface PollPolicy {
  /** The user's `pollInterval`: check exactly this often, from the start on (no growth, no jitter). */
  readonly fixedIntervalMs?: number;
  /** Checks at least this far apart: the stack's share of the DMS call budget. @default 0 */
  readonly minSpacingMs?: number;
}

/** Uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * The pause before the next check, `elapsedMs` after the wait began, after
 * `throttledInARow` checks in a row were throttled (0 when the last one was answered).
 */
export function nextPollDelayMs(elapsedMs: number, throttledInARow: number, random: RandomSource, policy: PollPolicy = {}): number {
  const base = policy.fixedIntervalMs ?? adaptiveDelayMs(elapsedMs, random(), policy.minSpacingMs ?? 0);
  if (throttledInARow <= 0) return base;
  // Back off from the pause we would have made anyway; full jitter above it keeps throttled waits apart.
  const backoff = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(throttledInARow, 20));
  return base + random() * (Math.max(backoff, base) - base);
}

/** The schedule's own pause, jittered but within its cap; the stack's spacing (jittered too) may stretch it. */
function adaptiveDelayMs(elapsedMs: number, u: number, minSpacingMs: number): number {
  const jitter = 1 + JITTER * u;
  return Math.max(Math.min(MAX_INTERVAL_MS, unthrottledIntervalMs(elapsedMs) * jitter), minSpacingMs * jitter);
}

/** The pause the adaptive schedule makes `elapsedMs` into a wait, before jitter and spacing. */
export function unthrottledIntervalMs(elapsedMs: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(QUICK_INTERVAL_MS, Math.max(0, elapsedMs) * GROWTH));
}

/**
 * The first scheduled check at or after `elapsedMs`, in ms since the wait began. The
 * schedule of a wait is fixed by `seed` (e.g. its start time and subject): every
 * invocation that resumes the wait finds the same check times without carrying state.
 * With a fixed interval the checks fall on 0, 1, 2, … intervals; otherwise the first
 * falls one pause after the start. Under a stack spacing longer than the start spread
 * ({@link startDelayMs}), a random part of the difference is added, so the checks of
 * many waits fall evenly over the spacing however their starts fell.
 */
export function scheduledCheckAtOrAfter(elapsedMs: number, policy: PollPolicy, seed: string): number {
  if (policy.fixedIntervalMs !== undefined) {
    return Math.max(0, Math.ceil(elapsedMs / policy.fixedIntervalMs)) * policy.fixedIntervalMs;
  }
  const random = seededRandom(seed);
  const unspread = Math.max(0, (policy.minSpacingMs ?? 0) - MAX_START_SPREAD_MS);
  let t = nextPollDelayMs(0, 0, random, policy) + random() * unspread;
  while (t < elapsedMs) t += nextPollDelayMs(t, 0, random, policy);
  return t;
}

/**
 * How long a start waits before it calls DMS, so that the starts of many resources
 * that CloudFormation creates at once spread over the stack's share of the call budget
 * (`minSpacingMs`, at most {@link MAX_START_SPREAD_MS}). 0 for a lone resource.
 */
export function startDelayMs(policy: PollPolicy, random: RandomSource): number {
  return random() * Math.min(MAX_START_SPREAD_MS, policy.minSpacingMs ?? 0);
}

/** onEvent retries a start that failed on something that passes for this long; throttling for longer. */
export const START_RETRY_MS = 20_000;
export const THROTTLED_START_RETRY_MS = 90_000;

/**
 * The pause before retry `retry` (0 for the first) of a start: 1, 2, 4, 5, 5… s after
 * errors that pass (IAM propagation, 5xx); after throttling a random pause that doubles,
 * 1–2 s, 1–4 s, 1–8 s…, so starts throttled together do not come back together.
 */
export function startRetryDelayMs(retry: number, throttled: boolean, random: RandomSource): number {
  if (!throttled) return Math.min(1_000 * 2 ** retry, 5_000);
  return nextPollDelayMs(0, retry + 1, random, { fixedIntervalMs: 1_000 });
}

/**
 * The spacing that keeps `resources` waits, all at once, at `callsPerSecond` together:
 * each checks at most once per `resources / callsPerSecond` seconds. 0 when unknown.
 */
export function callSpacingMs(resources: number, callsPerSecond: number): number {
  if (!(resources > 0) || !(callsPerSecond > 0)) return 0;
  return (resources / callsPerSecond) * 1000;
}

/** A deterministic RandomSource for a seed (FNV-1a hash into mulberry32: 32-bit integer arithmetic). */
/* eslint-disable no-bitwise */
export function seededRandom(seed: string): RandomSource {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */
