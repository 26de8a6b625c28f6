import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { callDeadline } from './call-budget';
import { BACKLOG_METRICS, BacklogMetric } from './cdc-backlog';
import { findSeriesDimensions, LATENCY_METRICS, LatencyMetric, LatencyPoint, readMetricPoints } from './cdc-latency';
import { DmsOperationFailed, formatDuration, quote } from './errors';
import { graceMs } from './grace';
import { judgeWindow, windowMinutes } from './metric-window';
import { DmsOperation, Progress } from './operation';
import { describeTarget, ReplicationState, ReplicationTarget, requireReplication, stateDetail } from './replication-state';
import { retryRead } from './retry-read';
import { classifyStop, forGoodCause, StopVerdict } from './stop-reason';
import { describeTableStatuses, TableSelection, TableStatus } from './table-statistics';
import { Attribute, NotReadyReason, NotReadyReasonValue } from '../../src/private/handler-contract';
import type { ConditionalCheckAllowance } from '../../src/private/load-error-allowance';
import { QUERY_SLACK_SECONDS } from '../../src/private/readiness-bounds';

/** CDC caught up while writes still flow: both latencies at or under their maximum over a window. */
export interface LatencyCriterion {
  readonly maxSourceLatencyMs: number;
  readonly maxTargetLatencyMs: number;
  readonly windowMs: number;
}

/** CDC drained once writes are frozen: every backlog metric (cdc-backlog.ts) at zero over a window. */
export interface DrainedCriterion {
  readonly windowMs: number;
}

/**
 * Cut-over readiness: the one home of its rules, for the construct, the CLI's
 * `wait-replication --until cutover-ready`, its `status` and `cutover` commands. Ready means:
 * - the replication runs (or recovers by itself); one that failed or stopped for good fails the wait at once;
 * - every selected table is loaded (`Table completed`; a CDC-only replication loads none, a
 *   finished full-load-only one loaded all) and none errored or is gone;
 * - validation is `Validated` on every table where it is enabled, unless waived; where it is
 *   off or waived, no full-load error rows and no more conditional-check failures than accepted;
 * - CDC (not asked of a full-load-only replication) meets every criterion given: the latency
 *   window and/or the drained backlog, each over its window ending at the freshest data point
 *   (at most 5 minutes old: CloudWatch publishes late), a data point every minute (a gap is
 *   unknown, never zero). Neither given: CDC is not judged.
 */
export interface ReadinessCriteria extends TableSelection {
  readonly latency?: LatencyCriterion;
  readonly drained?: DrainedCriterion;
  /** Accept tables whatever their validation state (validation still shows). */
  readonly waiveValidation: boolean;
  /** Full-load conditional-check failures accepted where validation is off or waived; none when unset. */
  readonly acceptedConditionalCheckFailures?: ConditionalCheckAllowance;
  /**
   * A replication stopped at its CDC stop position (`STOPPED_AT_COMMIT_TIME` /
   * `STOPPED_AT_SERVER_TIME`) replicates nothing more. 'fail' (default): stopped for good,
   * like any stop. 'judge-tables': the stop position is the proof that CDC caught up, so only
   * the tables are judged (the `cutover` command, after its own stop).
   */
  readonly atStopPosition?: 'fail' | 'judge-tables';
}

/** One thing that holds readiness back, with its code (docs/cutover.md "Readiness"). */
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

export interface BacklogReadiness {
  readonly metric: BacklogMetric;
  readonly ready: boolean;
  /** The highest count in the window, if any. */
  readonly maxChanges?: number;
  readonly dataPoints: number;
  readonly finding?: Finding;
}

