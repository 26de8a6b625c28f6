import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { callDeadline } from './call-budget';
import { findLatencyDimensions, LATENCY_METRICS, LatencyMetric, LatencyPoint, METRIC_PERIOD_MS, readLatency } from './cdc-latency';
import { DmsOperationFailed, formatDuration, quote } from './errors';
import { DmsOperation, Progress } from './operation';
import { describeTarget, ReplicationTarget, requireReplication, stateDetail } from './replication-state';
import { retryRead } from './retry-read';
import { describeTableStatuses, TableSelection, TableStatus } from './table-statistics';
import { Attribute, NotReadyReason, NotReadyReasonValue } from '../../src/private/handler-contract';

/**
 * Cut-over readiness: the one home of its rules, for the construct, the CLI's
 * `wait-replication --until cutover-ready` and its `status` command. Ready means:
 * - every selected table is loaded (`Table completed`; a CDC-only replication loads none) and none errored;
 * - validation is `Validated` on every table where it is enabled, unless waived;
 * - CDCLatencySource and CDCLatencyTarget stayed at or under their maximum for the
 *   whole window ending at the freshest data point (at most 5 minutes old: CloudWatch
 *   publishes late), a data point every minute (DMS publishes none while idle: a gap is
 *   unknown latency, not zero). Not asked of a full-load-only replication.
 */
export interface ReadinessCriteria extends TableSelection {
  readonly maxSourceLatencyMs: number;
  readonly maxTargetLatencyMs: number;
  readonly latencyWindowMs: number;
  /** Accept tables whatever their validation state (validation still shows). */
  readonly waiveValidation: boolean;
}

/** One thing that holds readiness back, with its code (README "Cut-over readiness"). */
export interface Finding {
  readonly code: NotReadyReasonValue;
  readonly message: string;
}

export interface TableReadiness extends TableStatus {
  readonly ready: boolean;
  readonly findings: Finding[];
}

export interface LatencyReadiness {
  readonly metric: LatencyMetric;
  readonly ready: boolean;
  readonly maxAllowedSeconds: number;
  /** The highest data point in the window, if any. */
  readonly maxSeconds?: number;
  readonly dataPoints: number;
  readonly finding?: Finding;
}

/** What one look at DMS and CloudWatch found. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly replicationStatus: string;
  readonly migrationType?: string;
  readonly tables: TableReadiness[];
  /** False for a full-load-only replication: it has no CDC. */
  readonly latencyApplies: boolean;
  readonly latency: LatencyReadiness[];
  /** Findings about the replication as a whole (no tables, not running). */
  readonly findings: Finding[];
  /** Every finding, replication, tables and latency, in that order. */
  readonly allFindings: Finding[];
}

/**
 * How old the freshest data point may be (its timestamp is its minute's start). DMS's and
 * CloudWatch's docs give no publishing delay: a tolerance of one minute's end plus one would
 * never find a minute published three minutes late fresh, and so never be ready.
 */
const PUBLISH_LAG_MS = 5 * METRIC_PERIOD_MS;
/** DMS's validation states of a table whose validation has not finished (TableStatistics.ValidationState). */
const PENDING = new Set(['Pending records', 'Pending validation', 'Pending revalidation', 'Preparing table', 'Pending']);

/** Reads the replication, its tables and (unless full-load-only) its latency, and judges them. */
export async function readReadiness(
  clients: { readonly dms: DatabaseMigrationServiceClient; readonly cloudWatch: CloudWatchClient },
  target: ReplicationTarget,
  criteria: ReadinessCriteria,
  now: () => number = Date.now,
): Promise<ReadinessReport> {
  const state = await requireReplication(clients.dms, target);
  if (state.status === 'failed') {
    throw new DmsOperationFailed(`The ${describeTarget(target)} failed${stateDetail(state) ? `: ${stateDetail(state)}` : ''}`);
  }
  const tables = await describeTableStatuses(clients.dms, target, criteria);
  const latencyApplies = state.migrationType !== 'full-load';
  let series: Record<LatencyMetric, LatencyPoint[]> | undefined;
  if (latencyApplies) {
    const dimensions = await findLatencyDimensions(clients.cloudWatch, target, state.identifier);
    const to = now();
    const from = to - criteria.latencyWindowMs - PUBLISH_LAG_MS - METRIC_PERIOD_MS;
    series = dimensions.length ? await readLatency(clients.cloudWatch, dimensions, from, to) : undefined;
  }
  return assessReadiness({ status: state.status, migrationType: state.migrationType, tables, latency: latencyApplies ? series ?? 'none' : undefined }, criteria, now());
}

/**
 * The rules, on what was read (pure, so tests and the CLI's table share them).
 * `latency`: the series, 'none' when CloudWatch lists no series for the replication,
 * undefined when latency does not apply.
 */
