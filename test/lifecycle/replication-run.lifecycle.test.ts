/**
 * DmsReplicationRun end to end on the BUNDLED handler assets: the driver's CloudFormation
 * creates, modifies and deletes the replication config and task through the DMS emulator,
 * so a modify of a running replication fails as it does on AWS.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { DmsConnectionTest, DmsReplicationRun, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver, StackOperationResult } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig, replicationTask } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 800, fullLoadDurationMs: 1_000, modifyDurationMs: 800, tables: 6 } });


interface Shape {
  readonly schema?: string;
  /** The task's schema, when it differs from the config's. */
  readonly taskSchema?: string;
  readonly taskType?: string;
  readonly withRun?: boolean;
  /** Adds a resource after the runs that fails to create. */
  readonly failAfter?: boolean;
  readonly waitFor?: ReplicationWaitFor;
}

let n = 0;
/** A stack with a serverless config and a classic task, each with a DmsReplicationRun (unless withRun is false). */
function app(name: string, shape: Shape = {}) {
  return synthStack((stack: Stack) => {
    const config = replicationConfig(stack, name, shape.schema ?? 'sales');
    const task = replicationTask(stack, name, shape.taskSchema ?? shape.schema ?? 'sales', shape.taskType ?? 'full-load-and-cdc');
    if (shape.withRun === false) return;
    const options = { waitFor: shape.waitFor ?? ReplicationWaitFor.RUNNING, pollInterval: Duration.seconds(1) };
    const runs = [
      DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, options),
      DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, options),
    ];
    if (shape.failAfter) {
      // A connection test of an endpoint DMS does not know: fails, after the runs updated.
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN })
        .node.addDependency(...runs);
    }
  }, name);
}

async function deployed(shape: Shape = {}) {
  const name = `Run${++n}`;
  const synth = app(name, shape);
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: name, env: dms().env(), resourceTypes: dmsResourceTypes(dms()) });
  const created = await driver.deploy();
  return { name, driver, created, configArn: driver.resources.get('Config')?.physicalId ?? '', taskArn: driver.resources.get('Task')?.physicalId ?? '' };
}

const status = (arn: string) => dms().replicationRun(arn)?.Status;
const callsOn = (arn: string) => dms().calls
  .filter((c) => (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn && !c.operation.startsWith('Describe'))
  .map((c) => `${c.operation}${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType ? `(${c.input?.StartReplicationType ?? c.input?.StartReplicationTaskType})` : ''}${c.errorCode ? `!${c.errorCode}` : ''}`);
/** Index of the first event of `statusName` for the resource whose logical id starts with `prefix` (guards only if the prefix names one). */
const at = (result: StackOperationResult, prefix: string, statusName: string, from = 0) => result.events.findIndex((e, i) =>
  i >= from && e.logicalId.startsWith(prefix) && (prefix.includes('Guard') || !e.logicalId.includes('Guard')) && e.status === statusName);
const runOf = (driver: LifecycleDriver, prefix: string) => [...driver.resources.values()].find((r) => r.resourceType === 'Custom::DmsReplicationRun' && r.logicalId.startsWith(prefix))!;

test('create → running, for a config and a task: started with start-replication after CloudFormation created them', async () => {
  const { driver, created, configArn, taskArn } = await deployed();
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  expect(at(created, 'Config', 'CREATE_COMPLETE')).toBeLessThan(at(created, 'RunConfig', 'CREATE_IN_PROGRESS'));
  expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)']);
  expect(callsOn(taskArn)).toEqual(['StartReplicationTask(start-replication)']);
  expect(runOf(driver, 'RunConfig').attributes).toMatchObject({ Status: 'running', StartType: 'start-replication' });
  expect(runOf(driver, 'RunTask').attributes).toMatchObject({ Status: 'running', StartType: 'start-replication' });
});

