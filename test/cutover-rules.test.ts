/** The readiness rules on what was read (lambda/dms/cutover-readiness.ts assessReadiness): edges the emulator tests do not reach. */
import { assessReadiness, BACKLOG_METRICS, BacklogMetric, classifyStop, LatencyPoint, ReadinessCriteria, TableStatus } from '../lambda/dms';

const MINUTE = 60_000;
const NOW = 1_800_000_000_000;
const criteria: ReadinessCriteria = {
  latency: { maxSourceLatencyMs: 10_000, maxTargetLatencyMs: 10_000, windowMs: 5 * MINUTE },
  waiveValidation: false,
};
const table = (tableState: string, validationState = 'Not enabled', extra: Partial<TableStatus> = {}): TableStatus => ({
  schema: 's',
  table: 't',
  tableState,
  validationState,
  validationFailedRecords: 0,
  validationPendingRecords: 0,
  validationSuspendedRecords: 0,
  fullLoadRows: 0,
  fullLoadErrorRows: 0,
  fullLoadConditionalCheckFailedRows: 0,
  inserts: 0,
  updates: 0,
  deletes: 0,
  ...extra,
});
/** A data point every minute from `fromMin` minutes ago to `toMin` minutes ago (the last minute boundary before NOW). */
const series = (fromMin: number, toMin: number, v = 1): LatencyPoint[] => {
  const last = Math.floor(NOW / MINUTE) * MINUTE;
  return Array.from({ length: fromMin - toMin + 1 }, (_, i) => ({ t: last - (fromMin - i) * MINUTE, v }));
};
const both = (points: LatencyPoint[]) => ({ CDCLatencySource: points, CDCLatencyTarget: points });
const codes = (r: ReturnType<typeof assessReadiness>) => r.allFindings.map((f) => f.code);

test('ready: loaded, validated or not enabled, five minutes of data points at or under the maximum', () => {
  const r = assessReadiness({ status: 'running', tables: [table('Table completed', 'Validated'), table('Table completed')], latency: both(series(5, 0, 10)) }, criteria, NOW);
  expect(codes(r)).toEqual([]);
  expect(r.ready).toBe(true);
});

test('a CDC-only replication loads no table: only errors and validation count', () => {
  const seen = { status: 'running', migrationType: 'cdc', tables: [table('Before load', 'Validated')], latency: both(series(5, 0)) };
  expect(assessReadiness(seen, criteria, NOW).ready).toBe(true);
  expect(codes(assessReadiness({ ...seen, migrationType: 'full-load-and-cdc' }, criteria, NOW))).toEqual(['loading']);
});

test('latency: the freshest minute may lag five minutes (CloudWatch publishes late); older than that is unknown, as is a window not covered to its start', () => {
  expect(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(series(7, 2)) }, criteria, NOW).ready).toBe(true);
  expect(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(series(10, 5)) }, criteria, NOW).ready).toBe(true);
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(series(11, 6)) }, criteria, NOW)))
    .toEqual(['latency-unknown', 'latency-unknown']);
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(series(2, 0)) }, criteria, NOW)))
    .toEqual(['latency-unknown', 'latency-unknown']);
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: 'none' }, criteria, NOW)))
    .toEqual(['latency-unknown', 'latency-unknown']);
});

test('one point over the maximum anywhere in the window; a point just outside it does not count', () => {
  const spike = (minAgo: number) => series(5, 0).map((p, i, all) => (i === all.length - 1 - minAgo ? { ...p, v: 11 } : p));
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(spike(4)) }, criteria, NOW)))
    .toEqual(['latency-over-threshold', 'latency-over-threshold']);
  expect(assessReadiness({ status: 'running', tables: [table('Table completed')], latency: both(spike(5)) }, criteria, NOW).ready).toBe(true);
});

