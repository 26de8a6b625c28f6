/**
 * Every wait inside onEvent for DMS to rest hands over before the request's own deadline
 * (issue 26 item 8): a rollback's restore, the guard's restart and a forward start, for
 * timeouts from 1 minute to 1 hour, while DMS stays `modifying` for hours. onEvent runs with
 * the provider's 10-minute Lambda timeout and the default rest wait (10 min), on simulated time.
 */
import { DatabaseMigrationServiceClient, ModifyReplicationConfigCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/replication-run';
import { cfnEvent, lambdaContext } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '5';
delete process.env.DMS_LIFECYCLE_REST_WAIT_SECONDS;
const dms = useEmulatedDms({ runBehavior: { startDurationMs: 300, modifyDurationMs: 3 * 3600_000 } });

/** The provider's onEvent Lambda timeout (src/private/lifecycle-provider.ts). */
const ON_EVENT_TIMEOUT_MS = 10 * 60_000;
/** The stack the handlers ask CloudFormation about: its status and resources, set per test. */
const { stack } = useEmulatedCloudFormation();
stack.status = 'UPDATE_IN_PROGRESS';
stack.templateResources = ['Config', 'Resource'];
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

let n = 0;
/** A stopped config that DMS then shows `modifying` for three hours. */
async function modifyingConfig(modifyDurationMs = 3 * 3600_000): Promise<string> {
  const arn = dms().replicationConfigArn(`REST${++n}`);
  dms().addReplication(arn, { status: 'stopped', stopDurationMs: 400, behavior: { modifyDurationMs } });
  await new DatabaseMigrationServiceClient({}).send(new ModifyReplicationConfigCommand({ ReplicationConfigArn: arn, TableMappings: '{"rules":[{}]}' }));
  stack.resources = [{ logicalId: 'Config', physicalId: arn, resourceType: 'AWS::DMS::ReplicationConfig', resourceStatus: 'UPDATE_COMPLETE' }];
  return arn;
}
const props = (arn: string, timeoutSeconds: number, extra: Record<string, string> = {}) => ({
  ReplicationConfigArn: arn,
  ReplicationProperties: '{"TableMappings":"v1"}',
  WaitFor: 'running',
  TimeoutSeconds: String(timeoutSeconds),
  ...extra,
});
const guardProps = (timeoutSeconds: number) => ({
  ReplicationKind: 'replication-config',
  ReplicationLogicalId: 'Config',
  ReplicationProperties: '{"TableMappings":"v2"}',
  WaitFor: 'running',
  TimeoutSeconds: String(timeoutSeconds),
});

/** Runs onEvent as Lambda would; returns its answer or error, and how long it took. */
async function timedOnEvent(event: ReturnType<typeof cfnEvent>) {
  const began = Date.now();
  let result: Awaited<ReturnType<typeof handlers.onEvent>> | undefined;
  let error: Error | undefined;
  try {
    result = await handlers.onEvent(event, lambdaContext(ON_EVENT_TIMEOUT_MS));
  } catch (err) {
    error = err as Error;
  }
  return { result, error, tookMs: Date.now() - began };
}
const starts = (arn: string) => dms().calls.filter((c) => c.operation.startsWith('Start') && c.input?.ReplicationConfigArn === arn);

describe.each([[60], [300], [3600]])('with a %i-s timeout, DMS modifying for hours', (timeoutSeconds) => {
  const timeoutMs = timeoutSeconds * 1000;
  const withinBoth = (tookMs: number) => {
    expect(tookMs).toBeLessThan(timeoutMs);
    expect(tookMs).toBeLessThan(ON_EVENT_TIMEOUT_MS);
  };
  /** onEvent answers without an error within both deadlines, leaving the wait (pending) to isComplete, which is not done yet; nothing is started. */
  async function expectWaitHandedToIsComplete(arn: string, event: ReturnType<typeof cfnEvent>) {
    const { result, error, tookMs } = await timedOnEvent(event);
    expect(error).toBeUndefined();
    withinBoth(tookMs);
    expect(result?.Lifecycle?.mark).toMatchObject({ pending: true });
    // The wait goes on in isComplete.
    const check = await handlers.isComplete({ ...event, ...result! }, lambdaContext(15 * 60_000));
    expect(check.IsComplete).toBe(false);
    expect(starts(arn)).toEqual([]);
  }

  test('a rollback\'s restore hands the wait to isComplete before the request\'s deadline', async () => {
    const arn = await modifyingConfig();
    stack.status = 'UPDATE_ROLLBACK_IN_PROGRESS';
    const old = props(arn, timeoutSeconds);
    const event = cfnEvent('Update', old, { oldProperties: { ...old, ReplicationProperties: '{"TableMappings":"v2"}' }, physicalId: arn, resourceType: 'Custom::DmsReplicationRun' });
    await expectWaitHandedToIsComplete(arn, event);
  });

  test('the guard\'s restart (the rollback\'s cleanup) hands the wait to isComplete before the request\'s deadline', async () => {
    const arn = await modifyingConfig();
    stack.status = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';
    const event = cfnEvent('Delete', guardProps(timeoutSeconds), { physicalId: 'Config:0123456789ab:stopped', resourceType: 'Custom::DmsReplicationGuard' });
    await expectWaitHandedToIsComplete(arn, event);
  });

  test('a forward start fails saying what DMS showed, before the request\'s deadline, and starts nothing', async () => {
    const arn = await modifyingConfig();
    stack.status = 'UPDATE_IN_PROGRESS';
    const next = props(arn, timeoutSeconds, { ReplicationProperties: '{"TableMappings":"v2"}' });
    const event = cfnEvent('Update', next, { oldProperties: props(arn, timeoutSeconds), physicalId: arn, resourceType: 'Custom::DmsReplicationRun' });
    const { error, tookMs } = await timedOnEvent(event);
    expect(error?.message).toMatch(/^The replication config \S+ was still modifying .* s of waiting for it to be at rest; nothing was started/);
    withinBoth(tookMs);
    expect(starts(arn)).toEqual([]);
  });
});

test('a read DMS throttles late in a long wait for rest is retried up to the wait\'s end, and the start follows', async () => {
  // Modifying for 5 min; DescribeReplications throttled (past the SDK's own retries) 2 min in, after onEvent's 90 s of start retries.
  const arn = await modifyingConfig(5 * 60_000);
  stack.status = 'UPDATE_IN_PROGRESS';
  const throttleLater = setTimeout(() => dms().throttle('DescribeReplications', 3), 120_000);
  try {
    const next = props(arn, 900, { ReplicationProperties: '{"TableMappings":"v2"}' });
    const { result, error, tookMs } = await timedOnEvent(cfnEvent('Update', next, { oldProperties: props(arn, 900), physicalId: arn, resourceType: 'Custom::DmsReplicationRun' }));
    expect(error).toBeUndefined();
    expect(tookMs).toBeGreaterThan(5 * 60_000);
    expect(result?.Lifecycle?.mark).toMatchObject({ requested: true });
    expect(dms().calls.filter((c) => c.operation === 'DescribeReplications' && c.errorCode === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(starts(arn).map((c) => c.input?.StartReplicationType)).toEqual(['resume-processing']);
  } finally {
    clearTimeout(throttleLater);
  }
});