export function assessReadiness(
  seen: {
    readonly status: string;
    readonly migrationType?: string;
    readonly tables: readonly TableStatus[];
    readonly latency: Record<LatencyMetric, LatencyPoint[]> | 'none' | undefined;
  },
  criteria: ReadinessCriteria,
  now: number,
): ReadinessReport {
  const loads = seen.migrationType !== 'cdc';
  const tables = seen.tables.map((t) => tableReadiness(t, loads, criteria.waiveValidation));
  const findings: Finding[] = [];
  if (tables.length === 0) {
    findings.push({ code: NotReadyReason.NO_TABLES, message: `DMS shows no table statistics${criteria.schemaNames?.length ? ` for schema ${criteria.schemaNames.join(', ')}` : ''} yet` });
  }
  const latencyApplies = seen.latency !== undefined;
  if (latencyApplies && seen.status !== 'running') {
    findings.push({ code: NotReadyReason.REPLICATION_NOT_RUNNING, message: `the replication is ${seen.status}, not running: CDC is not replicating changes` });
  }
  const latency = !latencyApplies ? [] : LATENCY_METRICS.map((metric) => latencyReadiness(
    metric,
    seen.latency === 'none' ? [] : seen.latency![metric],
    metric === 'CDCLatencySource' ? criteria.maxSourceLatencyMs : criteria.maxTargetLatencyMs,
    criteria.latencyWindowMs,
    now,
  ));
  const allFindings = [...findings, ...tables.flatMap((t) => t.findings), ...latency.flatMap((l) => (l.finding ? [l.finding] : []))];
  return {
    ready: allFindings.length === 0,
    replicationStatus: seen.status,
    migrationType: seen.migrationType,
    tables,
    latencyApplies,
    latency,
    findings,
    allFindings,
  };
}

function tableReadiness(t: TableStatus, loads: boolean, waiveValidation: boolean): TableReadiness {
  const name = `${t.schema}.${t.table}`;
  const findings: Finding[] = [];
  if (t.tableState === 'Table error') {
    findings.push({ code: NotReadyReason.TABLE_ERROR, message: `${name}: table state Table error` });
  } else if (t.tableState === 'Table cancelled') {
    findings.push({ code: NotReadyReason.TABLE_CANCELLED, message: `${name}: table state Table cancelled (its load was cancelled)` });
  } else if (loads && t.tableState !== 'Table completed') {
    findings.push({ code: NotReadyReason.LOADING, message: `${name}: not loaded yet (table state ${t.tableState})` });
  }
  if (!waiveValidation) {
    const v = validationFinding(name, t);
    if (v) findings.push(v);
  }
  return { ...t, ready: findings.length === 0, findings };
}

function validationFinding(name: string, t: TableStatus): Finding | undefined {
  const state = t.validationState;
  const details = t.validationStateDetails ? `; ${quote(t.validationStateDetails)}` : '';
  if (state === 'Mismatched records' || t.validationFailedRecords > 0) {
    return { code: NotReadyReason.VALIDATION_MISMATCHED, message: `${name}: validation ${state}, ${t.validationFailedRecords} failed record(s)${details}` };
  }
  if (state === 'Suspended records' || t.validationSuspendedRecords > 0) {
    return { code: NotReadyReason.VALIDATION_SUSPENDED, message: `${name}: validation ${state}, ${t.validationSuspendedRecords} suspended record(s)${details}` };
  }
  if (state === 'Validated' || state === 'Not enabled') return undefined;
  if (state === 'No primary key') {
    return { code: NotReadyReason.NO_PRIMARY_KEY, message: `${name}: validation No primary key (DMS cannot validate a table without one; waive validation to accept it)` };
  }
  if (PENDING.has(state)) {
    return { code: NotReadyReason.VALIDATION_PENDING, message: `${name}: validation ${state}, ${t.validationPendingRecords} pending record(s)` };
  }
  return { code: NotReadyReason.VALIDATION_ERROR, message: `${name}: validation ${state}${details}` };
}

/**
 * One latency metric over the window ending at its freshest minute: the freshest data point
 * no older than CloudWatch's publishing lag, one every minute back to the window's start,
 * none above the maximum.
 */
