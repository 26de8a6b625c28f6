/**
 * CloudFormation edge cases on the BUNDLED handlers: an update rollback, a replayed
 * request, a deploy cancelled while a refresh is being polled.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { ConnectionPrecondition, DmsReplicationTeardown, DmsSchemaRefresh, DmsSchemaRefreshProps } from '../../src';
import { LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms();
let n = 0;

function pair(refreshDurationMs = 500) {
  const endpointArn = dms().endpointArn(`EDGE${++n}`);
  const replicationInstanceArn = dms().instanceArn(`EDGEI${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs });
  return { endpointArn, replicationInstanceArn };
}

const refreshStack = (props: DmsSchemaRefreshProps, stackName: string) =>
  synthStack((stack: Stack) => {
    new DmsSchemaRefresh(stack, 'Refresh', { pollInterval: Duration.seconds(1), connectionPrecondition: ConnectionPrecondition.NONE, ...props });
  }, stackName);
const refreshes = (endpointArn: string) => dms().callsTo('RefreshSchemas').filter((c) => c.input.EndpointArn === endpointArn);
const refreshId = (driver: LifecycleDriver) => [...driver.resources.keys()].find((k) => k.startsWith('Refresh'))!;

test('update rollback: the old properties come back, and nothing is refreshed again (no UPDATE_ROLLBACK_FAILED)', async () => {
  const p = pair();
  const first = refreshStack({ ...p, refreshTrigger: 'v1' }, 'Rollback');
  const driver = new LifecycleDriver({ assemblyDir: first.assemblyDir, stackName: first.stackName, env: dms().env() });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');

  // v2's refresh fails in DMS; so would every later refresh of this endpoint.
  dms().setRefreshBehavior(p.endpointArn, { refreshOutcome: 'failed', refreshFailureMessage: 'ERROR: schema "sales" does not exist' });
  const result = await driver.update(refreshStack({ ...p, refreshTrigger: 'v2' }, 'Rollback').assemblyDir);

  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.failures[0].reason).toMatch(/^Schema refresh failed for endpoint .*schema "sales" does not exist/);
  expect(refreshes(p.endpointArn)).toHaveLength(2); // the create's and v2's: none during the rollback
  expect(driver.resources.get(refreshId(driver))!.properties.RefreshTrigger).toBe('v1');
});

test('a replayed create request completes the same way (a second refresh, harmless)', async () => {
  const p = pair();
  const synth = refreshStack(p, 'Replay');
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const replay = await driver.replay(refreshId(driver));
  expect(replay.status).toBe('SUCCESS');
  expect(replay.physicalResourceId).toBe(`${p.endpointArn}|${p.replicationInstanceArn}`);
  expect(replay.data.Status).toBe('successful');
});

test('a replayed delete of a teardown makes no second stop call', async () => {
  const arn = dms().replicationConfigArn(`EDGE-CONFIG${++n}`);
  dms().addReplication(arn, { status: 'running', stopDurationMs: 800 });
  const synth = synthStack((stack) => {
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
  }, 'ReplayDelete');
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const teardownId = [...driver.resources.keys()].find((k) => k.startsWith('Teardown'))!;
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  const replay = await driver.replay(teardownId);
  expect(replay.status).toBe('SUCCESS');
  expect(dms().callsTo('StopReplication').filter((c) => c.input.ReplicationConfigArn === arn)).toHaveLength(1);
});

test('a deploy cancelled while the refresh is polled: the Delete is a no-op and the stack rolls back cleanly', async () => {
  const p = pair(6_000);
  const synth = refreshStack(p, 'Cancel');
  // isComplete hands back to the waiter every second, where a cancel can interrupt it.
  const env = { ...dms().env(), DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '1' };
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env });
  const provisioned = Date.now();
  const result = await driver.deploy({ cancelAfterMs: 2_000 });
  expect(result.status).toBe('ROLLBACK_COMPLETE');
  expect(result.events.some((e) => e.logicalId.startsWith('Refresh') && e.status === 'DELETE_COMPLETE')).toBe(true);
  await driver.settle(); // the abandoned waiter may poll on, as in AWS: it must do no harm
  expect(refreshes(p.endpointArn)).toHaveLength(1);
  expect(Date.now() - provisioned).toBeLessThan(30_000);
});
