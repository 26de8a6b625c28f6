import {
  CreateReplicationConfigCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DeleteReplicationConfigCommand,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  ModifyReplicationConfigCommand,
  ModifyReplicationTaskCommand,
  StartReplicationCommand,
  StartReplicationTaskCommand,
  StopReplicationCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { DmsEmulator, RunBehavior } from '../tools/dms-emulator';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAPPINGS = JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': 'all', 'object-locator': { 'schema-name': '%', 'table-name': '%' }, 'rule-action': 'include' }] });
const QUICK: RunBehavior = { startDurationMs: 150, fullLoadDurationMs: 150, modifyDurationMs: 150, tables: 4 };

let emulator: DmsEmulator;
let client: DatabaseMigrationServiceClient;
beforeAll(async () => {
  emulator = await DmsEmulator.start({ runBehavior: QUICK });
  client = new DatabaseMigrationServiceClient({ endpoint: emulator.url, region: emulator.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

let n = 0;
async function newConfig(type = 'full-load-and-cdc'): Promise<string> {
  const out = await client.send(new CreateReplicationConfigCommand({
    ReplicationConfigIdentifier: `cfg-${++n}`,
    ReplicationType: type as any,
    SourceEndpointArn: emulator.endpointArn('S'),
    TargetEndpointArn: emulator.endpointArn('T'),
    ComputeConfig: { MaxCapacityUnits: 4 },
    TableMappings: MAPPINGS,
  }));
  return out.ReplicationConfig!.ReplicationConfigArn!;
}
async function newTask(type = 'full-load-and-cdc'): Promise<string> {
  const out = await client.send(new CreateReplicationTaskCommand({
    ReplicationTaskIdentifier: `task-${++n}`,
    MigrationType: type as any,
    ReplicationInstanceArn: emulator.instanceArn('I'),
    SourceEndpointArn: emulator.endpointArn('S'),
    TargetEndpointArn: emulator.endpointArn('T'),
    TableMappings: MAPPINGS,
  }));
  return out.ReplicationTask!.ReplicationTaskArn!;
}
const replication = async (arn: string) =>
  (await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }))).Replications![0];
const task = async (arn: string) =>
  (await client.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }))).ReplicationTasks![0];
const start = (arn: string, type: string, extra: Record<string, unknown> = {}) =>
  client.send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: type, ...extra }));
const startTask = (arn: string, type: string) =>
  client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: type as any }));

