import {
  DatabaseMigrationServiceClient,
  DatabaseMigrationServiceClientConfig,
  DescribeConnectionsCommand,
  DescribeConnectionsCommandOutput,
  DescribeRefreshSchemasStatusCommand,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  Filter,
  RefreshSchemasCommand,
  StopReplicationCommand,
  StopReplicationTaskCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { useSimulatedTime } from './support/simulated-time';
import { DmsEmulator, DmsEmulatorOptions } from '../tools/dms-emulator';

// The emulator's states change with time: simulated, so a loaded machine cannot outrun them.
useSimulatedTime();

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const opened: DmsEmulator[] = [];
const clients: DatabaseMigrationServiceClient[] = [];

afterEach(async () => {
  clients.splice(0).forEach(c => c.destroy());
  await Promise.all(opened.splice(0).map(e => e.close()));
});

async function startEmulator(options?: DmsEmulatorOptions): Promise<DmsEmulator> {
  const emulator = await DmsEmulator.start(options);
  opened.push(emulator);
  return emulator;
}

function clientFor(emulator: DmsEmulator, config: DatabaseMigrationServiceClientConfig = {}): DatabaseMigrationServiceClient {
  const client = new DatabaseMigrationServiceClient({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...config,
  });
  clients.push(client);
  return client;
}

/** The SDK's error for a rejected promise (fails the test if it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number; httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

/** A started emulator with one replication instance and one endpoint. */
async function refreshSetup(options?: DmsEmulatorOptions, endpoint: Parameters<DmsEmulator['addEndpoint']>[1] = {}) {
  const emulator = await startEmulator(options);
  const instanceArn = emulator.instanceArn('rep-1');
  const endpointArn = emulator.endpointArn('source-1');
  emulator.addReplicationInstance(instanceArn);
  emulator.addEndpoint(endpointArn, endpoint);
  return { emulator, client: clientFor(emulator), instanceArn, endpointArn };
}

describe('ARN helpers', () => {
  test('build realistic ARNs for the region and account', async () => {
    const emulator = await startEmulator({ region: 'eu-west-1', account: '111122223333' });
    expect(emulator.endpointArn('E1')).toBe('arn:aws:dms:eu-west-1:111122223333:endpoint:E1');
    expect(emulator.instanceArn('R1')).toBe('arn:aws:dms:eu-west-1:111122223333:rep:R1');
    expect(emulator.taskArn('T1')).toBe('arn:aws:dms:eu-west-1:111122223333:task:T1');
    expect(emulator.replicationConfigArn('C1')).toBe('arn:aws:dms:eu-west-1:111122223333:replication-config:C1');
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('RefreshSchemas and DescribeRefreshSchemasStatus', () => {
  test('a refresh is refreshing, then successful after its duration; LastRefreshDate stays the start time', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup({}, { refreshDurationMs: 600 });
    const before = Date.now();

    const started = await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    expect(started.RefreshSchemasStatus).toMatchObject({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn, Status: 'refreshing' });
    const startDate = started.RefreshSchemasStatus?.LastRefreshDate;
    expect(startDate).toBeInstanceOf(Date);
    expect(startDate!.getTime()).toBeGreaterThanOrEqual(before);
    expect(startDate!.getTime()).toBeLessThanOrEqual(Date.now());

    const during = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(during.RefreshSchemasStatus?.Status).toBe('refreshing');

    await sleep(650);
    const after = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(after.RefreshSchemasStatus).toMatchObject({ Status: 'successful', ReplicationInstanceArn: instanceArn });
    expect(after.RefreshSchemasStatus?.LastFailureMessage).toBeUndefined();
    expect(after.RefreshSchemasStatus?.LastRefreshDate?.getTime()).toBe(startDate!.getTime());
    expect(emulator.refreshStatus(endpointArn)).toEqual({ Status: 'successful', LastRefreshDate: startDate!.getTime() });
  });

  test('a failed refresh carries LastFailureMessage', async () => {
    const { client, instanceArn, endpointArn } = await refreshSetup({}, {
      refreshDurationMs: 200,
      refreshOutcome: 'failed',
      refreshFailureMessage: 'Failed to connect to database.',
    });
    await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    await sleep(250);
    const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.RefreshSchemasStatus).toMatchObject({ Status: 'failed', LastFailureMessage: 'Failed to connect to database.' });
  });

  test('the default failure message is a realistic one', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup({}, { refreshDurationMs: 100, refreshOutcome: 'failed' });
    await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    await sleep(150);
    expect(emulator.refreshStatus(endpointArn)?.LastFailureMessage).toMatch(/schema/i);
  });

  test('setRefreshBehavior applies to refreshes started afterwards only', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup({}, { refreshDurationMs: 200 });
    await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    emulator.setRefreshBehavior(endpointArn, { refreshOutcome: 'failed' });
    await sleep(250);
    expect(emulator.refreshStatus(endpointArn)?.Status).toBe('successful');

    await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    await sleep(250);
    expect(emulator.refreshStatus(endpointArn)?.Status).toBe('failed');
  });

  test('a refresh already running is InvalidResourceStateFault until it finishes', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup({}, { refreshDurationMs: 50_000 });
    // Long enough that a slow first SDK call (a loaded CI machine) still finds it running; simulated time skips the wait.
    emulator.startRefresh(endpointArn, instanceArn, 5_000);
    expect(emulator.refreshStatus(endpointArn)?.Status).toBe('refreshing');

    const error = await errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn })));
    expect(error.name).toBe('InvalidResourceStateFault');
    expect(error.message).toMatch(/already in progress/);

    await sleep(5_050);
    const ours = await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    expect(ours.RefreshSchemasStatus?.Status).toBe('refreshing');
    expect(emulator.callsTo('RefreshSchemas').map(c => c.errorCode)).toEqual(['InvalidResourceStateFault', undefined]);
  });

  test('previousRefresh: an earlier successful refresh shows with its old date', async () => {
    const { client, endpointArn } = await refreshSetup({}, { previousRefresh: { status: 'successful', ageMs: 3_600_000 } });
    const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.RefreshSchemasStatus?.Status).toBe('successful');
    const age = Date.now() - status.RefreshSchemasStatus!.LastRefreshDate!.getTime();
    expect(age).toBeGreaterThanOrEqual(3_600_000);
    expect(age).toBeLessThan(3_600_000 + 5_000);
    expect(status.RefreshSchemasStatus?.ReplicationInstanceArn).toMatch(/:rep:/);
  });

  test('previousRefresh: a failed one carries its message, a running one finishes successful after remainingMs', async () => {
    const emulator = await startEmulator();
    const instanceArn = emulator.instanceArn('rep-1');
    const failedArn = emulator.endpointArn('failed-before');
    const runningArn = emulator.endpointArn('running-before');
    emulator.addReplicationInstance(instanceArn);
    emulator.addEndpoint(failedArn, { previousRefresh: { status: 'failed', ageMs: 1000, failureMessage: 'old failure' } });
    emulator.addEndpoint(runningArn, {
      refreshOutcome: 'failed',
      previousRefresh: { status: 'refreshing', ageMs: 10_000, remainingMs: 300, replicationInstanceArn: instanceArn },
    });
    const client = clientFor(emulator);

    const failed = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: failedArn }));
    expect(failed.RefreshSchemasStatus).toMatchObject({ Status: 'failed', LastFailureMessage: 'old failure' });

    const running = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: runningArn }));
    expect(running.RefreshSchemasStatus).toMatchObject({ Status: 'refreshing', ReplicationInstanceArn: instanceArn });
    const rejected = await errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: runningArn, ReplicationInstanceArn: instanceArn })));
    expect(rejected.name).toBe('InvalidResourceStateFault');

    await sleep(350);
    expect(emulator.refreshStatus(runningArn)?.Status).toBe('successful');
  });

  test('unknown endpoint or instance is ResourceNotFoundFault', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup();
    const unknownEndpoint = emulator.endpointArn('nope');
    const unknownInstance = emulator.instanceArn('nope');

    const errors = await Promise.all([
      errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: unknownEndpoint, ReplicationInstanceArn: instanceArn }))),
      errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: unknownInstance }))),
      errorOf(client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: unknownEndpoint }))),
    ]);
    expect(errors.map(e => e.name)).toEqual(['ResourceNotFoundFault', 'ResourceNotFoundFault', 'ResourceNotFoundFault']);
    expect(errors[0].$metadata?.httpStatusCode).toBe(400);
    expect(emulator.refreshStatus(unknownEndpoint)).toBeUndefined();
  });

  test("neverRefreshed 'empty' (default) answers a status with no Status", async () => {
    const { emulator, client, endpointArn } = await refreshSetup();
    const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.RefreshSchemasStatus).toEqual({ EndpointArn: endpointArn });
    expect(emulator.refreshStatus(endpointArn)).toEqual({});
  });

  test("neverRefreshed 'not-found' answers ResourceNotFoundFault", async () => {
    const { client, endpointArn } = await refreshSetup({ neverRefreshed: 'not-found' });
    const error = await errorOf(client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn })));
    expect(error.name).toBe('ResourceNotFoundFault');
  });

  test('requireTestedConnection: refresh needs a successful test connection first', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup({ requireTestedConnection: true });
    emulator.setConnectionBehavior(endpointArn, instanceArn, { testDurationMs: 100 });

    const error = await errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn })));
    expect(error.name).toBe('InvalidResourceStateFault');
    expect(error.message).toMatch(/test connection/i);

    await client.send(new TestConnectionCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    await sleep(150);
    const started = await client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    expect(started.RefreshSchemasStatus?.Status).toBe('refreshing');
  });
});

