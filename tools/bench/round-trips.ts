/**
 * Provider-framework round trips (isComplete invocations: one Step Functions retry + one
 * Lambda invocation each) per minute of waiting, and DMS calls per refresh, of one provider.
 *
 * Per minute is measured over the long wait: a short refresh costs at least one round trip
 * whatever its length, which says nothing about the rate.
 */
import type { TrialResult } from './provider-trials';
import { median } from './stats';
import type { ProviderUnderTest } from './trial-stacks';

export interface LongWait {
  readonly refreshDurationMs: number;
  /** onEvent to completion. */
  readonly waitMs: number;
  readonly isCompleteInvocations: number;
  readonly roundTripsPerMinute: number;
  readonly dmsCalls: number;
  readonly dmsCallsPerMinute: number;
  readonly detectionLatencyMs?: number;
}

export interface RoundTripSummary {
  readonly provider: ProviderUnderTest;
  /** Short refreshes: median isComplete invocations and DMS calls per refresh. */
  readonly isCompletePerRefreshMedian: number;
  readonly dmsCallsPerRefreshMedian: number;
  /** Median DescribeRefreshSchemasStatus calls per refresh (the status polls, plus one before the request). */
  readonly statusPollsPerRefreshMedian: number;
  /** Median refresh duration of those trials. */
  readonly refreshDurationMedianMs: number;
  readonly longWait?: LongWait;
}

export function summarizeRoundTrips(results: readonly TrialResult[], provider: ProviderUnderTest): RoundTripSummary {
  const short = results.filter((r) => r.spec.provider === provider && r.spec.purpose === 'latency' && r.status === 'CREATE_COMPLETE');
  const long = results.find((r) => r.spec.provider === provider && r.spec.purpose === 'long-wait' && r.status === 'CREATE_COMPLETE');
  const minutes = (ms: number) => ms / 60_000;
  return {
    provider,
    isCompletePerRefreshMedian: median(short.map((r) => r.isCompleteInvocations)),
    dmsCallsPerRefreshMedian: median(short.map((r) => r.dmsCallsTotal)),
    statusPollsPerRefreshMedian: median(short.map((r) => r.dmsCalls.DescribeRefreshSchemasStatus ?? 0)),
    refreshDurationMedianMs: median(short.map((r) => r.spec.refreshDurationMs)),
    longWait: long && {
      refreshDurationMs: long.spec.refreshDurationMs,
      waitMs: long.waitMs,
      isCompleteInvocations: long.isCompleteInvocations,
      roundTripsPerMinute: long.isCompleteInvocations / minutes(long.waitMs),
      dmsCalls: long.dmsCallsTotal,
      dmsCallsPerMinute: long.dmsCallsTotal / minutes(long.waitMs),
      detectionLatencyMs: long.detectionLatencyMs,
    },
  };
}

/**
 * Steady-state round trips per minute of a provider whose isComplete polls for up to
 * `pollBudgetSeconds` before handing back, retried after `queryIntervalSeconds`.
 */
export function steadyStateRoundTripsPerMinute(pollBudgetSeconds: number, queryIntervalSeconds: number): number {
  return 60 / (pollBudgetSeconds + queryIntervalSeconds);
}
