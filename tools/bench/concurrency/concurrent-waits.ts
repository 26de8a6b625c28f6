/**
 * N constructs waiting at once, in simulated time, against DMS's account-wide API rate
 * limit: schema refreshes, connection tests, replication teardowns and replication runs,
 * the four kinds in turn. What runs for real: the poll schedule (lambda/dms/poll-schedule.ts),
 * the waiting loop (waitForOperation of lambda/dms/wait.ts, on a simulated clock) and the
 * emulator's token bucket (tools/dms-emulator/rate-limit.ts). What is modelled: DMS (each
 * kind's operation is under way for its duration, then done, with the DMS calls our
 * operation of that kind makes), the SDK's retries (sdk-retry-model.ts), the provider
 * framework (the waiter re-invokes isComplete 1 s after it hands back; isComplete polls for
 * at most 60 s), onEvent's start retries (as lambda/handler-kit/lifecycle-handler.ts), and
 * CloudFormation handing all N requests to the provider within the first 2 s. A teardown
 * acts on Delete and the other kinds on Create, so all four at once is a worst case rather
 * than one deploy. No other caller uses the account's API.
 */
import { CallRecord, PLAIN_SDK_MAX_ATTEMPTS, SDK_MAX_ATTEMPTS, SimulatedAccount, SimulatedSdkClient } from './sdk-retry-model';
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