test('an update of a running config and of a running task: stopped before the modify, resumed after modifying', async () => {
  const { name, driver, configArn, taskArn } = await deployed();
  dms().resetCalls();
  const updated = await driver.update(app(name, { schema: 'billing' }).assemblyDir);
  expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  for (const [prefix, arn, kind] of [['Config', configArn, 'Replication'], ['Task', taskArn, 'ReplicationTask']]) {
    expect(at(updated, `Run${prefix}Guard`, 'UPDATE_COMPLETE')).toBeLessThan(at(updated, prefix, 'UPDATE_IN_PROGRESS'));
    expect(at(updated, prefix, 'UPDATE_COMPLETE')).toBeLessThan(at(updated, `Run${prefix}`, 'UPDATE_IN_PROGRESS', at(updated, prefix, 'UPDATE_COMPLETE')));
    const kindName = kind === 'Replication' ? 'ReplicationConfig' : 'ReplicationTask';
    expect(callsOn(arn)).toEqual([`Stop${kind}`, `Modify${kindName}`, `Start${kind}(resume-processing)`]);
    expect(status(arn)).toBe('running');
  }
  expect(JSON.parse(dms().replicationRun(taskArn)?.TableMappings).rules[0]['rule-name']).toBe('billing');
  expect(runOf(driver, 'RunConfig').attributes).toMatchObject({ Status: 'running', StartType: 'resume-processing' });
}, 90_000);