describe('TestConnection and DescribeConnections', () => {
  const byPair = (endpointArn: string, instanceArn: string): Filter[] => [
    { Name: 'endpoint-arn', Values: [endpointArn] },
    { Name: 'replication-instance-arn', Values: [instanceArn] },
  ];

  test('a test is testing, then successful after its duration', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup();
    emulator.setConnectionBehavior(endpointArn, instanceArn, { testDurationMs: 500 });

    const started = await client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn }));
    expect(started.Connection).toEqual({
      ReplicationInstanceArn: instanceArn,
      EndpointArn: endpointArn,
      Status: 'testing',
      EndpointIdentifier: 'source-1',
      ReplicationInstanceIdentifier: 'rep-1',
    });
    const during = await client.send(new DescribeConnectionsCommand({ Filters: byPair(endpointArn, instanceArn) }));
    expect(during.Connections?.map(c => c.Status)).toEqual(['testing']);

    const again = await errorOf(client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn })));
    expect(again.name).toBe('InvalidResourceStateFault');

    await sleep(550);
    const after = await client.send(new DescribeConnectionsCommand({ Filters: byPair(endpointArn, instanceArn) }));
    expect(after.Connections?.map(c => c.Status)).toEqual(['successful']);
    expect(after.Marker).toBeUndefined();
    expect(emulator.connection(endpointArn, instanceArn)).toEqual({ Status: 'successful' });
  });

  test('a failed test carries LastFailureMessage; a later successful test clears it', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup();
    emulator.setConnectionBehavior(endpointArn, instanceArn, { testDurationMs: 100, outcome: 'failed' });
    await client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn }));
    await sleep(150);
    const failed = await client.send(new DescribeConnectionsCommand({ Filters: byPair(endpointArn, instanceArn) }));
    expect(failed.Connections?.[0].Status).toBe('failed');
    expect(failed.Connections?.[0].LastFailureMessage).toMatch(/^Test connection failed for endpoint 'source-1'.*Can't connect to database/);

    emulator.setConnectionBehavior(endpointArn, instanceArn, { outcome: 'successful' });
    await client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn }));
    await sleep(150);
    expect(emulator.connection(endpointArn, instanceArn)).toEqual({ Status: 'successful' });
  });

  test('addConnection puts a record in a state; testing finishes after remainingMs', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup();
    emulator.setConnectionBehavior(endpointArn, instanceArn, { outcome: 'failed', failureMessage: 'boom' });
    emulator.addConnection(endpointArn, instanceArn, 'testing', { remainingMs: 200 });
    const rejected = await errorOf(client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: endpointArn })));
    expect(rejected.name).toBe('InvalidResourceStateFault');
    await sleep(250);
    expect(emulator.connection(endpointArn, instanceArn)).toEqual({ Status: 'failed', LastFailureMessage: 'boom' });

    emulator.addConnection(endpointArn, instanceArn, 'deleting');
    expect(emulator.connection(endpointArn, instanceArn)?.Status).toBe('deleting');
    expect(emulator.connection(endpointArn, emulator.instanceArn('other'))).toBeUndefined();
  });

  test('unknown endpoint or instance is ResourceNotFoundFault', async () => {
    const { emulator, client, instanceArn, endpointArn } = await refreshSetup();
    const e1 = await errorOf(client.send(new TestConnectionCommand({ ReplicationInstanceArn: instanceArn, EndpointArn: emulator.endpointArn('x') })));
    const e2 = await errorOf(client.send(new TestConnectionCommand({ ReplicationInstanceArn: emulator.instanceArn('x'), EndpointArn: endpointArn })));
    expect([e1.name, e2.name]).toEqual(['ResourceNotFoundFault', 'ResourceNotFoundFault']);
  });

  async function paginationSetup(options?: DmsEmulatorOptions) {
    const setup = await refreshSetup(options);
    setup.emulator.addConnection(setup.endpointArn, setup.instanceArn, 'successful');
    setup.emulator.addFillerConnections(250);
    return setup;
  }

  async function allPages(client: DatabaseMigrationServiceClient, filters?: Filter[]): Promise<DescribeConnectionsCommandOutput[]> {
    const pages: DescribeConnectionsCommandOutput[] = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new DescribeConnectionsCommand({ Filters: filters, MaxRecords: 100, Marker: marker }));
      pages.push(page);
      marker = page.Marker;
    } while (marker);
    return pages;
  }

  test('fillers come first; the wanted record is reached only by following Marker', async () => {
    const { client, endpointArn } = await paginationSetup();
    const pages = await allPages(client);
    expect(pages.map(p => p.Connections?.length)).toEqual([100, 100, 51]);
    expect(pages[0].Connections?.some(c => c.EndpointArn === endpointArn)).toBe(false);
    expect(pages[2].Connections?.[50].EndpointArn).toBe(endpointArn);
    expect(typeof pages[0].Marker).toBe('string');
  });

  test('by default filters apply before paging', async () => {
    const { client, instanceArn, endpointArn } = await paginationSetup();
    const pages = await allPages(client, byPair(endpointArn, instanceArn));
    expect(pages).toHaveLength(1);
    expect(pages[0].Connections?.map(c => c.EndpointArn)).toEqual([endpointArn]);
  });

  test('filterAfterPaging: an empty page still carries a Marker', async () => {
    const { client, instanceArn, endpointArn } = await paginationSetup({ filterAfterPaging: true });
    const pages = await allPages(client, byPair(endpointArn, instanceArn));
    expect(pages.map(p => p.Connections?.length)).toEqual([0, 0, 1]);
    expect(pages[0].Marker).toBeDefined();
    expect(pages[2].Connections?.[0].EndpointArn).toBe(endpointArn);
    expect(pages[2].Marker).toBeUndefined();
  });

  test('identifier filters match the last ARN segment', async () => {
    const { client } = await paginationSetup();
    const page = await client.send(new DescribeConnectionsCommand({
      Filters: [{ Name: 'endpoint-identifier', Values: ['source-1'] }, { Name: 'replication-instance-identifier', Values: ['rep-1'] }],
    }));
    expect(page.Connections?.map(c => c.EndpointIdentifier)).toEqual(['source-1']);
  });

  test('MaxRecords outside 20..100 and a bad Marker are InvalidParameterValueException', async () => {
    const { client } = await paginationSetup();
    const errors = await Promise.all([
      errorOf(client.send(new DescribeConnectionsCommand({ MaxRecords: 19 }))),
      errorOf(client.send(new DescribeConnectionsCommand({ MaxRecords: 101 }))),
      errorOf(client.send(new DescribeConnectionsCommand({ Marker: 'not-a-marker' }))),
      errorOf(client.send(new DescribeConnectionsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }))),
    ]);
    expect(errors.map(e => e.name)).toEqual(Array(4).fill('InvalidParameterValueException'));
    const ok = await client.send(new DescribeConnectionsCommand({ MaxRecords: 20 }));
    expect(ok.Connections).toHaveLength(20);
  });

  test('filters that match nothing: not-found by default, or an empty list', async () => {
    const strict = await paginationSetup();
    const filters = [{ Name: 'endpoint-arn', Values: [strict.emulator.endpointArn('none')] }];
    const error = await errorOf(strict.client.send(new DescribeConnectionsCommand({ Filters: filters })));
    expect(error.name).toBe('ResourceNotFoundFault');

    const lenient = await paginationSetup({ describeNoMatch: 'empty' });
    const empty = await lenient.client.send(new DescribeConnectionsCommand({ Filters: filters }));
    expect(empty.Connections).toEqual([]);
  });
});

