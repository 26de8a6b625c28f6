import type { CdcLatencyScenario, DmsEmulator, TableScenario } from '../../tools/dms-emulator';

const MINUTE = 60_000;
/** Latency under any test's maximum for the last 20 minutes, a data point every minute. */
const CAUGHT_UP: CdcLatencyScenario = { source: [{ fromMs: -20 * MINUTE, seconds: 2 }], target: [{ fromMs: -20 * MINUTE, seconds: 3 }] };
const done = (table: string, validationState = 'Validated'): TableScenario =>
  ({ schema: 'sales', table, phases: [{ tableState: 'Table completed', validationState }] });

/** What one cut-over scenario sets up: the replication's tables and its CDC latency. */
export interface CutoverScenario {
  readonly tables: TableScenario[];
  readonly latency?: CdcLatencyScenario;
}

/** The scenarios the handler and CLI tests share; each test gives them a replication of its own. */
export const SCENARIOS = {
  ready: { tables: [done('orders'), done('items'), done('customers', 'Not enabled')], latency: CAUGHT_UP },
  /** Ready, but CloudWatch shows a minute's data point only 3 minutes after the minute ended (DMS's docs give no delay). */
  readyPublishedLate: { tables: [done('orders')], latency: { ...CAUGHT_UP, publishDelayMs: 4 * MINUTE } },
  loading: {
    tables: [done('orders'), { schema: 'sales', table: 'items', phases: [{ tableState: 'Full load', validationState: 'Pending records', validationPendingRecords: 500 }] }],
    latency: CAUGHT_UP,
  },
  /** Loading for 2.5 s, then loaded and validated. */
  loadsThenReady: {
    tables: [done('orders'), {
      schema: 'sales',
      table: 'items',
      phases: [
        { tableState: 'Full load' },
        { atMs: 2_500, tableState: 'Table completed', validationState: 'Pending records', validationPendingRecords: 40 },
        { atMs: 4_000, tableState: 'Table completed', validationState: 'Validated' },
      ],
    }],
    latency: CAUGHT_UP,
  },
  errored: {
    tables: [done('orders'), { schema: 'sales', table: 'items', phases: [{ tableState: 'Table error', validationState: 'Table error' }] }],
    latency: CAUGHT_UP,
  },
  mismatched: {
    tables: [done('orders'), { schema: 'sales', table: 'items', phases: [{ tableState: 'Table completed', validationState: 'Mismatched records', validationFailedRecords: 3 }] }],
    latency: CAUGHT_UP,
  },
  pendingValidation: {
    tables: [done('orders'), { schema: 'sales', table: 'items', phases: [{ tableState: 'Table completed', validationState: 'Pending records', validationPendingRecords: 12 }] }],
    latency: CAUGHT_UP,
  },
  /** Validation issues only: mismatched, suspended and a table without a primary key. */
  validationIssues: {
    tables: [
      { schema: 'sales', table: 'orders', phases: [{ tableState: 'Table completed', validationState: 'Mismatched records', validationFailedRecords: 2 }] },
      { schema: 'sales', table: 'items', phases: [{ tableState: 'Table completed', validationState: 'Suspended records', validationSuspendedRecords: 7 }] },
      { schema: 'sales', table: 'audit_log', phases: [{ tableState: 'Table completed', validationState: 'No primary key' }] },
    ],
    latency: CAUGHT_UP,
  },
  /** Target latency 42 s for the last 3 minutes. */
  latencyOver: {
    tables: [done('orders')],
    latency: { source: CAUGHT_UP.source, target: [{ fromMs: -20 * MINUTE, seconds: 3 }, { fromMs: -3 * MINUTE, seconds: 42 }] },
  },
  /** Source latency idle (no data points) from 4 to 2 minutes ago. */
  latencyGap: {
    tables: [done('orders')],
    latency: {
      source: [{ fromMs: -20 * MINUTE, seconds: 1 }, { fromMs: -4 * MINUTE, seconds: null }, { fromMs: -2 * MINUTE, seconds: 1 }],
      target: CAUGHT_UP.target,
    },
  },
  /** Idle for the last 30 minutes: no data points at all, which is not zero. */
  latencyIdle: { tables: [done('orders')], latency: { source: [{ fromMs: -30 * MINUTE, seconds: null }], target: [{ fromMs: -30 * MINUTE, seconds: null }] } },
} satisfies Record<string, CutoverScenario>;

let n = 0;

/** A running replication (config or task) of its own with the scenario's tables and latency; its ARN. */
export function cutoverReplication(
  dms: DmsEmulator,
  scenario: CutoverScenario,
  kind: 'replication-config' | 'replication-task' = 'replication-config',
  options: { migrationType?: 'full-load' | 'cdc' | 'full-load-and-cdc'; status?: string; serverlessDimension?: string } = {},
): string {
  const id = `CUTOVER${++n}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const status = options.status ?? 'running';
  const arn = kind === 'replication-config' ? dms.replicationConfigArn(id) : dms.taskArn(id);
  if (kind === 'replication-config') dms.addReplication(arn, { status, migrationType: options.migrationType });
  else dms.addReplicationTask(arn, { status, migrationType: options.migrationType });
  dms.setTableStatistics(arn, scenario.tables);
  if (scenario.latency) dms.setCdcLatency(arn, { ...scenario.latency, serverlessDimension: options.serverlessDimension });
  return arn;
}
