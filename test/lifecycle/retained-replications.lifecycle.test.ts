/**
 * A Delete stops only what goes away (issue 26, item 3), end to end on the BUNDLED handler
 * assets: a config and a task that CloudFormation keeps (DeletionPolicy / UpdateReplacePolicy
 * Retain) go on running after `cdk destroy` and after a replacement, with runs and teardowns
 * in the stack; a rollback still stops what the rolled-back create started; RetainExceptOnCreate
 * (the resource's policy, or the stack-level flag) lets a failed create's rollback delete them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnDeletionPolicy, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { DmsConnectionTest, DmsReplicationRun, DmsReplicationTeardown, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver, StackOperationResult } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig, replicationTask } from '../support/replication-stack';
import { RUN_SUITE_GRACES } from '../support/short-graces';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 500, fullLoadDurationMs: 800, modifyDurationMs: 500, tables: 3 } });

const ENV = RUN_SUITE_GRACES;

interface Shape {
  /** What CloudFormation does with the config and task: applyRemovalPolicy, or a DeletionPolicy. */
  readonly policy?: RemovalPolicy | CfnDeletionPolicy;
  /** Changes ResourceIdentifier (and the identifiers): CloudFormation replaces both. */
  readonly generation?: number;
  /** A connection test that fails after the runs. */
  readonly failAfter?: boolean;
}

function app(name: string, shape: Shape = {}) {
  return synthStack((stack: Stack) => {
    const generation = shape.generation ?? 1;
    const suffix = generation === 1 ? name : `${name}-g${generation}`;
    const config = replicationConfig(stack, suffix, 'sales');
    const task = replicationTask(stack, suffix, 'sales');
    for (const resource of [config, task]) {
      if (generation > 1) resource.addPropertyOverride('ResourceIdentifier', `${name}-g${generation}`.toLowerCase());
      if (typeof shape.policy === 'string' && Object.values(CfnDeletionPolicy).includes(shape.policy as CfnDeletionPolicy)) {
        resource.cfnOptions.deletionPolicy = shape.policy as CfnDeletionPolicy;
      } else if (shape.policy !== undefined) {
        resource.applyRemovalPolicy(shape.policy as RemovalPolicy);
      }
    }
    const options = { waitFor: ReplicationWaitFor.RUNNING, pollInterval: Duration.seconds(1) };
    const runs = [
      DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, options),
      DmsReplicationRun.forReplicationTask(stack, 'RunTask', task, options),
    ];
    DmsReplicationTeardown.forReplicationConfig(stack, 'TeardownConfig', config, { pollInterval: Duration.seconds(1) });
    DmsReplicationTeardown.forReplicationTask(stack, 'TeardownTask', task, { pollInterval: Duration.seconds(1) });
    if (shape.failAfter) {
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(...runs);
    }
  }, name);
}

let n = 0;
function driverFor(name: string, shape: Shape) {
  return new LifecycleDriver({
    assemblyDir: app(name, shape).assemblyDir,
    stackName: name,
    env: { ...dms().env(), ...ENV },
    resourceTypes: dmsResourceTypes(dms()),
  });
}

const arnsOf = (driver: LifecycleDriver) => [driver.resources.get('Config')!.physicalId, driver.resources.get('Task')!.physicalId];
const statusOf = (arn: string) => (arn.includes(':task:') ? dms().replicationTask(arn) : dms().replication(arn))?.Status;
const stops = (arn: string) => dms().calls.filter((c) => c.operation.startsWith('Stop') && JSON.stringify(c.input).includes(arn));
const eventsOf = (result: StackOperationResult, logicalId: string) => result.events.filter((e) => e.logicalId === logicalId).map((e) => e.status);

async function deployedRunning(shape: Shape) {
  const name = `Retain${++n}`;
  const driver = driverFor(name, shape);
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const arns = arnsOf(driver);
  for (const arn of arns) expect(statusOf(arn)).toBe('running');
  return { name, driver, arns };
}

test('cdk destroy of a stack whose config and task are RETAIN: both keep running; no run or teardown stops them', async () => {
  const { driver, arns } = await deployedRunning({ policy: RemovalPolicy.RETAIN });
  const destroyed = await driver.destroy();
  expect(destroyed.status).toBe('DELETE_COMPLETE');
  expect(eventsOf(destroyed, 'Config')).toEqual(['DELETE_SKIPPED']);
  expect(eventsOf(destroyed, 'Task')).toEqual(['DELETE_SKIPPED']);
  for (const arn of arns) {
    expect(statusOf(arn)).toBe('running');
    expect(stops(arn)).toHaveLength(0);
  }
  expect(driver.handlerLogs.map((l) => l.line).join('\n')).toMatch(/CloudFormation keeps the replication \(DeletionPolicy Retain, stack DELETE_IN_PROGRESS\)/);
  driver.dispose();
});

