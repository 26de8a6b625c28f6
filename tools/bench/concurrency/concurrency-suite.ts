/**
 * Many waits at once against DMS's API rate: the bench's `concurrency` rows (N = 1, 50
 * and 200 constructs of the four kinds in turn, for each schedule), one wait alone
 * (detection latency of short and long refreshes) and the trade-off between the stack's
 * call budget and detection for 200 at once. Simulated time (concurrent-waits.ts): about
 * ten seconds of wall time for hours of waiting.
 */
import { DefaultWait } from '../../../src/private/handler-contract';
import { DMS_API_RATE } from '../../dms-emulator/rate-limit';
import { round } from '../stats';
import { KIND_DURATION_MS, ScenarioResult, ScheduleName, SCHEDULES, simulateConcurrentWaits, WAIT_KINDS, WaitKind } from './concurrent-waits';
import { CallRecord, PLAIN_SDK_MAX_ATTEMPTS, SDK_MAX_ATTEMPTS } from './sdk-retry-model';

/** One row of bench.json's `concurrency` list. */
export interface ConcurrencyRow {
  readonly constructs: number;
  readonly schedule: ScheduleName;
  /** Constructs of each kind (over all runs). */
  readonly kinds: Partial<Record<WaitKind, number>>;
  /** Resources that failed (runs × constructs in all). */
  readonly failed: number;
  /** The library's sustained DMS calls per second: the busiest minute once every start is done (all attempts, throttled ones too). */
  readonly callsPerSecond: number;
  /** Attempts DMS answered ThrottlingException. */
  readonly throttled: number;
  /** Detection latency (DMS done, e.g. refresh `successful` → resource complete), seconds. */
  readonly latencyMedianS: number;
  readonly latencyP95S: number;
  /** The same as a share of each operation's duration at DMS. */
  readonly latencyMedianShare: number;
  readonly latencyP95Share: number;
  /** All attempts, and the throttled share of them. */
  readonly calls: number;
  readonly throttledShare: number;
  /**
   * DMS calls per check in a throttled account: the attempts of the checks whose first
   * attempt DMS throttled, per such check (the SDK's retries inside one check; 0 without
   * a throttled check). With the SDK's own retries (maxAttempts 5) this was up to 5.
   */
  readonly callsPerThrottledCheck: number;
  /** The busiest minute including the starts. */
  readonly peakCallsPerSecondWithStarts: number;
  /** isComplete invocations per minute of waiting (median over resources). */
  readonly roundTripsPerMinute: number;
  /** Independent runs (N = 1 runs several lone waits, each with its own account). */
  readonly runs: number;
}

/** One wait alone, adaptive schedule: how quickly it sees the end of short and of long refreshes. */
export interface SingleWaitSummary {
  readonly shortRefreshes: LoneWaits & { readonly latencyMedianS: number; readonly latencyP95S: number };
  readonly longRefreshes: LoneWaits & { readonly latencyMedianShare: number; readonly latencyP95Share: number; readonly latencyMedianS: number };
}

interface LoneWaits {
  readonly rangeS: [number, number];
  readonly runs: number;
}

/** 200 at once with the adaptive schedule, for several stack budgets. */
export interface TradeOffPoint {
  readonly budgetCallsPerSecond: number;
  readonly row: ConcurrencyRow;
}

export interface ConcurrencyReport {
  readonly simulated: string;
  readonly rateLimit: { readonly burst: number; readonly refillPerSecond: number };
  /** How long DMS takes for each kind in the rows (uniform), seconds. */
  readonly durationS: Record<WaitKind, [number, number]>;
  /** How long the single-wait refreshes take, seconds. */
  readonly refreshDurationS: [number, number];
  readonly defaultBudgetCallsPerSecond: number;
  /** Attempts per DMS send: our client's (lambda/dms/client.ts) and the plain Provider baseline's. */
  readonly sdkMaxAttempts: number;
  readonly plainSdkMaxAttempts: number;
  readonly rows: ConcurrencyRow[];
  readonly singleWait: SingleWaitSummary;
  readonly tradeOff: TradeOffPoint[];
}

