/**
 * Issue 26: the run and its guard decide from the durable record of intent (an SSM parameter
 * per replication, lambda/dms/intent-record.ts), end to end on the BUNDLED handler assets
 * against the DMS emulator (which also serves SSM). Each test names the issue's item.
 */
import { DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { intentParameterName, readIntent, recordAsk } from '../../lambda/dms';
import { DmsReplicationRun, ReplicationDesiredState, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver, LifecycleDriverOptions, ProgressEvent, StackOperationResult } from '../../tools/lifecycle';
import { statusOnceSettled, useEmulatedDms } from '../support/emulated-dms';
import { replicationConfig } from '../support/replication-stack';
import { RUN_SUITE_GRACES } from '../support/short-graces';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 800, fullLoadDurationMs: 1_000, modifyDurationMs: 800, tables: 4 } });

const ENV = {
  ...RUN_SUITE_GRACES,
  DMS_LIFECYCLE_REST_WAIT_SECONDS: '20',
};

interface Shape {
  readonly schema?: string;
  /** The config's migration type. @default 'full-load-and-cdc' */
  readonly replicationType?: string;
  readonly waitFor?: ReplicationWaitFor;
  readonly cdcStartTime?: string;
  readonly desiredState?: ReplicationDesiredState;
  readonly reloadTrigger?: string;
  /** The config's removal policy is RETAIN. */
  readonly retain?: boolean;
  /** The run's timeout. */
  readonly timeout?: Duration;
}

/** A stack with a serverless config and its run. */
function app(name: string, shape: Shape = {}): string {
  return synthStack((stack: Stack) => {
    const config = replicationConfig(stack, name, shape.schema ?? 'sales');
    if (shape.replicationType) config.replicationType = shape.replicationType;
    if (shape.retain) config.applyRemovalPolicy(RemovalPolicy.RETAIN);
    DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, {
      waitFor: shape.waitFor ?? ReplicationWaitFor.RUNNING,
      pollInterval: Duration.seconds(1),
      cdcStartTime: shape.cdcStartTime,
      desiredState: shape.desiredState,
      reloadTrigger: shape.reloadTrigger,
      timeout: shape.timeout,
    });
  }, name).assemblyDir;
}

let n = 0;
async function deployed(
  shape: Shape = {},
  onProgress?: (e: ProgressEvent) => void,
  driverOptions: Partial<LifecycleDriverOptions> = {},
) {
  const name = `Intent${++n}`;
  const driver = new LifecycleDriver({
    assemblyDir: app(name, shape),
    stackName: name,
    env: { ...dms().env(), ...ENV },
    resourceTypes: dmsResourceTypes(dms()),
    onProgress,
    ...driverOptions,
  });
  const created = await driver.deploy();
  return { name, driver, created, configArn: driver.resources.get('Config')?.physicalId ?? '' };
}

const status = (arn: string) => dms().replicationRun(arn)?.Status;
const startsOn = (arn: string) => dms().callsTo('StartReplication')
  .filter((c) => c.input?.ReplicationConfigArn === arn)
  .map((c) => `${c.input?.StartReplicationType}${c.errorCode ? `!${c.errorCode}` : ''}`);
const failuresOf = (r: StackOperationResult) => r.failures.map((f) => `${f.logicalId.replace(/[0-9A-F]{8}$/, '')}: ${f.reason.split('\n')[0]}`);

