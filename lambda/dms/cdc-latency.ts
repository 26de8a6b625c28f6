import { CloudWatchClient, Dimension, GetMetricDataCommand, ListMetricsCommand, MessageData, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { allPages } from './describe-pages';
import { DmsOperationFailed, errorCode, quote } from './errors';
import type { ReplicationTarget } from './replication-state';
import { METRIC_PERIOD_SECONDS } from '../../src/private/readiness-bounds';

/** DMS's CDC latency metrics (seconds), in CloudWatch's `AWS/DMS` namespace. */
export const LATENCY_METRICS = ['CDCLatencySource', 'CDCLatencyTarget'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export const DMS_NAMESPACE = 'AWS/DMS';
/** DMS publishes its metrics once a minute. */
export const METRIC_PERIOD_MS = METRIC_PERIOD_SECONDS * 1000;
/** The dimension DMS documents for a task's metrics (with ReplicationInstanceIdentifier). */
const TASK_DIMENSION = 'ReplicationTaskIdentifier';

/** One data point: epoch ms (its minute's start) and its value (seconds of latency, or a count of changes). */
export interface LatencyPoint {
  readonly t: number;
  readonly v: number;
}

/**
 * The dimensions of every CDCLatencySource series of the replication, as CloudWatch lists
 * them (ListMetrics, every page); empty while CloudWatch has none (a replication that
 * never ran CDC, or was idle for two weeks). More than one when the dimensions changed,
 * for example a task moved to another replication instance: ListMetrics keeps listing the
 * old series, in no documented order, for two weeks.
 *
 * DMS documents a task's metrics with the dimensions ReplicationInstanceIdentifier and
 * ReplicationTaskIdentifier; it says of a serverless replication's only that they are per
 * replication. Neither page says whether the value is the resource's name or the id in
 * its ARN. So the series are found, not assumed: a task's by ReplicationTaskIdentifier,
 * a config's by any dimension, holding the ARN, the ARN's resource id or the name
 * (`identifier`, from Describe*), and then read with exactly their dimensions.
 */
export async function findLatencyDimensions(
  cloudWatch: CloudWatchClient,
  target: ReplicationTarget,
  identifier: string | undefined,
): Promise<Dimension[][]> {
  return findSeriesDimensions(cloudWatch, target, identifier, LATENCY_METRICS[0]);
}

/** The dimensions of every series of `metricName` (`AWS/DMS`) of the replication, found as {@link findLatencyDimensions} finds latency's. */
export async function findSeriesDimensions(
  cloudWatch: CloudWatchClient,
  target: ReplicationTarget,
  identifier: string | undefined,
  metricName: string,
): Promise<Dimension[][]> {
  const values = new Set([target.arn, target.arn.split(':').pop()!, ...(identifier ? [identifier] : [])]);
  const isTask = target.kind === 'replication-task';
  try {
    const metrics = await allPages(async (marker) => {
      const out = await cloudWatch.send(new ListMetricsCommand({
        Namespace: DMS_NAMESPACE,
        MetricName: metricName,
        ...(isTask ? { Dimensions: [{ Name: TASK_DIMENSION }] } : {}),
        NextToken: marker,
      }));
      return { items: out.Metrics, marker: out.NextToken };
    });
    return metrics.map((m) => m.Dimensions ?? []).filter((dims) => {
      if (isTask) return dims.some((d) => d.Name === TASK_DIMENSION && values.has(d.Value ?? ''));
      return !dims.some((d) => d.Name === TASK_DIMENSION) && dims.some((d) => values.has(d.Value ?? ''));
    });
  } catch (err) {
    throw cloudWatchFailure('ListMetrics', `${DMS_NAMESPACE} ${metricName} of ${target.arn}`, err);
  }
}

/**
 * Both latency metrics' data points (the most each minute, over every series given) from
 * `fromMs` to `toMs`, oldest first, following NextToken. A minute without a data point is
 * missing from the list: DMS publishes none while a replication is idle, and that is no
 * latency of zero.
 */
export async function readLatency(
  cloudWatch: CloudWatchClient,
  series: readonly Dimension[][],
  fromMs: number,
  toMs: number,
): Promise<Record<LatencyMetric, LatencyPoint[]>> {
  return readMetricPoints(cloudWatch, LATENCY_METRICS, series, fromMs, toMs, 'CDC latency');
}

/**
 * The data points of `metrics` (`AWS/DMS`, the most each minute over every series given)
 * from `fromMs` to `toMs`, oldest first, following NextToken; a minute without a data point
 * is missing from its list (unknown, never zero).
 */
export async function readMetricPoints<M extends string>(
  cloudWatch: CloudWatchClient,
  metrics: readonly M[],
  series: readonly Dimension[][],
  fromMs: number,
  toMs: number,
  what: string,
): Promise<Record<M, LatencyPoint[]>> {
  const queries = series.flatMap((dimensions, i) => metrics.map((name, m) => ({
    Id: `m${m}s${i}`,
    ReturnData: true,
    MetricStat: { Metric: { Namespace: DMS_NAMESPACE, MetricName: name, Dimensions: dimensions }, Period: METRIC_PERIOD_MS / 1000, Stat: 'Maximum' },
  })));
  const subject = `${DMS_NAMESPACE} ${what} (${series.map((dims) => dims.map((d) => `${d.Name}=${d.Value}`).join(', ')).join('; ')})`;
  const messages: MessageData[] = [];
  let results: MetricDataResult[];
  try {
    results = await allPages<MetricDataResult>(async (marker) => {
      const out = await cloudWatch.send(new GetMetricDataCommand({
        StartTime: new Date(fromMs),
        EndTime: new Date(toMs),
        ScanBy: 'TimestampAscending',
        NextToken: marker,
        MetricDataQueries: queries,
      }));
      messages.push(...(out.Messages ?? []));
      return { items: out.MetricDataResults, marker: out.NextToken };
    });
  } catch (err) {
    throw cloudWatchFailure('GetMetricData', subject, err);
  }
  // A query CloudWatch could not answer has no data points: that is no idle minute. Forbidden
  // fails the wait; InternalError keeps the code the wait treats as passing (errors.ts isTransient).
  const failed = results.find((r) => r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError');
  if (failed) {
    const words = [...messages, ...(failed.Messages ?? [])].map((m) => m.Value).filter(Boolean).join('; ') || 'CloudWatch gave no message';
    throw new DmsOperationFailed(`CloudWatch GetMetricData answered ${failed.StatusCode} for ${subject}: ${words}`, failed.StatusCode);
  }
  const points = (m: number) => {
    const highest = new Map<number, number>();
    for (const r of results.filter((x) => x.Id?.startsWith(`m${m}s`))) {
      (r.Timestamps ?? []).forEach((t, i) => {
        const v = r.Values?.[i];
        const at = new Date(t).getTime();
        if (v !== undefined && Number.isFinite(v)) highest.set(at, Math.max(v, highest.get(at) ?? -Infinity));
      });
    }
    return [...highest.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
  };
  return Object.fromEntries(metrics.map((name, m) => [name, points(m)])) as Record<M, LatencyPoint[]>;
}

/** A CloudWatch API error in a reason, like DMS's (errors.ts apiFailure): the call, the subject, the code and CloudWatch's words. */
function cloudWatchFailure(operation: string, subject: string, err: unknown): DmsOperationFailed {
  const code = errorCode(err) ?? 'Error';
  return new DmsOperationFailed(`CloudWatch ${operation} failed for ${subject}: ${code}: ${quote(err instanceof Error ? err.message : String(err))}`, code);
}
