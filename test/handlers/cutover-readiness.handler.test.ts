import { DatabaseMigrationServiceClient, StartReplicationCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/cutover-readiness';
import { frozenSource, IdleLatencyReading } from '../../tools/dms-emulator';
import { cfnEvent } from '../support/cfn-events';
import { cutoverReplication, CutoverScenario, SCENARIOS } from '../support/cutover-scenarios';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();

const props = (arn: string, extra: Record<string, string> = {}) => ({
  [arn.includes(':task:') ? 'ReplicationTaskArn' : 'ReplicationConfigArn']: arn,
  TimeoutSeconds: '4',
  PollIntervalSeconds: '1',
  MaxSourceLatencySeconds: '10',
  MaxTargetLatencySeconds: '10',
  LatencyWindowSeconds: '300',
  WaiveValidation: 'false',
  ...extra,
});
const create = (scenario: CutoverScenario, extra: Record<string, string> = {}, kind?: 'replication-config' | 'replication-task', options = {}) =>
  runHandlers(handlers, cfnEvent('Create', props(cutoverReplication(dms(), scenario, kind, options), extra)), 10);

describe('ready', () => {
  test.each(['replication-config', 'replication-task'] as const)('a %s with every table loaded and validated and CDC caught up', async (kind) => {
    const run = await create(SCENARIOS.ready, {}, kind);
    expect(run.data).toEqual({ Status: 'ready', TablesTotal: '3', TablesReady: '3', MaxCdcLatencySourceSeconds: '2', MaxCdcLatencyTargetSeconds: '3' });
  });

  test('waits while a table loads and validates, then completes', async () => {
    const run = await runHandlers(handlers, cfnEvent('Create', props(cutoverReplication(dms(), SCENARIOS.loadsThenReady), { TimeoutSeconds: '20' })), 10);
    expect(run.data?.Status).toBe('ready');
    expect(run.isCompleteCalls).toBeGreaterThan(1);
  });

  test('CloudWatch publishing a minute\'s data point minutes late is no gap: the window ends at the freshest point', async () => {
    const run = await create(SCENARIOS.readyPublishedLate);
    expect(run.data?.Status).toBe('ready');
  });

  test('a task moved to another replication instance: the series of the old instance (listed first, idle since) does not hide the current one', async () => {
    const arn = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables }, 'replication-task');
    const idleSince = (minutes: number) => [{ fromMs: -90 * 60_000, seconds: 2 }, { fromMs: -minutes * 60_000, seconds: null }];
    dms().setCdcLatency(arn, { source: idleSince(30), target: idleSince(30), instanceIdentifier: 'old-instance' });
    dms().setCdcLatency(arn, { ...SCENARIOS.ready.latency, instanceIdentifier: 'new-instance' });
    const run = await runHandlers(handlers, cfnEvent('Create', props(arn)), 10);
    expect(run.data?.Status).toBe('ready');
  });

  test('serverless metrics are found whatever dimension carries the config\'s id', async () => {
    const run = await create(SCENARIOS.ready, {}, 'replication-config', { serverlessDimension: 'SomeOtherDimension' });
    expect(run.data?.Status).toBe('ready');
  });

  test('a full-load-only replication needs no CDC latency', async () => {
    const run = await create({ tables: SCENARIOS.ready.tables }, {}, 'replication-task', { migrationType: 'full-load' });
    expect(run.data).toEqual({ Status: 'ready', TablesTotal: '3', TablesReady: '3' });
  });
});

