/**
 * DmsReplicationRun on the paths where something goes wrong (issue 20), end to end on the
 * BUNDLED handler assets: the driver's CloudFormation creates, modifies and deletes the
 * replication config and task through the DMS emulator, cancels creates, rolls back, and
 * throttles. Each test names the issue's case and checks the replication's final state
 * and the stack's final status.
 */
import { DatabaseMigrationServiceClient, StartReplicationCommand, StartReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { Duration, Stack } from 'aws-cdk-lib';
import * as dmsL1 from 'aws-cdk-lib/aws-dms';
import { DmsConnectionTest, DmsReplicationRun, ReplicationDesiredState, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver, ProgressEvent, StackOperationResult } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig, replicationTask } from '../support/replication-stack';
import { RUN_SUITE_GRACES } from '../support/short-graces';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 800, fullLoadDurationMs: 1_000, modifyDurationMs: 800, tables: 6 } });

const ENV = RUN_SUITE_GRACES;

interface Shape {
  readonly schema?: string;
  readonly withRun?: boolean;
  readonly failAfter?: boolean;
  readonly waitFor?: ReplicationWaitFor;
  readonly reloadTrigger?: string;
  readonly timeout?: Duration;
  readonly cdcStartTime?: string;
  readonly desiredState?: ReplicationDesiredState;
}

let n = 0;
/** A stack with a serverless config and a classic task, each with a DmsReplicationRun (unless withRun is false). */
function app(name: string, shape: Shape = {}) {
  return synthStack((stack: Stack) => {
    const config = replicationConfig(stack, name, shape.schema ?? 'sales');
    const task = replicationTask(stack, name, shape.schema ?? 'sales');
    if (shape.withRun === false) return;
    const options = {
      waitFor: shape.waitFor ?? ReplicationWaitFor.RUNNING,
      pollInterval: Duration.seconds(1),
      reloadTrigger: shape.reloadTrigger,
      timeout: shape.timeout,
      cdcStartTime: shape.cdcStartTime,
      desiredState: shape.desiredState,
    };
    const runs = [
      DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, options),
      DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, options),
    ];
    if (shape.failAfter) {
      // A connection test of an endpoint DMS does not know: fails, after the runs.
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN })
        .node.addDependency(...runs);
    }
  }, name);
}

function driverFor(name: string, shape: Shape, onProgress?: (e: ProgressEvent) => void) {
  return new LifecycleDriver({
    assemblyDir: app(name, shape).assemblyDir,
    stackName: name,
    env: { ...dms().env(), ...ENV },
    resourceTypes: dmsResourceTypes(dms()),
    onProgress,
  });
}

async function deployed(shape: Shape = {}) {
  const name = `Fail${++n}`;
  const driver = driverFor(name, shape);
  const created = await driver.deploy();
  return { name, driver, created, configArn: driver.resources.get('Config')?.physicalId ?? '', taskArn: driver.resources.get('Task')?.physicalId ?? '' };
}

