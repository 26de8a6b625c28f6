/**
 * The run's and the guard's desired state (issue 21) on the TypeScript handlers against the
 * DMS emulator (real SDK) and a CloudFormation endpoint whose stack status each test sets.
 */
import { createHash } from 'crypto';
import { DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import { recordAsk } from '../../lambda/dms';
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
beforeEach(() => {
  stack.status = 'UPDATE_IN_PROGRESS';
  stack.resources = [];
});

const RUN = 'Custom::DmsReplicationRun';
const GUARD = 'Custom::DmsReplicationGuard';
let n = 0;
function config(status: string) {
  const arn = dms().replicationConfigArn(`DESIRED${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 400 });
  return arn;
}
const runProps = (arn: string, desiredState: string) => ({
  ReplicationConfigArn: arn,
  ReplicationProperties: '{"TableMappings":"v1"}',
  WaitFor: 'running',
  DesiredState: desiredState,
  TimeoutSeconds: '30',
  PollIntervalSeconds: '1',
});
const calls = (operation: string, arn: string) => dms().callsTo(operation).filter((c) => c.input?.ReplicationConfigArn === arn);
const starts = (arn: string) => calls('StartReplication', arn).map((c) => c.input.StartReplicationType);

describe('the run', () => {
  test('Create with STOPPED starts nothing and reports every attribute', async () => {
    const arn = config('created');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps(arn, 'stopped'), { resourceType: RUN }));
    expect(run.physicalId).toBe(arn); // nothing started: its Delete has no start to undo
    expect(run.data).toEqual({ Status: 'created', StartType: 'none', FullLoadProgressPercent: '0', TablesLoaded: '0', TablesErrored: '0' });
    expect(starts(arn)).toEqual([]);
  });

  test('Create with STOPPED of a running replication stops it and waits until it is stopped', async () => {
    const arn = config('running');
    const run = await runHandlers(handlers, cfnEvent('Create', runProps(arn, 'stopped'), { resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'stopped', StartType: 'none' });
    expect(calls('StopReplication', arn)).toHaveLength(1);
    expect(starts(arn)).toEqual([]);
  });

  test('Update RUNNING → STOPPED stops it; STOPPED → RUNNING resumes it with resume-processing', async () => {
    const arn = config('running');
    const stopped = await runHandlers(handlers, cfnEvent('Update', runProps(arn, 'stopped'), { oldProperties: runProps(arn, 'running'), physicalId: arn, resourceType: RUN }));
    expect(stopped.data).toMatchObject({ Status: 'stopped', StartType: 'none' });
    expect(dms().replication(arn)?.Status).toBe('stopped');
    const resumed = await runHandlers(handlers, cfnEvent('Update', runProps(arn, 'running'), { oldProperties: runProps(arn, 'stopped'), physicalId: arn, resourceType: RUN }));
    expect(resumed.data).toMatchObject({ Status: 'running', StartType: 'resume-processing' });
    expect(starts(arn)).toEqual(['resume-processing']);
  });

  test('STOPPED → RUNNING of one that never ran starts it with start-replication and its CDC start', async () => {
    const arn = config('created');
    const props = { ...runProps(arn, 'running'), CdcStartTime: '2026-11-01T00:00:00.000Z' };
    const run = await runHandlers(handlers, cfnEvent('Update', props, { oldProperties: { ...props, DesiredState: 'stopped' }, physicalId: arn, resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'running', StartType: 'start-replication' });
    expect(calls('StartReplication', arn)[0].input).toMatchObject({ StartReplicationType: 'start-replication', CdcStartTime: Date.parse('2026-11-01T00:00:00Z') / 1000 });
  });

  test('an Update after a modify with STOPPED resumes nothing', async () => {
    const arn = config('stopped');
    const props = { ...runProps(arn, 'stopped'), ReplicationProperties: '{"TableMappings":"v2"}' };
    const run = await runHandlers(handlers, cfnEvent('Update', props, { oldProperties: runProps(arn, 'stopped'), physicalId: arn, resourceType: RUN }));
    expect(run.data).toMatchObject({ Status: 'stopped', StartType: 'none' });
    expect(starts(arn)).toEqual([]);
  });

  test('a rollback to STOPPED stops only the rolled-back update\'s own start, as the record of intent shows it', async () => {
    // The forward Update (RUNNING) resumes it: its start is on record.
    const startedDuring = config('stopped');
    await runHandlers(handlers, cfnEvent('Update', runProps(startedDuring, 'running'), { oldProperties: runProps(startedDuring, 'stopped'), physicalId: startedDuring, resourceType: RUN }));
    expect(dms().replication(startedDuring)?.Status).toBe('running');
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const rolledBack = await runHandlers(handlers, cfnEvent('Update', runProps(startedDuring, 'stopped'), { oldProperties: runProps(startedDuring, 'running'), physicalId: startedDuring, resourceType: RUN }));
    expect(rolledBack.data).toMatchObject({ Status: 'stopped' });
    // Running before the update, whatever DMS's dates say: no start of this stack on record, nothing stopped.
    const ranBefore = config('running');
    const left = await runHandlers(handlers, cfnEvent('Update', runProps(ranBefore, 'stopped'), { oldProperties: runProps(ranBefore, 'running'), physicalId: ranBefore, resourceType: RUN }));
    expect(left.data).toMatchObject({ Status: 'running' });
    expect(calls('StopReplication', ranBefore)).toEqual([]);
  });
});

describe('the guard', () => {
  const guardProps = (desiredState: string) => ({
    ReplicationKind: 'replication-config',
    ReplicationLogicalId: 'Config',
    ReplicationProperties: 'v1',
    WaitFor: 'running',
    DesiredState: desiredState,
    TimeoutSeconds: '30',
    PollIntervalSeconds: '1',
  });
  const idOf = (properties: string) => `Config:${createHash('sha256').update(properties).digest('hex').slice(0, 12)}`;

  test('with STOPPED, a forward Update still stops the replication before the modify', async () => {
    const arn = config('running');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    const updated = await runHandlers(handlers, cfnEvent('Update', { ...guardProps('stopped'), ReplicationProperties: 'v2' }, { oldProperties: guardProps('stopped'), physicalId: idOf('v1'), resourceType: GUARD }));
    expect(updated.physicalId).toBe(`${idOf('v2')}:stopped`);
    expect(dms().replication(arn)?.Status).toBe('stopped');
  });

  test('the rollback of a failed forward Update restarts what it stopped (its stop on record) only towards RUNNING', async () => {
    for (const [desired, expected] of [['stopped', []], ['running', ['resume-processing']]] as const) {
      const arn = config('running');
      stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
      const forward = cfnEvent('Update', { ...guardProps(desired), ReplicationProperties: 'v2' }, { oldProperties: guardProps(desired), physicalId: idOf('v1'), resourceType: GUARD });
      await runHandlers(handlers, forward);
      stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
      // The id still names the properties rolled back to: CloudFormation never modified the config.
      const rolledBack = await runHandlers(handlers, cfnEvent('Update', guardProps(desired), { oldProperties: { ...guardProps(desired), ReplicationProperties: 'v2' }, physicalId: idOf('v1'), resourceType: GUARD }));
      expect(rolledBack.physicalId).toBe(idOf('v1'));
      expect(starts(arn)).toEqual(expected);
      stack.status = 'UPDATE_IN_PROGRESS';
    }
  });

  test('the rollback of a failed forward Update leaves a stop that is not its own (none on record, or the CLI\'s since)', async () => {
    for (const stopBy of ['unrecorded', 'cli'] as const) {
      const arn = config('running');
      stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
      if (stopBy === 'cli') {
        await runHandlers(handlers, cfnEvent('Update', { ...guardProps('running'), ReplicationProperties: 'v2' }, { oldProperties: guardProps('running'), physicalId: idOf('v1'), resourceType: GUARD }));
        await recordAsk(arn, { action: 'stop', from: 'stopped', by: { cli: 'stop-replication' } });
      } else {
        await new DatabaseMigrationServiceClient({}).send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
      }
      stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
      await runHandlers(handlers, cfnEvent('Update', guardProps('running'), { oldProperties: { ...guardProps('running'), ReplicationProperties: 'v2' }, physicalId: idOf('v1'), resourceType: GUARD }));
      expect(starts(arn)).toEqual([]);
      stack.status = 'UPDATE_IN_PROGRESS';
    }
  });

  test('an Update that changes only the desired state stops nothing and keeps the id (and its :stopped)', async () => {
    const arn = config('running');
    stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
    const id = `${idOf('v1')}:stopped`;
    const updated = await runHandlers(handlers, cfnEvent('Update', guardProps('stopped'), { oldProperties: guardProps('running'), physicalId: id, resourceType: GUARD }));
    expect(updated.physicalId).toBe(id);
    expect(calls('StopReplication', arn)).toEqual([]);
  });
});
