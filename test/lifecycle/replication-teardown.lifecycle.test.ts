/**
 * Replication teardown end to end on the BUNDLED handler assets: the stop runs on
 * Delete, before CloudFormation deletes the replication config or task.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as dmsL1 from 'aws-cdk-lib/aws-dms';
import { intentParameterName } from '../../lambda/dms/intent-record';
import { DmsReplicationTeardown } from '../../src';
import { LifecycleDriver, defaultPhysicalId } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms();
let n = 0;

async function deployed(build: (stack: Stack) => void, physicalId?: any) {
  const synth = synthStack(build, `Teardown${++n}`);
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env(), physicalId });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  return driver;
}

function literalConfig(status: string, opts: Record<string, unknown> = {}) {
  const arn = dms().replicationConfigArn(`LIT${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 1_500, ...opts });
  return arn;
}

const stopCalls = (arn: string) => dms().calls.filter((c) => c.operation.startsWith('Stop') && JSON.stringify(c.input).includes(arn));

test.each([
  ['running', 1, 'stopped'],
  ['replication_starting', 1, 'stopped'],
  ['stopped', 0, 'stopped'],
  ['created', 0, 'created'],
  ['failed', 0, 'failed'],
])('serverless %s: destroy stops it when needed (%i stop calls) and completes', async (status, stops, finalStatus) => {
  const arn = literalConfig(status);
  const driver = await deployed((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
  });
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(stopCalls(arn)).toHaveLength(stops);
  expect(dms().replication(arn)?.Status).toBe(finalStatus);
});

test('a Describe that lags the stop longer than the refusal grace: the stop is sent once, and the delete completes', async () => {
  const arn = literalConfig('running', { describeLagMs: 7_000 });
  const synth = synthStack((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
  }, `Teardown${++n}`);
  const env = { ...dms().env(), DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '3', DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '10' };
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const result = await driver.destroy();
  expect(result.failures.map((f) => f.reason)).toEqual([]);
  expect(result.status).toBe('DELETE_COMPLETE');
  expect(stopCalls(arn).map((c) => c.errorCode ?? 'ok')).toEqual(['ok']);
  expect(dms().replication(arn)?.Status).toBe('stopped');
});

test('a missing config: destroy succeeds', async () => {
  const arn = dms().replicationConfigArn('NEVER');
  const driver = await deployed((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn });
  });
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
});

test('a stop that never finishes fails the delete with the wait, the status and DMS\'s reasons', async () => {
  const arn = literalConfig('running', { neverStops: true, failureMessages: ['Replication stuck flushing to target'] });
  const driver = await deployed((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, timeout: Duration.seconds(3), pollInterval: Duration.seconds(1) });
  });
  const result = await driver.destroy();
  expect(result.status).toBe('DELETE_FAILED');
  expect(result.failures[0].reason).toMatch(
    new RegExp(`^Timed out after 3s waiting for replication config ${arn} to stop; last status: stopping; .*failure messages: Replication stuck flushing to target`),
  );
});

test('throttled calls during the stop are retried', async () => {
  const arn = literalConfig('running');
  const driver = await deployed((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
  });
  dms().throttle('DescribeReplications', 3);
  dms().throttle('StopReplication', 2);
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(dms().replication(arn)?.Status).toBe('stopped');
});

test('Create and Update make no DMS call', async () => {
  const arn = literalConfig('running');
  dms().resetCalls();
  const build = (timeout: number) => (stack: Stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, timeout: Duration.minutes(timeout) });
  };
  const synth = synthStack(build(10), 'TeardownUpdate');
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  expect((await driver.update(synthStack(build(20), 'TeardownUpdate').assemblyDir)).status).toBe('UPDATE_COMPLETE');
  expect(dms().calls).toEqual([]);
});

test.each([
  ['running', 1],
  ['stopped', 0],
  ['ready', 0],
])('classic task %s: destroy stops it when needed (%i stop calls)', async (status, stops) => {
  const arn = dms().taskArn(`TASK${++n}`);
  dms().addReplicationTask(arn, { status, stopDurationMs: 1_500 });
  const driver = await deployed((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationTaskArn: arn, pollInterval: Duration.seconds(1) });
  });
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(stopCalls(arn)).toHaveLength(stops);
  expect(dms().replicationTask(arn)?.Status).toBe(status === 'running' ? 'stopped' : status);
});

test('full stack: the teardown\'s Delete runs, and the replication is stopped, before the config\'s and the task\'s Delete', async () => {
  // CloudFormation creates the config and the task; the emulator makes them exist (running) under the same ARNs.
  const physicalId = (logicalId: string, type: string, props: any, ctx: any) => {
    const id = defaultPhysicalId(logicalId, type, props, ctx);
    if (type === 'AWS::DMS::ReplicationConfig') dms().addReplication(id, { status: 'running', stopDurationMs: 1_500 });
    if (type === 'AWS::DMS::ReplicationTask') dms().addReplicationTask(id, { status: 'running', stopDurationMs: 1_500 });
    return id;
  };
  const driver = await deployed((stack) => {
    const config = new dmsL1.CfnReplicationConfig(stack, 'Config', {
      replicationConfigIdentifier: 'sales',
      replicationType: 'cdc',
      sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
      targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
      computeConfig: { maxCapacityUnits: 2 },
      tableMappings: {},
    });
    const task = new dmsL1.CfnReplicationTask(stack, 'Task', {
      migrationType: 'cdc',
      replicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:I',
      sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
      targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
      tableMappings: '{}',
    });
    DmsReplicationTeardown.forReplicationConfig(stack, 'StopConfig', config, { pollInterval: Duration.seconds(1) });
    DmsReplicationTeardown.forReplicationTask(stack, 'StopTask', task, { pollInterval: Duration.seconds(1) });
  }, physicalId);
  const configArn = driver.resources.get('Config')!.physicalId;
  const result = await driver.destroy();
  expect(result.status).toBe('DELETE_COMPLETE');
  const at = (prefix: string, status: string) => result.events.findIndex((e) => e.logicalId.startsWith(prefix) && e.status === status);
  expect(at('StopConfig', 'DELETE_COMPLETE')).toBeLessThan(at('Config', 'DELETE_IN_PROGRESS'));
  expect(at('StopTask', 'DELETE_COMPLETE')).toBeLessThan(at('Task', 'DELETE_IN_PROGRESS'));
  expect(dms().replication(configArn)?.Status).toBe('stopped');
  // The teardown's stop went into the record of intent before it was sent, like every start and stop of ours;
  // the record went with the config (docs/durable-intent.md).
  const name = intentParameterName(configArn);
  const ssmCalls = dms().calls.filter((c) => /Parameter$/.test(c.operation) && c.input?.Name === name);
  type Record = { asks: { action: string; by: { resource?: string } }[] };
  const written = ssmCalls.filter((c) => c.operation === 'PutParameter')
    .flatMap((c) => (JSON.parse(String(c.input?.Value)) as Record).asks.map((a) => [a.action, a.by.resource]));
  expect(written).toContainEqual(['stop', expect.stringMatching(/^StopConfig/)]);
  expect(ssmCalls.at(-1)?.operation).toBe('DeleteParameter');
  expect(dms().parameters.value(name)).toBeUndefined();
});

test('a literal ARN with stopBefore keeps the delete order', async () => {
  const arn = literalConfig('running');
  const driver = await deployed((stack) => {
    const config = new dmsL1.CfnReplicationConfig(stack, 'Config', {
      replicationConfigIdentifier: 'lit',
      replicationType: 'cdc',
      sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
      targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
      computeConfig: { maxCapacityUnits: 2 },
      tableMappings: {},
    });
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, stopBefore: [config], pollInterval: Duration.seconds(1) });
  });
  const result = await driver.destroy();
  const at = (prefix: string, status: string) => result.events.findIndex((e) => e.logicalId.startsWith(prefix) && e.status === status);
  expect(at('Teardown', 'DELETE_COMPLETE')).toBeLessThan(at('Config', 'DELETE_IN_PROGRESS'));
});
