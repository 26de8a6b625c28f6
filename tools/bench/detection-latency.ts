/**
 * Detection latency: from DMS finishing a refresh (status `successful`) to the driver
 * seeing the custom resource CREATE_COMPLETE, over the short-refresh trials of one provider.
 */
import type { TrialResult } from './provider-trials';
import { max, median, min } from './stats';
import type { ProviderUnderTest } from './trial-stacks';

export interface LatencySummary {
  readonly provider: ProviderUnderTest;
  /** Trials that completed and could be timed. */
  readonly runs: number;
  readonly failedRuns: number;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly minMs: number;
  /** Shortest and longest refresh of the trials. */
  readonly refreshDurationRangeMs: [number, number];
  readonly samples: { refreshDurationMs: number; latencyMs: number }[];
}

/** Refresh durations that put the refresh's end at evenly spread phases of both poll schedules. */
export function latencyRefreshDurations(runs: number): number[] {
  // 1.1-s steps from 3 s: the end falls at 10 different offsets (0.1-s apart) within our
  // 2-s poll interval and at 10 different offsets within the baseline's 5-s query interval.
  return Array.from({ length: runs }, (_, i) => 3_000 + i * 1_100);
}

export function summarizeDetectionLatency(results: readonly TrialResult[], provider: ProviderUnderTest): LatencySummary {
  const trials = results.filter((r) => r.spec.provider === provider && r.spec.purpose === 'latency');
  const timed = trials.filter((r) => r.detectionLatencyMs !== undefined);
  const latencies = timed.map((r) => r.detectionLatencyMs!);
  const durations = trials.map((r) => r.spec.refreshDurationMs);
  return {
    provider,
    runs: timed.length,
    failedRuns: trials.length - timed.length,
    medianMs: median(latencies),
    maxMs: max(latencies),
    minMs: min(latencies),
    refreshDurationRangeMs: [min(durations), max(durations)],
    samples: timed.map((r) => ({ refreshDurationMs: r.spec.refreshDurationMs, latencyMs: r.detectionLatencyMs! })),
  };
}
