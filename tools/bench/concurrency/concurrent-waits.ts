/**
 * N schema refreshes created at once, in simulated time, against DMS's account-wide
 * API rate limit. What runs for real: the poll schedule (lambda/dms/poll-schedule.ts),
 * the waiting loop (waitForOperation of lambda/dms/wait.ts, on a simulated clock) and
 * the emulator's token bucket (tools/dms-emulator/rate-limit.ts). What is modelled:
 * DMS (a refresh is `refreshing` for its duration, then `successful`), the SDK's retries
 * (sdk-retry-model.ts), the provider framework (the waiter re-invokes isComplete 1 s
 * after it hands back; isComplete polls for at most 60 s), onEvent's start retries
 * (as lambda/handler-kit/lifecycle-handler.ts), and CloudFormation creating all N
 * custom resources within the first 2 s. No other caller uses the account's API.
 */
import { CallRecord, SimulatedAccount, SimulatedSdkClient } from './sdk-retry-model';
import { VirtualTime } from './virtual-time';
import {
  callSpacingMs,
  isAccessDenied,
  isThrottling,
  isTransient,
  PollPolicy,
  seededRandom,
  START_RETRY_MS,
  startDelayMs,
  startRetryDelayMs,
  THROTTLED_START_RETRY_MS,
  waitForOperation,
} from '../../../lambda/dms';
import type { DmsOperation, OperationMark, Progress, RandomSource, WaitClock } from '../../../lambda/dms';
import { DefaultWait } from '../../../src/private/handler-contract';
import { RateLimitOptions, TokenBucket } from '../../dms-emulator/rate-limit';