export const CONCURRENCY_SIZES = [1, 50, 200] as const;
const LONG: [number, number] = [3 * 60_000, 13 * 60_000];
const SHORT: [number, number] = [5_000, 60_000];
const LONE_RUNS = 40;
const TRADE_OFF_BUDGETS = [1, 2, 4, 6, 8];
const MINUTE_MS = 60_000;

export async function runConcurrencySuite(log: (line: string) => void = () => undefined): Promise<ConcurrencyReport> {
  const rows: ConcurrencyRow[] = [];
  for (const constructs of CONCURRENCY_SIZES) {
    for (const schedule of SCHEDULES) {
      const runs = constructs === 1 ? LONE_RUNS : 1;
      const results = [];
      for (let r = 0; r < runs; r++) {
        // Lone waits take the kinds in turn too (construct 0 of run r is of kind r mod 4).
        const kinds = [...WAIT_KINDS.slice(r % WAIT_KINDS.length), ...WAIT_KINDS.slice(0, r % WAIT_KINDS.length)];
        results.push(await simulateConcurrentWaits({ constructs, schedule, seed: `concurrency/${constructs}/${r}`, kinds }));
      }
      const row = summarize(constructs, schedule, results);
      log(`concurrency: ${constructs} (4 kinds) × ${schedule}: ${row.failed} failed, ${row.callsPerSecond}/s sustained, ${row.throttled} throttled (${row.callsPerThrottledCheck} DMS calls per throttled check), latency median ${row.latencyMedianS} s`);
      rows.push(row);
    }
  }

  const lone = async (range: [number, number], label: string) => {
    const results = [];
    for (let r = 0; r < LONE_RUNS; r++) {
      results.push(await simulateConcurrentWaits({
        constructs: 1, schedule: 'adaptive', seed: `lone/${label}/${r}`, kinds: ['schema-refresh'], durationMs: { 'schema-refresh': range },
      }));
    }
    return summarize(1, 'adaptive', results);
  };
  const short = await lone(SHORT, 'short');
  const long = await lone(LONG, 'long');

  const tradeOff: TradeOffPoint[] = [];
  for (const budget of TRADE_OFF_BUDGETS) {
    const result = await simulateConcurrentWaits({
      constructs: 200, schedule: 'adaptive', seed: 'concurrency/200/0', callsPerSecond: budget,
    });
    tradeOff.push({ budgetCallsPerSecond: budget, row: summarize(200, 'adaptive', [result]) });
  }

  return {
    simulated: 'Simulated time: the real poll schedule, waiting loop and token bucket; DMS, the SDK retries (one attempt per send, as our client makes), the provider framework and CloudFormation modelled (tools/bench/concurrency)',
    rateLimit: { burst: DMS_API_RATE.burst, refillPerSecond: DMS_API_RATE.refillPerSecond },
    durationS: Object.fromEntries(WAIT_KINDS.map((k) => [k, KIND_DURATION_MS[k].map((ms) => ms / 1000)])) as Record<WaitKind, [number, number]>,
    refreshDurationS: [LONG[0] / 1000, LONG[1] / 1000],
    defaultBudgetCallsPerSecond: DefaultWait.CALLS_PER_SECOND,
    sdkMaxAttempts: SDK_MAX_ATTEMPTS,
    plainSdkMaxAttempts: PLAIN_SDK_MAX_ATTEMPTS,
    rows,
    singleWait: {
      shortRefreshes: {
        rangeS: [SHORT[0] / 1000, SHORT[1] / 1000], runs: short.runs, latencyMedianS: short.latencyMedianS, latencyP95S: short.latencyP95S,
      },
      longRefreshes: {
        rangeS: [LONG[0] / 1000, LONG[1] / 1000],
        runs: long.runs,
        latencyMedianShare: long.latencyMedianShare,
        latencyP95Share: long.latencyP95Share,
        latencyMedianS: long.latencyMedianS,
      },
    },
    tradeOff,
  };
}