test('cdk destroy with DeletionPolicy RetainExceptOnCreate: kept, and left running', async () => {
  const { driver, arns } = await deployedRunning({ policy: CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE });
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  for (const arn of arns) expect(statusOf(arn)).toBe('running');
  driver.dispose();
});

test('without a policy, cdk destroy still stops and deletes both', async () => {
  const { driver, arns } = await deployedRunning({});
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  for (const arn of arns) expect(statusOf(arn)).toBeUndefined();
  driver.dispose();
});

test('a replacement with UpdateReplacePolicy Retain: the old config and task keep running, the new ones run', async () => {
  const { name, driver, arns: [oldConfig, oldTask] } = await deployedRunning({ policy: RemovalPolicy.RETAIN });
  const updated = await driver.update(app(name, { policy: RemovalPolicy.RETAIN, generation: 2 }).assemblyDir);
  expect(updated.failures).toEqual([]);
  expect(updated.status).toBe('UPDATE_COMPLETE');
  const [newConfig, newTask] = arnsOf(driver);
  expect([newConfig, newTask]).not.toEqual([oldConfig, oldTask]);
  for (const arn of [oldConfig, oldTask]) {
    expect(statusOf(arn)).toBe('running');
    expect(stops(arn)).toHaveLength(0);
  }
  for (const arn of [newConfig, newTask]) expect(statusOf(arn)).toBe('running');
  driver.dispose();
});