describe('serverless replication configs', () => {
  test('CloudFormation-style create names the ARN after the identifier; a new config is created and never ran', async () => {
    const arn = await newConfig();
    expect(arn).toBe(emulator.arnForIdentifier('replication-config', `cfg-${n}`));
    expect(arn).toMatch(/:replication-config:CFG\d+$/);
    expect(await replication(arn)).toMatchObject({ Status: 'created', ReplicationType: 'full-load-and-cdc' });
  });

  test('start-replication goes through the starting phases to running, then finishes the full load and keeps running (CDC)', async () => {
    const arn = await newConfig();
    // Phases of 400 ms (starting) and 1.5 s (full load): wide enough for a loaded CI machine.
    emulator.setRunBehavior(arn, { startDurationMs: 1_200, fullLoadDurationMs: 1_500 });
    const started = await start(arn, 'start-replication');
    expect(started.Replication).toMatchObject({ Status: 'initializing', StartReplicationType: 'start-replication' });
    await sleep(600);
    expect((await replication(arn)).Status).toMatch(/provisioning_capacity|replication_starting/);
    await sleep(900);
    const running = await replication(arn);
    expect(running.Status).toBe('running');
    expect(running.ReplicationStats?.FullLoadFinishDate).toBeUndefined();
    await sleep(1_500);
    const loaded = await replication(arn);
    expect(loaded).toMatchObject({ Status: 'running', ReplicationStats: { FullLoadProgressPercent: 100, TablesLoaded: 4, TablesErrored: 0 } });
    expect(loaded.ReplicationStats?.FullLoadFinishDate).toBeInstanceOf(Date);
  });

  test('start types are refused where DMS refuses them', async () => {
    const arn = await newConfig();
    emulator.setRunBehavior(arn, { startDurationMs: 1_500 }); // still initializing at the second start, even on a loaded machine
    await start(arn, 'start-replication');
    expect((await errorOf(start(arn, 'resume-processing'))).message).toMatch(/cannot be started: it is initializing/);
    await sleep(1_600); // running: from now on it has run
    await client.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    await sleep(2_100);
    const again = await errorOf(start(arn, 'start-replication'));
    expect(again.name).toBe('InvalidResourceStateFault');
    expect(again.message).toMatch(/only valid for the first run/);
    await start(arn, 'resume-processing');

    const fullLoad = await newConfig('full-load');
    await start(fullLoad, 'start-replication');
    await sleep(400);
    expect(await replication(fullLoad)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    expect((await errorOf(start(fullLoad, 'resume-processing'))).message).toMatch(/full-load only: resume-processing is not applicable to full-load/);
    expect((await start(fullLoad, 'reload-target')).Replication?.Status).toBe('initializing');

    const both = await errorOf(start(await newConfig(), 'start-replication', { CdcStartTime: new Date(), CdcStartPosition: 'checkpoint:V1#1' }));
    expect(both.name).toBe('InvalidParameterCombinationException');
  });

  test('modify is refused while running; after a modify the config is modifying and a start is refused until it ends', async () => {
    const arn = await newConfig();
    await start(arn, 'start-replication');
    await sleep(200);
    const refused = await errorOf(client.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: MAPPINGS })));
    expect(refused.name).toBe('InvalidResourceStateFault');
    expect(refused.message).toMatch(/cannot be modified while it is running/);

    emulator.setRunBehavior(arn, { modifyDurationMs: 300 });
    await client.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    await sleep(2_100);
    await client.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: MAPPINGS }));
    expect((await replication(arn)).Status).toBe('modifying');
    expect((await errorOf(start(arn, 'resume-processing'))).message).toMatch(/is in MODIFYING state and cannot start/);
    await sleep(350);
    expect((await replication(arn)).Status).toBe('stopped');
    expect((await start(arn, 'resume-processing')).Replication?.Status).toBe('initializing');
  }, 15_000);

  test('a modify with invalid table mappings is refused even when stopped; delete is refused while running', async () => {
    const arn = await newConfig();
    const invalid = await errorOf(client.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[]}' })));
    expect(invalid.message).toMatch(/Invalid table mappings/);
    await start(arn, 'start-replication');
    expect((await errorOf(client.send(new DeleteReplicationConfigCommand({ ReplicationConfigArn: arn })))).name).toBe('InvalidResourceStateFault');
  });

  test('a start that fails ends failed with a stop reason and failure messages', async () => {
    const arn = await newConfig();
    emulator.setRunBehavior(arn, { outcome: 'fails', failureMessage: 'Failed to connect to the source database' });
    await start(arn, 'start-replication');
    await sleep(200);
    expect(await replication(arn)).toMatchObject({
      Status: 'failed',
      StopReason: 'Stop Reason FATAL_ERROR',
      FailureMessages: ['Failed to connect to the source database'],
    });
  });

  test('while capacity is deprovisioned after a stop, a start is refused', async () => {
    const arn = emulator.replicationConfigArn('DEPROV');
    emulator.addReplication(arn, { status: 'running', stopDurationMs: 50, behavior: { deprovisionMs: 1_000 } });
    await client.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    await sleep(100);
    expect(await replication(arn)).toMatchObject({ Status: 'stopped', ProvisionData: { ProvisionState: 'deprovisioning' } });
    expect((await errorOf(start(arn, 'resume-processing'))).message).toMatch(/being deprovisioned/);
    await sleep(1_000);
    expect((await start(arn, 'resume-processing')).Replication?.Status).toBe('initializing');
  });
});