/** What one look at DMS and CloudWatch found. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly replicationStatus: string;
  readonly migrationType?: string;
  /** What the status and StopReason say about whether the replication goes on (stop-reason.ts). */
  readonly stop: StopVerdict;
  /** Set when the replication failed or stopped for good: a wait fails with it at once. */
  readonly stoppedForGood?: string;
  readonly tables: TableReadiness[];
  /** False for a full-load-only replication (it has no CDC), and when CDC is proven by a stop position. */
  readonly cdcApplies: boolean;
  /** CDC applies and the latency window is asked for. */
  readonly latencyApplies: boolean;
  readonly latency: LatencyReadiness[];
  /** CDC applies and the drained criterion is asked for. */
  readonly drainedApplies: boolean;
  readonly backlog: BacklogReadiness[];
  /** Findings about the replication as a whole (no tables, not running, stopped). */
  readonly findings: Finding[];
  /** Every finding, replication, tables, latency and backlog, in that order. */
  readonly allFindings: Finding[];
}

/** DMS's validation states of a table whose validation has not finished (TableStatistics.ValidationState). */
const PENDING = new Set(['Pending records', 'Pending validation', 'Pending revalidation', 'Preparing table', 'Pending']);
const QUERY_SLACK_MS = QUERY_SLACK_SECONDS * 1000;

type Clients = { readonly dms: DatabaseMigrationServiceClient; readonly cloudWatch: CloudWatchClient };
type Series<M extends string> = Record<M, LatencyPoint[]> | 'none';

/** Reads the replication, its tables and (where CDC is judged) its metrics, and judges them. */
export async function readReadiness(
  clients: Clients,
  target: ReplicationTarget,
  criteria: ReadinessCriteria,
  now: () => number = Date.now,
): Promise<ReadinessReport> {
  const state = await requireReplication(clients.dms, target);
  const tables = await describeTableStatuses(clients.dms, target, criteria);
  await requireSchemasListed(clients.dms, target, state, criteria, tables, now());
  const cdcApplies = cdcJudged(state, criteria);
  const read = async <M extends string>(metrics: readonly M[], windowMs: number, what: string): Promise<Series<M>> => {
    const dimensions = await findSeriesDimensions(clients.cloudWatch, target, state.identifier, metrics[0]);
    const to = now();
    return dimensions.length ? readMetricPoints(clients.cloudWatch, metrics, dimensions, to - windowMs - QUERY_SLACK_MS, to, what) : 'none';
  };
  const latency = cdcApplies && criteria.latency ? await read(LATENCY_METRICS, criteria.latency.windowMs, 'CDC latency') : undefined;
  const backlog = cdcApplies && criteria.drained ? await read(BACKLOG_METRICS, criteria.drained.windowMs, 'CDC backlog') : undefined;
  return assessReadiness({ ...state, tables, latency, backlog }, criteria, now());
}

/**
 * Whether CDC is judged: not for a full-load-only replication, not for one stopped for good
 * (it fails anyway), not for one whose stop position is taken as the proof.
 */
function cdcJudged(state: Pick<ReplicationState, 'status' | 'stopReason' | 'migrationType'>, criteria: ReadinessCriteria): boolean {
  const stop = classifyStop(state);
  return state.migrationType !== 'full-load' && stop.kind !== 'for-good'
    && !(stop.kind === 'at-stop-position' && criteria.atStopPosition === 'judge-tables');
}

/**
 * `schemaNames` that match no table while the replication runs (past the read-lag grace
 * from its start, since DMS lists tables shortly after a start) fail, naming the schemas DMS
 * does report. While DMS reports no table at all, nothing is named: that is waited for.
 */
async function requireSchemasListed(
  client: DatabaseMigrationServiceClient,
  target: ReplicationTarget,
  state: ReplicationState,
  criteria: ReadinessCriteria,
  tables: readonly TableStatus[],
  now: number,
): Promise<void> {
  const wanted = criteria.schemaNames ?? [];
  if (wanted.length === 0 || state.status !== 'running') return;
  if (state.startDate !== undefined && now - state.startDate < graceMs('readLag')) return;
  const listed = new Set(tables.map((t) => t.schema));
  if (wanted.every((s) => listed.has(s))) return;
  const all = await describeTableStatuses(client, target);
  const reported = [...new Set(all.map((t) => t.schema))].sort();
  const missing = wanted.filter((s) => !reported.includes(s));
  if (reported.length === 0 || missing.length === 0) return;
  throw new DmsOperationFailed(
    `schemaNames ${missing.map((s) => JSON.stringify(s)).join(', ')} match no table of the running ${describeTarget(target)}; DMS reports tables in schema(s) ${reported.map((s) => JSON.stringify(s)).join(', ')}. Check the names (DMS matches them exactly) and the table mappings.`,
  );
}

