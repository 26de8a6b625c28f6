/** The emulator's table statistics and its small CloudWatch, through the real SDK clients. */
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient, DescribeReplicationTableStatisticsCommand, DescribeTableStatisticsCommand, DescribeReplicationsCommand, DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';
import { useEmulatedDms } from './support/emulated-dms';
import { frozenSource } from '../tools/dms-emulator';

const dms = useEmulatedDms();
const MINUTE = 60_000;
const cloudWatch = () => new CloudWatchClient({ maxAttempts: 1 });
const dmsApi = () => new DatabaseMigrationServiceClient({});

describe('table statistics', () => {
  test('tables move through their phases in time; filters and MaxRecords as DMS takes them', async () => {
    const arn = dms().taskArn('TS1');
    dms().addReplicationTask(arn, { status: 'running' });
    dms().setTableStatistics(arn, [
      { schema: 'sales', table: 'orders', phases: [{ tableState: 'Full load' }, { atMs: 800, tableState: 'Table completed', validationState: 'Mismatched records', validationFailedRecords: 2 }] },
      { schema: 'billing', table: 'invoices', phases: [{ atMs: 800, tableState: 'Before load' }] },
    ]);
    const first = await dmsApi().send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn }));
    expect(first.TableStatistics?.map((t) => [t.TableName, t.TableState])).toEqual([['orders', 'Full load']]);
    await new Promise((r) => setTimeout(r, 900));
    const later = await dmsApi().send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn, Filters: [{ Name: 'schema-name', Values: ['sales'] }] }));
    expect(later.TableStatistics).toEqual([expect.objectContaining({ TableName: 'orders', TableState: 'Table completed', ValidationState: 'Mismatched records', ValidationFailedRecords: 2 })]);
    await expect(dmsApi().send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: arn, MaxRecords: 5 }))).rejects.toThrow(/MaxRecords must be between 10 and 500/);
    await expect(dmsApi().send(new DescribeTableStatisticsCommand({ ReplicationTaskArn: dms().taskArn('NONE') }))).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
  });

  test('pages, with empty pages first, carry a Marker to the last one', async () => {
    const arn = dms().replicationConfigArn('TS2');
    dms().addReplication(arn, { status: 'running' });
    dms().setTableStatistics(arn, Array.from({ length: 25 }, (_, i) => ({ schema: 's', table: `t${i}`, phases: [{ tableState: 'Table completed' }] })), { pageSize: 10, leadingEmptyPages: 2 });
    const sizes: number[] = [];
    let marker: string | undefined;
    do {
      const page = await dmsApi().send(new DescribeReplicationTableStatisticsCommand({ ReplicationConfigArn: arn, Marker: marker }));
      sizes.push(page.ReplicationTableStatistics?.length ?? 0);
      marker = page.Marker;
    } while (marker);
    expect(sizes).toEqual([0, 0, 10, 10, 5]);
  });
});

