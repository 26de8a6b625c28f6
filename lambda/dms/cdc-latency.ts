import { CloudWatchClient, Dimension, GetMetricDataCommand, ListMetricsCommand, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { allPages, findInPages } from './describe-pages';
import { DmsOperationFailed, errorCode, quote } from './errors';
import type { ReplicationTarget } from './replication-state';

/** DMS's CDC latency metrics (seconds), in CloudWatch's `AWS/DMS` namespace. */
export const LATENCY_METRICS = ['CDCLatencySource', 'CDCLatencyTarget'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export const DMS_NAMESPACE = 'AWS/DMS';
/** DMS publishes its metrics once a minute. */
export const METRIC_PERIOD_MS = 60_000;
/** The dimension DMS documents for a task's metrics (with ReplicationInstanceIdentifier). */
const TASK_DIMENSION = 'ReplicationTaskIdentifier';

/** One data point: epoch ms and seconds of latency. */
export interface LatencyPoint {
  readonly t: number;
  readonly v: number;
}

/**
 * The dimensions of the replication's CDCLatencySource series, as CloudWatch lists them
 * (ListMetrics, every page); undefined while CloudWatch has none (a replication that
 * never ran CDC, or was idle for two weeks).
 *
 * DMS documents a task's metrics with the dimensions ReplicationInstanceIdentifier and
 * ReplicationTaskIdentifier; it says of a serverless replication's only that they are per
 * replication. Neither page says whether the value is the resource's name or the id in
 * its ARN. So the series is found, not assumed: a task's by ReplicationTaskIdentifier,
 * a config's by any dimension, holding the ARN, the ARN's resource id or the name
 * (`identifier`, from Describe*), and then read with exactly its dimensions.
 */
export async function findLatencyDimensions(
  cloudWatch: CloudWatchClient,
  target: ReplicationTarget,
  identifier: string | undefined,
): Promise<Dimension[] | undefined> {
  const values = new Set([target.arn, target.arn.split(':').pop()!, ...(identifier ? [identifier] : [])]);
  const isTask = target.kind === 'replication-task';
  try {
    const metric = await findInPages(async (marker) => {
      const out = await cloudWatch.send(new ListMetricsCommand({
        Namespace: DMS_NAMESPACE,
        MetricName: LATENCY_METRICS[0],
        ...(isTask ? { Dimensions: [{ Name: TASK_DIMENSION }] } : {}),
        NextToken: marker,
      }));
      return { items: out.Metrics, marker: out.NextToken };
    }, (m) => {
      const dims = m.Dimensions ?? [];
      if (isTask) return dims.some((d) => d.Name === TASK_DIMENSION && values.has(d.Value ?? ''));
      return !dims.some((d) => d.Name === TASK_DIMENSION) && dims.some((d) => values.has(d.Value ?? ''));
    });
    return metric?.Dimensions;
  } catch (err) {
    throw cloudWatchFailure('ListMetrics', `${DMS_NAMESPACE} ${LATENCY_METRICS[0]} of ${target.arn}`, err);
  }
}

/**
 * Both latency series' data points (the most each minute) from `fromMs` to `toMs`, oldest
 * first, following NextToken. A minute without a data point is missing from the list:
 * DMS publishes none while a replication is idle, and that is no latency of zero.
 */
export async function readLatency(
  cloudWatch: CloudWatchClient,
  dimensions: Dimension[],
  fromMs: number,
  toMs: number,
): Promise<Record<LatencyMetric, LatencyPoint[]>> {
  const ids: Record<LatencyMetric, string> = { CDCLatencySource: 'source', CDCLatencyTarget: 'target' };
  try {
    const results = await allPages<MetricDataResult>(async (marker) => {
      const out = await cloudWatch.send(new GetMetricDataCommand({
        StartTime: new Date(fromMs),
        EndTime: new Date(toMs),
        ScanBy: 'TimestampAscending',
        NextToken: marker,
        MetricDataQueries: LATENCY_METRICS.map((name) => ({
          Id: ids[name],
          ReturnData: true,
          MetricStat: { Metric: { Namespace: DMS_NAMESPACE, MetricName: name, Dimensions: dimensions }, Period: METRIC_PERIOD_MS / 1000, Stat: 'Maximum' },
        })),
      }));
      return { items: out.MetricDataResults, marker: out.NextToken };
    });
    const points = (id: string) => results
      .filter((r) => r.Id === id)
      .flatMap((r) => (r.Timestamps ?? []).map((t, i) => ({ t: new Date(t).getTime(), v: r.Values?.[i] ?? NaN })))
      .filter((p) => Number.isFinite(p.v))
      .sort((a, b) => a.t - b.t);
    return { CDCLatencySource: points(ids.CDCLatencySource), CDCLatencyTarget: points(ids.CDCLatencyTarget) };
  } catch (err) {
    throw cloudWatchFailure('GetMetricData', `${DMS_NAMESPACE} CDC latency (${dimensions.map((d) => `${d.Name}=${d.Value}`).join(', ')})`, err);
  }
}

/** A CloudWatch API error in a reason, like DMS's (errors.ts apiFailure): the call, the subject, the code and CloudWatch's words. */
function cloudWatchFailure(operation: string, subject: string, err: unknown): DmsOperationFailed {
  const code = errorCode(err) ?? 'Error';
  return new DmsOperationFailed(`CloudWatch ${operation} failed for ${subject}: ${code}: ${quote(err instanceof Error ? err.message : String(err))}`, code);
}