describe('not ready: the timeout says why', () => {
  test.each([
    ['a loading table', SCENARIOS.loading, /last status: not-ready \(loading, validation-pending\); 1 of 2 table\(s\) not ready; sales\.items: not loaded yet \(table state Full load\); sales\.items: validation Pending records, 500 pending/],
    ['mismatched records', SCENARIOS.mismatched, /sales\.items: validation Mismatched records, 3 failed record\(s\)/],
    ['pending validation', SCENARIOS.pendingValidation, /sales\.items: validation Pending records, 12 pending record\(s\)/],
    ['latency over the threshold', SCENARIOS.latencyOver, /CDCLatencyTarget reached 42s in the last 5m 0s \(at most 10s allowed\)/],
    ['a gap in the latency data points', SCENARIOS.latencyGap, /CDCLatencySource has gaps in its data points over the last 5m 0s/],
    ['no latency data points at all (idle)', SCENARIOS.latencyIdle, /CDCLatencySource has no data points in the last 5m 0s \(DMS publishes none while the replication is idle\): latency unknown/],
  ])('%s', async (_, scenario, reason) => {
    await expect(create(scenario)).rejects.toThrow(reason);
  });

  test('an errored table fails at once, in DMS\'s words', async () => {
    const began = Date.now();
    await expect(create(SCENARIOS.errored, { TimeoutSeconds: '60' })).rejects.toThrow(
      /Not ready for cut-over: 1 table\(s\) of the replication config arn:\S+ errored: sales\.items: table state Table error/,
    );
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  test('a CDC replication that never ran is not ready', async () => {
    await expect(create(SCENARIOS.ready, {}, 'replication-task', { status: 'ready' })).rejects.toThrow(/the replication is ready, not running/);
  });

  test('a Table does not exist after its load is named as such, not as loading', async () => {
    const gone = { schema: 'sales', table: 'items', phases: [{ tableState: 'Table does not exist', fullLoadRows: 120 }] };
    await expect(create({ tables: [...SCENARIOS.ready.tables, gone], latency: SCENARIOS.ready.latency })).rejects.toThrow(
      /last status: not-ready \(table-does-not-exist\); 1 of 4 table\(s\) not ready; sales\.items: table state Table does not exist after its load/,
    );
  });
});

describe('a replication that stopped: fail fast in DMS\'s words, or wait for DMS to restart it', () => {
  const FATAL = 'Last Error Stream Component Fatal error. Task error notification received from subtask 0, thread 0 [reptask/replicationtask.c:2883] [1022506] Error reading the source log';
  test.each<[string, 'replication-config' | 'replication-task', { stopReason: string; status?: 'stopped' | 'failed'; failureMessages?: string[] }, RegExp]>([
    ['a task stopped by a FATAL_ERROR after it ran', 'replication-task', { stopReason: 'Stop Reason FATAL_ERROR', failureMessages: [FATAL] },
      /^Not ready for cut-over: the replication task arn:\S+ stopped and DMS does not restart it by itself: stop reason: Stop Reason FATAL_ERROR; failure messages: Last Error Stream Component Fatal error/],
    ['a serverless replication that failed', 'replication-config', { stopReason: 'Stop Reason FATAL_ERROR', status: 'failed', failureMessages: ['Connection to the target database failed', 'Task failed'] },
      /^Not ready for cut-over: the replication config arn:\S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Connection to the target database failed \| Task failed/],
    ['a task stopped by a user', 'replication-task', { stopReason: 'Stop Reason NORMAL' },
      /^Not ready for cut-over: the replication task arn:\S+ was stopped \(by a user or a tool\): stop reason: Stop Reason NORMAL/],
    ['a serverless replication stopped out of disk', 'replication-config', { stopReason: 'Stop Reason STOPPED_DUE_TO_LOW_DISK' },
      /stopped and DMS does not restart it by itself: stop reason: Stop Reason STOPPED_DUE_TO_LOW_DISK/],
    ['a task stopped at its CDC stop position', 'replication-task', { stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME' },
      /stopped at its CDC stop position \(Stop Reason STOPPED_AT_COMMIT_TIME\) and replicates nothing more/],
  ])('%s: fails within one check', async (_, kind, stop, reason) => {
    const arn = cutoverReplication(dms(), SCENARIOS.loading, kind);
    dms().interruptReplication(arn, stop);
    const began = Date.now();
    await expect(runHandlers(handlers, cfnEvent('Create', props(arn, { TimeoutSeconds: '60' })), 10)).rejects.toThrow(reason);
    expect(Date.now() - began).toBeLessThan(3_000);
  });

  test('a recoverable error is waited for, its reason shown, until DMS restarts the replication', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.ready, 'replication-task');
    dms().interruptReplication(arn, { stopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessages: ['Network error'], recoversAfterMs: 2_500 });
    await expect(runHandlers(handlers, cfnEvent('Create', props(arn, { TimeoutSeconds: '2' })), 10)).rejects.toThrow(
      /last status: not-ready \(replication-recovering\); 0 of 3 table\(s\) not ready; the replication stopped with stop reason: Stop Reason RECOVERABLE_ERROR; failure messages: Network error; DMS restarts it by itself/,
    );
    const run = await runHandlers(handlers, cfnEvent('Create', props(arn, { TimeoutSeconds: '20' })), 10);
    expect(run.data?.Status).toBe('ready');
  });

  test('a full-load-only replication that finished (FULL_LOAD_ONLY_FINISHED) is ready', async () => {
    const arn = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables }, 'replication-config', { migrationType: 'full-load' });
    dms().interruptReplication(arn, { stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    const run = await runHandlers(handlers, cfnEvent('Create', props(arn)), 10);
    expect(run.data).toMatchObject({ Status: 'ready', TablesReady: '3' });
  });
});

describe('schemaNames', () => {
  test('names that match no table of a running replication fail, naming the schemas DMS reports', async () => {
    const began = Date.now();
    await expect(create(SCENARIOS.ready, { SchemaNames: 'Sales,billing', TimeoutSeconds: '60' })).rejects.toThrow(
      /^schemaNames "Sales", "billing" match no table of the running replication config arn:\S+; DMS reports tables in schema\(s\) "sales"/,
    );
    expect(Date.now() - began).toBeLessThan(3_000);
  });

  test('within the read-lag grace after a start DMS may not list the tables yet: waited for; after it, a failure', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.ready, 'replication-config', { status: 'created' });
    await new DatabaseMigrationServiceClient({}).send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: 'start-replication' }));
    process.env.DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS = '6';
    try {
      const run = () => runHandlers(handlers, cfnEvent('Create', props(arn, { SchemaNames: 'billing', TimeoutSeconds: '3' })), 10);
      await expect(run()).rejects.toThrow(/^Timed out after 3s .*not-ready \(no-tables\)/);
      await new Promise((r) => setTimeout(r, 3_500));
      await expect(run()).rejects.toThrow(/^schemaNames "billing" match no table of the running replication config/);
    } finally {
      delete process.env.DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS;
    }
  });
});