describe('StopReplication and DescribeReplications', () => {
  test('running goes stopping, then stopped after stopDurationMs', async () => {
    const emulator = await startEmulator();
    const configArn = emulator.replicationConfigArn('cfg-1');
    emulator.addReplication(configArn, { status: 'running', stopDurationMs: 300 });
    const client = clientFor(emulator);

    const stopped = await client.send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
    expect(stopped.Replication).toMatchObject({
      ReplicationConfigArn: configArn,
      ReplicationConfigIdentifier: 'cfg-1',
      ReplicationType: 'full-load-and-cdc',
      Status: 'stopping',
    });
    const filters = [{ Name: 'replication-config-arn', Values: [configArn] }];
    expect((await client.send(new DescribeReplicationsCommand({ Filters: filters }))).Replications?.[0].Status).toBe('stopping');

    await sleep(350);
    const after = await client.send(new DescribeReplicationsCommand({ Filters: filters }));
    expect(after.Replications?.[0]).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' });
    expect(emulator.replication(configArn)).toEqual({ Status: 'stopped' });
  });

  test('a starting replication can be stopped; neverStops stays stopping', async () => {
    const emulator = await startEmulator();
    const configArn = emulator.replicationConfigArn('cfg-1');
    emulator.addReplication(configArn, { status: 'provisioning_capacity', stopDurationMs: 100, neverStops: true });
    await clientFor(emulator).send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
    await sleep(150);
    expect(emulator.replication(configArn)).toEqual({ Status: 'stopping' });
  });

  test('not running is InvalidResourceStateFault; unknown is ResourceNotFoundFault', async () => {
    const emulator = await startEmulator();
    const configArn = emulator.replicationConfigArn('cfg-1');
    emulator.addReplication(configArn, { status: 'stopped', failureMessages: ['earlier failure'] });
    const client = clientFor(emulator);

    const notRunning = await errorOf(client.send(new StopReplicationCommand({ ReplicationConfigArn: configArn })));
    expect(notRunning.name).toBe('InvalidResourceStateFault');
    expect(notRunning.message).toMatch(/^Replication is not running/);
    const unknown = await errorOf(client.send(new StopReplicationCommand({ ReplicationConfigArn: emulator.replicationConfigArn('x') })));
    expect(unknown.name).toBe('ResourceNotFoundFault');

    const described = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [configArn] }] }));
    expect(described.Replications?.[0].FailureMessages).toEqual(['earlier failure']);
  });

  test('describeNoMatch decides what filters matching nothing answer', async () => {
    const strict = await startEmulator();
    const filters = [{ Name: 'replication-config-arn', Values: [strict.replicationConfigArn('none')] }];
    const error = await errorOf(clientFor(strict).send(new DescribeReplicationsCommand({ Filters: filters })));
    expect(error.name).toBe('ResourceNotFoundFault');

    const lenient = await startEmulator({ describeNoMatch: 'empty' });
    const empty = await clientFor(lenient).send(new DescribeReplicationsCommand({ Filters: filters }));
    expect(empty.Replications).toEqual([]);
  });
});

