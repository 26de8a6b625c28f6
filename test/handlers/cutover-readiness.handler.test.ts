import * as handlers from '../../lambda/cutover-readiness';
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
    const run = await create({ tables: SCENARIOS.ready.tables }, {}, 'replication-task', { migrationType: 'full-load', status: 'stopped' });
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

  test('a stopped CDC replication is not ready', async () => {
    await expect(create(SCENARIOS.ready, {}, 'replication-task', { status: 'stopped' })).rejects.toThrow(/the replication is stopped, not running/);
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