/** Rolls runs of one scenario into a row. */
export function summarize(constructs: number, schedule: ScheduleName, results: readonly ScenarioResult[]): ConcurrencyRow {
  const outcomes = results.flatMap((r) => r.outcomes);
  const done = outcomes.filter((o) => !o.failed && o.latencyMs !== undefined);
  const latencies = done.map((o) => o.latencyMs! / 1000);
  const shares = done.map((o) => o.latencyMs! / o.durationMs);
  const kinds: Partial<Record<WaitKind, number>> = {};
  for (const o of outcomes) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  const calls = results.reduce((n, r) => n + r.calls.length, 0);
  const throttled = results.reduce((n, r) => n + r.calls.filter((c) => c.throttled).length, 0);
  const sustained = results.map((r) => {
    const started = r.outcomes.map((o) => o.startedAt).filter((t): t is number => t !== undefined);
    return busiestMinute(r.calls.map((c) => c.at), started.length ? Math.max(...started) : 0, r.endedAt);
  });
  const checkCalls = new Map<string, CallRecord[]>();
  results.forEach((r, run) => r.calls.forEach((c) => {
    if (c.check !== undefined) checkCalls.set(`${run}/${c.check}`, [...(checkCalls.get(`${run}/${c.check}`) ?? []), c]);
  }));
  const throttledChecks = [...checkCalls.values()].filter((attempts) => attempts[0].throttled);
  const throttledCheckCalls = throttledChecks.reduce((n, attempts) => n + attempts.length, 0);
  const withStarts = results.map((r) => busiestMinute(r.calls.map((c) => c.at), 0, r.endedAt));
  const roundTripRates = outcomes.filter((o) => !o.failed && o.startedAt !== undefined)
    .map((o) => o.roundTrips / ((o.durationMs + (o.latencyMs ?? 0)) / MINUTE_MS));
  return {
    constructs,
    schedule,
    kinds,
    failed: outcomes.filter((o) => o.failed).length,
    callsPerSecond: round(Math.max(...sustained), 2),
    throttled,
    latencyMedianS: round(quantile(latencies, 0.5), 1),
    latencyP95S: round(quantile(latencies, 0.95), 1),
    latencyMedianShare: round(quantile(shares, 0.5), 4),
    latencyP95Share: round(quantile(shares, 0.95), 4),
    calls,
    throttledShare: round(calls ? throttled / calls : 0, 4),
    callsPerThrottledCheck: round(throttledChecks.length ? throttledCheckCalls / throttledChecks.length : 0, 2),
    peakCallsPerSecondWithStarts: round(Math.max(...withStarts), 2),
    roundTripsPerMinute: round(quantile(roundTripRates, 0.5), 2),
    runs: results.length,
  };
}

/**
 * The highest mean rate of calls over any minute between `from` and `to` (per second),
 * in 1-s steps; over the whole span when it is shorter than a minute.
 */
export function busiestMinute(callTimes: readonly number[], from: number, to: number): number {
  const span = to - from;
  if (span <= 0) return 0;
  if (span <= MINUTE_MS) return callTimes.filter((t) => t >= from && t <= to).length / (span / 1000);
  const seconds = Math.ceil(span / 1000);
  const perSecond = new Array<number>(seconds).fill(0);
  for (const t of callTimes) {
    if (t >= from && t < to) perSecond[Math.floor((t - from) / 1000)]++;
  }
  let window = perSecond.slice(0, 60).reduce((a, b) => a + b, 0);
  let best = window;
  for (let s = 60; s < seconds; s++) {
    window += perSecond[s] - perSecond[s - 60];
    best = Math.max(best, window);
  }
  return best / 60;
}

/** The q-quantile (nearest rank); NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
