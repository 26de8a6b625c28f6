/** The readiness rules on what was read (lambda/dms/cutover-readiness.ts assessReadiness): edges the emulator tests do not reach. */
import { assessReadiness, LatencyPoint, ReadinessCriteria, TableStatus } from '../lambda/dms';

const MINUTE = 60_000;
const NOW = 1_800_000_000_000;
const criteria: ReadinessCriteria = { maxSourceLatencyMs: 10_000, maxTargetLatencyMs: 10_000, latencyWindowMs: 5 * MINUTE, waiveValidation: false };
const table = (tableState: string, validationState = 'Not enabled', extra: Partial<TableStatus> = {}): TableStatus => ({
  schema: 's', table: 't', tableState, validationState, validationFailedRecords: 0, validationPendingRecords: 0, validationSuspendedRecords: 0, ...extra,
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

test('a full-load-only replication: no latency, and a stopped one may be ready', () => {
  const r = assessReadiness({ status: 'stopped', migrationType: 'full-load', tables: [table('Table completed', 'Validated')], latency: undefined }, criteria, NOW);
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
  expect(codes(assessReadiness({ status: 'stopped', tables: [], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['no-tables', 'replication-not-running']);
  expect(codes(assessReadiness({ status: 'running', tables: [table('Table cancelled')], latency: both(series(5, 0)) }, criteria, NOW))).toEqual(['table-cancelled']);
});
