import { LatencyPoint, METRIC_PERIOD_MS } from './cdc-latency';
import { PUBLISH_LAG_SECONDS } from '../../src/private/readiness-bounds';

/** What one metric's window showed. */
export interface WindowVerdict {
  /** At or under the maximum for the whole window, a data point every minute up to a fresh one. */
  readonly ready: boolean;
  /** The highest data point in the window, if any. */
  readonly max?: number;
  readonly dataPoints: number;
  /** Why not: a value over the maximum, no data points at all, or gaps (a missing minute is unknown, never zero). */
  readonly problem?: 'over' | 'no-data' | 'gaps';
  /** With `gaps`: whether the freshest point is fresh enough. */
  readonly fresh: boolean;
}

/** How old the freshest data point may be: CloudWatch publishes late (src/private/readiness-bounds.ts). */
export const PUBLISH_LAG_MS = PUBLISH_LAG_SECONDS * 1000;

/**
 * One metric over the window ending at its freshest minute: the freshest data point no older
 * than CloudWatch's publishing lag, one every minute back to the window's start, none above
 * `max`. The one rule both the latency window and the drained backlog follow.
 */
export function judgeWindow(points: readonly LatencyPoint[], max: number, windowMs: number, now: number): WindowVerdict {
  const latest = points[points.length - 1];
  const fresh = latest !== undefined && latest.t >= now - PUBLISH_LAG_MS;
  const end = fresh ? latest.t : now;
  // The window's minutes end at the freshest: a 5-minute window holds 5 data points.
  const inWindow = points.filter((p) => p.t > end - windowMs);
  const highest = inWindow.length ? Math.max(...inWindow.map((p) => p.v)) : undefined;
  const base = { max: highest, dataPoints: inWindow.length, fresh };
  if (highest !== undefined && highest > max) return { ...base, ready: false, problem: 'over' };
  if (inWindow.length === 0) return { ...base, ready: false, problem: 'no-data' };
  const covered = inWindow[0].t <= end - windowMs + METRIC_PERIOD_MS
    && inWindow.every((p, i) => i === 0 || p.t - inWindow[i - 1].t <= METRIC_PERIOD_MS);
  if (!fresh || !covered) return { ...base, ready: false, problem: 'gaps' };
  return { ...base, ready: true };
}

/** How many minutes a window holds. */
export function windowMinutes(windowMs: number): number {
  return Math.floor(windowMs / METRIC_PERIOD_MS);
}