test('a replacement with UpdateReplacePolicy Retain that rolls back: the old ones run on, the new ones the update started are stopped', async () => {
  const { name, driver, arns: [oldConfig, oldTask] } = await deployedRunning({ policy: RemovalPolicy.RETAIN });
  const updated = await driver.update(app(name, { policy: RemovalPolicy.RETAIN, generation: 2, failAfter: true }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(updated.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
  expect(arnsOf(driver)).toEqual([oldConfig, oldTask]);
  for (const arn of [oldConfig, oldTask]) expect(statusOf(arn)).toBe('running');
  const newConfig = dms().arnForIdentifier('replication-config', `${name}-g2-config`);
  const newTask = dms().arnForIdentifier('task', `${name}-g2-task`);
  for (const arn of [newConfig, newTask]) expect(statusOf(arn)).toBe('stopped');
  driver.dispose();
});

test('a replacement without a policy: the old ones are stopped and deleted', async () => {
  const { name, driver, arns: [oldConfig, oldTask] } = await deployedRunning({});
  const updated = await driver.update(app(name, { generation: 2 }).assemblyDir);
  expect(updated.failures).toEqual([]);
  expect(updated.status).toBe('UPDATE_COMPLETE');
  for (const arn of [oldConfig, oldTask]) expect(statusOf(arn)).toBeUndefined();
  for (const arn of arnsOf(driver)) expect(statusOf(arn)).toBe('running');
  driver.dispose();
});

test('a stack deployed before runs and teardowns carried the policies: the next deploy adds them without a DMS call, and destroy then keeps a RETAIN config running', async () => {
  const name = `Retain${++n}`;
  const before = app(name, { policy: RemovalPolicy.RETAIN });
  // The template as a version without the policy properties synthesized it.
  const templateFile = path.join(before.assemblyDir, `${name}.template.json`);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  for (const resource of Object.values<any>(template.Resources)) {
    if (resource.Properties) {
      delete resource.Properties.ReplicationDeletionPolicy;
      delete resource.Properties.ReplicationUpdateReplacePolicy;
    }
  }
  fs.writeFileSync(templateFile, JSON.stringify(template));
  const driver = new LifecycleDriver({
    assemblyDir: before.assemblyDir,
    stackName: name,
    env: { ...dms().env(), ...ENV },
    resourceTypes: dmsResourceTypes(dms()),
  });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const arns = arnsOf(driver);
  dms().resetCalls();
  const upgraded = await driver.update(app(name, { policy: RemovalPolicy.RETAIN }).assemblyDir);
  expect(upgraded.status).toBe('UPDATE_COMPLETE');
  expect(eventsOf(upgraded, 'Config')).toEqual([]);
  // Every run and teardown got an Update (its properties gained the policies).
  const updated = new Set(upgraded.events.filter((e) => e.status === 'UPDATE_COMPLETE').map((e) => e.logicalId.replace(/[0-9A-F]{8}$/, '')));
  expect([...updated].filter((id) => /^(Run|Teardown)(Config|Task)$/.test(id)).sort()).toEqual(['RunConfig', 'RunTask', 'TeardownConfig', 'TeardownTask']);
  expect(dms().calls.filter((c) => /^(Start|Stop|Modify)/.test(c.operation))).toEqual([]);
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  for (const arn of arns) expect(statusOf(arn)).toBe('running');
  driver.dispose();
});

describe('a failed create rolls back', () => {
  async function rolledBack(shape: Shape, retainExceptOnCreate?: boolean) {
    const name = `Retain${++n}`;
    const driver = driverFor(name, { ...shape, failAfter: true });
    const result = await driver.deploy({ onFailure: 'ROLLBACK', retainExceptOnCreate });
    const physical = (id: string) => result.events.find((e) => e.logicalId === id && e.physicalId)?.physicalId ?? '';
    return { driver, result, config: physical('Config'), task: physical('Task') };
  }

  test('Retain: the config and task stay in DMS, stopped: the rollback stops what the create started', async () => {
    const { driver, result, config, task } = await rolledBack({ policy: RemovalPolicy.RETAIN });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(eventsOf(result, 'Config')).toContain('DELETE_SKIPPED');
    for (const arn of [config, task]) expect(statusOf(arn)).toBe('stopped');
    driver.dispose();
  });

  test('Retain, the run\'s create cancelled while its start is under way: the rollback stops that start; the config stays in DMS', async () => {
    const name = `Retain${++n}`;
    dms().setRunBehavior(dms().arnForIdentifier('replication-config', `${name}-config`), { startDurationMs: 8_000 });
    const driver = driverFor(name, { policy: RemovalPolicy.RETAIN });
    const result = await driver.deploy({ cancelAfterMs: 3_000, onFailure: 'ROLLBACK' });
    await driver.settle();
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(eventsOf(result, 'Config')).toContain('DELETE_SKIPPED');
    const config = dms().arnForIdentifier('replication-config', `${name}-config`);
    expect(stops(config).length).toBeGreaterThan(0);
    expect(statusOf(config)).toBe('stopped');
    // The cancelled create's Delete carried a physical id CloudFormation made up.
    const runDeletes = driver.handlerLogs.flatMap((l) => (l.json?.requestType === 'Delete' && l.json.phase === 'onEvent' && /^RunConfig[0-9A-F]{8}$/.test(String(l.json.logicalId)) ? [String(l.json.physicalId)] : []));
    expect(runDeletes).toEqual([expect.not.stringMatching(/^arn:/)]);
    driver.dispose();
  }, 120_000);

  test('RetainExceptOnCreate: the rollback stops and deletes them', async () => {
    const { driver, result, config, task } = await rolledBack({ policy: CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE });
    expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    for (const arn of [config, task]) expect(statusOf(arn)).toBeUndefined();
    driver.dispose();
  });

  test('Retain with the stack-level RetainExceptOnCreate flag: the rollback stops and deletes them', async () => {
    const { driver, result, config, task } = await rolledBack({ policy: RemovalPolicy.RETAIN }, true);
    expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(eventsOf(result, 'Config')).not.toContain('DELETE_SKIPPED');
    for (const arn of [config, task]) expect(statusOf(arn)).toBeUndefined();
    driver.dispose();
  });
});

describe('a failed update that added a Retain config and task rolls back', () => {
  async function rolledBackUpdate(retainExceptOnCreate: boolean) {
    const name = `Retain${++n}`;
    const driver = new LifecycleDriver({
      // Only something unrelated to begin with.
      assemblyDir: synthStack((stack) => new CfnResource(stack, 'Unrelated', { type: 'AWS::SNS::Topic' }), name).assemblyDir,
      stackName: name,
      env: { ...dms().env(), ...ENV },
      resourceTypes: dmsResourceTypes(dms()),
    });
    const created = await driver.deploy();
    expect(created.failures).toEqual([]);
    expect(created.status).toBe('CREATE_COMPLETE');
    const result = await driver.update(app(name, { policy: RemovalPolicy.RETAIN, failAfter: true }).assemblyDir, { retainExceptOnCreate });
    const physical = (id: string) => result.events.find((e) => e.logicalId === id && e.physicalId)?.physicalId ?? '';
    return { driver, result, config: physical('Config'), task: physical('Task') };
  }

  test('without the flag: kept in DMS, stopped (the rollback stops what the update started)', async () => {
    const { driver, result, config, task } = await rolledBackUpdate(false);
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    for (const arn of [config, task]) expect(statusOf(arn)).toBe('stopped');
    driver.dispose();
  });

  test('with the stack-level RetainExceptOnCreate flag: stopped and deleted', async () => {
    const { driver, result, config, task } = await rolledBackUpdate(true);
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
    for (const arn of [config, task]) expect(statusOf(arn)).toBeUndefined();
    driver.dispose();
  });
});