describe('the drained criterion, once writes are frozen', () => {
  const drainedProps = { CdcCriteria: 'drained', DrainedWindowSeconds: '300', MaxSourceLatencySeconds: '', MaxTargetLatencySeconds: '', LatencyWindowSeconds: '' };
  const frozen = (reading: IdleLatencyReading, backlog: 'zero' | 'no-points' = 'zero') => {
    const arn = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables });
    const idle = frozenSource(reading, 10 * 60_000, { backlog });
    dms().setCdcLatency(arn, idle.latency);
    dms().setCdcBacklog(arn, idle.backlog);
    return arn;
  };

  test('drained: ready although latency publishes nothing while idle (where the latency window never is)', async () => {
    const arn = frozen('no-points');
    const run = await runHandlers(handlers, cfnEvent('Create', props(arn, drainedProps)), 10);
    expect(run.data).toMatchObject({ Status: 'ready', TablesReady: '3' });
    await expect(runHandlers(handlers, cfnEvent('Create', props(arn)), 10)).rejects.toThrow(/CDCLatencySource has no data points in the last 5m 0s/);
  });

  test('a backlog without data points is unknown, never zero', async () => {
    await expect(runHandlers(handlers, cfnEvent('Create', props(frozen('heartbeat', 'no-points'), drainedProps)), 10)).rejects.toThrow(
      /CDCIncomingChanges has no data points in the last 5m 0s: backlog unknown \(no data is not zero\)/,
    );
  });

  test('both criteria: the backlog drained and latency under its maximum (a heartbeat keeps it low)', async () => {
    const both = { ...props(frozen('heartbeat')), CdcCriteria: 'latency-window,drained', DrainedWindowSeconds: '300' };
    const run = await runHandlers(handlers, cfnEvent('Create', both), 10);
    expect(run.data?.Status).toBe('ready');
  });
});