test('without DmsReplicationRun, updating a running replication fails as on AWS, and so does the rollback', async () => {
  const { name, driver, configArn, created } = await deployed({ withRun: false });
  expect(created.status).toBe('CREATE_COMPLETE');
  dms().addReplication(configArn, { status: 'running' });
  const updated = await driver.update(app(name, { schema: 'billing', withRun: false }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(updated.failures[0]).toEqual({ logicalId: 'Config', reason: expect.stringMatching(/cannot be modified while it is running .*HandlerErrorCode: ResourceConflict/) });
});

test('DMS refuses the modify: the update rolls back and the replication runs again', async () => {
  const { name, driver, configArn } = await deployed();
  dms().resetCalls();
  // An empty rule list: DMS refuses the config's table mappings.
  const result = await driver.update(app(name, { schema: '', taskSchema: 'sales' }).assemblyDir);
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures[0]).toEqual({ logicalId: 'Config', reason: expect.stringMatching(/Invalid table mappings/) });
  expect(callsOn(configArn)).toEqual([
    'StopReplication',
    'ModifyReplicationConfig!InvalidParameterValueException',
    'ModifyReplicationConfig', // the rollback
    'StartReplication(resume-processing)', // the guard, in the rollback's cleanup
  ]);
  expect(status(configArn)).toBe('running');
}, 90_000);

test('something later in the stack fails: the rollback modifies back and the replications run again', async () => {
  const { name, driver, configArn, taskArn } = await deployed();
  dms().resetCalls();
  const result = await driver.update(app(name, { schema: 'billing', failAfter: true }).assemblyDir);
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
  expect(callsOn(configArn)).toEqual([
    'StopReplication', 'ModifyReplicationConfig', 'StartReplication(resume-processing)', // the update
    'StopReplication', 'ModifyReplicationConfig', 'StartReplication(resume-processing)', // its rollback
  ]);
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  expect(JSON.parse(dms().replicationRun(taskArn)?.TableMappings).rules[0]['rule-name']).toBe('sales');
}, 120_000);

test('a full-load-only task that loads and stops before the first poll has succeeded', async () => {
  dms().setRunBehavior(dms().arnForIdentifier('task', `Run${n + 1}-task`), { startDurationMs: 100, fullLoadDurationMs: 200, tables: 6, tablesErrored: 2 });
  const { driver, created, taskArn } = await deployed({ taskType: 'full-load' });
  expect(created.status).toBe('CREATE_COMPLETE');
  expect(dms().replicationRun(taskArn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason FULL_LOAD_ONLY_FINISHED' });
  expect(runOf(driver, 'RunTask').attributes).toEqual({ Status: 'stopped', StartType: 'start-replication', FullLoadProgressPercent: '100', TablesLoaded: '4', TablesErrored: '2' });
});

test('a start that fails fails the deploy with DMS\'s stop reason and failure message', async () => {
  dms().setRunBehavior(dms().arnForIdentifier('replication-config', `Run${n + 1}-config`), { outcome: 'fails', failureMessage: 'Failed to connect to the source database' });
  const { created } = await deployed();
  expect(created.status).toBe('CREATE_FAILED');
  expect(created.failures[0]).toEqual({
    logicalId: expect.stringMatching(/^RunConfig/),
    reason: expect.stringMatching(/^The replication config arn:\S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Failed to connect to the source database/),
  });
});

test('delete: each replication is stopped before CloudFormation deletes its config or task', async () => {
  const { driver, configArn, taskArn } = await deployed();
  const destroyed = await driver.destroy();
  expect({ status: destroyed.status, failures: destroyed.failures }).toEqual({ status: 'DELETE_COMPLETE', failures: [] });
  expect(at(destroyed, 'RunConfig', 'DELETE_COMPLETE')).toBeLessThan(at(destroyed, 'Config', 'DELETE_IN_PROGRESS'));
  expect(at(destroyed, 'RunTask', 'DELETE_COMPLETE')).toBeLessThan(at(destroyed, 'Task', 'DELETE_IN_PROGRESS'));
  expect([status(configArn), status(taskArn)]).toEqual([undefined, undefined]);
});

test('removing only the DmsReplicationRun leaves the replications running (they stay in the stack)', async () => {
  const { name, driver, configArn, taskArn } = await deployed();
  const updated = await driver.update(app(name, { withRun: false }).assemblyDir);
  expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  expect([...callsOn(configArn), ...callsOn(taskArn)].filter((c) => c.startsWith('Stop'))).toEqual([]);
});

test('adding DmsReplicationRun in an update that rolls back leaves the replication not running, as before', async () => {
  const { name, driver, configArn, taskArn } = await deployed({ withRun: false });
  expect([status(configArn), status(taskArn)]).toEqual(['created', 'ready']);
  const updated = await driver.update(app(name, { failAfter: true }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  // The runs started them during the failed update; the rollback's cleanup stopped them, and no guard started them again.
  expect([status(configArn), status(taskArn)]).toEqual(['stopped', 'stopped']);
  expect(callsOn(configArn).filter((c) => c.startsWith('StartReplication'))).toEqual(['StartReplication(start-replication)']);
});

test('throttling, 5xx and dropped connections during the start are ridden out; a replayed create starts nothing twice', async () => {
  const identifier = `Run${n + 1}-config`;
  dms().throttle('StartReplication', 2);
  dms().failNext('DescribeReplications', 'InternalFailure', 'We encountered an internal error', 2);
  dms().dropNext('StartReplicationTask', 1);
  const { driver, created, configArn, taskArn } = await deployed();
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  expect(configArn).toBe(dms().arnForIdentifier('replication-config', identifier));
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  const replayed = await driver.replay(runOf(driver, 'RunConfig').logicalId);
  // The replay finds its own start on record: it answers as the first time did (issue 26 item 9), starting nothing.
  expect(replayed).toMatchObject({ status: 'SUCCESS', physicalResourceId: `${configArn}|start`, data: { Status: 'running', StartType: 'start-replication' } });
  expect(callsOn(configArn).filter((c) => c.startsWith('StartReplication('))).toEqual([
    'StartReplication(start-replication)!ThrottlingException',
    'StartReplication(start-replication)!ThrottlingException',
    'StartReplication(start-replication)', // our retry (the SDK makes one attempt); the replay finds it running and starts nothing
  ]);
}, 60_000);