/** The schedules compared. */
export const SCHEDULES = ['adaptive', 'fixed-2s', 'plain-provider'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export const SCHEDULE_LABELS: Record<ScheduleName, string> = {
  'adaptive': 'adaptive (new default)',
  'fixed-2s': 'fixed 2 s (the old default)',
  'plain-provider': 'plain Provider (one check per isComplete, waiter every 5 s)',
};

/** CloudFormation hands all N creates to the provider within this long (assumed). */
const DISPATCH_SPREAD_MS = 2_000;
/** Our provider: the waiter's pause, the poll budget of one isComplete, the unanswered limit (lifecycle-provider.ts, lifecycle-handler.ts). */
const OUR_QUERY_INTERVAL_MS = 1_000;
const POLL_BUDGET_MS = 60_000;
const UNANSWERED_LIMIT_MS = 45_000;
/** The plain Provider's defaults: queryInterval 5 s, totalTimeout 30 min. */
const PLAIN_QUERY_INTERVAL_MS = 5_000;
const PLAIN_MAX_ATTEMPTS = 360;
/** Our constructs' default timeout for a refresh. */
const TIMEOUT_MS = DefaultWait.TIMEOUT_SECONDS['schema-refresh'] * 1000;

export interface ScenarioOptions {
  readonly constructs: number;
  readonly schedule: ScheduleName;
  /** Seeds every random choice: refresh lengths, dispatch, jitter, SDK backoff. */
  readonly seed: string;
  /** Refresh lengths are drawn uniformly from this range. */
  readonly refreshDurationMs: readonly [number, number];
  /** The stack's DMS call budget of the adaptive schedule. @default DefaultWait.CALLS_PER_SECOND */
  readonly callsPerSecond?: number;
  /** The account's bucket. @default DMS's (200, 8/s) */
  readonly rateLimit?: RateLimitOptions;
}

export interface ResourceOutcome {
  readonly failed: boolean;
  readonly reason?: string;
  readonly refreshDurationMs: number;
  /** When all its start calls were answered (simulated ms). */
  readonly startedAt?: number;
  /** Refresh `successful` at DMS → resource complete. */
  readonly latencyMs?: number;
  /** isComplete invocations. */
  readonly roundTrips: number;
}

export interface ScenarioResult {
  readonly options: ScenarioOptions;
  readonly outcomes: ResourceOutcome[];
  /** Every attempt that reached DMS, in order. */
  readonly calls: CallRecord[];
  /** When the last resource was done (or failed). */
  readonly endedAt: number;
}

/** Runs one scenario to the end. Deterministic for its options. */
export async function simulateConcurrentWaits(options: ScenarioOptions): Promise<ScenarioResult> {
  const time = new VirtualTime();
  const account: SimulatedAccount = {
    bucket: new TokenBucket(options.rateLimit),
    calls: [],
    now: () => time.now(),
    sleep: (ms) => time.sleep(ms),
  };
  const random = seededRandom(options.seed);
  const resources = Array.from({ length: options.constructs }, (_, i) => {
    const [lo, hi] = options.refreshDurationMs;
    const refreshDurationMs = lo + random() * (hi - lo);
    const rnd = seededRandom(`${options.seed}/${i}`);
    return runResource(options, account, { now: () => time.now(), sleep: (ms) => time.sleep(ms), random: rnd }, i, refreshDurationMs, rnd);
  });
  const outcomes = await time.run(Promise.all(resources));
  return { options, outcomes, calls: account.calls, endedAt: time.now() };
}

async function runResource(
  options: ScenarioOptions,
  account: SimulatedAccount,
  clock: Required<WaitClock>,
  index: number,
  refreshDurationMs: number,
  random: RandomSource,
): Promise<ResourceOutcome> {
  const refresh = simulatedRefresh(new SimulatedSdkClient(account, random), clock, index, refreshDurationMs);
  let roundTrips = 0;
  const outcome = (extra: Partial<ResourceOutcome>): ResourceOutcome => ({
    failed: false, refreshDurationMs, roundTrips, startedAt: refresh.startedAt(), ...extra,
  });
  const failed = (err: unknown) => outcome({ failed: true, reason: `${(err as Error).name}: ${(err as Error).message}` });
  const done = () => outcome({ latencyMs: clock.now() - refresh.finishedAt()! });

  await clock.sleep(random() * DISPATCH_SPREAD_MS);
  const receivedAt = clock.now();

  if (options.schedule === 'plain-provider') {
    // A plain Provider: onEvent starts (an error fails the resource), every isComplete checks once.
    let mark: OperationMark;
    try {
      mark = await refresh.operation.start();
    } catch (err) {
      return failed(err);
    }
    for (let attempt = 1; ; attempt++) {
      roundTrips++;
      try {
        if ((await refresh.operation.check(mark)).done) return done();
      } catch (err) {
        return failed(err);
      }
      if (attempt >= PLAIN_MAX_ATTEMPTS) return failed(Object.assign(new Error('Operation timed out'), { name: 'Error' }));
      await clock.sleep(PLAIN_QUERY_INTERVAL_MS);
    }
  }

  // Ours: the stack's spacing (adaptive only), the spread start, then isComplete after isComplete.
  const policy: PollPolicy = options.schedule === 'adaptive'
    ? { minSpacingMs: callSpacingMs(options.constructs, options.callsPerSecond ?? DefaultWait.CALLS_PER_SECOND) }
    : { fixedIntervalMs: 2_000 };
  try {
    if (options.schedule === 'adaptive') await clock.sleep(startDelayMs(policy, random));
    const startedAt = clock.now();
    const mark = await startWithRetries(refresh.operation, clock, random);
    for (;;) {
      roundTrips++;
      const progress: Progress = await waitForOperation(refresh.operation, mark, {
        startedAt,
        deadline: receivedAt + TIMEOUT_MS,
        pollIntervalMs: policy.fixedIntervalMs,
        minSpacingMs: policy.minSpacingMs,
        returnBy: clock.now() + POLL_BUDGET_MS,
        unansweredLimitMs: UNANSWERED_LIMIT_MS,
      }, clock);
      if (progress.done) return done();
      await clock.sleep(OUR_QUERY_INTERVAL_MS);
    }
  } catch (err) {
    return failed(err);
  }
}

/** As lifecycle-handler.ts startWithRetries, on the simulated clock. */
async function startWithRetries(operation: DmsOperation, clock: WaitClock, random: RandomSource): Promise<OperationMark> {
  const began = clock.now();
  for (let retry = 0; ; retry++) {
    try {
      return await operation.start();
    } catch (err) {
      const throttled = isThrottling(err);
      const delay = startRetryDelayMs(retry, throttled, random);
      const giveUpAt = began + (throttled ? THROTTLED_START_RETRY_MS : START_RETRY_MS);
      if (!(isAccessDenied(err) || isTransient(err)) || clock.now() + delay > giveUpAt) throw err;
      await clock.sleep(delay);
    }
  }
}

/**
 * The DMS side of one refresh, with the calls our schema-refresh operation makes:
 * start = DescribeRefreshSchemasStatus, DescribeConnections (the pair's connection is
 * already `successful`), RefreshSchemas; a check = DescribeRefreshSchemasStatus.
 */
function simulatedRefresh(client: SimulatedSdkClient, clock: WaitClock, index: number, durationMs: number) {
  let refreshStartedAt: number | undefined;
  const finishedAt = () => (refreshStartedAt === undefined ? undefined : refreshStartedAt + durationMs);
  const operation: DmsOperation = {
    subject: `the schema refresh of endpoint ${index}`,
    async start() {
      await client.send('DescribeRefreshSchemasStatus');
      await client.send('DescribeConnections');
      await client.send('RefreshSchemas');
      refreshStartedAt = clock.now();
      return { acceptAfter: 0 };
    },
    async check() {
      await client.send('DescribeRefreshSchemasStatus');
      const end = finishedAt();
      return end !== undefined && clock.now() >= end ? { done: true, status: 'successful' } : { done: false, status: 'refreshing' };
    },
  };
  return { operation, finishedAt, startedAt: () => refreshStartedAt };
}
