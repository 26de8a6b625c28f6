import { DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/replication-teardown';
import { cfnEvent } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';
import { handlerLogLines } from '../support/quiet-handler-logs';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();
// A whole-stack delete unless a test says otherwise.
const cfn = useEmulatedCloudFormation();
beforeEach(() => Object.assign(cfn.stack, { status: 'DELETE_IN_PROGRESS', resources: [], templateResources: [] }));

let n = 0;
function config(status: string, opts: Record<string, unknown> = {}) {
  const arn = dms().replicationConfigArn(`C${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 800, ...opts });
  return { ReplicationConfigArn: arn, TimeoutSeconds: '30', PollIntervalSeconds: '1' };
}
function task(status: string, opts: Record<string, unknown> = {}) {
  const arn = dms().taskArn(`T${++n}`);
  dms().addReplicationTask(arn, { status, stopDurationMs: 800, ...opts });
  return { ReplicationTaskArn: arn, TimeoutSeconds: '30', PollIntervalSeconds: '1' };
}
const deleteOf = (props: Record<string, string>) =>
  runHandlers(handlers, cfnEvent('Delete', props, { physicalId: props.ReplicationConfigArn ?? props.ReplicationTaskArn }));
const stops = (arn: string) =>
  dms().calls.filter((c) => c.operation.startsWith('Stop') && (c.input.ReplicationConfigArn ?? c.input.ReplicationTaskArn) === arn);

describe('serverless replication config', () => {
  test('a running replication is stopped and Delete completes once it is stopped', async () => {
    const props = config('running');
    const run = await deleteOf(props);
    expect(run.data).toEqual({ Status: 'stopped' });
    expect(dms().replication(props.ReplicationConfigArn)?.Status).toBe('stopped');
    expect(stops(props.ReplicationConfigArn)).toHaveLength(1);
  });

  test('a starting replication (provisioning_capacity) is stopped too', async () => {
    const props = config('provisioning_capacity');
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
  });

  test.each(['stopped', 'created', 'ready', 'failed'])('already %s: success without a stop call', async (status) => {
    const props = config(status);
    expect((await deleteOf(props)).data).toEqual({ Status: status });
    expect(stops(props.ReplicationConfigArn)).toHaveLength(0);
  });

  test('stopping is waited for without another stop call', async () => {
    const props = config('running');
    const arn = props.ReplicationConfigArn;
    // Someone else already asked for the stop.
    dms().addReplication(arn, { status: 'running', stopDurationMs: 1_000 });
    await new DatabaseMigrationServiceClient({}).send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    expect(dms().replication(arn)?.Status).toBe('stopping');
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
    expect(stops(arn)).toHaveLength(1);
  });

  test('a config that no longer exists: success', async () => {
    const arn = dms().replicationConfigArn('GONE');
    expect((await deleteOf({ ReplicationConfigArn: arn, TimeoutSeconds: '30', PollIntervalSeconds: '1' })).data).toEqual({ Status: 'not-found' });
  });

  test('a stop that never finishes fails at the timeout with the status, stop reason and failure messages', async () => {
    const props = config('running', { neverStops: true, stopReason: 'Stop requested', failureMessages: ['Source latency too high'] });
    await expect(deleteOf({ ...props, TimeoutSeconds: '2' })).rejects.toThrow(
      new RegExp(
        `^Timed out after 2s waiting for replication config ${props.ReplicationConfigArn} to stop; last status: stopping; ` +
          'stop reason: Stop requested; failure messages: Source latency too high',
      ),
    );
  });

  test('throttled calls are retried, by our backoff alone (one call per try)', async () => {
    const props = config('running');
    dms().resetCalls();
    dms().throttle('DescribeReplications', 2);
    dms().throttle('StopReplication', 1);
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
    const stopCalls = dms().callsTo('StopReplication').map((c) => c.errorCode ?? 'accepted');
    expect(stopCalls).toEqual(['ThrottlingException', 'accepted']);
  }, 60_000);

  test('Create and Update make no DMS call', async () => {
    const props = config('running');
    dms().resetCalls();
    await runHandlers(handlers, cfnEvent('Create', props));
    await runHandlers(handlers, cfnEvent('Update', { ...props, TimeoutSeconds: '60' }, { oldProperties: props }));
    expect(dms().calls).toEqual([]);
    expect(dms().replication(props.ReplicationConfigArn)?.Status).toBe('running');
  });
});

describe('classic replication task', () => {
  test('a running task is stopped and Delete completes once it is stopped', async () => {
    const props = task('running');
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
    expect(stops(props.ReplicationTaskArn)).toHaveLength(1);
  });

  test.each(['stopped', 'ready', 'failed'])('already %s: success without a stop call', async (status) => {
    const props = task(status);
    expect((await deleteOf(props)).data).toEqual({ Status: status });
    expect(stops(props.ReplicationTaskArn)).toHaveLength(0);
  });

  test('a refused stop while DMS still shows the task running is retried, not taken for stopped', async () => {
    const props = task('running');
    const arn = props.ReplicationTaskArn;
    dms().failNext('StopReplicationTask', 'InvalidResourceStateFault', `Replication Task ${arn} is currently not running`);
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
    expect(stops(arn).map((c) => c.errorCode ?? 'accepted')).toEqual(['InvalidResourceStateFault', 'accepted']);
  });

  test('a stop refused for longer than the grace fails with the call, the task and DMS\'s message', async () => {
    const props = task('running');
    const arn = props.ReplicationTaskArn;
    const message = `Replication Task ${arn} cannot be stopped while it is being modified`;
    dms().failNext('StopReplicationTask', 'InvalidResourceStateFault', message, 50);
    process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS = '2';
    try {
      await expect(deleteOf(props)).rejects.toThrow(
        new RegExp(`^DMS StopReplicationTask refused for replication task ${arn}: ${message} \\(still refused after \\d+ s\\)$`),
      );
    } finally {
      delete process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS;
      dms().clearFaults('StopReplicationTask');
    }
    expect(dms().replicationTask(arn)?.Status).toBe('running');
  });

  test('a stop refused while the task is still starting is asked again, not failed as a refusal', async () => {
    const props = task('starting');
    const arn = props.ReplicationTaskArn;
    dms().failNext('StopReplicationTask', 'InvalidResourceStateFault', `Replication Task ${arn} cannot be stopped while it is starting`, 3);
    process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS = '0';
    try {
      expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
    } finally {
      delete process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS;
    }
    expect(stops(arn).map((c) => c.errorCode ?? 'accepted')).toEqual(['InvalidResourceStateFault', 'InvalidResourceStateFault', 'InvalidResourceStateFault', 'accepted']);
  });

  test('a missing task: success', async () => {
    const arn = dms().taskArn('GONE');
    expect((await deleteOf({ ReplicationTaskArn: arn, TimeoutSeconds: '30', PollIntervalSeconds: '1' })).data).toEqual({ Status: 'not-found' });
  });

  test('a task that never stops fails at the timeout naming it', async () => {
    const props = task('running', { neverStops: true });
    await expect(deleteOf({ ...props, TimeoutSeconds: '2' })).rejects.toThrow(
      new RegExp(`^Timed out after 2s waiting for replication task ${props.ReplicationTaskArn} to stop; last status: stopping`),
    );
  });
});

describe('a Delete while the stack stays', () => {
  const summary = (logicalId: string, physicalId: string) => ({ logicalId, physicalId, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' });

  test('the replication is still a resource of the stack and in its template: not stopped, and the log says why', async () => {
    const props = config('running');
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [summary('Config', props.ReplicationConfigArn)], templateResources: ['Config'] });
    const logged = handlerLogLines().length;
    const run = await deleteOf(props);
    expect(run.data).toBeUndefined();
    expect(stops(props.ReplicationConfigArn)).toHaveLength(0);
    expect(dms().replication(props.ReplicationConfigArn)?.Status).toBe('running');
    expect(handlerLogLines().slice(logged)).toContainEqual(expect.objectContaining({
      requestType: 'Delete',
      intent: 'skip',
      skipped: 'the replication stays in the stack as Config (stack UPDATE_COMPLETE_CLEANUP_IN_PROGRESS): not stopping it',
    }));
  });

  test('the replication was replaced (its ARN is no longer in the stack): stopped', async () => {
    const props = config('running');
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [summary('Config', dms().replicationConfigArn('NEW'))], templateResources: ['Config'] });
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
  });

  test('the update removes the replication too (not in the template): stopped', async () => {
    const props = config('running');
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [summary('Config', props.ReplicationConfigArn)], templateResources: [] });
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
  });

  test('a literal ARN of a replication outside the stack: stopped', async () => {
    const props = config('running');
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [], templateResources: [] });
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
  });

  test('the stack\'s resources are read across pages', async () => {
    const props = config('running');
    const others = Array.from({ length: 5 }, (_, i) => summary(`Other${i}`, `physical-${i}`));
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [...others, summary('Config', props.ReplicationConfigArn)], templateResources: ['Config'] });
    cfn.endpoint().resourcesPerPage = 2;
    try {
      await deleteOf(props);
    } finally {
      cfn.endpoint().resourcesPerPage = 100;
    }
    expect(stops(props.ReplicationConfigArn)).toHaveLength(0);
    expect(cfn.endpoint().calls.filter((c) => c.action === 'ListStackResources').slice(-3)).toHaveLength(3);
  });

  test('throttled stack reads are retried', async () => {
    const props = config('running');
    Object.assign(cfn.stack, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [summary('Config', props.ReplicationConfigArn)], templateResources: ['Config'] });
    cfn.endpoint().failNext('ListStackResources', 'Throttling', 2);
    await deleteOf(props);
    expect(stops(props.ReplicationConfigArn)).toHaveLength(0);
  });

  test('a stack that cannot be read fails the Delete without a DMS call', async () => {
    const props = config('running');
    cfn.endpoint().failNext('DescribeStacks', 'AccessDenied', 1);
    dms().resetCalls();
    await expect(deleteOf(props)).rejects.toThrow(/^Could not read stack .* to tell whether the replication stays in the stack \(AccessDenied: Injected AccessDenied\); nothing was done in DMS/);
    expect(dms().calls).toEqual([]);
  });
});

describe('a Describe that lags the stop', () => {
  test.each([
    ['config', () => config('running', { describeLagMs: 2_500 }), 'ReplicationConfigArn'],
    ['task', () => task('running', { describeLagMs: 2_500 }), 'ReplicationTaskArn'],
  ] as const)('the %s still shown running right after its stop is not failed: the stop completes', async (_kind, make, member) => {
    const props = make() as Record<string, string>;
    const arn = props[member];
    const run = await deleteOf(props);
    expect(run.data).toEqual({ Status: 'stopped' });
    // Stops asked again while Describe lagged were refused as "not running": busy, never a failure.
    expect(stops(arn)[0].errorCode).toBeUndefined();
    expect(stops(arn).slice(1).every((c) => c.errorCode === 'InvalidResourceStateFault')).toBe(true);
  });
});
