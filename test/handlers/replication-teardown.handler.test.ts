import { DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/replication-teardown';
import { cfnEvent, lambdaContext } from '../support/cfn-events';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();

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

  test('throttled calls are retried', async () => {
    const props = config('running');
    dms().throttle('DescribeReplications', 3);
    dms().throttle('StopReplication', 2);
    expect((await deleteOf(props)).data).toEqual({ Status: 'stopped' });
  });

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

  test('"is currently not running" from StopReplicationTask is not an error', async () => {
    const props = task('running');
    const arn = props.ReplicationTaskArn;
    // The task stops on its own between our Describe and our Stop.
    dms().failNext('StopReplicationTask', 'InvalidResourceStateFault', `Replication Task ${arn} is currently not running`);
    const event = cfnEvent('Delete', props, { physicalId: arn });
    const started = await handlers.onEvent(event);
    dms().addReplicationTask(arn, { status: 'stopped' });
    const result = await handlers.isComplete({ ...event, ...started }, lambdaContext());
    expect(result).toEqual({ IsComplete: true, Data: { Status: 'stopped' } });
    expect(stops(arn).map((c) => c.errorCode)).toEqual(['InvalidResourceStateFault']);
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
