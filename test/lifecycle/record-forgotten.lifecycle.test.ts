/**
 * The record of intent (one SSM parameter per replication) goes when the replication goes with
 * the stack, and only then: end to end on the BUNDLED handler assets, against the emulator's SSM.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { intentParameterName } from '../../lambda/dms/intent-record';
import { DmsConnectionTest, DmsPremigrationAssessment, DmsReplicationRun, DmsReplicationTeardown, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig, replicationTask } from '../support/replication-stack';
import { RUN_SUITE_GRACES } from '../support/short-graces';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 500, fullLoadDurationMs: 800, modifyDurationMs: 500, tables: 3 } });

const ENV = {
  ...RUN_SUITE_GRACES,
  DMS_LIFECYCLE_START_RETRY_SECONDS: '1',
};

interface Shape {
  /** The config's removal policy (the task keeps none). */
  readonly configPolicy?: RemovalPolicy;
  /** Teardowns of both, besides the runs. */
  readonly teardowns?: boolean;
  /** A serverless premigration assessment of the config (no task then), gating its run, or alone (no run). */
  readonly assessed?: 'gate' | 'alone';
  /** A connection test that fails after the runs (a create's rollback). */
  readonly failAfter?: boolean;
}

function app(name: string, shape: Shape) {
  return synthStack((stack: Stack) => {
    const options = { waitFor: ReplicationWaitFor.RUNNING, pollInterval: Duration.seconds(1) };
    const config = replicationConfig(stack, name, 'sales');
    if (shape.configPolicy) config.applyRemovalPolicy(shape.configPolicy);
    if (shape.assessed === 'alone') {
      const assessment = DmsPremigrationAssessment.forReplicationConfig(stack, 'AssessConfig', config, { pollInterval: Duration.seconds(1) });
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(assessment);
      return;
    }
    const runs = [DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, options)];
    if (shape.assessed) {
      DmsPremigrationAssessment.forReplicationConfig(stack, 'AssessConfig', config, { pollInterval: Duration.seconds(1) }).gate(runs[0]);
    } else {
      const task = replicationTask(stack, name, 'sales');
      runs.push(DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, options));
      if (shape.teardowns) {
        DmsReplicationTeardown.forReplicationConfig(stack, 'TeardownConfig', config, { pollInterval: Duration.seconds(1) });
        DmsReplicationTeardown.forReplicationTask(stack, 'TeardownTask', task, { pollInterval: Duration.seconds(1) });
      }
    }
    if (shape.failAfter) {
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(...runs);
    }
  }, name).assemblyDir;
}

let n = 0;
function driverFor(shape: Shape) {
  const name = `Forget${++n}`;
  const env = { ...dms().env(), ...ENV };
  const driver = new LifecycleDriver({ assemblyDir: app(name, shape), stackName: name, env, resourceTypes: dmsResourceTypes(dms()) });
  const config = dms().arnForIdentifier('replication-config', `${name}-config`);
  const task = dms().arnForIdentifier('task', `${name}-task`);
  return { driver, config, task };
}

const record = (arn: string) => dms().parameters.value(intentParameterName(arn));
const statusOf = (arn: string) => (arn.includes(':task:') ? dms().replicationTask(arn) : dms().replication(arn))?.Status;

async function deployedRunning(shape: Shape) {
  const deployment = driverFor(shape);
  const created = await deployment.driver.deploy();
  expect(created.failures).toEqual([]);
  expect(created.status).toBe('CREATE_COMPLETE');
  expect(statusOf(deployment.config)).toBe('running');
  // The runs' starts are on record while the stack stands.
  expect(record(deployment.config)).toBeDefined();
  return deployment;
}

test('cdk destroy stops and deletes the config and the task, and their records go with them', async () => {
  const { driver, config, task } = await deployedRunning({});
  expect(record(task)).toBeDefined();
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  for (const arn of [config, task]) {
    expect(statusOf(arn)).toBeUndefined();
    expect(record(arn)).toBeUndefined();
  }
  driver.dispose();
});

test('runs and teardowns on the same replications: whichever Delete ends last, no record remains', async () => {
  const { driver, config, task } = await deployedRunning({ teardowns: true });
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  for (const arn of [config, task]) expect(record(arn)).toBeUndefined();
  driver.dispose();
});

test('a RETAIN config outlives the stack, running, and keeps its record; the task without a policy loses its record', async () => {
  const { driver, config, task } = await deployedRunning({ configPolicy: RemovalPolicy.RETAIN });
  const kept = record(config);
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(statusOf(config)).toBe('running');
  expect(record(config)).toBe(kept);
  expect(statusOf(task)).toBeUndefined();
  expect(record(task)).toBeUndefined();
  driver.dispose();
});