describe('item 1: a rollback restores the state before the update', () => {
  test('after a forward resume that DMS accepted and then failed, the rollback resumes it once, and it runs again', async () => {
    let name = '';
    let configArn = '';
    const { driver, ...rest } = await deployed({}, (e) => {
      // DMS would run it again: the forward failure is behind it once CloudFormation modified the config back.
      if (e.logicalId === name && e.status === 'UPDATE_ROLLBACK_IN_PROGRESS') dms().setRunBehavior(configArn, { outcome: 'runs' });
    });
    name = rest.name;
    configArn = rest.configArn;
    dms().setRunBehavior(configArn, { outcome: 'fails', failureStopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'Table mapping refers to a missing schema' });
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(updated)[0]).toMatch(/^RunConfig: The replication config \S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Table mapping refers to a missing schema/);
    expect(startsOn(configArn)).toEqual(['start-replication', 'resume-processing', 'resume-processing']);
    expect(updated.events.filter((e) => e.status === 'DELETE_FAILED')).toEqual([]);
    expect(status(configArn)).toBe('running');
  }, 180_000);

  test('a forward resume whose answer was lost, sent again and refused (DMS still starting it), then failed by DMS: the rollback resumes it once, and it runs again', async () => {
    let name = '';
    let configArn = '';
    const { driver, ...rest } = await deployed({}, (e) => {
      if (e.logicalId === name && e.status === 'UPDATE_ROLLBACK_IN_PROGRESS') dms().setRunBehavior(configArn, { outcome: 'runs', startDurationMs: 800, describeLagMs: 0 });
    }, { env: { ...dms().env(), ...ENV, DMS_LIFECYCLE_REQUEST_TIMEOUT_MS: '1000' } });
    name = rest.name;
    configArn = rest.configArn;
    // The resume lands, its answer comes after the client gave up (1 s), and Describe still shows `stopped` when the start is
    // tried again (~2 s later; the lag ends within the read-lag grace after the retry): DMS refuses the retry, starting it already.
    dms().setRunBehavior(configArn, { outcome: 'fails', startDurationMs: 6_000, describeLagMs: 3_000, failureMessage: 'Table mapping refers to a missing schema' });
    dms().delayNext('StartReplication', 3_000);
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(updated)[0]).toMatch(/^RunConfig: The replication config \S+ failed: .*Table mapping refers to a missing schema/);
    // The forward resume (answer lost), its retry (refused: DMS was starting it), the rollback's one resume.
    expect(startsOn(configArn)).toEqual(['start-replication', 'resume-processing', 'resume-processing!InvalidResourceStateFault', 'resume-processing']);
    // The refusal did not mark our landed resume refused.
    expect((await readIntent(configArn))?.asks.filter((a) => a.action === 'resume').map((a) => a.refused)).toEqual([undefined]);
    expect(updated.events.filter((e) => e.status === 'DELETE_FAILED')).toEqual([]);
    expect(await statusOnceSettled(dms(), configArn, 'running')).toBe('running');
  }, 180_000);

  test('when the rollback\'s resume fails too, the guard\'s cleanup says so in DMS\'s words (DELETE_FAILED) and resumes nothing more; the rollback completes', async () => {
    const { name, driver, configArn } = await deployed();
    dms().setRunBehavior(configArn, { outcome: 'fails', failureStopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'Source endpoint unreachable' });
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const guardDelete = updated.events.find((e) => e.logicalId.startsWith('RunConfigGuard') && e.status === 'DELETE_FAILED');
    expect(guardDelete?.reason).toMatch(/The replication config \S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Source endpoint unreachable/);
    // Forward resume, the rollback's one resume; the cleanup starts nothing more.
    expect(startsOn(configArn)).toEqual(['start-replication', 'resume-processing', 'resume-processing']);
    expect(status(configArn)).toBe('failed');
  }, 180_000);
});