describe('StopReplicationTask and DescribeReplicationTasks', () => {
  test('running goes stopping, then stopped; starting can be stopped too', async () => {
    const emulator = await startEmulator();
    const running = emulator.taskArn('task-1');
    const starting = emulator.taskArn('task-2');
    emulator.addReplicationTask(running, { status: 'running', stopDurationMs: 300 });
    emulator.addReplicationTask(starting, { status: 'starting', stopDurationMs: 300, stopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
    const client = clientFor(emulator);

    const stopped = await client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: running }));
    expect(stopped.ReplicationTask).toMatchObject({ ReplicationTaskArn: running, ReplicationTaskIdentifier: 'task-1', Status: 'stopping' });
    await client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: starting }));

    await sleep(350);
    const after = await client.send(new DescribeReplicationTasksCommand({
      Filters: [{ Name: 'replication-task-arn', Values: [running, starting] }],
    }));
    expect(after.ReplicationTasks?.map(t => [t.Status, t.StopReason])).toEqual([
      ['stopped', 'Stop Reason NORMAL'],
      ['stopped', 'Stop Reason FULL_LOAD_ONLY_FINISHED'],
    ]);
  });

  test('neverStops stays stopping', async () => {
    const emulator = await startEmulator();
    const taskArn = emulator.taskArn('task-1');
    emulator.addReplicationTask(taskArn, { status: 'running', stopDurationMs: 50, neverStops: true });
    await clientFor(emulator).send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn }));
    await sleep(100);
    expect(emulator.replicationTask(taskArn)).toEqual({ Status: 'stopping' });
  });

  test('not running is InvalidResourceStateFault "…is currently not running"', async () => {
    const emulator = await startEmulator();
    const taskArn = emulator.taskArn('task-1');
    emulator.addReplicationTask(taskArn, { status: 'failed', lastFailureMessage: 'Last Error Task error notification received.' });
    const client = clientFor(emulator);

    const error = await errorOf(client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: taskArn })));
    expect(error.name).toBe('InvalidResourceStateFault');
    expect(error.message).toBe(`Replication Task ${taskArn} is currently not running`);
    const unknown = await errorOf(client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: emulator.taskArn('x') })));
    expect(unknown.name).toBe('ResourceNotFoundFault');

    const described = await client.send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }] }));
    expect(described.ReplicationTasks?.[0]).toMatchObject({ Status: 'failed', LastFailureMessage: 'Last Error Task error notification received.' });
  });

  test('describeNoMatch decides what filters matching nothing answer', async () => {
    const strict = await startEmulator();
    const filters = [{ Name: 'replication-task-arn', Values: [strict.taskArn('none')] }];
    const error = await errorOf(clientFor(strict).send(new DescribeReplicationTasksCommand({ Filters: filters })));
    expect(error.name).toBe('ResourceNotFoundFault');

    const lenient = await startEmulator({ describeNoMatch: 'empty' });
    const empty = await clientFor(lenient).send(new DescribeReplicationTasksCommand({ Filters: filters }));
    expect(empty.ReplicationTasks).toEqual([]);
  });
});

