import { isThrottling, isTransient } from './errors';
import { startRetryDelayMs } from './poll-schedule';
import { realClock } from './wait';

/** Time for {@link retryRead}: the real clock in handlers, a simulated one in tests. */
export interface ReadClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

const realReadClock: ReadClock = { now: () => Date.now(), sleep: (ms) => realClock.sleep(ms), random: Math.random };

/**
 * Runs `call` until it answers, trying transient faults (throttling first of all) again with
 * the start's backoff (jittered, doubling, at most 5 min apart) until `giveUpAt`. The retry of
 * a single read outside a wait (a stack read, a one-look report, the CLI's status): the SDK
 * clients make one attempt per send, so this and the wait's backoff are the only retry layer.
 * A fault that is not transient, or one still there when no further try fits before
 * `giveUpAt`, is thrown.
 */
export async function retryRead<T>(call: () => Promise<T>, giveUpAt: number, clock: ReadClock = realReadClock): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await call();
    } catch (err) {
      const delay = startRetryDelayMs(retry, isThrottling(err), clock.random);
      if (!isTransient(err) || clock.now() + delay >= giveUpAt) throw err;
      await clock.sleep(delay);
    }
  }
}