describe('item 1: the guard\'s own stop, on record, is what its rollback starts again', () => {
  // The guard's forward Update stops the config, then fails before the modify (DMS denies its next read): CloudFormation
  // never modified the config, so the rollback starts again what the guard stopped, decided from the record alone.
  test.each(['update-start', 'rollback-start'] as const)('LastUpdatedTime read as the %s: the replication runs again after the rollback', async (reading) => {
    const { name, driver, configArn } = await deployed({}, undefined, { lastUpdatedTimeOnRollback: reading });
    // Stopped long before the rollback begins: DMS's StopDate is earlier than any time the rollback shows.
    dms().setRunBehavior(configArn, { stopDurationMs: 50 });
    dms().afterNextCall('StopReplication', () => dms().failNext('DescribeReplications', 'AccessDeniedFault', 'User is not authorized to perform: dms:DescribeReplications', 1, configArn), configArn);
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(updated)[0]).toMatch(/^RunConfigGuard.*AccessDeniedFault.*not authorized to perform: dms:DescribeReplications/);
    expect(dms().callsTo('ModifyReplicationConfig').filter((c) => c.input?.ReplicationConfigArn === configArn)).toEqual([]);
    expect(startsOn(configArn)).toEqual(['start-replication', 'resume-processing']);
    // The guard's restart in the rollback is done once DMS accepted the resume.
    expect(await statusOnceSettled(dms(), configArn, 'running')).toBe('running');
  }, 180_000);

  test('a stop someone else asked during the update (the CLI, on record after the guard\'s) is left as it is', async () => {
    let configArn = '';
    const { name, driver, ...rest } = await deployed();
    configArn = rest.configArn;
    dms().setRunBehavior(configArn, { stopDurationMs: 50 });
    dms().afterNextCall('StopReplication', () => {
      dms().failNext('DescribeReplications', 'AccessDeniedFault', 'User is not authorized to perform: dms:DescribeReplications', 1, configArn);
      void recordAsk(configArn, { action: 'stop', from: 'stopping', by: { cli: 'stop-replication' } });
    }, configArn);
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(startsOn(configArn)).toEqual(['start-replication']);
    expect(status(configArn)).toBe('stopped');
  }, 180_000);
});