describe('fault injection and call recording', () => {
  test('throttle: with maxAttempts 1 the SDK sees ThrottlingException', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    emulator.throttle('DescribeRefreshSchemasStatus', 1);
    const client = clientFor(emulator, { maxAttempts: 1 });

    const error = await errorOf(client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn })));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.attempts).toBe(1);
    // Consumed: the next call goes through.
    await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(emulator.callsTo('DescribeRefreshSchemasStatus').map(c => c.errorCode)).toEqual(['ThrottlingException', undefined]);
  });

  test('throttle: with default retries the SDK eventually succeeds', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    emulator.throttle('DescribeRefreshSchemasStatus', 2);
    const client = clientFor(emulator);

    const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.RefreshSchemasStatus?.EndpointArn).toBe(endpointArn);
    expect(status.$metadata.attempts).toBe(3);
    const calls = emulator.callsTo('DescribeRefreshSchemasStatus');
    expect(calls.map(c => c.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException', undefined]);
    expect(calls[0].input).toEqual({ EndpointArn: endpointArn });
    expect(calls[1].at).toBeGreaterThanOrEqual(calls[0].at);
  });

  test('failNext answers the given error the given number of times, before normal handling', async () => {
    const emulator = await startEmulator();
    const client = clientFor(emulator, { maxAttempts: 1 });
    // The endpoint does not exist, yet the injected fault comes first.
    emulator.failNext('RefreshSchemas', 'KMSKeyNotAccessibleFault', 'KMS key not accessible', 2);
    const input = { EndpointArn: emulator.endpointArn('x'), ReplicationInstanceArn: emulator.instanceArn('x') };

    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await errorOf(client.send(new RefreshSchemasCommand(input))));
    expect(errors.map(e => e.name)).toEqual(['KMSKeyNotAccessibleFault', 'KMSKeyNotAccessibleFault', 'ResourceNotFoundFault']);
    expect(errors[0].message).toBe('KMS key not accessible');

    emulator.resetCalls();
    expect(emulator.calls).toEqual([]);
  });

  test('latencyMs delays every response', async () => {
    const { client, endpointArn } = await refreshSetup({ latencyMs: 200 });
    const started = Date.now();
    await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('network faults', () => {
  test('dropNext: the connection is destroyed without an answer; maxAttempts 1 sees it, the operation did not run', async () => {
    const { emulator, instanceArn, endpointArn } = await refreshSetup();
    emulator.dropNext('RefreshSchemas');
    const client = clientFor(emulator, { maxAttempts: 1 });
    const input = { EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn };

    // The SDK wraps Node's ECONNRESET "socket hang up" (a transient error: retried by default).
    const error = await errorOf(client.send(new RefreshSchemasCommand(input)));
    expect(error.message).toMatch(/socket hang up/);
    expect(error.$metadata?.attempts).toBe(1);
    expect(emulator.refreshStatus(endpointArn)).toEqual({});
    // Consumed: the next call goes through.
    await client.send(new RefreshSchemasCommand(input));
    expect(emulator.callsTo('RefreshSchemas').map(c => c.errorCode)).toEqual(['ConnectionDropped', undefined]);
    expect(emulator.calls[0].input).toEqual(input);
  });

  test('dropNext: the default retry strategy rides out a single drop', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    emulator.dropNext('DescribeRefreshSchemasStatus');
    const client = clientFor(emulator);

    const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.RefreshSchemasStatus?.EndpointArn).toBe(endpointArn);
    expect(status.$metadata.attempts).toBe(2);
    expect(emulator.callsTo('DescribeRefreshSchemasStatus').map(c => c.errorCode)).toEqual(['ConnectionDropped', undefined]);
  });

  test('faults of all kinds queue per operation, first queued first applied', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    emulator.failNext('DescribeRefreshSchemasStatus', 'ServiceUnavailable', 'Service unavailable');
    emulator.dropNext('DescribeRefreshSchemasStatus', 2);
    emulator.throttle('DescribeRefreshSchemasStatus', 1);
    const client = clientFor(emulator, { maxAttempts: 1 });
    const describe = () => client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));

    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await errorOf(describe()));
    expect(errors.map(e => (/socket hang up/.test(e.message) ? 'hang up' : e.name))).toEqual(['ServiceUnavailable', 'hang up', 'hang up', 'ThrottlingException']);
    expect(errors[0].$metadata?.httpStatusCode).toBe(503);
    await describe();
    expect(emulator.calls.map(c => c.errorCode)).toEqual(['ServiceUnavailable', 'ConnectionDropped', 'ConnectionDropped', 'ThrottlingException', undefined]);
  });

  test('delayNext: a client with a shorter request timeout gives up, yet the operation took effect', async () => {
    const { emulator, instanceArn, endpointArn } = await refreshSetup();
    emulator.delayNext('RefreshSchemas', 1_000);
    const client = clientFor(emulator, { maxAttempts: 1, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });

    const started = Date.now();
    const error = await errorOf(client.send(new RefreshSchemasCommand({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn })));
    expect(Date.now() - started).toBeLessThan(900);
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toMatch(/exceeded the configured 300 ms requestTimeout/);
    // DMS got the request: the refresh is running, and a retry of it would now be refused.
    expect(emulator.refreshStatus(endpointArn)?.Status).toBe('refreshing');
    expect(emulator.callsTo('RefreshSchemas')).toEqual([expect.objectContaining({ delayMs: 1_000 })]);
    expect(emulator.calls[0].errorCode).toBeUndefined();
  });

  test('delayNext: a delay shorter than the timeout only slows the answer; with retries a timeout is ridden out', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    const patient = clientFor(emulator, { maxAttempts: 1 });
    emulator.delayNext('DescribeRefreshSchemasStatus', 200);
    let started = Date.now();
    await patient.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    emulator.delayNext('DescribeRefreshSchemasStatus', 1_000);
    const retrying = clientFor(emulator, { maxAttempts: 3, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    started = Date.now();
    const status = await retrying.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    expect(status.$metadata.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('close() drops answers still held back at once', async () => {
    const { emulator, endpointArn } = await refreshSetup();
    emulator.delayNext('DescribeRefreshSchemasStatus', 30_000);
    const client = clientFor(emulator, { maxAttempts: 1 });
    const pending = errorOf(client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn })));
    while (emulator.calls.length === 0) await sleep(10);

    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await pending).message).toMatch(/socket hang up/);
  });
});