test('a create\'s rollback that stops and deletes the config and task it created: their records are gone', async () => {
  const { driver, config, task } = driverFor({ failAfter: true });
  const result = await driver.deploy({ onFailure: 'ROLLBACK' });
  expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  for (const arn of [config, task]) {
    expect(statusOf(arn)).toBeUndefined();
    expect(record(arn)).toBeUndefined();
  }
  driver.dispose();
});

test('a cancelled create\'s Delete (its fence is an ask too) leaves no record of the config the rollback deletes', async () => {
  const { driver, config } = driverFor({});
  dms().setRunBehavior(config, { startDurationMs: 8_000 });
  const result = await driver.deploy({ cancelAfterMs: 3_000, onFailure: 'ROLLBACK' });
  await driver.settle();
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(statusOf(config)).toBeUndefined();
  expect(record(config)).toBeUndefined();
  // The cancelled create's Delete carried a physical id CloudFormation made up.
  const runDeletes = driver.handlerLogs.flatMap((l) => (l.json?.requestType === 'Delete' && l.json.phase === 'onEvent' && /^RunConfig[0-9A-F]{8}$/.test(String(l.json.logicalId)) ? [String(l.json.physicalId)] : []));
  expect(runDeletes).toEqual([expect.not.stringMatching(/^arn:/)]);
  driver.dispose();
}, 120_000);

test('a run gated by a serverless assessment: the assessment\'s start and the run\'s stop leave no record after destroy', async () => {
  const { driver, config } = await deployedRunning({ assessed: 'gate' });
  expect(JSON.parse(record(config)!).asks.map((a: { action: string }) => a.action)).toContain('assessment-start');
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(statusOf(config)).toBeUndefined();
  expect(record(config)).toBeUndefined();
  driver.dispose();
});

describe('a create\'s rollback after a serverless assessment (no run) started the config', () => {
  async function rolledBack(shape: Shape) {
    const { driver, config } = driverFor({ ...shape, assessed: 'alone' });
    const result = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    // The assessment's Delete stopped what its start began.
    expect(dms().callsTo('StopReplication').filter((c) => c.input?.ReplicationConfigArn === config)).not.toHaveLength(0);
    return { driver, config };
  }

  test('the config the rollback deletes: its record is gone', async () => {
    const { driver, config } = await rolledBack({});
    expect(statusOf(config)).toBeUndefined();
    expect(record(config)).toBeUndefined();
    driver.dispose();
  });

  test('a RETAIN config stays in DMS, stopped, with its record', async () => {
    const { driver, config } = await rolledBack({ configPolicy: RemovalPolicy.RETAIN });
    expect(statusOf(config)).toBe('stopped');
    expect(JSON.parse(record(config)!).asks.map((a: { action: string }) => a.action)).toEqual(['assessment-start', 'stop']);
    driver.dispose();
  });
});

test('a config created again under the ARN of one whose record outlived it (ResourceIdentifier): its first start goes ahead, and destroy forgets', async () => {
  const { driver, config } = driverFor({});
  // What a config of the same identifier left: cut over by the CLI, then deleted outside CloudFormation.
  const cutOver = { action: 'cutover-stop', from: 'running', positions: ['commit_time:2026-11-01T22:00:01'], by: { cli: 'cdk-dms-lifecycle cutover' }, at: 1 };
  dms().parameters.set(intentParameterName(config), JSON.stringify({ v: 1, ran: true, asks: [cutOver] }));
  const created = await driver.deploy();
  expect(created.failures).toEqual([]);
  expect(created.status).toBe('CREATE_COMPLETE');
  expect(dms().callsTo('StartReplication').filter((c) => c.input?.ReplicationConfigArn === config).map((c) => c.input?.StartReplicationType)).toEqual(['start-replication']);
  expect(statusOf(config)).toBe('running');
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(record(config)).toBeUndefined();
  driver.dispose();
});

test('a forget that SSM denies does not fail the Delete: the stop was done, the record stays, the log says so', async () => {
  const { driver, config, task } = await deployedRunning({});
  dms().failNext('DeleteParameter', 'AccessDeniedException', 'User is not authorized to perform: ssm:DeleteParameter', 2);
  const destroyed = await driver.destroy();
  expect(destroyed.failures).toEqual([]);
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  for (const arn of [config, task]) expect(statusOf(arn)).toBeUndefined();
  expect([config, task].filter((arn) => record(arn) !== undefined)).toHaveLength(2);
  const reported = driver.handlerLogs.filter((l) => /Could not delete the record of intent .*the record stays.*The stop is done/.test(l.line)).map((l) => l.line);
  expect(reported).toHaveLength(2);
  expect(reported[0]).toMatch(/AccessDeniedException/);
  driver.dispose();
});