describe('item 1: the guard\'s restart in the rollback of its own failed update', () => {
  test('when DMS stays stopping past the timeout, the reason says it waited to run it again, not to stop it', async () => {
    const { name, driver, configArn } = await deployed({ timeout: Duration.minutes(1) });
    dms().setRunBehavior(configArn, { stopDurationMs: 10 * 3600_000 });
    const updated = await driver.update(app(name, { schema: 'billing', timeout: Duration.minutes(1) }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_FAILED');
    const reasons = updated.failures.filter((f) => f.logicalId.startsWith('RunConfigGuard')).map((f) => f.reason.split('\n')[0]);
    expect(reasons[0]).toMatch(/^Timed out after 1m \d+s waiting for the replication of \S+ to stop before CloudFormation modifies it/);
    expect(reasons[1]).toMatch(/^Timed out after 1m \d+s waiting for the replication of \S+ to run again after its own update failed/);
  }, 180_000);
});

describe('item 1: a stop the CLI asked during the update is the newest intent: the rollback does not resume it', () => {
  test('the guard stops it, the CLI stops it too, DMS refuses the modify: the rollback and its cleanup leave it stopped', async () => {
    const { name, driver, configArn } = await deployed();
    dms().afterNextCall('StopReplication', () => {
      void recordAsk(configArn, { action: 'stop', from: 'stopping', by: { cli: 'stop-replication' } });
    }, configArn);
    dms().failNext('ModifyReplicationConfig', 'InvalidParameterValueException', 'Table mappings are not valid', 1, configArn);
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(startsOn(configArn)).toEqual(['start-replication']);
    expect(await statusOnceSettled(dms(), configArn, 'stopped')).toBe('stopped');
  }, 180_000);
});

describe('item 1, refused: a rollback resume DMS refuses resumed nothing', () => {
  test('the guard\'s cleanup asks once more, and reports DMS\'s refusal in its words; the rollback completes', async () => {
    let name = '';
    const { driver, ...rest } = await deployed({}, (e) => {
      if (e.logicalId === name && e.status === 'UPDATE_ROLLBACK_IN_PROGRESS') {
        dms().failNext('StartReplication', 'InvalidResourceStateFault', 'Replication config cannot be started: its source endpoint is being modified', 1_000);
      }
    });
    name = rest.name;
    const configArn = rest.configArn;
    dms().setRunBehavior(configArn, { outcome: 'fails', failureStopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'Source endpoint unreachable' });
    try {
      const updated = await driver.update(app(name, { schema: 'billing' }));
      expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      const guardDelete = updated.events.find((e) => e.logicalId.startsWith('RunConfigGuard') && e.status === 'DELETE_FAILED');
      expect(guardDelete?.reason).toMatch(/^DMS StartReplication refused for replication config \S+: Replication config cannot be started: its source endpoint is being modified/);
      // Accepted once (the forward resume); the rollback's and the cleanup's resumes were refused.
      expect(startsOn(configArn).filter((s) => !s.includes('!'))).toEqual(['start-replication', 'resume-processing']);
      expect(startsOn(configArn).filter((s) => s.includes('!')).length).toBeGreaterThanOrEqual(2);
    } finally {
      dms().clearFaults('StartReplication');
    }
  }, 180_000);
});

describe('item 5: a replication that never reached running has never run', () => {
  test.each([
    ['resumes-from-now', 'full-load-and-cdc'], ['refuses-resume', 'full-load-and-cdc'], ['resumes-from-now', 'cdc'], ['refuses-resume', 'cdc'],
  ] as const)('a first start that failed (DMS %s, %s): the next deploy sends start-replication with the user\'s CDC start', async (reading, replicationType) => {
    const cdcStartTime = '2026-11-01T00:00:00Z';
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    // Slow enough to be seen accepted (starting) before it fails.
    dms().setRunBehavior(arn, { outcome: 'fails', failedFirstStart: reading, failureMessage: 'Source endpoint unreachable', startDurationMs: 4_000 });
    const { driver, created } = await deployed({ waitFor: ReplicationWaitFor.ACCEPTED, cdcStartTime, replicationType });
    expect(created.status).toBe('CREATE_COMPLETE'); // accepted; DMS failed it afterwards
    await new Promise((r) => setTimeout(r, 4_200));
    expect(status(arn)).toBe('failed');
    dms().setRunBehavior(arn, { outcome: 'runs', startDurationMs: 800 });
    const updated = await driver.update(app(name, { waitFor: ReplicationWaitFor.ACCEPTED, cdcStartTime, replicationType, schema: 'billing' }));
    expect(failuresOf(updated)).toEqual([]);
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(startsOn(arn)).toEqual(['start-replication', 'start-replication']);
    expect(dms().cdcStartOf(arn)?.time).toBe(Date.parse(cdcStartTime));
  }, 180_000);

  test('a first start the deploy saw only accepted, that DMS ran (its full load began) and someone stopped: the next start resumes it', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    dms().setRunBehavior(arn, { fullLoadDurationMs: 365 * 24 * 3600_000, startDurationMs: 5_000 });
    const { driver } = await deployed({ waitFor: ReplicationWaitFor.ACCEPTED });
    // No check of ours saw it running (the deploy was done at "accepted"); DMS ran it and began the load.
    expect(status(arn)).not.toBe('running');
    await new Promise((r) => setTimeout(r, 6_000));
    expect(status(arn)).toBe('running');
    await stopByHand(arn);
    const updated = await driver.update(app(name, { waitFor: ReplicationWaitFor.ACCEPTED, schema: 'billing' }));
    expect(failuresOf(updated)).toEqual([]);
    expect(startsOn(arn)).toEqual(['start-replication', 'resume-processing']);
  }, 180_000);

  test('a CDC-only first start judged at accepted: a later decision that sees it running records that it ran, so after a failure it is resumed', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    dms().setRunBehavior(arn, { startDurationMs: 5_000 });
    const cdc = { replicationType: 'cdc', waitFor: ReplicationWaitFor.ACCEPTED };
    const { driver } = await deployed({ ...cdc, cdcStartTime: '2026-11-01T00:00:00Z' });
    expect(status(arn)).not.toBe('running'); // the deploy was done at "accepted"
    expect(await statusOnceSettled(dms(), arn, 'running')).toBe('running');
    // A deploy that touches only the run: it finds the replication running, and starts nothing.
    expect((await driver.update(app(name, { ...cdc, cdcStartTime: '2026-11-02T00:00:00Z' }))).status).toBe('UPDATE_COMPLETE');
    // DMS fails it later; a CDC-only replication shows no full load that would tell it ran.
    dms().interruptReplication(arn, { stopReason: 'Stop Reason FATAL_ERROR', status: 'failed', failureMessages: ['Source log not available'] });
    expect(await statusOnceSettled(dms(), arn, 'failed')).toBe('failed');
    const updated = await driver.update(app(name, { ...cdc, cdcStartTime: '2026-11-02T00:00:00Z', schema: 'billing' }));
    expect(failuresOf(updated)).toEqual([]);
    expect(startsOn(arn)).toEqual(['start-replication', 'resume-processing']);
  }, 180_000);

  test('a replication that ran and then failed is resumed, as before', async () => {
    const { name, driver, configArn } = await deployed();
    dms().setRunBehavior(configArn, { outcome: 'fails' });
    // Failed by DMS after it ran: stop it and start it again by hand would be the same; here a resume fails.
    const failedUpdate = await driver.update(app(name, { schema: 'billing' }));
    expect(failedUpdate.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    dms().setRunBehavior(configArn, { outcome: 'runs' });
    const updated = await driver.update(app(name, { schema: 'orders' }));
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(startsOn(configArn).slice(-1)).toEqual(['resume-processing']);
  }, 240_000);
});

describe('item 10: serverless deprovisioning is waited for, deprovisioned is at rest', () => {
  test.each(['status', 'provision-data'] as const)('a config DMS deprovisioned after a long stop (%s reading) runs again on the next deploy with a resume', async (reading) => {
    const { name, driver, configArn } = await deployed();
    dms().setRunBehavior(configArn, { deprovisionReading: reading });
    expect((await driver.update(app(name, { desiredState: ReplicationDesiredState.STOPPED }))).status).toBe('UPDATE_COMPLETE');
    expect(status(configArn)).toBe('stopped');
    // About 48 hours later, DMS deprovisions it; the deploy comes while it still deprovisions.
    dms().deprovision(configArn, 4_000);
    const updated = await driver.update(app(name, { desiredState: ReplicationDesiredState.RUNNING }));
    expect(failuresOf(updated)).toEqual([]);
    expect(updated.status).toBe('UPDATE_COMPLETE');
    expect(startsOn(configArn).slice(-1)).toEqual(['resume-processing']);
    expect(status(configArn)).toBe('running');
  }, 180_000);
});

describe('item 6: no reload that nobody asked for', () => {
  const fullLoad = { replicationType: 'full-load', waitFor: ReplicationWaitFor.ACCEPTED };

  test('an update that would stop a full-load-only replication mid-load is refused by the guard before it stops anything', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    dms().setRunBehavior(arn, { fullLoadDurationMs: 120_000 });
    const { driver, configArn } = await deployed(fullLoad);
    dms().resetCalls();
    const updated = await driver.update(app(name, { ...fullLoad, schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(updated)[0]).toMatch(/^RunConfigGuard: The replication config \S+ is full-load only and still loading \(\d+ %\).*Wait for the load to finish, or set reloadTrigger/);
    expect(dms().callsTo('StopReplication')).toEqual([]);
    expect(dms().callsTo('ModifyReplicationConfig')).toEqual([]);
    expect(status(configArn)).toBe('running');
  }, 120_000);

  test('with reloadTrigger changed, the same update stops it, modifies it and reloads it', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    dms().setRunBehavior(arn, { fullLoadDurationMs: 120_000 });
    const { driver, configArn } = await deployed({ ...fullLoad, reloadTrigger: '1' });
    const updated = await driver.update(app(name, { ...fullLoad, schema: 'billing', reloadTrigger: '2' }));
    expect(failuresOf(updated)).toEqual([]);
    expect(startsOn(configArn)).toEqual(['start-replication', 'reload-target']);
  }, 120_000);

  test('a full-load-only replication stopped mid-load is not reloaded by a deploy that did not change reloadTrigger: it fails saying so', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    // A load far longer than any simulated time the suite's leftover waits can skip to, so it is surely mid-load when stopped.
    dms().setRunBehavior(arn, { fullLoadDurationMs: 365 * 24 * 3600_000 });
    const { driver, configArn } = await deployed({ ...fullLoad, desiredState: ReplicationDesiredState.RUNNING });
    // Stopped mid-load by hand (once DMS runs it: the deploy was done at "accepted"); then a deploy asks for it to run.
    expect(await statusOnceSettled(dms(), configArn, 'running')).toBe('running');
    await stopByHand(configArn);
    const updated = await driver.update(app(name, { ...fullLoad, desiredState: ReplicationDesiredState.STOPPED }));
    expect(updated.status).toBe('UPDATE_COMPLETE');
    const again = await driver.update(app(name, { ...fullLoad, desiredState: ReplicationDesiredState.RUNNING }));
    expect(again.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(again)[0]).toMatch(/full-load only and its load did not finish.*Set reloadTrigger/);
    expect(startsOn(configArn)).toEqual(['start-replication']);
  }, 120_000);
});