describe('env()', () => {
  test('a client configured from environment variables alone reaches the emulator', async () => {
    const { emulator, endpointArn } = await refreshSetup({ region: 'ap-southeast-2' });
    expect(emulator.env()).toEqual({
      AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE: emulator.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: emulator.url,
      AWS_ENDPOINT_URL_SSM: emulator.url,
      AWS_REGION: 'ap-southeast-2',
      AWS_DEFAULT_REGION: 'ap-southeast-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

    const saved = { ...process.env };
    try {
      // The SDK reads endpoint, region and credentials lazily, so the env must stay set during the call.
      for (const name of ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[name];
      Object.assign(process.env, emulator.env());
      const client = new DatabaseMigrationServiceClient({});
      clients.push(client);
      const status = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
      expect(status.RefreshSchemasStatus?.EndpointArn).toBe(endpointArn);
      expect(await client.config.region()).toBe('ap-southeast-2');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
    expect(emulator.callsTo('DescribeRefreshSchemasStatus')).toHaveLength(1);
  });
});

describe('wire format (raw HTTP)', () => {
  const post = (emulator: DmsEmulator, target: string | undefined, body: string) => fetch(emulator.url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      ...(target ? { 'X-Amz-Target': target } : {}),
    },
    body,
  });

  test('routes by X-Amz-Target and answers JSON 1.1 with epoch-seconds timestamps', async () => {
    const { emulator, instanceArn, endpointArn } = await refreshSetup();
    const before = Date.now() / 1000;
    const response = await post(emulator, 'AmazonDMSv20160101.RefreshSchemas', JSON.stringify({ EndpointArn: endpointArn, ReplicationInstanceArn: instanceArn }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = await response.json() as { RefreshSchemasStatus: { LastRefreshDate: unknown; Status: string } };
    expect(body.RefreshSchemasStatus.Status).toBe('refreshing');
    expect(typeof body.RefreshSchemasStatus.LastRefreshDate).toBe('number');
    const seconds = body.RefreshSchemasStatus.LastRefreshDate as number;
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Date.now() / 1000);
    // Seconds with a millisecond fraction, not milliseconds.
    expect(Math.round(seconds * 1000) / 1000).toBe(seconds);
  });

  test('errors are 400 with __type, message and x-amzn-errortype', async () => {
    const { emulator } = await refreshSetup();
    const cases: Array<[string | undefined, string, string]> = [
      ['AmazonDMSv20160101.DescribeEndpointTypes', '{}', 'UnknownOperationException'],
      ['SomethingElse.RefreshSchemas', '{}', 'UnknownOperationException'],
      [undefined, '{}', 'UnknownOperationException'],
      ['AmazonDMSv20160101.RefreshSchemas', '{not json', 'SerializationException'],
      ['AmazonDMSv20160101.RefreshSchemas', '{"EndpointArn": "arn:aws:dms:us-east-1:123456789012:endpoint:x"}', 'InvalidParameterValueException'],
      ['AmazonDMSv20160101.DescribeRefreshSchemasStatus', '{"EndpointArn": "arn:aws:dms:us-east-1:123456789012:endpoint:x"}', 'ResourceNotFoundFault'],
    ];
    for (const [target, body, code] of cases) {
      const response = await post(emulator, target, body);
      expect({ target, status: response.status }).toEqual({ target, status: 400 });
      expect(response.headers.get('x-amzn-errortype')).toBe(code);
      const payload = await response.json() as { __type: string; message: string };
      expect(payload.__type).toBe(code);
      expect(typeof payload.message).toBe('string');
    }
    expect(emulator.calls.map(c => c.errorCode)).toEqual(cases.map(c => c[2]));
    expect(emulator.calls[0].operation).toBe('DescribeEndpointTypes');
    expect(emulator.calls[3].input).toBeUndefined();
  });

  test('close() is idempotent and stops answering', async () => {
    const emulator = await DmsEmulator.start();
    const url = emulator.url;
    await emulator.close();
    await emulator.close();
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
