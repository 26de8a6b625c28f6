/**
 * A small CloudWatch: GetMetricData and ListMetrics over the `AWS/DMS` series a
 * scenario lays out (CDC latency of a task or a serverless replication). A series is
 * piecewise constant in time; DMS publishes one data point a minute while a
 * replication has something to report and none while it is idle, so an idle stretch
 * is a gap, never a zero. Both calls page with NextToken (with empty pages if asked).
 */
import { nowMs, toEpochSeconds } from './clock';
import { DmsError, invalidParameter } from './dms-error';
import { pageMarkers } from './page-markers';
import { optionalString, RequestInput } from './request-input';

/** CloudWatch's resolution for DMS's metrics: one data point a minute. */
export const METRIC_PERIOD_MS = 60_000;
/** ListMetrics shows metrics with a data point in the last two weeks. */
const LISTED_FOR_MS = 14 * 24 * 3600_000;

/**
 * From `fromMs` (relative to when the series was set; negative: history) the metric reads
 * `value`; null: idle, no data points. `growsPerSecond`: the value grows by that much every
 * second from the segment's start (a latency counted from the last commit on an idle source).
 */
export interface MetricSegment {
  readonly fromMs: number;
  readonly value: number | null;
  readonly growsPerSecond?: number;
}

/** How the two calls page. */
export interface MetricPaging {
  /** GetMetricData: data points per page (all queries together). @default 100800, CloudWatch's own */
  readonly datapointsPerPage?: number;
  /** ListMetrics: metrics per page. @default 500, CloudWatch's own */
  readonly metricsPerPage?: number;
  /** Both: pages with nothing on them but a NextToken, answered before the first real one. @default 0 */
  readonly leadingEmptyPages?: number;
}

interface Series {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly setAt: number;
  readonly segments: readonly MetricSegment[];
  readonly publishDelayMs: number;
}

type Dimension = { Name: string; Value?: string };

/** The CloudWatch side of the emulator. */
export class CloudWatchMetrics {
  private readonly series: Series[] = [];
  private paging: MetricPaging = {};

  setPaging(paging: MetricPaging): void {
    this.paging = paging;
  }

  /**
   * Replaces the series with this name and dimensions. `publishDelayMs`: how long after
   * its minute starts a data point shows (CloudWatch's docs give DMS's delay no number;
   * 0 shows the current minute at once).
   */
  set(namespace: string, metricName: string, dimensions: Record<string, string>, segments: readonly MetricSegment[], publishDelayMs = 0): void {
    const key = seriesKey(namespace, metricName, dimensions);
    const at = this.series.findIndex((s) => seriesKey(s.namespace, s.metricName, s.dimensions) === key);
    const sorted = [...segments].sort((a, b) => a.fromMs - b.fromMs);
    const series = { namespace, metricName, dimensions: { ...dimensions }, setAt: nowMs(), segments: sorted, publishDelayMs };
    if (at >= 0) this.series[at] = series;
    else this.series.push(series);
  }

  getMetricData(input: RequestInput): object {
    const queries = input.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0) throw invalidParameter('The parameter MetricDataQueries is required.');
    const start = epochMs(input.StartTime, 'StartTime');
    const end = epochMs(input.EndTime, 'EndTime');
    if (end <= start) throw invalidParameter('The parameter EndTime must be greater than StartTime.');
    const ascending = input.ScanBy === 'TimestampAscending';
    const results = queries.map((q: any) => {
      const stat = q?.MetricStat;
      const metric = stat?.Metric;
      if (typeof q?.Id !== 'string' || !metric || typeof metric.MetricName !== 'string') {
        throw invalidParameter('Each MetricDataQuery needs an Id and a MetricStat with a Metric (this emulator serves no Expression).');
      }
      const period = Number(stat.Period) * 1000;
      if (!(period > 0) || period % METRIC_PERIOD_MS !== 0) throw invalidParameter('The parameter MetricStat.Period must be a multiple of 60.');
      const dims = Object.fromEntries(((metric.Dimensions ?? []) as Dimension[]).map((d) => [d.Name, d.Value ?? '']));
      const key = seriesKey(metric.Namespace, metric.MetricName, dims);
      const series = this.series.find((s) => seriesKey(s.namespace, s.metricName, s.dimensions) === key);
      const points = series ? aggregate(pointsOf(series, start, end), period, String(stat.Stat)) : [];
      if (!ascending) points.reverse();
      return { id: q.Id as string, label: metric.MetricName as string, returned: q.ReturnData !== false, points };
    }).filter((r) => r.returned);

