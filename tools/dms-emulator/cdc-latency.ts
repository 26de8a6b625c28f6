import { resourceId } from './arns';
import { MetricSegment } from './cloudwatch-metrics';

/**
 * One stretch of a CDC latency series: from `fromMs` (relative to now; negative: history) it
 * reads `seconds`; null: idle, no data points. `growing`: the latency grows a second per second
 * from `seconds` (counted from the last commit while the source is idle).
 */
export interface LatencySegment {
  readonly fromMs: number;
  readonly seconds: number | null;
  readonly growing?: boolean;
}

/** What CloudWatch holds about a replication's CDC latency. */
export interface CdcLatencyScenario {
  readonly source: readonly LatencySegment[];
  readonly target: readonly LatencySegment[];
  /** A task's ReplicationInstanceIdentifier dimension. @default 'emulated-instance' */
  readonly instanceIdentifier?: string;
  /**
   * The dimension a serverless replication's metrics carry, holding its config's
   * resource id (DMS's docs do not name it: the library must find it either way).
   * @default 'ReplicationConfigIdentifier'
   */
  readonly serverlessDimension?: string;
  /**
   * How long after its minute starts a data point shows in CloudWatch. DMS's docs give no
   * number: 0 is the prompt reading, a few minutes the late one.
   * @default 0
   */
  readonly publishDelayMs?: number;
}

/** The two `AWS/DMS` series of a task or replication config. */
export function cdcLatencySeries(
  arn: string,
  scenario: CdcLatencyScenario,
): { metricName: string; dimensions: Record<string, string>; segments: MetricSegment[]; publishDelayMs: number }[] {
  const dimensions = metricDimensions(arn, scenario);
  const segments = (s: readonly LatencySegment[]) =>
    s.map((x) => ({ fromMs: x.fromMs, value: x.seconds, ...(x.growing ? { growsPerSecond: 1 } : {}) }));
  const publishDelayMs = scenario.publishDelayMs ?? 0;
  return [
    { metricName: 'CDCLatencySource', dimensions, segments: segments(scenario.source), publishDelayMs },
    { metricName: 'CDCLatencyTarget', dimensions, segments: segments(scenario.target), publishDelayMs },
  ];
}

/** Where a scenario puts a replication's series: a task's or a serverless replication's dimensions. */
export interface MetricPlacement {
  /** A task's ReplicationInstanceIdentifier dimension. @default 'emulated-instance' */
  readonly instanceIdentifier?: string;
  /** The dimension a serverless replication's metrics carry. @default 'ReplicationConfigIdentifier' */
  readonly serverlessDimension?: string;
}

/** The dimensions of a task's or replication config's `AWS/DMS` series. */
export function metricDimensions(arn: string, placement: MetricPlacement): Record<string, string> {
  return arn.includes(':task:')
    ? { ReplicationInstanceIdentifier: placement.instanceIdentifier ?? 'emulated-instance', ReplicationTaskIdentifier: resourceId(arn) }
    : { [placement.serverlessDimension ?? 'ReplicationConfigIdentifier']: resourceId(arn) };
}