/**
 * The rules, on what was read (pure, so tests and the CLI's table share them).
 * `latency` / `backlog`: the series, 'none' when CloudWatch lists none for the replication,
 * undefined when not judged.
 */
export function assessReadiness(
  seen: Pick<ReplicationState, 'status' | 'migrationType' | 'stopReason' | 'failureMessage'> & {
    /** The replication's full load finished (ReplicationState.fullLoadFinished). @default false */
    readonly fullLoadFinished?: boolean;
    readonly tables: readonly TableStatus[];
    readonly latency?: Series<LatencyMetric>;
    readonly backlog?: Series<BacklogMetric>;
  },
  criteria: ReadinessCriteria,
  now: number,
): ReadinessReport {
  const state = seen;
  const stop = classifyStop(state);
  const cdcApplies = cdcJudged(state, criteria);
  const findings: Finding[] = [];
  const detail = stateDetail(state);
  let stoppedForGood: string | undefined;
  if (stop.kind === 'for-good') {
    stoppedForGood = `the replication ${forGoodCause(stop, state.status)}${detail ? `: ${detail}` : ''}`;
  } else if (stop.kind === 'at-stop-position' && criteria.atStopPosition !== 'judge-tables') {
    stoppedForGood = `the replication stopped at its CDC stop position (${quote(stop.reason)}) and replicates nothing more: readiness is judged on a running replication`;
  }
  if (stoppedForGood) {findings.push({ code: NotReadyReason.REPLICATION_STOPPED, message: stoppedForGood });} else if (stop.kind === 'recovering') {
    findings.push({ code: NotReadyReason.REPLICATION_RECOVERING, message: `the replication stopped with ${detail}; DMS restarts it by itself: waiting` });
  } else if (cdcApplies && state.status !== 'running') {
    findings.push({ code: NotReadyReason.REPLICATION_NOT_RUNNING, message: `the replication is ${state.status}, not running: CDC is not replicating changes` });
  }
  if (seen.tables.length === 0) {
    findings.push({ code: NotReadyReason.NO_TABLES, message: `DMS shows no table statistics${criteria.schemaNames?.length ? ` for schema ${criteria.schemaNames.join(', ')}` : ''} yet` });
  }
  const loaded = {
    // A finished full-load-only replication loaded every table; a CDC-only one loads none.
    asked: state.migrationType !== 'cdc' && stop.kind !== 'full-load-finished',
    replicationDone: state.fullLoadFinished === true || state.migrationType === 'cdc' || stop.kind === 'full-load-finished',
  };
  const conditionalChecks = conditionalCheckFindings(seen.tables, criteria);
  const tables = seen.tables.map((t) => tableReadiness(t, loaded, criteria.waiveValidation, conditionalChecks.get(t)));
  const latency = cdcApplies && seen.latency !== undefined && criteria.latency
    ? LATENCY_METRICS.map((metric) => latencyReadiness(metric, seen.latency === 'none' ? [] : seen.latency![metric], criteria.latency!, now))
    : [];
  const backlog = cdcApplies && seen.backlog !== undefined && criteria.drained
    ? BACKLOG_METRICS.map((metric) => backlogReadiness(metric, seen.backlog === 'none' ? [] : seen.backlog![metric], criteria.drained!.windowMs, now))
    : [];
  const allFindings = [
    ...findings,
    ...tables.flatMap((t) => t.findings),
    ...latency.flatMap((l) => (l.finding ? [l.finding] : [])),
    ...backlog.flatMap((b) => (b.finding ? [b.finding] : [])),
  ];
  return {
    ready: allFindings.length === 0,
    replicationStatus: state.status,
    migrationType: state.migrationType,
    stop,
    ...(stoppedForGood ? { stoppedForGood } : {}),
    tables,
    cdcApplies,
    latencyApplies: latency.length > 0,
    latency,
    drainedApplies: backlog.length > 0,
    backlog,
    findings,
    allFindings,
  };
}

