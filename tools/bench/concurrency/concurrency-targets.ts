/** The targets of many waits at once (issue 14), evaluated on the concurrency suite. */
import {
  MAX_LONG_WAIT_LATENCY_SHARE,
  MAX_SHORT_WAIT_MEDIAN_LATENCY_MS,
  MAX_SUSTAINED_CALLS_PER_SECOND,
  MAX_THROTTLED_SHARE,
} from '../limits';
import type { TargetResult } from '../targets';
import type { ConcurrencyReport } from './concurrency-suite';

const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)} %`;

export function evaluateConcurrencyTargets(report: ConcurrencyReport): TargetResult[] {
  const results: TargetResult[] = [];
  const row200 = report.rows.find((r) => r.constructs === 200 && r.schedule === 'adaptive');
  if (row200) {
    results.push({
      target: `200 constructs at once, 4 kinds (adaptive): 0 failed, ≤ ${MAX_SUSTAINED_CALLS_PER_SECOND} DMS calls/s sustained, throttled < ${pct(MAX_THROTTLED_SHARE)} of calls`,
      measured: `${row200.failed} failed, ${row200.callsPerSecond}/s sustained, ${row200.throttled} of ${row200.calls} calls throttled (${pct(row200.throttledShare)})`,
      verdict: row200.failed === 0 && row200.callsPerSecond <= MAX_SUSTAINED_CALLS_PER_SECOND && row200.throttledShare < MAX_THROTTLED_SHARE ? 'PASS' : 'FAIL',
    });
  }
  const { shortRefreshes: short, longRefreshes: long } = report.singleWait;
  results.push({
    target: `One wait: median detection ≤ ${MAX_SHORT_WAIT_MEDIAN_LATENCY_MS / 1000} s for refreshes of up to a minute`,
    measured: `median ${short.latencyMedianS} s, p95 ${short.latencyP95S} s (${short.runs} refreshes of ${short.rangeS[0]}–${short.rangeS[1]} s)`,
    verdict: short.latencyMedianS * 1000 <= MAX_SHORT_WAIT_MEDIAN_LATENCY_MS ? 'PASS' : 'FAIL',
  });
  results.push({
    target: `One wait: median detection ≤ ${pct(MAX_LONG_WAIT_LATENCY_SHARE)} of longer refreshes`,
    measured: `median ${pct(long.latencyMedianShare)} (${long.latencyMedianS} s), p95 ${pct(long.latencyP95Share)} (${long.runs} refreshes of ${long.rangeS[0] / 60}–${long.rangeS[1] / 60} min)`,
    verdict: long.latencyMedianShare <= MAX_LONG_WAIT_LATENCY_SHARE ? 'PASS' : 'FAIL',
  });
  return results;
}