describe('the readings DMS leaves open (issue 26)', () => {
  test.each(['provision-data', 'status'] as const)('deprovisioned about 48 h after a stop, %s reading: a start is refused while deprovisioning, a resume works once deprovisioned', async (reading) => {
    const arn = emulator.replicationConfigArn(`DEPROVISIONED${reading === 'status' ? 'S' : 'P'}`);
    emulator.addReplication(arn, { status: 'running', stopDurationMs: 50, behavior: { deprovisionReading: reading } });
    await client.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    await sleep(100);
    emulator.deprovision(arn, 300);
    expect(await replication(arn)).toMatchObject(reading === 'status'
      ? { Status: 'deprovisioning' }
      : { Status: 'stopped', ProvisionData: { ProvisionState: 'deprovisioning' } });
    expect((await errorOf(start(arn, 'resume-processing'))).name).toBe('InvalidResourceStateFault');
    await sleep(350);
    const rested = await replication(arn);
    expect(rested).toMatchObject(reading === 'status' ? { Status: 'deprovisioned' } : { Status: 'stopped', ProvisionData: { ProvisionState: 'deprovisioned' } });
    expect(rested?.ReplicationDeprovisionTime).toBeInstanceOf(Date);
    expect((await start(arn, 'resume-processing')).Replication?.Status).toBe('initializing');
  });

  test.each(['resumes-from-now', 'refuses-resume'] as const)('a first start that failed, %s: start-replication stays valid; a resume is refused or starts CDC from now', async (reading) => {
    const arn = await newConfig('cdc');
    emulator.setRunBehavior(arn, { outcome: 'fails', failedFirstStart: reading });
    await client.send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: 'start-replication', CdcStartTime: new Date('2026-11-01T00:00:00Z') }));
    expect(emulator.cdcStartOf(arn)?.time).toBe(Date.parse('2026-11-01T00:00:00Z'));
    await sleep(250);
    expect((await replication(arn))?.Status).toBe('failed');
    // Still valid: it never ran (the test starts it again below only in the other reading).
    emulator.setRunBehavior(arn, { outcome: 'runs' });
    if (reading === 'refuses-resume') {
      expect((await errorOf(start(arn, 'resume-processing'))).message).toMatch(/not valid before its first run; use start-replication/);
    } else {
      const before = Date.now();
      await start(arn, 'resume-processing');
      // CDC from now: every change since 2026-11-01 is skipped.
      expect(emulator.cdcStartOf(arn)?.time).toBeGreaterThanOrEqual(before - 1_000);
    }
  });

  test('start-replication is refused once a replication ran', async () => {
    const arn = await newConfig('cdc');
    await start(arn, 'start-replication');
    await sleep(250);
    await client.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    await sleep(2_100);
    expect((await errorOf(start(arn, 'start-replication'))).message).toMatch(/only valid for the first run/);
  });
});

describe('classic replication tasks', () => {
  test('a new task is ready; start-replication runs it; modify is refused while running', async () => {
    const arn = await newTask();
    expect((await task(arn)).Status).toBe('ready');
    expect((await startTask(arn, 'start-replication')).ReplicationTask?.Status).toBe('starting');
    await sleep(200);
    expect((await task(arn)).Status).toBe('running');
    const refused = await errorOf(client.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, TableMappings: MAPPINGS })));
    expect(refused.message).toMatch(/cannot be modified while it is running/);
    await client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
    await sleep(2_100);
    await client.send(new ModifyReplicationTaskCommand({ ReplicationTaskArn: arn, TableMappings: MAPPINGS }));
    expect((await task(arn)).Status).toBe('modifying');
    expect((await errorOf(startTask(arn, 'resume-processing'))).message).toMatch(/MODIFYING/);
  }, 10_000);

  test('a full-load-only task can finish before the first poll: stopped, FULL_LOAD_ONLY_FINISHED, every table loaded', async () => {
    const arn = await newTask('full-load');
    emulator.setRunBehavior(arn, { startDurationMs: 20, fullLoadDurationMs: 30, tables: 5, tablesErrored: 1 });
    await startTask(arn, 'start-replication');
    await sleep(80);
    const t = await task(arn);
    expect(t).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED', MigrationType: 'full-load' });
    expect(t.ReplicationTaskStats).toMatchObject({ FullLoadProgressPercent: 100, TablesLoaded: 4, TablesErrored: 1 });
  });

  test('a task whose start fails carries the stop reason and LastFailureMessage', async () => {
    const arn = await newTask();
    emulator.setRunBehavior(arn, { outcome: 'fails', failureStopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessage: 'Error connecting to target' });
    await startTask(arn, 'start-replication');
    await sleep(200);
    expect(await task(arn)).toMatchObject({ Status: 'failed', StopReason: 'Stop Reason RECOVERABLE_ERROR', LastFailureMessage: 'Error connecting to target' });
  });
});

