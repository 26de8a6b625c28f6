/**
 * DmsReplicationRun's desired state end to end on the BUNDLED handler assets: STOPPED stops
 * the replication and keeps it stopped through updates of the config; RUNNING resumes it;
 * a rollback brings back what was before the update.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { DmsConnectionTest, DmsReplicationRun, ReplicationDesiredState, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver, LifecycleDriverOptions } from '../../tools/lifecycle';
import { statusOnceSettled, useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 800, fullLoadDurationMs: 1_000, modifyDurationMs: 800, tables: 6 } });


interface Shape {
  readonly schema?: string;
  readonly desiredState?: ReplicationDesiredState;
  /** Adds a resource after the run that fails to create. */
  readonly failAfter?: boolean;
}

let n = 0;
function app(name: string, shape: Shape = {}) {
  return synthStack((stack: Stack) => {
    const config = replicationConfig(stack, name, shape.schema ?? 'sales');
    const run = DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, {
      waitFor: ReplicationWaitFor.RUNNING,
      pollInterval: Duration.seconds(1),
      desiredState: shape.desiredState,
    });
    if (shape.failAfter) {
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN })
        .node.addDependency(run);
    }
  }, name);
}

async function deployed(shape: Shape = {}, driverOptions: Partial<LifecycleDriverOptions> = {}) {
  const name = `Desired${++n}`;
  const driver = new LifecycleDriver({
    assemblyDir: app(name, shape).assemblyDir, stackName: name, env: dms().env(), resourceTypes: dmsResourceTypes(dms()), ...driverOptions,
  });
  const created = await driver.deploy();
  return { name, driver, created, arn: driver.resources.get('Config')?.physicalId ?? '' };
}

const status = (arn: string) => dms().replicationRun(arn)?.Status;
const callsOn = (arn: string) => dms().calls
  .filter((c) => (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn && !c.operation.startsWith('Describe'))
  .map((c) => `${c.operation}${c.input?.StartReplicationType ? `(${c.input?.StartReplicationType})` : ''}${c.errorCode ? `!${c.errorCode}` : ''}`);
const runOf = (driver: LifecycleDriver) => [...driver.resources.values()].find((r) => r.resourceType === 'Custom::DmsReplicationRun')!;

test('STOPPED on create starts nothing', async () => {
  const { driver, created, arn } = await deployed({ desiredState: ReplicationDesiredState.STOPPED });
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  expect(status(arn)).toBe('created');
  expect(callsOn(arn).filter((c) => c.startsWith('Start'))).toEqual([]);
  expect(runOf(driver).attributes).toMatchObject({ Status: 'created', StartType: 'none' });
});

test('switching to STOPPED stops it; an update of the config\'s settings keeps it stopped; switching back resumes it', async () => {
  const { name, driver, arn } = await deployed();
  expect(status(arn)).toBe('running');
  dms().resetCalls();

  const stopped = await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED }).assemblyDir);
  expect({ status: stopped.status, failures: stopped.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(callsOn(arn)).toEqual(['StopReplication']);
  expect(status(arn)).toBe('stopped');
  expect(runOf(driver).attributes).toMatchObject({ Status: 'stopped', StartType: 'none' });

  dms().resetCalls();
  const modified = await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED, schema: 'billing' }).assemblyDir);
  expect({ status: modified.status, failures: modified.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  // The guard finds it stopped (nothing to stop), CloudFormation modifies it, nothing resumes it.
  expect(callsOn(arn)).toEqual(['ModifyReplicationConfig']);
  expect(status(arn)).toBe('stopped');

  // Someone starts it by hand; the next settings change stops it again before the modify, and nothing resumes it.
  dms().addReplication(arn, { status: 'running' });
  dms().resetCalls();
  const again = await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED, schema: 'sales' }).assemblyDir);
  expect({ status: again.status, failures: again.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(callsOn(arn)).toEqual(['StopReplication', 'ModifyReplicationConfig']);
  expect(status(arn)).toBe('stopped');

  dms().resetCalls();
  const resumed = await driver.update(app(name, { desiredState: ReplicationDesiredState.RUNNING, schema: 'sales' }).assemblyDir);
  expect({ status: resumed.status, failures: resumed.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(callsOn(arn)).toEqual(['StartReplication(resume-processing)']);
  expect(status(arn)).toBe('running');
  expect(runOf(driver).attributes).toMatchObject({ Status: 'running', StartType: 'resume-processing' });
}, 120_000);

test('switching a replication created STOPPED to RUNNING starts it with start-replication', async () => {
  const { name, driver, arn } = await deployed({ desiredState: ReplicationDesiredState.STOPPED });
  const started = await driver.update(app(name).assemblyDir);
  expect(started.status).toBe('UPDATE_COMPLETE');
  expect(callsOn(arn)).toEqual(['StartReplication(start-replication)']);
  expect(status(arn)).toBe('running');
}, 60_000);

test('a rollback of RUNNING → STOPPED (with a settings change) ends running', async () => {
  const { name, driver, arn } = await deployed();
  dms().resetCalls();
  const result = await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED, schema: 'billing', failAfter: true }).assemblyDir);
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
  expect(callsOn(arn).slice(0, 2)).toEqual(['StopReplication', 'ModifyReplicationConfig']);
  expect(callsOn(arn)).toContain('StartReplication(resume-processing)');
  expect(status(arn)).toBe('running');
}, 120_000);

test('a rollback of RUNNING → STOPPED alone ends running', async () => {
  const { name, driver, arn } = await deployed();
  dms().resetCalls();
  const result = await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED, failAfter: true }).assemblyDir);
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(callsOn(arn)).toEqual(['StopReplication', 'StartReplication(resume-processing)']);
  // The rollback's restore is done once DMS accepted the resume.
  expect(await statusOnceSettled(dms(), arn, 'running')).toBe('running');
}, 90_000);

// Which start the rollback undoes is read from the record of intent, whatever CloudFormation shows as LastUpdatedTime.
test.each(['update-start', 'rollback-start'] as const)('a rollback of STOPPED → RUNNING leaves it stopped (LastUpdatedTime: %s)', async (reading) => {
  const { name, driver, arn } = await deployed({}, { lastUpdatedTimeOnRollback: reading });
  await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED }).assemblyDir);
  expect(status(arn)).toBe('stopped');
  dms().resetCalls();
  const result = await driver.update(app(name, { failAfter: true }).assemblyDir);
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  // The failed update resumed it; the rollback stops that start (it was stopped before the update).
  expect(callsOn(arn)).toEqual(['StartReplication(resume-processing)', 'StopReplication']);
  expect(status(arn)).toBe('stopped');
}, 90_000);