test('a full-load-only replication: no latency, and one that finished is ready', () => {
  const r = assessReadiness({ status: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', migrationType: 'full-load', tables: [table('Table completed', 'Validated')], latency: undefined }, criteria, NOW);
  expect(r).toMatchObject({ ready: true, latencyApplies: false, latency: [] });
});

test('validation: failed records count as mismatched whatever the state says; unknown states are errors; a waiver ignores them all', () => {
  const tables = [table('Table completed', 'Validated', { validationFailedRecords: 1 }), table('Table completed', 'Pending revalidation'), table('Table completed', 'Error')];
  const seen = { status: 'running', tables, latency: both(series(5, 0)) };
  expect(codes(assessReadiness(seen, criteria, NOW))).toEqual(['validation-mismatched', 'validation-pending', 'validation-error']);
  expect(assessReadiness(seen, { ...criteria, waiveValidation: true }, NOW).ready).toBe(true);
});

test('validation that has not finished (DMS\'s pending and preparing states) is pending, not an error', () => {
  const states = ['Pending records', 'Pending validation', 'Pending revalidation', 'Preparing table'];
  const seen = { status: 'running', tables: states.map((v) => table('Table completed', v)), latency: both(series(5, 0)) };
  expect(codes(assessReadiness(seen, criteria, NOW))).toEqual(states.map(() => 'validation-pending'));
});

test('no tables, a cancelled table, a replication that is not running', () => {
  expect(codes(assessReadiness({ status: 'ready', tables: [], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['replication-not-running', 'no-tables']);
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table cancelled')], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['table-cancelled']);
});

describe('stopped replications (item 1: fail fast)', () => {
  test.each<[string, string | undefined, string]>([
    ['running', undefined, 'not-stopped'],
    ['stopping', undefined, 'not-stopped'],
    ['failed', 'Stop Reason FATAL_ERROR', 'for-good'],
    ['failed', 'Stop Reason RECOVERABLE_ERROR', 'for-good'],
    ['stopped', 'Stop Reason FATAL_ERROR', 'for-good'],
    ['stopped', 'Stop Reason NORMAL', 'for-good'],
    ['stopped', undefined, 'for-good'],
    ['stopped', 'Stop Reason STOPPED_DUE_TO_LOW_DISK', 'for-good'],
    ['stopped', 'Stop Reason STOPPED_AFTER_FULL_LOAD', 'for-good'],
    ['stopped', 'Stop Reason RECOVERABLE_ERROR', 'recovering'],
    ['stopped', 'Stop Reason RECONFIGURATION_RESTART', 'recovering'],
    ['stopped', 'Stop Reason FULL_LOAD_ONLY_FINISHED', 'full-load-finished'],
    ['stopped', 'Stop Reason STOPPED_AT_COMMIT_TIME', 'at-stop-position'],
    ['stopped', 'Stop Reason STOPPED_AT_SERVER_TIME', 'at-stop-position'],
  ])('%s with %s: %s', (status, stopReason, kind) => {
    expect(classifyStop({ status, stopReason }).kind).toBe(kind);
  });

  test('stopped for good: one finding that quotes DMS\'s stop reason and failure messages; CDC is not judged', () => {
    const r = assessReadiness({ status: 'stopped', stopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'Last Error Connection lost', tables: [table('Table completed')], latency: 'none' }, criteria, NOW);
    expect(codes(r)).toEqual(['replication-stopped']);
    expect(r.stoppedForGood).toBe('the replication stopped and DMS does not restart it by itself: stop reason: Stop Reason FATAL_ERROR; failure messages: Last Error Connection lost');
    expect(r.cdcApplies).toBe(false);
    const byUser = assessReadiness({ status: 'stopped', stopReason: 'Stop Reason NORMAL', tables: [table('Table completed')] }, criteria, NOW);
    expect(byUser.stoppedForGood).toMatch(/^the replication was stopped \(by a user or a tool\): stop reason: Stop Reason NORMAL$/);
  });

  test('a recoverable error is waited for, its reason shown', () => {
    const r = assessReadiness({ status: 'stopped', stopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessage: 'Network error', tables: [table('Table completed')], latency: both(series(5, 0)) }, criteria, NOW);
    expect(r.stoppedForGood).toBeUndefined();
    expect(codes(r)).toEqual(['replication-recovering']);
    expect(r.allFindings[0].message).toMatch(/stop reason: Stop Reason RECOVERABLE_ERROR; failure messages: Network error; DMS restarts it by itself/);
  });

  test('a stop at the CDC stop position fails readiness unless asked to judge the tables only', () => {
    const seen = { status: 'stopped', stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', tables: [table('Table completed')], latency: 'none' as const };
    expect(assessReadiness(seen, criteria, NOW).stoppedForGood).toMatch(/stopped at its CDC stop position \(Stop Reason STOPPED_AT_COMMIT_TIME\)/);
    const judged = assessReadiness(seen, { ...criteria, atStopPosition: 'judge-tables' }, NOW);
    expect(judged).toMatchObject({ ready: true, cdcApplies: false, latency: [] });
  });

  test('a finished full-load-only replication counts as all tables loaded', () => {
    const r = assessReadiness({ status: 'stopped', stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', migrationType: 'full-load', tables: [table('Before load')] }, criteria, NOW);
    expect(r.ready).toBe(true);
  });
});

describe('tables that are gone, load errors (items 4 and 5)', () => {
  test('Table does not exist after the load is named as such; before it, it is still loading', () => {
    const gone = table('Table does not exist', 'Not enabled', { fullLoadRows: 10 });
    expect(codes(assessReadiness({ status: 'running', tables: [gone], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['table-does-not-exist']);
    const afterLoad = assessReadiness({ status: 'running', fullLoadFinished: true, tables: [table('Table does not exist')], latency: both(series(5, 0)) }, criteria, NOW);
    expect(afterLoad.allFindings[0].message).toMatch(/^s\.t: table state Table does not exist after its load/);
    expect(codes(assessReadiness({ status: 'running', tables: [table('Table does not exist')], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['loading']);
  });

  test('full-load error rows block where validation is off or waived, not where it validates', () => {
    const rows = { fullLoadErrorRows: 4 };
    const seen = (t: TableStatus) => ({ status: 'running', tables: [t], latency: both(series(5, 0)) });
    expect(codes(assessReadiness(seen(table('Table completed', 'Not enabled', rows)), criteria, NOW))).toEqual(['load-errors']);
    expect(codes(assessReadiness(seen(table('Table completed', 'Validated', rows)), criteria, NOW))).toEqual([]);
    const waived = assessReadiness(seen(table('Table completed', 'Mismatched records', rows)), { ...criteria, waiveValidation: true }, NOW);
    expect(waived.allFindings.map((f) => f.message)).toEqual(['s.t: 4 row(s) failed to load (FullLoadErrorRows) and validation is waived']);
  });

  test('conditional-check failures: accepted per table, and across the tables not named', () => {
    const t = (name: string, n: number) => table('Table completed', 'Not enabled', { table: name, fullLoadConditionalCheckFailedRows: n });
    const seen = { status: 'running', tables: [t('a', 3), t('b', 2), t('c', 1)], latency: both(series(5, 0)) };
    expect(assessReadiness(seen, criteria, NOW).allFindings.map((f) => f.message)).toEqual([
      's.a: 3 conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows); 6 across tables not named, 0 accepted',
      's.b: 2 conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows); 6 across tables not named, 0 accepted',
      's.c: 1 conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows); 6 across tables not named, 0 accepted',
    ]);
    const accepted = (perTable: Record<string, number>, otherTables = 0) =>
      assessReadiness(seen, { ...criteria, acceptedConditionalCheckFailures: { perTable, otherTables } }, NOW);
    expect(accepted({ 's.a': 3 }, 3).ready).toBe(true);
    expect(accepted({ 's.a': 2 }, 3).allFindings.map((f) => f.message)).toEqual(['s.a: 3 conditional-check failure(s) in the full load (FullLoadCondtnlChkFailedRows), 2 accepted']);
    expect(codes(accepted({ 's.a': 3 }, 2))).toEqual(['load-errors', 'load-errors']);
  });
});

describe('the drained criterion (item 2)', () => {
  const drained: ReadinessCriteria = { drained: { windowMs: 5 * MINUTE }, waiveValidation: false };
  const backlog = (points: LatencyPoint[]) => Object.fromEntries(BACKLOG_METRICS.map((m) => [m, points])) as Record<BacklogMetric, LatencyPoint[]>;
  const seen = (b: ReturnType<typeof backlog> | 'none') => ({ status: 'running', tables: [table('Table completed')], backlog: b });

  test('every backlog metric at 0 for the window, a data point every minute', () => {
    expect(assessReadiness(seen(backlog(series(5, 0, 0))), drained, NOW)).toMatchObject({ ready: true, drainedApplies: true, latencyApplies: false });
  });

  test('a change still waiting anywhere in the window, no data points, or a gap: not drained', () => {
    const one = series(5, 0, 0).map((p, i) => (i === 2 ? { ...p, v: 1 } : p));
    expect(codes(assessReadiness(seen({ ...backlog(series(5, 0, 0)), CDCChangesDiskTarget: one }), drained, NOW))).toEqual(['backlog-not-drained']);
    expect(codes(assessReadiness(seen('none'), drained, NOW))).toEqual(BACKLOG_METRICS.map(() => 'backlog-unknown'));
    expect(codes(assessReadiness(seen(backlog(series(2, 0, 0))), drained, NOW))).toEqual(BACKLOG_METRICS.map(() => 'backlog-unknown'));
  });

  test('both criteria: each must hold', () => {
    const bothCriteria = { ...criteria, drained: drained.drained };
    const r = assessReadiness({ ...seen(backlog(series(5, 0, 0))), latency: both(series(5, 0, 60)) }, bothCriteria, NOW);
    expect(codes(r)).toEqual(['latency-over-threshold', 'latency-over-threshold']);
    expect(assessReadiness({ ...seen(backlog(series(5, 0, 0))), latency: both(series(5, 0, 1)) }, bothCriteria, NOW).ready).toBe(true);
  });
});