/** The construct kinds, as the handlers name them. */
export const WAIT_KINDS = ['schema-refresh', 'connection-test', 'replication-teardown', 'replication-run'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/** How long DMS takes, per kind, unless a scenario says otherwise (drawn uniformly). */
export const KIND_DURATION_MS: Record<WaitKind, readonly [number, number]> = {
  'schema-refresh': [3 * 60_000, 13 * 60_000],
  'connection-test': [10_000, 2 * 60_000],
  'replication-teardown': [30_000, 5 * 60_000],
  'replication-run': [2 * 60_000, 10 * 60_000],
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

export interface ScenarioOptions {
  readonly constructs: number;
  readonly schedule: ScheduleName;
  /** Seeds every random choice: durations, dispatch, jitter, SDK backoff. */
  readonly seed: string;
  /** Construct i is of kind `kinds[i % kinds.length]`. @default WAIT_KINDS (all four in turn) */
  readonly kinds?: readonly WaitKind[];
  /** Durations per kind, drawn uniformly from these ranges. @default KIND_DURATION_MS */
  readonly durationMs?: Partial<Record<WaitKind, readonly [number, number]>>;
  /** The stack's DMS call budget of the adaptive schedule. @default DefaultWait.CALLS_PER_SECOND */
  readonly callsPerSecond?: number;
  /** The account's bucket. @default DMS's (200, 8/s) */
  readonly rateLimit?: RateLimitOptions;
}

export interface ResourceOutcome {
  readonly kind: WaitKind;
  readonly failed: boolean;
  readonly reason?: string;
  /** How long DMS took for its operation. */
  readonly durationMs: number;
  /** When all its start calls were answered (simulated ms). */
  readonly startedAt?: number;
  /** DMS done (e.g. refresh `successful`) → resource complete. */
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
  const kinds = options.kinds ?? WAIT_KINDS;
  let checks = 0;
  const resources = Array.from({ length: options.constructs }, (_, i) => {
    const kind = kinds[i % kinds.length];
    const [lo, hi] = options.durationMs?.[kind] ?? KIND_DURATION_MS[kind];
    const durationMs = lo + random() * (hi - lo);
    const rnd = seededRandom(`${options.seed}/${i}`);
    const sdk = new SimulatedSdkClient(account, rnd, options.schedule === 'plain-provider' ? PLAIN_SDK_MAX_ATTEMPTS : SDK_MAX_ATTEMPTS);
    const dms = simulatedOperation(kind, sdk, { now: () => time.now() }, i, durationMs, () => checks++);
    return runResource(options, { now: () => time.now(), sleep: (ms) => time.sleep(ms), random: rnd }, kind, dms, rnd);
  });
  const outcomes = await time.run(Promise.all(resources));
  return { options, outcomes, calls: account.calls, endedAt: time.now() };
}

async function runResource(
  options: ScenarioOptions,
  clock: Required<WaitClock>,
  kind: WaitKind,
  dms: SimulatedOperation,
  random: RandomSource,
): Promise<ResourceOutcome> {
  let roundTrips = 0;
  const outcome = (extra: Partial<ResourceOutcome>): ResourceOutcome => ({
    kind, failed: false, durationMs: dms.durationMs, roundTrips, startedAt: dms.startedAt(), ...extra,
  });
  const failed = (err: unknown) => outcome({ failed: true, reason: `${(err as Error).name}: ${(err as Error).message}` });
  const done = () => outcome({ latencyMs: clock.now() - dms.finishedAt()! });
  const operation = dms.operation;

  await clock.sleep(random() * DISPATCH_SPREAD_MS);
  const receivedAt = clock.now();

  if (options.schedule === 'plain-provider') {
    // A plain Provider: onEvent starts (an error fails the resource), every isComplete checks once.
    let mark: OperationMark;
    try {
      mark = await operation.start();
    } catch (err) {
      return failed(err);
    }
    for (let attempt = 1; ; attempt++) {
      roundTrips++;
      try {
        if ((await operation.check(mark)).done) return done();
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
    const mark = await startWithRetries(operation, clock, random);
    for (;;) {
      roundTrips++;
      const progress: Progress = await waitForOperation(operation, mark, {
        startedAt,
        deadline: receivedAt + DefaultWait.TIMEOUT_SECONDS[kind] * 1000,
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

/** The DMS side of one construct's operation: under way for `durationMs` from its start request, then done. */
interface SimulatedOperation {
  readonly operation: DmsOperation;
  readonly durationMs: number;
  /** When DMS accepted the start (simulated ms), once it has. */
  startedAt(): number | undefined;
  finishedAt(): number | undefined;
}

/**
 * The DMS calls our operation of each kind makes on the happy path (lambda/dms):
 * - schema refresh: start = DescribeRefreshSchemasStatus, DescribeConnections (the pair's
 *   connection is already `successful`), RefreshSchemas; a check = DescribeRefreshSchemasStatus;
 * - connection test: start = DescribeConnections, TestConnection; a check = DescribeConnections;
 * - teardown (a running replication): start = DescribeReplications, StopReplication; a check =
 *   DescribeReplications (`stopping` until stopped);
 * - run (a replication that never ran): start = DescribeReplications, StartReplication; a
 *   check = DescribeReplications (`starting` until `running`).
 */
const CALLS: Record<WaitKind, { readonly start: readonly string[]; readonly check: string; readonly status: [string, string] }> = {
  'schema-refresh': {
    start: ['DescribeRefreshSchemasStatus', 'DescribeConnections', 'RefreshSchemas'], check: 'DescribeRefreshSchemasStatus', status: ['refreshing', 'successful'],
  },
  'connection-test': { start: ['DescribeConnections', 'TestConnection'], check: 'DescribeConnections', status: ['testing', 'successful'] },
  'replication-teardown': { start: ['DescribeReplications', 'StopReplication'], check: 'DescribeReplications', status: ['stopping', 'stopped'] },
  'replication-run': { start: ['DescribeReplications', 'StartReplication'], check: 'DescribeReplications', status: ['starting', 'running'] },
};

function simulatedOperation(
  kind: WaitKind, client: SimulatedSdkClient, clock: { now(): number }, index: number, durationMs: number, nextCheck: () => number,
): SimulatedOperation {
  const calls = CALLS[kind];
  let startedAt: number | undefined;
  const finishedAt = () => (startedAt === undefined ? undefined : startedAt + durationMs);
  const operation: DmsOperation = {
    subject: `the ${kind} of construct ${index}`,
    async start() {
      for (const call of calls.start) await client.send(call);
      startedAt = clock.now();
      return { acceptAfter: 0 };
    },
    async check() {
      await client.send(calls.check, nextCheck());
      const end = finishedAt();
      return end !== undefined && clock.now() >= end ? { done: true, status: calls.status[1] } : { done: false, status: calls.status[0] };
    },
  };
  return { operation, durationMs, startedAt: () => startedAt, finishedAt };
}