describe('item 9: an operation that was cancelled or has ended does not act afterwards; replays answer as the first time', () => {
  const runId = (driver: LifecycleDriver) => [...driver.resources.values()].find((r) => /^RunConfig[0-9A-F]{8}$/.test(r.logicalId))!;

  test('a replayed create that finds its own start under way answers `…|start` and starts nothing twice', async () => {
    const name = `Intent${n + 1}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    dms().setRunBehavior(arn, { startDurationMs: 15_000 });
    const { driver, created } = await deployed({ waitFor: ReplicationWaitFor.ACCEPTED });
    expect(created.status).toBe('CREATE_COMPLETE');
    const first = runId(driver).physicalId;
    expect(first).toBe(`${arn}|start`);
    const replayed = await driver.replay(runId(driver).logicalId);
    expect(replayed).toMatchObject({ status: 'SUCCESS', physicalResourceId: first });
    expect(startsOn(arn)).toEqual(['start-replication']);
  }, 120_000);

  // The Delete first looks 15 s after its fence (5 + 10 s; with a 1-s DMS request timeout: 6 s). A Describe lagging the start
  // past that look (9.5 s, within a 10-s read-lag grace) is looked at again for the grace.
  test.each<{ config: string; retain: boolean; lagMs: number; env: Record<string, string> }>([
    { config: 'deleted', retain: false, lagMs: 4_000, env: {} },
    { config: 'retained', retain: true, lagMs: 4_000, env: {} },
    { config: 'deleted, DMS showing the start only after the first look', retain: false, lagMs: 9_500, env: { DMS_LIFECYCLE_REQUEST_TIMEOUT_MS: '1000', DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '10' } },
  ])('a cancelled create whose start reaches DMS late (a slow read-back of its ask): the rollback stops it; the config is $config', async ({ retain, lagMs, env: extra }) => {
    const name = `Intent${++n}`;
    const arn = dms().arnForIdentifier('replication-config', `${name}-config`);
    const parameter = intentParameterName(arn);
    // The create's read-back of its ask is answered 4.5 s late (SSM's request timeout is 5 s), so its start reaches DMS
    // long after its ask; Describe then shows the start only lagMs later (within the read-lag grace, here 5 s or 10 s).
    dms().setRunBehavior(arn, { describeLagMs: lagMs });
    dms().afterNextCall('StartReplication', () => dms().setRunBehavior(arn, { describeLagMs: 0 }), arn); // the start lags; the stop does not
    dms().afterNextCall('PutParameter', () => dms().delayNext('GetParameter', 4_500, 1, parameter), parameter);
    const env = { ...dms().env(), ...ENV, DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '5', ...extra };
    const driver = new LifecycleDriver({ assemblyDir: app(name, { retain }), stackName: name, env, resourceTypes: dmsResourceTypes(dms()) });
    const created = await driver.deploy({ cancelAfterMs: 1_500, onFailure: 'ROLLBACK' });
    await driver.settle();
    expect(failuresOf(created).filter((f) => !f.startsWith('RunConfig: Resource creation cancelled'))).toEqual([]);
    expect(created.status).toBe('ROLLBACK_COMPLETE');
    // The create sent its start, and the rollback stopped it.
    expect(startsOn(arn)).toEqual(['start-replication']);
    expect(dms().callsTo('StopReplication').filter((c) => c.input?.ReplicationConfigArn === arn).length).toBe(1);
    expect(status(arn)).toBe(retain ? 'stopped' : undefined);
    driver.dispose();
  }, 120_000);

  test('a create replayed after its operation ended (someone asked since: a stop) answers the same physical id and starts nothing', async () => {
    const { driver, configArn } = await deployed();
    const first = runId(driver).physicalId;
    // Later, someone (here the CLI) records a stop and stops it.
    await recordAsk(configArn, { action: 'cutover-stop', from: 'running', by: { cli: 'cutover' } });
    await stopByHand(configArn);
    // The create request, delivered again long after its operation ended.
    const replayed = await driver.replay(runId(driver).logicalId);
    expect(replayed).toMatchObject({ status: 'SUCCESS', physicalResourceId: first });
    expect(startsOn(configArn)).toEqual(['start-replication']);
    expect(status(configArn)).toBe('stopped');
  }, 120_000);

  test('the stop before a reload: a reload update replayed after its operation ended stops nothing and reloads nothing', async () => {
    const { name, driver, configArn } = await deployed({ reloadTrigger: '1' });
    expect((await driver.update(app(name, { reloadTrigger: '2' }))).status).toBe('UPDATE_COMPLETE');
    expect(startsOn(configArn)).toEqual(['start-replication', 'reload-target']);
    await new Promise((r) => setTimeout(r, 1_500)); // loaded: running on CDC
    await recordAsk(configArn, { action: 'resume', from: 'running', by: { cli: 'someone' } });
    const stops = dms().callsTo('StopReplication').length;
    const replayed = await driver.replay(runId(driver).logicalId);
    expect(replayed.status).toBe('SUCCESS');
    expect(dms().callsTo('StopReplication').length).toBe(stops);
    expect(startsOn(configArn)).toEqual(['start-replication', 'reload-target']);
    expect(status(configArn)).toBe('running');
  }, 180_000);
});

async function stopByHand(arn: string) {
  await new DatabaseMigrationServiceClient({}).send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
  for (let i = 0; i < 50 && status(arn) !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 200));
}

describe('a replication the CLI cut over (a cutover-stop ask on record)', () => {
  test('a later deploy does not resume it: the update fails saying it was cut over, and the rollback leaves it stopped', async () => {
    const { name, driver, configArn } = await deployed();
    // What the CLI's cutover records before it stops the replication (the stop and its resume to the position are one ask).
    await recordAsk(configArn, { action: 'cutover-stop', from: 'running', positions: ['commit_time:2026-11-01T22:00:01'], by: { cli: 'cdk-dms-lifecycle cutover test' } });
    await stopByHand(configArn);
    const updated = await driver.update(app(name, { schema: 'billing' }));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failuresOf(updated)[0]).toMatch(/^RunConfig: The replication config \S+ was cut over .*desiredState to STOPPED/);
    expect(startsOn(configArn)).toEqual(['start-replication']);
    expect(status(configArn)).toBe('stopped');
  }, 120_000);
});