const status = (arn: string) => dms().replicationRun(arn)?.Status;
const callsOn = (arn: string) => dms().calls
  .filter((c) => (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn && !c.operation.startsWith('Describe'))
  .map((c) => `${c.operation}${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType ? `(${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType})` : ''}${c.errorCode ? `!${c.errorCode}` : ''}`);
const outcome = (r: StackOperationResult) => ({ status: r.status, failures: r.failures.map((f) => `${f.logicalId.replace(/[0-9A-F]{8}$/, '')}: ${f.reason.split('\n')[0]}`) });

test('case 1: an update adds a run to a replication already running, and rolls back: the replication keeps running', async () => {
  const { name, driver, configArn, taskArn } = await deployed({ withRun: false });
  // Started by hand before the stack took it over.
  await startByHand(configArn);
  await startByHand(taskArn);
  dms().resetCalls();
  const updated = await driver.update(app(name, { failAfter: true }).assemblyDir);
  // The runs' Deletes in the rollback's cleanup say why they leave it running.
  const skipped = driver.handlerLogs.filter((l) => l.json?.requestType === 'Delete' && /^Run(Config|Task)[0-9A-F]{8}$/.test(String(l.json.logicalId))).map((l) => l.json?.skipped);
  expect(skipped).toEqual(Array(2).fill('this run\'s create found the replication running and started nothing: leaving it running'));
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  expect([...callsOn(configArn), ...callsOn(taskArn)]).toEqual([]);
}, 120_000);

test('case 1, desired state stopped: an update adds a STOPPED run to a replication already running, and rolls back: it runs again', async () => {
  const { name, driver, configArn, taskArn } = await deployed({ withRun: false });
  await startByHand(configArn);
  await startByHand(taskArn);
  dms().resetCalls();
  const updated = await driver.update(app(name, { failAfter: true, desiredState: ReplicationDesiredState.STOPPED }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  // The runs' creates stopped them (as asked); their Deletes in the rollback's cleanup undo that.
  expect(callsOn(configArn)).toEqual(['StopReplication', 'StartReplication(resume-processing)']);
  expect(callsOn(taskArn)).toEqual(['StopReplicationTask', 'StartReplicationTask(resume-processing)']);
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
}, 120_000);

test('case 2: a reload that outlasts its wait, then a rollback: the rollback resumes nothing twice, waits for no load, and completes', async () => {
  const { name, driver, configArn, taskArn } = await deployed({ waitFor: ReplicationWaitFor.FULL_LOAD_FINISHED, reloadTrigger: '1', timeout: Duration.seconds(20) });
  for (const arn of [configArn, taskArn]) dms().setRunBehavior(arn, { fullLoadDurationMs: 120_000 });
  dms().resetCalls();
  const updated = await driver.update(app(name, { waitFor: ReplicationWaitFor.FULL_LOAD_FINISHED, reloadTrigger: '2', timeout: Duration.seconds(20) }).assemblyDir);
  expect(outcome(updated)).toEqual({ status: 'UPDATE_ROLLBACK_COMPLETE', failures: [expect.stringMatching(/^RunConfig.*: Timed out after \d+s waiting for the replication config \S+ to finish its full load/)] });
  // Reloaded once by the update; the rollback found it running (loading) and left it so.
  expect(callsOn(configArn)).toEqual(['StopReplication', 'StartReplication(reload-target)']);
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
}, 180_000);

test('case 3: a start that fails (DMS never dates it) fails the create with DMS\'s stop reason and message, and is started once', async () => {
  const name = `Fail${n + 1}`;
  dms().setRunBehavior(dms().arnForIdentifier('task', `${name}-task`), {
    startDateStamp: 'running', startDurationMs: 3_500, outcome: 'fails', failureStopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'ORA-01017: invalid username/password; logon denied',
  });
  const { created, taskArn } = await deployed();
  expect(created.status).toBe('CREATE_FAILED');
  expect(outcome(created).failures).toContainEqual(expect.stringMatching(/^RunTask.*: The replication task \S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: ORA-01017: invalid username\/password; logon denied$/));
  expect(callsOn(taskArn)).toEqual(['StartReplicationTask(start-replication)']);
  expect(status(taskArn)).toBe('failed');
}, 120_000);

test('case 3: a resume that fails after an update fails the update with DMS\'s words; the rollback resumes it once (issue 26 item 1), and its failure is reported', async () => {
  const { name, driver, configArn } = await deployed();
  dms().setRunBehavior(configArn, { startDateStamp: 'running', startDurationMs: 3_500, outcome: 'fails', failureStopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessage: 'Source endpoint unreachable' });
  dms().resetCalls();
  const updated = await driver.update(app(name, { schema: 'billing' }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const reason = /The replication config \S+ failed: stop reason: Stop Reason RECOVERABLE_ERROR; failure messages: Source endpoint unreachable/;
  expect(outcome(updated).failures[0]).toMatch(new RegExp(`^RunConfig: ${reason.source}`));
  // The guard's rollback cleanup, which checks until the replication runs, reports it: visible in the events.
  expect(updated.events.find((e) => e.logicalId.startsWith('RunConfigGuard') && e.status === 'DELETE_FAILED')?.reason).toMatch(reason);
  // The forward resume, and the rollback's one resume (the state before the update was running).
  expect(callsOn(configArn).filter((c) => c.startsWith('StartReplication('))).toEqual(['StartReplication(resume-processing)', 'StartReplication(resume-processing)']);
  expect(status(configArn)).toBe('failed');
}, 180_000);

test('case 4: the restart after a rollback that DMS refuses is reported where it happens; the rollback completes', async () => {
  const { name, driver, configArn } = await deployed();
  dms().resetCalls();
  dms().failNext('StartReplication', 'InvalidResourceStateFault', 'Replication config cannot be started: source endpoint is being modified', 1_000);
  try {
    // DMS refuses the config's new table mappings (an empty rule list), so the run gets no update; the guard's cleanup restarts it.
    const updated = await driver.update(synthEmptyRules(name));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const guardDelete = updated.events.find((e) => e.logicalId.startsWith('RunConfigGuard') && e.status === 'DELETE_FAILED');
    expect(guardDelete?.reason).toMatch(/^DMS StartReplication refused for replication config \S+: Replication config cannot be started: source endpoint is being modified \(still refused after \d+ s\)/);
    expect(status(configArn)).toBe('stopped');
  } finally {
    dms().clearFaults('StartReplication');
  }
}, 180_000);

test('case 5: a create cancelled while the run waits for DMS to rest starts nothing, and the rollback deletes everything', async () => {
  const name = `Fail${++n}`;
  for (const kind of ['task', 'replication-config'] as const) {
    dms().setRunBehavior(dms().arnForIdentifier(kind, `${name}-${kind === 'task' ? 'task' : 'config'}`), { createDurationMs: 6_000 });
  }
  const driver = driverFor(name, {});
  const created = await driver.deploy({ cancelAfterMs: 2_000 });
  await driver.settle();
  expect(created.status).toBe('ROLLBACK_COMPLETE');
  const configArn = dms().arnForIdentifier('replication-config', `${name}-config`);
  const taskArn = dms().arnForIdentifier('task', `${name}-task`);
  expect([...callsOn(configArn), ...callsOn(taskArn)].filter((c) => c.startsWith('Start'))).toEqual([]);
  expect([status(configArn), status(taskArn)]).toEqual([undefined, undefined]);
  // The cancelled create's Delete carried a physical id CloudFormation made up.
  const runDeletes = driver.handlerLogs.flatMap((l) => (l.json?.requestType === 'Delete' && l.json.phase === 'onEvent' && /^Run(Config|Task)[0-9A-F]{8}$/.test(String(l.json.logicalId)) ? [String(l.json.physicalId)] : []));
  expect(runDeletes.length).toBeGreaterThan(0);
  for (const id of runDeletes) expect(id).not.toMatch(/^arn:/);
}, 120_000);

test('case 6: a task DMS still shows creating gets start-replication with its CDC start time once it is ready', async () => {
  const name = `Fail${n + 1}`;
  dms().setRunBehavior(dms().arnForIdentifier('task', `${name}-task`), { createDurationMs: 3_000 });
  const { created, taskArn } = await deployed({ cdcStartTime: '2026-11-01T00:00:00Z' });
  expect(created.status).toBe('CREATE_COMPLETE');
  const starts = dms().callsTo('StartReplicationTask').filter((c) => c.input.ReplicationTaskArn === taskArn);
  expect(starts.map((c) => [c.input.StartReplicationTaskType, c.input.CdcStartTime, c.errorCode])).toEqual([['start-replication', Date.parse('2026-11-01T00:00:00Z') / 1000, undefined]]);
  expect(status(taskArn)).toBe('running');
}, 120_000);

test('case 7: a guard stop DMS refuses on the way forward fails the update in DMS\'s words; the rollback completes and it keeps running', async () => {
  const { name, driver, configArn, taskArn } = await deployed();
  dms().failNext('StopReplication', 'InvalidResourceStateFault', 'Replication is provisioning capacity and cannot be stopped', 1_000);
  try {
    const updated = await driver.update(app(name, { schema: 'billing' }).assemblyDir);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(outcome(updated).failures[0]).toMatch(/^RunConfigGuard.*: DMS StopReplication refused for replication config \S+: Replication is provisioning capacity and cannot be stopped/);
    expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
    expect(callsOn(configArn).filter((c) => c.startsWith('Modify'))).toEqual([]);
  } finally {
    dms().clearFaults('StopReplication');
  }
}, 180_000);

test('case 8: a CloudFormation throttling episode through the rollback is ridden out; the rollback completes with the replications running', async () => {
  const name = `Fail${++n}`;
  let driver: LifecycleDriver | undefined;
  const throttleOnRollback = (e: ProgressEvent) => {
    if (e.logicalId === name && e.status === 'UPDATE_ROLLBACK_IN_PROGRESS') void driver!.throttleCloudFormationFor(25_000);
  };
  driver = driverFor(name, {}, throttleOnRollback);
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const configArn = driver.resources.get('Config')!.physicalId;
  const updated = await driver.update(app(name, { schema: 'billing', failAfter: true }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(driver.cloudFormationCalls.filter((c) => c.errorCode === 'Throttling').length).toBeGreaterThan(0);
  expect(status(configArn)).toBe('running');
}, 240_000);

/** Starts a replication that never ran, as a user would by hand. */
async function startByHand(arn: string) {
  const client = new DatabaseMigrationServiceClient({});
  if (arn.includes(':task:')) await client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'start-replication' }));
  else await client.send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: 'start-replication' }));
  await new Promise((resolve) => setTimeout(resolve, 1_200));
}

/** The stack with a config whose table mappings DMS refuses (no rule), and the task unchanged. */
function synthEmptyRules(name: string): string {
  return synthStack((stack: Stack) => {
    const config = new dmsL1.CfnReplicationConfig(stack, 'Config', {
      replicationConfigIdentifier: `${name}-config`,
      replicationType: 'full-load-and-cdc',
      sourceEndpointArn: `${EP}SOURCE`,
      targetEndpointArn: `${EP}TARGET`,
      computeConfig: { maxCapacityUnits: 4 },
      tableMappings: { rules: [] },
    });
    const task = replicationTask(stack, name, 'sales');
    const options = { waitFor: ReplicationWaitFor.RUNNING, pollInterval: Duration.seconds(1) };
    DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, options);
    DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, options);
  }, name).assemblyDir;
}