describe('start dates, start lag and creating (what DMS does not document, both readings)', () => {
  const describeTask = async (arn: string) => (await client.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }))).ReplicationTasks![0];

  test('dated at the request: a failed start keeps the date of the request', async () => {
    const arn = emulator.taskArn('DATEDATREQUEST');
    emulator.addReplicationTask(arn, { status: 'ready', behavior: { outcome: 'fails', startDurationMs: 200 } });
    const before = Date.now();
    await client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' }));
    expect((await describeTask(arn)).ReplicationTaskStartDate!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    await sleep(400);
    const failed = await describeTask(arn);
    expect(failed.Status).toBe('failed');
    expect(failed.ReplicationTaskStartDate!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  test('dated once running: undated while starting, and a failed start is never dated', async () => {
    const runs = emulator.taskArn('DATEDATRUNNING');
    const fails = emulator.taskArn('NEVERDATED');
    emulator.addReplicationTask(runs, { status: 'ready', behavior: { startDateStamp: 'running', startDurationMs: 300 } });
    emulator.addReplicationTask(fails, { status: 'ready', behavior: { startDateStamp: 'running', outcome: 'fails', startDurationMs: 200 } });
    for (const arn of [runs, fails]) await client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' }));
    expect((await describeTask(runs)).ReplicationTaskStartDate).toBeUndefined();
    await sleep(500);
    expect(await describeTask(runs)).toMatchObject({ Status: 'running', ReplicationTaskStartDate: expect.any(Date) });
    const failed = await describeTask(fails);
    expect(failed.Status).toBe('failed');
    expect(failed.ReplicationTaskStartDate).toBeUndefined();
  });

  test('a Describe may lag a start: it shows the replication as it was, undated', async () => {
    const arn = emulator.replicationConfigArn('STARTLAG');
    emulator.addReplication(arn, { status: 'stopped', describeLagMs: 400 });
    const before = (await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }))).Replications![0];
    await client.send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: 'resume-processing' }));
    const lagging = (await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }))).Replications![0];
    expect(lagging).toMatchObject({ Status: 'stopped', ReplicationStats: { StartDate: before.ReplicationStats!.StartDate } });
    await sleep(500);
    const shown = (await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }))).Replications![0];
    expect(shown.Status).not.toBe('stopped');
    expect(shown.ReplicationStats!.StartDate!.getTime()).toBeGreaterThan(before.ReplicationStats!.StartDate!.getTime());
  });

  test('a task CloudFormation creates is `creating` for a while, and a start is refused meanwhile', async () => {
    const arn = emulator.arnForIdentifier('task', 'still-creating');
    emulator.setRunBehavior(arn, { createDurationMs: 300 });
    await client.send(new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: 'still-creating',
      MigrationType: 'cdc',
      ReplicationInstanceArn: emulator.instanceArn('I'),
      SourceEndpointArn: emulator.endpointArn('S'),
      TargetEndpointArn: emulator.endpointArn('T'),
      TableMappings: MAPPINGS,
    }));
    expect((await describeTask(arn)).Status).toBe('creating');
    const refused = await errorOf(client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' })));
    expect(refused).toMatchObject({ name: 'InvalidResourceStateFault', message: expect.stringContaining('CREATING state and cannot start') });
    await sleep(400);
    expect((await describeTask(arn)).Status).toBe('ready');
  });

  test('a modify of a replication that never ran ends in a replication that never ran', async () => {
    const arn = emulator.replicationConfigArn('MODIFIEDNEVERRAN');
    emulator.addReplication(arn, { status: 'created' });
    await client.send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: MAPPINGS }));
    expect(emulator.replication(arn)?.Status).toBe('modifying');
    await sleep(300);
    expect(emulator.replicationRun(arn)).toMatchObject({ Status: 'created', ReplicationStats: { StartDate: undefined } });
  });
});