    // Pages: leading empty ones, then `datapointsPerPage` points of all queries together, query by query.
    const empties = this.paging.leadingEmptyPages ?? 0;
    const perPage = this.paging.datapointsPerPage ?? 100_800;
    const page = markers.decode(optionalString(input, 'NextToken'));
    const flat = results.flatMap((r, i) => r.points.map((p) => ({ i, p })));
    const offset = Math.max(0, page - empties) * perPage;
    const slice = page < empties ? [] : flat.slice(offset, offset + perPage);
    const more = page < empties || offset + perPage < flat.length;
    return {
      MetricDataResults: results.map((r, i) => {
        const mine = slice.filter((x) => x.i === i).map((x) => x.p);
        return {
          Id: r.id,
          Label: r.label,
          Timestamps: mine.map((p) => toEpochSeconds(p.t)),
          Values: mine.map((p) => p.v),
          StatusCode: more ? 'PartialData' : 'Complete',
        };
      }),
      ...(more ? { NextToken: markers.encode(page + 1) } : {}),
      Messages: [],
    };
  }

  listMetrics(input: RequestInput): object {
    const namespace = optionalString(input, 'Namespace');
    const metricName = optionalString(input, 'MetricName');
    const filters = (Array.isArray(input.Dimensions) ? input.Dimensions : []) as Dimension[];
    const now = nowMs();
    const matching = this.series.filter((s) => (namespace === undefined || s.namespace === namespace)
      && (metricName === undefined || s.metricName === metricName)
      && filters.every((f) => f.Name in s.dimensions && (f.Value === undefined || s.dimensions[f.Name] === f.Value))
      && pointsOf(s, now - LISTED_FOR_MS, now + 1).length > 0);
    const empties = this.paging.leadingEmptyPages ?? 0;
    const perPage = this.paging.metricsPerPage ?? 500;
    const page = markers.decode(optionalString(input, 'NextToken'));
    const offset = Math.max(0, page - empties) * perPage;
    const slice = page < empties ? [] : matching.slice(offset, offset + perPage);
    const more = page < empties || offset + perPage < matching.length;
    return {
      Metrics: slice.map((s) => ({
        Namespace: s.namespace,
        MetricName: s.metricName,
        Dimensions: Object.entries(s.dimensions).map(([Name, Value]) => ({ Name, Value })),
      })),
      ...(more ? { NextToken: markers.encode(page + 1) } : {}),
    };
  }
}

/** The series' data points in [start, end), one per minute, none in idle stretches or not published yet. */
function pointsOf(series: Series, start: number, end: number): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  const last = Math.min(end, nowMs() - series.publishDelayMs + 1);
  for (let t = Math.ceil(start / METRIC_PERIOD_MS) * METRIC_PERIOD_MS; t < last; t += METRIC_PERIOD_MS) {
    const v = valueAt(series, t - series.setAt);
    if (v !== null) out.push({ t, v });
  }
  return out;
}

function valueAt(series: Series, relativeMs: number): number | null {
  let current: MetricSegment | undefined;
  for (const s of series.segments) if (s.fromMs <= relativeMs) current = s;
  if (!current || current.value === null) return null;
  return current.value + Math.floor((relativeMs - current.fromMs) / 1000) * (current.growsPerSecond ?? 0);
}

function aggregate(points: { t: number; v: number }[], periodMs: number, stat: string): { t: number; v: number }[] {
  const buckets = new Map<number, number[]>();
  for (const p of points) {
    const t = Math.floor(p.t / periodMs) * periodMs;
    buckets.set(t, [...(buckets.get(t) ?? []), p.v]);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, vs]) => ({ t, v: statistic(vs, stat) }));
}

function statistic(values: number[], stat: string): number {
  switch (stat) {
    case 'Maximum': return Math.max(...values);
    case 'Minimum': return Math.min(...values);
    case 'Sum': return values.reduce((a, b) => a + b, 0);
    case 'SampleCount': return values.length;
    case 'Average': return values.reduce((a, b) => a + b, 0) / values.length;
    default: throw invalidParameter(`The statistic ${stat} is not served by this emulator (Maximum, Minimum, Sum, SampleCount, Average).`);
  }
}

function seriesKey(namespace: string, metricName: string, dimensions: Record<string, string>): string {
  return JSON.stringify([namespace, metricName, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);
}

function epochMs(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(`The parameter ${name} is required.`);
  return value * 1000;
}

const markers = pageMarkers('emu-metrics:', (token) => new DmsError('InvalidNextToken', `Invalid NextToken: ${token}`));
