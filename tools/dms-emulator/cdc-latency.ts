import { resourceId } from './arns';
import { MetricSegment } from './cloudwatch-metrics';

/** One stretch of a CDC latency series: from `fromMs` (relative to now; negative: history) it reads `seconds`; null: idle, no data points. */
export interface LatencySegment {
  readonly fromMs: number;
  readonly seconds: number | null;
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
  const dimensions: Record<string, string> = arn.includes(':task:')
    ? { ReplicationInstanceIdentifier: scenario.instanceIdentifier ?? 'emulated-instance', ReplicationTaskIdentifier: resourceId(arn) }
    : { [scenario.serverlessDimension ?? 'ReplicationConfigIdentifier']: resourceId(arn) };
  const segments = (s: readonly LatencySegment[]) => s.map((x) => ({ fromMs: x.fromMs, value: x.seconds }));
  const publishDelayMs = scenario.publishDelayMs ?? 0;
  return [
    { metricName: 'CDCLatencySource', dimensions, segments: segments(scenario.source), publishDelayMs },
    { metricName: 'CDCLatencyTarget', dimensions, segments: segments(scenario.target), publishDelayMs },
  ];
}
