/**
 * DMS's CDC backlog metrics in CloudWatch (`AWS/DMS`, counts of changes), and what CDC's
 * metrics read once writes on the source are frozen. DMS documents the backlog metrics
 * (changes waiting to be applied, held in memory or on disk) but not what CDCLatencySource /
 * CDCLatencyTarget show while the source is idle: the emulator models the three readings
 * one may meet.
 */
import { CdcLatencyScenario, LatencySegment, MetricPlacement, metricDimensions } from './cdc-latency';
import { MetricSegment } from './cloudwatch-metrics';

export const BACKLOG_METRIC_NAMES = [
  'CDCIncomingChanges',
  'CDCChangesMemorySource',
  'CDCChangesMemoryTarget',
  'CDCChangesDiskSource',
  'CDCChangesDiskTarget',
] as const;
export type BacklogMetricName = (typeof BACKLOG_METRIC_NAMES)[number];

/** One stretch of a backlog series: from `fromMs` (relative to now) it reads `changes`; null: no data points. */
export interface BacklogSegment {
  readonly fromMs: number;
  readonly changes: number | null;
}

/** What CloudWatch holds about a replication's CDC backlog. */
export interface CdcBacklogScenario extends MetricPlacement {
  /** Every backlog metric reads these, unless `perMetric` says otherwise. */
  readonly all: readonly BacklogSegment[];
  readonly perMetric?: Partial<Record<BacklogMetricName, readonly BacklogSegment[]>>;
  /** As for latency. @default 0 */
  readonly publishDelayMs?: number;
}

/** The five `AWS/DMS` backlog series of a task or replication config. */
export function cdcBacklogSeries(
  arn: string,
  scenario: CdcBacklogScenario,
): { metricName: string; dimensions: Record<string, string>; segments: MetricSegment[]; publishDelayMs: number }[] {
  const dimensions = metricDimensions(arn, scenario);
  return BACKLOG_METRIC_NAMES.map((metricName) => ({
    metricName,
    dimensions,
    segments: (scenario.perMetric?.[metricName] ?? scenario.all).map((s) => ({ fromMs: s.fromMs, value: s.changes })),
    publishDelayMs: scenario.publishDelayMs ?? 0,
  }));
}

/**
 * What CDCLatencySource / CDCLatencyTarget read while the source is idle (undocumented):
 * - `no-points`: DMS publishes no data points;
 * - `growing`: latency grows from the last commit, a second per second;
 * - `heartbeat`: a steady small value, as where an endpoint's heartbeat keeps writing.
 */
export type IdleLatencyReading = 'no-points' | 'growing' | 'heartbeat';
export const IDLE_LATENCY_READINGS: readonly IdleLatencyReading[] = ['no-points', 'growing', 'heartbeat'];

/**
 * A replication whose source took writes for an hour and was frozen `frozenForMs` ago: latency
 * 2 s / 3 s and a backlog of changes while writes flowed; after the freeze, latency as
 * `reading` says, and the backlog drained to 0 within a minute (`backlog: 'no-points'`: the
 * backlog metrics publish nothing either, which is unknown, not zero).
 */
export function frozenSource(
  reading: IdleLatencyReading,
  frozenForMs: number,
  options: { backlog?: 'zero' | 'no-points' } = {},
): { latency: CdcLatencyScenario; backlog: CdcBacklogScenario } {
  const flowing = -60 * 60_000;
  const frozen = -frozenForMs;
  const idle = (busy: number): LatencySegment[] => [
    { fromMs: flowing, seconds: busy },
    reading === 'no-points' ? { fromMs: frozen, seconds: null }
      : reading === 'growing' ? { fromMs: frozen, seconds: busy, growing: true }
        : { fromMs: frozen, seconds: 1 },
  ];
  const drained = options.backlog === 'no-points' ? null : 0;
  return {
    latency: { source: idle(2), target: idle(3) },
    backlog: { all: [{ fromMs: flowing, changes: 25 }, { fromMs: frozen + 60_000, changes: drained }] },
  };
}
