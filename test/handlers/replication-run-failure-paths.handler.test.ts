/**
 * The run and its guard on the paths where something goes wrong (issue 20), on the
 * TypeScript handlers against the DMS emulator and a CloudFormation endpoint whose stack
 * status each test sets. Several isComplete invocations per request (a 2-s poll budget),
 * so whatever one invocation knew and the next did not shows.
 */
import {
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  ModifyReplicationConfigCommand,
  StartReplicationCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { recordAsk, waitForOperation } from '../../lambda/dms';
import { ResourcePropertyReader } from '../../lambda/handler-kit/resource-properties';
import * as handlers from '../../lambda/replication-run';
import { runKind } from '../../lambda/replication-run/run';
import { cfnEvent } from '../support/cfn-events';
import { TEST_STACK_ID, useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '2';
process.env.DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS = '2';
process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS = '30';
const dms = useEmulatedDms({ runBehavior: { startDurationMs: 300, fullLoadDurationMs: 600, modifyDurationMs: 800, tables: 4 } });

/** The stack the handlers ask CloudFormation about: its status and resources, set per test. */
const { stack, endpoint } = useEmulatedCloudFormation();
stack.status = 'UPDATE_IN_PROGRESS';
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
beforeEach(() => {
  stack.status = 'UPDATE_IN_PROGRESS';
  stack.resources = [];
  stack.templateResources = [];
});

const RUN = 'Custom::DmsReplicationRun';
const GUARD = 'Custom::DmsReplicationGuard';
let n = 0;
function config(status: string, extra: Record<string, unknown> = {}) {
  const arn = dms().replicationConfigArn(`FAIL${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 400, ...extra });
  return arn;
}
function task(status: string, extra: Record<string, unknown> = {}) {
  const arn = dms().taskArn(`FAILTASK${++n}`);
  dms().addReplicationTask(arn, { status, stopDurationMs: 400, ...extra });
  return arn;
}
const runProps = (arnProp: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...arnProp,
  ReplicationProperties: '{"TableMappings":"v1"}',
  WaitFor: 'running',
  TimeoutSeconds: '60',
  PollIntervalSeconds: '1',
  ...extra,
});
const starts = (arn: string) => dms().calls
  .filter((c) => c.operation.startsWith('Start') && (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn)
  .map((c) => `${c.input.StartReplicationType ?? c.input.StartReplicationTaskType}${c.errorCode ? `!${c.errorCode}` : ''}`);
const stops = (arn: string) => dms().calls.filter((c) => c.operation.startsWith('Stop') && (c.input?.ReplicationConfigArn ?? c.input?.ReplicationTaskArn) === arn);
const status = (arn: string) => dms().replicationRun(arn)?.Status;

describe('a failed start is ours across invocations (case 3)', () => {
  // Both readings where DMS does not date the start before it fails: stamped when it runs (so never), and
  // stamped at the request behind a Describe that lags the start.
  const readings = [
    ['dated only once running (a failed start never is)', { startDateStamp: 'running' as const }, {}],
    ['dated at the request, Describe lagging the start', {}, { describeLagMs: 1_500 }],
  ] as const;

  test.each(readings)('first run, %s: fails with DMS\'s stop reason and message, started once', async (_name, behavior, extra) => {
    // The start fails after the first isComplete invocation handed back.
    const arn = config('created', { ...extra, behavior: { ...behavior, startDurationMs: 3_000, outcome: 'fails', failureStopReason: 'Stop Reason FATAL_ERROR', failureMessage: 'ORA-01017: invalid username/password; logon denied' } });
    await expect(runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }))).rejects.toThrow(
      `The replication config ${arn} failed: stop reason: Stop Reason FATAL_ERROR; failure messages: ORA-01017: invalid username/password; logon denied`,
    );
    expect(starts(arn)).toEqual(['start-replication']);
  });

  test('a resume after an update that fails fails the update (it is not resumed a second time)', async () => {
    const arn = task('stopped', { behavior: { startDateStamp: 'running', startDurationMs: 3_000, outcome: 'fails', failureStopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessage: 'Source endpoint unreachable' } });
    const old = runProps({ ReplicationTaskArn: arn });
    const props = { ...old, ReplicationProperties: '{"TableMappings":"v2"}' };
    await expect(runHandlers(handlers, cfnEvent('Update', props, { oldProperties: old, physicalId: arn, resourceType: RUN }))).rejects.toThrow(
      `The replication task ${arn} failed: stop reason: Stop Reason RECOVERABLE_ERROR; failure messages: Source endpoint unreachable`,
    );
    expect(starts(arn)).toEqual(['resume-processing']);
  });
});

describe('the start type is decided from DMS at rest (case 6)', () => {
  test('a config modified before it ever ran: start-replication with its CDC start time, once modifying ends', async () => {
    const arn = config('created', { behavior: { modifyDurationMs: 2_500 } });
    await new DatabaseMigrationServiceClient({}).send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[{}]}' }));
    expect(status(arn)).toBe('modifying');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }, { CdcStartTime: '2026-11-01T00:00:00.000Z' }), { resourceType: RUN }));
    expect(run.data).toMatchObject({ StartType: 'start-replication' });
    const accepted = dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn && !c.errorCode);
    expect(accepted.map((c) => [c.input.StartReplicationType, c.input.CdcStartTime])).toEqual([['start-replication', Date.parse('2026-11-01T00:00:00Z') / 1000]]);
  });

  test('a task DMS still shows creating: start-replication once it is ready, never a refused start', async () => {
    const identifier = `creating-${++n}`;
    const arn = dms().arnForIdentifier('task', identifier);
    // CloudFormation just created it: DMS shows it `creating` for 2.5 s.
    dms().setRunBehavior(arn, { createDurationMs: 2_500 });
    await new DatabaseMigrationServiceClient({}).send(new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: identifier,
      MigrationType: 'full-load-and-cdc',
      ReplicationInstanceArn: dms().instanceArn('INSTANCE'),
      SourceEndpointArn: dms().endpointArn('SOURCE'),
      TargetEndpointArn: dms().endpointArn('TARGET'),
      TableMappings: '{"rules":[{"rule-type":"selection"}]}',
    }));
    expect(status(arn)).toBe('creating');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationTaskArn: arn }, { CdcStartPosition: 'checkpoint:V1#27#mysql-bin-changelog.157832:1975:-1:2002:677883278264080:mysql-bin-changelog.157832:1876#0#0#*#0#93' }), { resourceType: RUN }));
    expect(run.data).toMatchObject({ StartType: 'start-replication' });
    expect(starts(arn)).toEqual(['start-replication']);
  });
});

describe('the run\'s Delete stops only what goes away, or what its own create started (cases 1 and 5)', () => {
  test('a create that finds the replication running records that it started nothing; its rollback Delete leaves it running', async () => {
    const arn = config('running');
    const created = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }));
    expect(created.physicalId).toBe(arn);
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    stack.templateResources = ['Config']; // the run is not in the template rolled back to: the failed update added it
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    await runHandlers(handlers, cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: created.physicalId, resourceType: RUN }));
    expect(stops(arn)).toEqual([]);
    expect(status(arn)).toBe('running');
  });

  test('a create that started it: its rollback Delete undoes the start', async () => {
    const arn = config('created');
    const created = await runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }));
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    stack.templateResources = ['Config'];
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    await runHandlers(handlers, cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: created.physicalId, resourceType: RUN }));
    expect(status(arn)).toBe('stopped');
  });

  test('a create whose stack is rolling back starts nothing, and says why', async () => {
    const arn = config('created');
    stack.status = 'ROLLBACK_IN_PROGRESS';
    await expect(runHandlers(handlers, cfnEvent('Create', runProps({ ReplicationConfigArn: arn }), { resourceType: RUN }))).rejects.toThrow(
      `Not starting the replication config ${arn}: stack ${TEST_STACK_ID} is ROLLBACK_IN_PROGRESS, so this create no longer starts anything`,
    );
    expect(starts(arn)).toEqual([]);
  });

  test('a cancelled create\'s Delete (an id CloudFormation made up) waits out the create, then stops what goes away', async () => {
    const arn = config('created');
    stack.status = 'ROLLBACK_IN_PROGRESS';
    // The create's start lands just after the Delete arrives.
    const began = Date.now();
    const deleting = runHandlers(handlers, cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: 'Test-RunResource-1A2B3C4D5E6F', resourceType: RUN }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await new DatabaseMigrationServiceClient({}).send(new StartReplicationCommand({ ReplicationConfigArn: arn, StartReplicationType: 'start-replication' }));
    const deleted = await deleting;
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_000);
    expect(deleted.data).toEqual({ Status: 'stopped' });
    expect(status(arn)).toBe('stopped');
  });

  test('a cancelled create\'s Delete whose stack reads CloudFormation throttles hands back to the waiter until the request\'s deadline (simulated clock)', async () => {
    const arn = config('stopped');
    stack.status = 'ROLLBACK_IN_PROGRESS';
    const event = cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: 'Test-RunResource-THROTTLED', resourceType: RUN });
    const operation = runKind.operation(new ResourcePropertyReader(event.ResourceProperties), 'run', event);
    let now = Date.now();
    const clock = { now: () => now, sleep: async (ms: number) => { now += ms; }, random: () => 0.5 };
    const startedAt = now;
    /** isComplete invocations of 60 s each until done (or the deadline throws), as the provider framework makes them. */
    async function invocations(deadline: number) {
      let count = 0;
      for (;;) {
        count++;
        const progress = await waitForOperation(operation, { actAfter: 0 }, { startedAt, deadline, returnBy: now + 60_000 }, clock);
        if (progress.done) return { progress, count };
      }
    }
    try {
      // Four minutes of throttling: several invocations hand back, then the Delete goes on.
      endpoint().throttleWhile(() => now < startedAt + 4 * 60_000);
      const done = await invocations(startedAt + 20 * 60_000);
      expect(done.count).toBeGreaterThanOrEqual(4);
      expect(now).toBeGreaterThanOrEqual(startedAt + 4 * 60_000);
      expect(done.progress).toMatchObject({ done: true, status: 'stopped' });
      // Throttling past the request's deadline fails it there, with CloudFormation's words, not as an unreadable stack.
      endpoint().throttleWhile(() => true);
      const deadline = now + 5 * 60_000;
      await expect(invocations(deadline)).rejects.toThrow(/; last check failed: Throttling: Rate exceeded\. /);
      expect(now).toBeGreaterThanOrEqual(deadline);
    } finally {
      endpoint().throttleWhile(() => false);
    }
  });

  test('a cancelled create\'s Delete in an update rollback: stops a start made during the update, leaves one running from before', async () => {
    const before = config('running'); // running before the update: no start of the stack's on record
    const during = config('created');
    // The cancelled create recorded its start (the record of intent) before it sent it.
    const createEvent = cfnEvent('Create', runProps({ ReplicationConfigArn: during }), { resourceType: RUN });
    await recordAsk(during, { action: 'start', startType: 'start-replication', from: 'created', by: { stack: createEvent.StackId, resource: createEvent.LogicalResourceId, request: createEvent.RequestId } });
    await new DatabaseMigrationServiceClient({}).send(new StartReplicationCommand({ ReplicationConfigArn: during, StartReplicationType: 'start-replication' }));
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    stack.templateResources = ['ConfigA', 'ConfigB'];
    stack.resources = [before, during].map((arn, i) => ({ logicalId: `Config${'AB'[i]}`, physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }));
    for (const arn of [before, during]) {
      await runHandlers(handlers, cfnEvent('Delete', runProps({ ReplicationConfigArn: arn }), { physicalId: 'Test-RunResource-MADEUP', resourceType: RUN }));
    }
    expect([status(before), status(during)]).toEqual(['running', 'stopped']);
  });
});

describe('a rollback only restores the running state (case 2)', () => {
  test('a rollback Update after a reload resumes, never reloads, and does not wait for the full load', async () => {
    const arn = task('stopped', { behavior: { fullLoadDurationMs: 60_000 } });
    // The forward update reloaded it, and the rollback's guard stopped it mid-load.
    const client = new DatabaseMigrationServiceClient({});
    await client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'reload-target' }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(dms().replicationRun(arn)).toMatchObject({ Status: 'stopped', ReplicationTaskStats: { FullLoadProgressPercent: expect.any(Number) } });
    dms().resetCalls();
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const attempted = runProps({ ReplicationTaskArn: arn }, { ReloadTrigger: '2', WaitFor: 'full-load-finished', TimeoutSeconds: '20', ReplicationProperties: '{"TableMappings":"v2"}' });
    const old = runProps({ ReplicationTaskArn: arn }, { ReloadTrigger: '1', WaitFor: 'full-load-finished', TimeoutSeconds: '20' });
    const rolledBack = await runHandlers(handlers, cfnEvent('Update', old, { oldProperties: attempted, physicalId: arn, resourceType: RUN }));
    expect(rolledBack.data).toMatchObject({ StartType: 'resume-processing' });
    expect(starts(arn)).toEqual(['resume-processing']);
    expect(dms().replicationRun(arn)?.ReplicationTaskStats.FullLoadProgressPercent).toBeLessThan(100);
  }, 30_000);

  // The Create's wait ends at onEvent's rest wait (4 s here, less a poll), the Update's at half its 14-s timeout (to leave its checks time).
  test.each([['Create', '4', /after [23] s/], ['Update', '30', /after [5-7] s/]] as const)('a forward %s whose replication stays modifying past onEvent\'s wait fails saying so, and starts nothing (no check starts it later)', async (requestType, restWait, waited) => {
    const arn = config('stopped', { behavior: { modifyDurationMs: 30_000 } });
    await new DatabaseMigrationServiceClient({}).send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[{}]}' }));
    stack.status = requestType === 'Create' ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS';
    dms().resetCalls();
    process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS = restWait;
    try {
      const props = runProps({ ReplicationConfigArn: arn }, { TimeoutSeconds: '14' });
      const event = requestType === 'Create'
        ? cfnEvent('Create', props, { resourceType: RUN })
        : cfnEvent('Update', { ...props, ReplicationProperties: '{"TableMappings":"v2"}' }, { oldProperties: props, physicalId: arn, resourceType: RUN });
      const failure = await runHandlers(handlers, event).then(() => undefined, (err: Error) => err);
      expect(failure?.message).toMatch(new RegExp(`^The replication config ${arn} was still modifying .* s of waiting for it to be at rest; nothing was started\\. Retry the deployment`));
      expect(failure?.message).toMatch(waited);
      expect(status(arn)).toBe('modifying');
      expect(starts(arn)).toEqual([]);
      expect(dms().calls.filter((c) => c.operation.startsWith('Start'))).toEqual([]);
    } finally {
      process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS = '30';
    }
  }, 30_000);

  test('a rollback Update whose replication stays modifying past its time hands back instead of failing', async () => {
    const arn = config('stopped', { behavior: { modifyDurationMs: 30_000 } });
    await new DatabaseMigrationServiceClient({}).send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[{}]}' }));
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS = '1';
    try {
      const old = runProps({ ReplicationConfigArn: arn }, { TimeoutSeconds: '14' });
      const attempted = { ...old, ReplicationProperties: '{"TableMappings":"v2"}' };
      const rolledBack = await runHandlers(handlers, cfnEvent('Update', old, { oldProperties: attempted, physicalId: arn, resourceType: RUN }));
      expect(rolledBack.data).toBeUndefined();
      expect(status(arn)).toBe('modifying');
      expect(starts(arn)).toEqual([]);
    } finally {
      process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS = '30';
    }
  }, 30_000);
});

describe('the guard on the failure paths (case 7)', () => {
  const guardProps = (properties: string) => ({
    ReplicationKind: 'replication-config',
    ReplicationLogicalId: 'Config',
    ReplicationProperties: properties,
    WaitFor: 'running',
    TimeoutSeconds: '30',
    PollIntervalSeconds: '1',
  });
  process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS = '2';

  test('a forward stop DMS refuses fails the update; the rollback Update then stops nothing and succeeds', async () => {
    const arn = config('running');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    const created = await runHandlers(handlers, cfnEvent('Create', guardProps('v1'), { resourceType: GUARD }));
    dms().failNext('StopReplication', 'InvalidResourceStateFault', 'Replication is provisioning capacity and cannot be stopped', 100);
    try {
      await expect(runHandlers(handlers, cfnEvent('Update', guardProps('v2'), { oldProperties: guardProps('v1'), physicalId: created.physicalId, resourceType: GUARD }))).rejects.toThrow(
        /^DMS StopReplication refused for replication config \S+: Replication is provisioning capacity and cannot be stopped \(still refused after \d+ s\)$/,
      );
      const refused = stops(arn).length;
      stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
      const rolledBack = await runHandlers(handlers, cfnEvent('Update', guardProps('v1'), { oldProperties: guardProps('v2'), physicalId: created.physicalId, resourceType: GUARD }));
      expect(rolledBack.physicalId).toBe(created.physicalId);
      expect(stops(arn)).toHaveLength(refused);
      expect(status(arn)).toBe('running');
    } finally {
      dms().clearFaults('StopReplication');
    }
  });

  test('a guard that stopped and then failed: its rollback Update starts the replication again', async () => {
    const arn = config('running', { stopDurationMs: 4_000 });
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    const created = await runHandlers(handlers, cfnEvent('Create', guardProps('v1'), { resourceType: GUARD }));
    // Its wait for `stopped` times out (2 s), although DMS accepted the stop.
    await expect(runHandlers(handlers, cfnEvent('Update', { ...guardProps('v2'), TimeoutSeconds: '2' }, { oldProperties: guardProps('v1'), physicalId: created.physicalId, resourceType: GUARD }))).rejects.toThrow(/^Timed out/);
    expect(status(arn)).toBe('stopping');
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    await runHandlers(handlers, cfnEvent('Update', guardProps('v1'), { oldProperties: guardProps('v2'), physicalId: created.physicalId, resourceType: GUARD }));
    expect(starts(arn)).toEqual(['resume-processing']);
    expect(dms().replicationRun(arn)?.Status).toMatch(/initializing|provisioning_capacity|replication_starting|running/);
  }, 30_000);

  test('a rollback stop DMS refuses (the forward stop went through) ends the wait instead of failing the rollback', async () => {
    const arn = config('running');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    dms().failNext('StopReplication', 'InvalidResourceStateFault', 'Replication cannot be stopped now', 100);
    try {
      const rolledBack = await runHandlers(handlers, cfnEvent('Update', guardProps('v1'), { oldProperties: guardProps('v2'), physicalId: 'Config:0123456789ab:stopped', resourceType: GUARD }));
      expect(rolledBack.data).toEqual({ Status: 'running' });
    } finally {
      dms().clearFaults('StopReplication');
    }
  });

  test('the rollback cleanup\'s restart is checked until it runs; a resume that fails fails that Delete with DMS\'s words', async () => {
    const arn = config('stopped', { behavior: { outcome: 'fails', startDurationMs: 3_000, failureMessage: 'Target endpoint unreachable' } });
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    stack.templateResources = ['Config', 'Resource'];
    await expect(runHandlers(handlers, cfnEvent('Delete', guardProps('v2'), { physicalId: 'Config:0123456789ab:stopped', resourceType: GUARD }))).rejects.toThrow(
      `The replication config ${arn} failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Target endpoint unreachable`,
    );
    expect(starts(arn)).toEqual(['resume-processing']);
  });
});