describe('CloudWatch', () => {
  test('an idle stretch has no data points (not zeros), and the future none at all', async () => {
    const arn = dms().taskArn('CW1');
    dms().setCdcLatency(arn, {
      source: [{ fromMs: -10 * MINUTE, seconds: 4 }, { fromMs: -6 * MINUTE, seconds: null }, { fromMs: -3 * MINUTE, seconds: 7 }],
      target: [{ fromMs: -10 * MINUTE, seconds: 5 }],
    });
    const now = Date.now();
    const out = await cloudWatch().send(new GetMetricDataCommand({
      StartTime: new Date(now - 10 * MINUTE),
      EndTime: new Date(now + 10 * MINUTE),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [{
        Id: 'source',
        MetricStat: {
          Metric: { Namespace: 'AWS/DMS', MetricName: 'CDCLatencySource', Dimensions: [{ Name: 'ReplicationInstanceIdentifier', Value: 'emulated-instance' }, { Name: 'ReplicationTaskIdentifier', Value: 'CW1' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      }],
    }));
    const values = out.MetricDataResults![0].Values!;
    const times = out.MetricDataResults![0].Timestamps!.map((t) => t.getTime());
    expect(values).not.toContain(0);
    expect(new Set(values)).toEqual(new Set([4, 7]));
    expect(Math.max(...times)).toBeLessThanOrEqual(now + 1000);
    // Three idle minutes leave a hole of (at least) three minutes between two data points.
    expect(Math.max(...times.slice(1).map((t, i) => t - times[i]))).toBeGreaterThanOrEqual(3 * MINUTE);
  });

  test('ListMetrics and GetMetricData page with NextToken, empty pages too; throttling answers Throttling', async () => {
    for (const id of ['CW2', 'CW3', 'CW4']) dms().setCdcLatency(dms().taskArn(id), { source: [{ fromMs: -5 * MINUTE, seconds: 1 }], target: [{ fromMs: -5 * MINUTE, seconds: 1 }] });
    dms().setMetricPaging({ metricsPerPage: 2, leadingEmptyPages: 1 });
    try {
      const pages: number[] = [];
      let token: string | undefined;
      do {
        const page = await cloudWatch().send(new ListMetricsCommand({ Namespace: 'AWS/DMS', MetricName: 'CDCLatencyTarget', Dimensions: [{ Name: 'ReplicationTaskIdentifier' }], NextToken: token }));
        pages.push(page.Metrics?.length ?? 0);
        token = page.NextToken;
      } while (token);
      expect(pages[0]).toBe(0);
      expect(pages.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    } finally {
      dms().setMetricPaging({});
    }
    dms().failNext('GetMetricData', 'Throttling', 'Rate exceeded');
    await expect(cloudWatch().send(new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: [] }))).rejects.toMatchObject({ name: 'Throttling' });
  });
});

describe('stop reasons, per kind, in DMS\'s words', () => {
  test('a task stops with StopReason and LastFailureMessage; a serverless replication with StopReason and FailureMessages', async () => {
    const task = dms().taskArn('STOP1');
    const config = dms().replicationConfigArn('STOP2');
    dms().addReplicationTask(task, { status: 'running' });
    dms().addReplication(config, { status: 'running' });
    dms().interruptReplication(task, { stopReason: 'Stop Reason FATAL_ERROR', failureMessages: ['Last Error A', 'B'] });
    dms().interruptReplication(config, { stopReason: 'Stop Reason FATAL_ERROR', status: 'failed', failureMessages: ['Last Error A', 'B'] });
    const t = (await dmsApi().send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [task] }] }))).ReplicationTasks![0];
    expect(t).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FATAL_ERROR', LastFailureMessage: 'Last Error A B' });
    const r = (await dmsApi().send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [config] }] }))).Replications![0];
    expect(r).toMatchObject({ Status: 'failed', StopReason: 'Stop Reason FATAL_ERROR', FailureMessages: ['Last Error A', 'B'] });
  });

  test('a recoverable error: stopped with its reason, then running again by itself', async () => {
    const task = dms().taskArn('STOP3');
    dms().addReplicationTask(task, { status: 'running' });
    dms().interruptReplication(task, { stopReason: 'Stop Reason RECOVERABLE_ERROR', recoversAfterMs: 500 });
    const describe = async () => (await dmsApi().send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [task] }] }))).ReplicationTasks![0];
    expect(await describe()).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason RECOVERABLE_ERROR' });
    await new Promise((r) => setTimeout(r, 600));
    const back = await describe();
    expect(back.Status).toBe('running');
    expect(back.StopReason).toBeUndefined();
  });
});

describe('a frozen source: the idle latency readings and the backlog', () => {
  const read = async (arn: string, metric: string, minutes = 20) => {
    const now = Date.now();
    const out = await cloudWatch().send(new GetMetricDataCommand({
      StartTime: new Date(now - minutes * MINUTE),
      EndTime: new Date(now),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/DMS', MetricName: metric, Dimensions: [{ Name: 'ReplicationConfigIdentifier', Value: arn.split(':').pop() }] }, Period: 60, Stat: 'Maximum' } }],
    }));
    return out.MetricDataResults![0].Values!;
  };
  const frozen = (reading: 'no-points' | 'growing' | 'heartbeat') => {
    const arn = dms().replicationConfigArn(`FROZEN${reading.replace('-', '').toUpperCase()}`);
    const idle = frozenSource(reading, 10 * MINUTE);
    dms().setCdcLatency(arn, idle.latency);
    dms().setCdcBacklog(arn, idle.backlog);
    return arn;
  };

  test('no points, a latency growing a second per second from the last commit, or a steady heartbeat value', async () => {
    const noPoints = frozen('no-points');
    expect(await read(noPoints, 'CDCLatencySource', 9)).toEqual([]);
    expect(await read(noPoints, 'CDCLatencySource', 20)).not.toEqual([]);
    const growing = await read(frozen('growing'), 'CDCLatencySource');
    expect(growing.slice(-3)).toEqual([growing.at(-3)!, growing.at(-3)! + 60, growing.at(-3)! + 120]);
    expect(growing.at(-1)!).toBeGreaterThan(8 * 60);
    expect(new Set((await read(frozen('heartbeat'), 'CDCLatencyTarget')).slice(-9))).toEqual(new Set([1]));
  });

  test('every backlog metric drains to 0 a minute after the freeze; with no data, no points at all', async () => {
    const arn = frozen('heartbeat');
    for (const metric of ['CDCIncomingChanges', 'CDCChangesMemorySource', 'CDCChangesMemoryTarget', 'CDCChangesDiskSource', 'CDCChangesDiskTarget']) {
      const values = await read(arn, metric);
      expect(values.slice(0, 3)).toEqual([25, 25, 25]);
      expect(values.slice(-8)).toEqual(Array(8).fill(0));
    }
    const silent = dms().replicationConfigArn('FROZENSILENT');
    dms().setCdcBacklog(silent, frozenSource('heartbeat', 10 * MINUTE, { backlog: 'no-points' }).backlog);
    expect((await read(silent, 'CDCIncomingChanges')).filter((v) => v === 0)).toHaveLength(0);
  });
});