function latencyReadiness(metric: LatencyMetric, points: LatencyPoint[], maxMs: number, windowMs: number, now: number): LatencyReadiness {
  const maxAllowedSeconds = maxMs / 1000;
  const latest = points[points.length - 1];
  const fresh = latest !== undefined && latest.t >= now - PUBLISH_LAG_MS;
  const end = fresh ? latest.t : now;
  // The window's minutes end at the freshest: a 5-minute window holds 5 data points.
  const inWindow = points.filter((p) => p.t > end - windowMs);
  const maxSeconds = inWindow.length ? Math.max(...inWindow.map((p) => p.v)) : undefined;
  const base = { metric, maxAllowedSeconds, maxSeconds, dataPoints: inWindow.length };
  const window = formatDuration(windowMs);
  if (maxSeconds !== undefined && maxSeconds > maxAllowedSeconds) {
    return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_OVER_THRESHOLD, message: `${metric} reached ${maxSeconds}s in the last ${window} (at most ${maxAllowedSeconds}s allowed)` } };
  }
  if (inWindow.length === 0) {
    return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_UNKNOWN, message: `${metric} has no data points in the last ${window} (DMS publishes none while the replication is idle): latency unknown` } };
  }
  const covered = inWindow[0].t <= end - windowMs + METRIC_PERIOD_MS
    && inWindow.every((p, i) => i === 0 || p.t - inWindow[i - 1].t <= METRIC_PERIOD_MS);
  if (!fresh || !covered) {
    return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_UNKNOWN, message: `${metric} has gaps in its data points over the last ${window} (${inWindow.length} of ${Math.floor(windowMs / METRIC_PERIOD_MS)} minutes${fresh ? '' : ', none recent'}): latency unknown for part of the window` } };
  }
  return { ...base, ready: true };
}

/** The report in one line for a progress detail or a reason: what holds readiness back. */
export function readinessSummary(report: ReadinessReport, maxItems = 4): string {
  if (report.ready) {
    const latency = report.latency.map((l) => `${l.metric} at most ${l.maxSeconds}s`).join(', ');
    return `all ${report.tables.length} table(s) ready${latency ? `; ${latency}` : ''}`;
  }
  const waiting = report.tables.filter((t) => !t.ready).length;
  const shown = report.allFindings.slice(0, maxItems).map((f) => f.message);
  const more = report.allFindings.length - shown.length;
  return [
    `${waiting} of ${report.tables.length} table(s) not ready`,
    ...shown,
    ...(more > 0 ? [`and ${more} more`] : []),
  ].join('; ');
}

/** How long a one-look report retries DMS and CloudWatch faults that pass before it says 'unknown'. */
const REPORT_RETRY_MS = 30_000;

/**
 * Waits until the replication is ready for cut-over. A table in `Table error` fails the
 * wait at once (DMS does not load it again without a reload), as does a failed
 * replication; everything else is waited for, and the timeout's reason says what still
 * held readiness back. `report`: one look, done whatever it finds (an Update during a
 * rollback must never fail on readiness).
 */
export function cutoverReadiness(
  clients: { readonly dms: DatabaseMigrationServiceClient; readonly cloudWatch: CloudWatchClient },
  target: ReplicationTarget,
  criteria: ReadinessCriteria,
  mode: 'wait' | 'report' = 'wait',
): DmsOperation {
  const subject = `${describeTarget(target)} to be ready for cut-over`;
  return {
    subject,
    start: async () => ({}),
    async check(): Promise<Progress> {
      let report: ReadinessReport;
      try {
        // One look (report) retries throttling and 5xx itself, briefly: the wait's backoff is not there to.
        const read = () => readReadiness(clients, target, criteria);
        report = mode === 'report' ? await retryRead(read, Math.min(Date.now() + REPORT_RETRY_MS, (callDeadline() ?? Infinity) - 5_000)) : await read();
      } catch (err) {
        if (mode === 'report' && err instanceof DmsOperationFailed) {
          return { done: true, status: 'unknown', detail: err.message, attributes: { [Attribute.STATUS]: 'unknown' } };
        }
        throw err;
      }
      const errored = report.allFindings.filter((f) => f.code === NotReadyReason.TABLE_ERROR);
      if (mode === 'wait' && errored.length > 0) {
        throw new DmsOperationFailed(`Not ready for cut-over: ${errored.length} table(s) of the ${describeTarget(target)} errored: ${errored.slice(0, 5).map((f) => f.message).join('; ')}. Reload them (or leave them out of the table mappings) and wait again.`);
      }
      // The reasons' codes in the status: the CLI prints a line each time they change.
      const status = report.ready ? 'ready' : `not-ready (${[...new Set(report.allFindings.map((f) => f.code))].join(', ')})`;
      return { done: report.ready || mode === 'report', status, detail: readinessSummary(report), attributes: readinessAttributes(report) };
    },
  };
}

/** The few numbers a custom resource returns (its Data stays small). */
export function readinessAttributes(report: ReadinessReport): Record<string, string> {
  const latency = (m: LatencyMetric) => report.latency.find((l) => l.metric === m)?.maxSeconds;
  const source = latency('CDCLatencySource');
  const target = latency('CDCLatencyTarget');
  return {
    [Attribute.STATUS]: report.ready ? 'ready' : 'not-ready',
    [Attribute.TABLES_TOTAL]: String(report.tables.length),
    [Attribute.TABLES_READY]: String(report.tables.filter((t) => t.ready).length),
    ...(source !== undefined ? { [Attribute.MAX_CDC_LATENCY_SOURCE_SECONDS]: String(source) } : {}),
    ...(target !== undefined ? { [Attribute.MAX_CDC_LATENCY_TARGET_SECONDS]: String(target) } : {}),
  };
}