function tableReadiness(
  t: TableStatus,
  loaded: { asked: boolean; replicationDone: boolean },
  waiveValidation: boolean,
  conditionalChecks: Finding | undefined,
): TableReadiness {
  const name = `${t.schema}.${t.table}`;
  const findings: Finding[] = [];
  if (t.tableState === 'Table error') {
    findings.push({ code: NotReadyReason.TABLE_ERROR, message: `${name}: table state Table error` });
  } else if (t.tableState === 'Table cancelled') {
    findings.push({ code: NotReadyReason.TABLE_CANCELLED, message: `${name}: table state Table cancelled (its load was cancelled)` });
  } else if (t.tableState === 'Table does not exist' && (loaded.replicationDone || t.fullLoadRows > 0)) {
    findings.push({ code: NotReadyReason.TABLE_DOES_NOT_EXIST, message: `${name}: table state Table does not exist after its load (dropped or renamed on the source?); leave it out of the table mappings or recreate it` });
  } else if (loaded.asked && t.tableState !== 'Table completed') {
    findings.push({ code: NotReadyReason.LOADING, message: `${name}: not loaded yet (table state ${t.tableState})` });
  }
  const validationOff = waiveValidation || t.validationState === 'Not enabled';
  if (!waiveValidation) {
    const v = validationFinding(name, t);
    if (v) findings.push(v);
  }
  if (validationOff && t.fullLoadErrorRows > 0) {
    findings.push({ code: NotReadyReason.LOAD_ERRORS, message: `${name}: ${t.fullLoadErrorRows} row(s) failed to load (FullLoadErrorRows) and validation is ${waiveValidation ? 'waived' : 'off'}` });
  }
  if (conditionalChecks) findings.push(conditionalChecks);
  return { ...t, ready: findings.length === 0, findings };
}

/**
 * Conditional-check failures (FullLoadCondtnlChkFailedRows) where validation is off or waived:
 * a named table may have up to its accepted count; all others together up to the `*` count (0 unless given).
 */