describe('load errors where validation is off', () => {
  const withErrors = {
    tables: [
      { schema: 'sales', table: 'orders', phases: [{ tableState: 'Table completed', fullLoadConditionalCheckFailedRows: 2 }] },
      { schema: 'sales', table: 'items', phases: [{ tableState: 'Table completed', fullLoadErrorRows: 5 }] },
    ],
    latency: SCENARIOS.ready.latency,
  };

  test('error rows and conditional-check failures hold readiness back, naming the tables', async () => {
    await expect(create(withErrors)).rejects.toThrow(
      /not-ready \(load-errors\); 2 of 2 table\(s\) not ready; sales\.orders: 2 conditional-check failure\(s\) in the full load \(FullLoadCondtnlChkFailedRows\); 2 across tables not named, 0 accepted; sales\.items: 5 row\(s\) failed to load \(FullLoadErrorRows\) and validation is off/,
    );
  });

  test('accepted conditional-check failures pass; error rows never do', async () => {
    const accepted = { AcceptedConditionalCheckFailures: 'sales.orders=2' };
    await expect(create(withErrors, accepted)).rejects.toThrow(/not-ready \(load-errors\); 1 of 2 table\(s\) not ready; sales\.items: 5 row\(s\) failed to load/);
    const run = await create({ tables: [withErrors.tables[0]], latency: SCENARIOS.ready.latency }, accepted);
    expect(run.data?.Status).toBe('ready');
  });
});

describe('waiving validation', () => {
  test('mismatched, suspended and no-primary-key tables hold readiness back unless validation is waived', async () => {
    await expect(create(SCENARIOS.validationIssues)).rejects.toThrow(/Mismatched records, 2 failed record.*Suspended records, 7 suspended record.*No primary key/);
    const run = await create(SCENARIOS.validationIssues, { WaiveValidation: 'true' });
    expect(run.data).toMatchObject({ Status: 'ready', TablesReady: '3' });
  });
});

describe('paging, throttling and rollbacks', () => {
  test('table statistics and metrics are read across pages, empty ones too, and throttling is ridden out', async () => {
    const arn = cutoverReplication(dms(), {
      tables: Array.from({ length: 23 }, (_, i) => ({ schema: 'sales', table: `t${i}`, phases: [{ tableState: 'Table completed', validationState: 'Validated' }] })),
      latency: SCENARIOS.ready.latency,
    });
    dms().setTableStatistics(arn, Array.from({ length: 23 }, (_, i) => ({ schema: 'sales', table: `t${i}`, phases: [{ tableState: 'Table completed', validationState: 'Validated' }] })), { pageSize: 10, leadingEmptyPages: 2 });
    dms().setMetricPaging({ datapointsPerPage: 4, metricsPerPage: 1, leadingEmptyPages: 1 });
    dms().throttle('GetMetricData', 2);
    dms().throttle('DescribeReplicationTableStatistics', 1);
    try {
      const run = await runHandlers(handlers, cfnEvent('Create', props(arn, { TimeoutSeconds: '20' })), 10);
      expect(run.data).toMatchObject({ Status: 'ready', TablesTotal: '23', TablesReady: '23' });
      expect(dms().callsTo('DescribeReplicationTableStatistics').filter((c) => c.input.ReplicationConfigArn === arn).length).toBeGreaterThanOrEqual(5);
    } finally {
      dms().setMetricPaging({});
    }
  });

  test('an Update that changed only the timing looks once and succeeds, ready or not', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.loading);
    const run = await runHandlers(handlers, cfnEvent('Update', props(arn, { TimeoutSeconds: '5' }), { oldProperties: props(arn), physicalId: arn }), 3);
    expect(run.data).toMatchObject({ Status: 'not-ready', TablesReady: '1' });
  });

  test('Delete makes no call', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.loading);
    dms().resetCalls();
    await runHandlers(handlers, cfnEvent('Delete', props(arn), { physicalId: arn }), 3);
    expect(dms().calls).toHaveLength(0);
  });
});
