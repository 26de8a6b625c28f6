import { DatabaseMigrationServiceClient, ModifyReplicationConfigCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/replication-run';
import { cfnEvent } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms({ runBehavior: { startDurationMs: 300, fullLoadDurationMs: 600, modifyDurationMs: 800, tables: 4 } });

/** The stack the handlers ask CloudFormation about: its status and resources, set per test. */
const { stack } = useEmulatedCloudFormation();
stack.status = 'UPDATE_IN_PROGRESS';
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

const RUN = 'Custom::DmsReplicationRun';
const GUARD = 'Custom::DmsReplicationGuard';
let n = 0;
function config(status: string, extra: Record<string, unknown> = {}) {
  const arn = dms().replicationConfigArn(`RUN${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 400, ...extra });
  return arn;
}
function task(status: string, extra: Record<string, unknown> = {}) {
  const arn = dms().taskArn(`RUNTASK${++n}`);
  dms().addReplicationTask(arn, { status, stopDurationMs: 400, ...extra });
  return arn;
}
const runProps = (arnProp: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...arnProp,
  ReplicationProperties: '{"TableMappings":"v1"}',
  WaitFor: 'running',
  TimeoutSeconds: '30',
  PollIntervalSeconds: '1',
  ...extra,
});
const calls = (operation: string, arn: string) =>
  dms().callsTo(operation).filter((c) => (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn);

describe('the run', () => {
  test('Create starts a config that never ran with start-replication and completes once it runs', async () => {
    const arn = config('created');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }));
    // The id records that this create started it: its Delete may undo that start.
    expect(run.physicalId).toBe(`${arn}|start`);
    expect(run.data).toEqual({ Status: 'running', StartType: 'start-replication', FullLoadProgressPercent: expect.any(String), TablesLoaded: expect.any(String), TablesErrored: '0' });
    expect(calls('StartReplication', arn).map((c) => c.input.StartReplicationType)).toEqual(['start-replication']);
  });

  test('a CDC start time is passed with the first start', async () => {
    const arn = task('ready');
    await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationTaskArn: arn }, { CdcStartTime: '2026-11-01T00:00:00.000Z' }), { resourceType: RUN }));
    expect(calls('StartReplicationTask', arn)[0].input).toMatchObject({ StartReplicationTaskType: 'start-replication', CdcStartTime: Date.parse('2026-11-01T00:00:00Z') / 1000 });
  });

  test('accepted: done as soon as DMS took the start', async () => {
    const arn = config('created');
    dms().setRunBehavior(arn, { startDurationMs: 20_000 });
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }, { WaitFor: 'accepted' }), { resourceType: RUN }));
    expect(run.data?.Status).toMatch(/initializing|provisioning_capacity/);
  });

  test('full-load-finished: waits until the full load is done while CDC goes on', async () => {
    const arn = task('ready');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationTaskArn: arn }, { WaitFor: 'full-load-finished' }), { resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', FullLoadProgressPercent: '100', TablesLoaded: '4' });
  });

  test('a full-load-only task that loads and stops before the first check has succeeded', async () => {
    const arn = task('ready', { migrationType: 'full-load', behavior: { startDurationMs: 50, fullLoadDurationMs: 50, tables: 5, tablesErrored: 1 } });
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationTaskArn: arn }), { resourceType: RUN }));
    expect(run.data).toEqual({ Status: 'stopped', StartType: 'start-replication', FullLoadProgressPercent: '100', TablesLoaded: '4', TablesErrored: '1' });
  });

  test('a start that fails fails the resource with DMS\'s stop reason and failure messages', async () => {
    const arn = config('created', { behavior: { outcome: 'fails', failureMessage: 'Failed to connect to the source database' } });
    await expect(runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }))).rejects.toThrow(
      `The replication config ${arn} failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Failed to connect to the source database`,
    );
  });

  test('a start DMS keeps refusing although it shows the config at rest fails with the call and DMS\'s message, not a timeout', async () => {
    const arn = config('created');
    dms().failNext('StartReplication', 'InvalidResourceStateFault', 'Replication config cannot be started: endpoint is being modified', 100);
    process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS = '2';
    try {
      await expect(runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }))).rejects.toThrow(
        new RegExp(`^DMS StartReplication refused for replication config ${arn}: Replication config cannot be started: endpoint is being modified \\(still refused after \\d+ s\\)$`),
      );
    } finally {
      delete process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS;
      dms().clearFaults('StartReplication');
    }
  });

  test('a start refused for a moment is ridden out', async () => {
    const arn = config('created');
    dms().failNext('StartReplication', 'InvalidResourceStateFault', 'Replication config cannot be started right now', 1);
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'start-replication' });
    expect(calls('StartReplication', arn).map((c) => c.errorCode ?? 'accepted')).toEqual(['InvalidResourceStateFault', 'accepted']);
  });

  test('already running: nothing is started', async () => {
    const arn = config('running');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'none' });
    expect(calls('StartReplication', arn)).toEqual([]);
  });

  test('an Update after a modify waits out modifying, then resumes', async () => {
    const arn = config('stopped');
    dms().setRunBehavior(arn, { modifyDurationMs: 1_500 });
    await dmsModify(arn);
    expect(dms().replication(arn)?.Status).toBe('modifying');
    const props = runProps({ ReplicationConfigArn: arn }, { ReplicationProperties: '{"TableMappings":"v2"}' });
    const run = await runHandlers(handlers, cfnEvent('Update', props, { oldProperties: runProps({ ReplicationConfigArn: arn }), physicalId: arn, resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'resume-processing' });
    expect(calls('StartReplication', arn).map((c) => c.errorCode ?? c.input.StartReplicationType)).toEqual(['resume-processing']);
  });

  test('a changed ReloadTrigger stops a running task and reloads the target', async () => {
    const arn = task('running');
    const old = runProps({ ReplicationTaskArn: arn }, { ReloadTrigger: '1' });
    stack.status = 'UPDATE_IN_PROGRESS';
    const run = await runHandlers(handlers, cfnEvent('Update', { ...old, ReloadTrigger: '2' }, { oldProperties: old, physicalId: arn, resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'reload-target' });
    expect(calls('StopReplicationTask', arn)).toHaveLength(1);
  });

  test('Delete stops the replication and waits until it is stopped', async () => {
    const arn = config('running');
    const run = await runHandlers(handlers, cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: arn, resourceType: RUN }));
    expect(run.data).toEqual({ Status: 'stopped' });
  });
});

describe('the guard', () => {
  const guardProps = (properties: string) => ({
    ReplicationKind: 'replication-config',
    ReplicationLogicalId: 'Config',
    ReplicationProperties: properties,
    WaitFor: 'running',
    TimeoutSeconds: '30',
    PollIntervalSeconds: '1',
  });

  test('an Update finds the config among the stack\'s resources, stops it before CloudFormation modifies it, and takes a new physical id', async () => {
    const arn = config('running');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    const created = await runHandlers(handlers, cfnEvent('Create', guardProps('v1'), { resourceType: GUARD }));
    expect(dms().calls.filter((c) => JSON.stringify(c.input ?? {}).includes(arn))).toEqual([]);
    const updated = await runHandlers(handlers, cfnEvent('Update', guardProps('v2'), { oldProperties: guardProps('v1'), physicalId: created.physicalId, resourceType: GUARD }));
    expect(updated.physicalId).not.toBe(created.physicalId);
    expect(updated.physicalId).toMatch(/^Config:[0-9a-f]{12}:stopped$/);
    expect(dms().replication(arn)?.Status).toBe('stopped');
  });

  test('the Delete of a stopping guard\'s id that a rolled-back update replaced starts the replication again; other Deletes do nothing', async () => {
    const arn = config('stopped');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    stack.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
    await runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:old', resourceType: GUARD }));
    stack.status = 'DELETE_IN_PROGRESS';
    await runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:old', resourceType: GUARD }));
    expect(calls('StartReplication', arn)).toEqual([]);
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    // A guard the failed update created (not in the template rolled back to) brings nothing back.
    await runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:new:stopped', resourceType: GUARD }));
    expect(calls('StartReplication', arn)).toEqual([]);
    stack.templateResources = ['Config', 'Resource'];
    // The guard existed before, but the replaced Update stopped nothing: nothing to bring back.
    await runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:new', resourceType: GUARD }));
    expect(calls('StartReplication', arn)).toEqual([]);
    // The guard existed before and its replaced Update stopped it: the replication runs again.
    const run = await runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:new:stopped', resourceType: GUARD }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'resume-processing' });
    stack.status = 'UPDATE_IN_PROGRESS';
    stack.templateResources = [];
  });
});

async function dmsModify(arn: string) {
  await new DatabaseMigrationServiceClient({}).send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[{}]}' }));
}