function conditionalCheckFindings(tables: readonly TableStatus[], criteria: ReadinessCriteria): Map<TableStatus, Finding> {
  const accepted = criteria.acceptedConditionalCheckFailures ?? { perTable: {}, otherTables: 0 };
  const counted = tables.filter((t) => t.fullLoadConditionalCheckFailedRows > 0 && (criteria.waiveValidation || t.validationState === 'Not enabled'));
  const name = (t: TableStatus) => `${t.schema}.${t.table}`;
  const findings = new Map<TableStatus, Finding>();
  for (const t of counted.filter((x) => name(x) in accepted.perTable)) {
    const allowed = accepted.perTable[name(t)];
    if (t.fullLoadConditionalCheckFailedRows > allowed) {
      findings.set(t, { code: NotReadyReason.LOAD_ERRORS, message: `${name(t)}: ${t.fullLoadConditionalCheckFailedRows} conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows), ${allowed} accepted` });
    }
  }
  const others = counted.filter((x) => !(name(x) in accepted.perTable));
  const total = others.reduce((n, t) => n + t.fullLoadConditionalCheckFailedRows, 0);
  if (total > accepted.otherTables) {
    for (const t of others) {
      findings.set(t, {
        code: NotReadyReason.LOAD_ERRORS,
        message: `${name(t)}: ${t.fullLoadConditionalCheckFailedRows} conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows); ${total} across tables not named, ${accepted.otherTables} accepted`,
      });
    }
  }
  return findings;
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

function latencyReadiness(metric: LatencyMetric, points: LatencyPoint[], criterion: LatencyCriterion, now: number): LatencyReadiness {
  const maxMs = metric === 'CDCLatencySource' ? criterion.maxSourceLatencyMs : criterion.maxTargetLatencyMs;
  const maxAllowedSeconds = maxMs / 1000;
  const v = judgeWindow(points, maxAllowedSeconds, criterion.windowMs, now);
  const base = { metric, maxAllowedSeconds, maxSeconds: v.max, dataPoints: v.dataPoints };
  const window = formatDuration(criterion.windowMs);
  switch (v.problem) {
    case undefined:
      return { ...base, ready: true };
    case 'over':
      return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_OVER_THRESHOLD, message: `${metric} reached ${v.max}s in the last ${window} (at most ${maxAllowedSeconds}s allowed)` } };
    case 'no-data':
      return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_UNKNOWN, message: `${metric} has no data points in the last ${window} (DMS publishes none while the replication is idle): latency unknown` } };
    case 'gaps':
      return { ...base, ready: false, finding: { code: NotReadyReason.LATENCY_UNKNOWN, message: `${metric} has gaps in its data points over the last ${window} (${v.dataPoints} of ${windowMinutes(criterion.windowMs)} minutes${v.fresh ? '' : ', none recent'}): latency unknown for part of the window` } };
  }
}

function backlogReadiness(metric: BacklogMetric, points: LatencyPoint[], windowMs: number, now: number): BacklogReadiness {
  const v = judgeWindow(points, 0, windowMs, now);
  const base = { metric, maxChanges: v.max, dataPoints: v.dataPoints };
  const window = formatDuration(windowMs);
  switch (v.problem) {
    case undefined:
      return { ...base, ready: true };
    case 'over':
      return { ...base, ready: false, finding: { code: NotReadyReason.BACKLOG_NOT_DRAINED, message: `${metric} reached ${v.max} in the last ${window} (0 needed: changes still wait to be applied)` } };
    case 'no-data':
      return { ...base, ready: false, finding: { code: NotReadyReason.BACKLOG_UNKNOWN, message: `${metric} has no data points in the last ${window}: backlog unknown (no data is not zero)` } };
    case 'gaps':
      return { ...base, ready: false, finding: { code: NotReadyReason.BACKLOG_UNKNOWN, message: `${metric} has gaps in its data points over the last ${window} (${v.dataPoints} of ${windowMinutes(windowMs)} minutes${v.fresh ? '' : ', none recent'}): backlog unknown for part of the window` } };
  }
}

/** The report in one line for a progress detail or a reason: what holds readiness back. */
export function readinessSummary(report: ReadinessReport, maxItems = 4): string {
  if (report.ready) {
    const latency = report.latency.map((l) => `${l.metric} at most ${l.maxSeconds}s`).join(', ');
    const drained = report.drainedApplies ? 'CDC backlog at 0 for the whole window (drained; this does not prove the source\'s log was read to the end)' : '';
    return [`all ${report.tables.length} table(s) ready`, latency, drained].filter(Boolean).join('; ');
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
 * Waits until the replication is ready for cut-over. A replication that failed or stopped
 * for good (stop-reason.ts) fails the wait at once with DMS's stop reason and failure
 * messages, as does a table in `Table error` (DMS does not load it again without a reload);
 * everything else is waited for (a replication DMS restarts by itself too, its reason
 * shown), and the timeout's reason says what still held readiness back. `report`: one look, done whatever it finds (an Update during a
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
      if (mode === 'wait' && report.stoppedForGood) {
        throw new DmsOperationFailed(`Not ready for cut-over: ${report.stoppedForGood.replace(/^the replication/, `the ${describeTarget(target)}`)}`);
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
