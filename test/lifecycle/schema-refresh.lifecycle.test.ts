/**
 * Schema refresh end to end: a synthesized stack's BUNDLED handler assets, run the
 * way CloudFormation and the provider framework run them, against the DMS emulator.
 */
import { CfnOutput, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { DmsSchemaRefresh, DmsSchemaRefreshProps } from '../../src';
import { LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms();
let n = 0;

/** A registered endpoint/instance pair with a tested connection. */
function pair(behavior: Parameters<ReturnType<typeof dms>['addEndpoint']>[1] = {}) {
  const endpointArn = dms().endpointArn(`LC${++n}`);
  const replicationInstanceArn = dms().instanceArn(`LCI${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 2_000, ...behavior });
  dms().addConnection(endpointArn, replicationInstanceArn, 'successful');
  return { endpointArn, replicationInstanceArn };
}

/** A stack with one refresh and a task-like resource that depends on it. */
function refreshStack(props: DmsSchemaRefreshProps) {
  return synthStack((stack: Stack) => {
    const refresh = new DmsSchemaRefresh(stack, 'Refresh', { pollInterval: Duration.seconds(1), ...props });
    const dependent = new CfnResource(stack, 'DependentTask', { type: 'AWS::SNS::Topic' });
    dependent.node.addDependency(refresh);
    new CfnOutput(stack, 'RefreshStatus', { value: refresh.refreshStatus });
    new CfnOutput(stack, 'LastRefreshDate', { value: refresh.lastRefreshDate });
  });
}

function driverFor(synth: { assemblyDir: string; stackName: string }) {
  return new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
}

const eventTime = (result: { events: any[] }, logicalId: RegExp, status: string) =>
  result.events.find((e) => logicalId.test(e.logicalId) && e.status === status)?.elapsedMs;

test('completes only after DMS finishes the refresh; dependents run after it', async () => {
  const p = pair({ refreshDurationMs: 3_000 });
  const driver = driverFor(refreshStack(p));
  const started = Date.now();
  const result = await driver.deploy();
  expect(result.status).toBe('CREATE_COMPLETE');

  const refreshedAt = dms().refreshStatus(p.endpointArn)!.LastRefreshDate!;
  const doneAt = started + eventTime(result, /^Refresh/, 'CREATE_COMPLETE');
  expect(doneAt).toBeGreaterThanOrEqual(refreshedAt + 3_000);
  expect(eventTime(result, /^DependentTask/, 'CREATE_IN_PROGRESS')).toBeGreaterThanOrEqual(eventTime(result, /^Refresh/, 'CREATE_COMPLETE'));
  expect(driver.outputs()).toEqual({ RefreshStatus: 'successful', LastRefreshDate: new Date(refreshedAt).toISOString() });
  // One isComplete invocation polled DMS until done: no waiter round trips for a 3 s refresh.
  const refreshId = [...driver.resources.keys()].find((k) => k.startsWith('Refresh'))!;
  expect(driver.stats(refreshId)?.isCompleteInvocations).toBe(1);
});

test('an older successful refresh is not taken as done', async () => {
  const p = pair({ previousRefresh: { status: 'successful', ageMs: 120_000 } });
  dms().failNext('RefreshSchemas', 'InvalidResourceStateFault', 'Refresh not possible right now');
  const started = Date.now();
  const driver = driverFor(refreshStack(p));
  const result = await driver.deploy();
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(new Date(driver.outputs().LastRefreshDate).getTime()).toBeGreaterThanOrEqual(started);
  expect(dms().callsTo('RefreshSchemas').filter((c) => c.input.EndpointArn === p.endpointArn)).toHaveLength(2);
});

test('a refresh already running is waited for, then ours runs', async () => {
  const p = pair({ refreshDurationMs: 1_000 });
  dms().startRefresh(p.endpointArn, p.replicationInstanceArn, 2_500);
  const runningSince = dms().refreshStatus(p.endpointArn)!.LastRefreshDate!;
  const driver = driverFor(refreshStack(p));
  const result = await driver.deploy();
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(new Date(driver.outputs().LastRefreshDate).getTime()).toBeGreaterThanOrEqual(runningSince + 2_500);
});

test('a failed refresh fails the resource with DMS\'s message, and nothing after it is created', async () => {
  const p = pair({ refreshOutcome: 'failed', refreshFailureMessage: 'ERROR: permission denied for schema sales' });
  const result = await driverFor(refreshStack(p)).deploy();
  expect(result.status).toBe('CREATE_FAILED');
  const reason = result.failures[0].reason;
  expect(reason).toMatch(
    new RegExp(`^Schema refresh failed for endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}: ERROR: permission denied for schema sales`),
  );
  expect(reason).toContain('Logs: /aws/lambda/');
  expect(Buffer.byteLength(reason)).toBeLessThan(2_000);
  expect(result.events.some((e) => e.logicalId.startsWith('DependentTask'))).toBe(false);
});

test('a refresh past the timeout fails with a descriptive reason before the framework\'s "Operation timed out"', async () => {
  const p = pair({ refreshDurationMs: 120_000 });
  const result = await driverFor(refreshStack({ ...p, timeout: Duration.seconds(3) })).deploy();
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(
    new RegExp(`^Timed out after 3s waiting for the schema refresh of endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}; last status: refreshing`),
  );
  expect(result.failures[0].reason).not.toContain('Operation timed out');
});

test('an unknown endpoint fails with DMS\'s ResourceNotFoundFault', async () => {
  const endpointArn = dms().endpointArn('NEVER-CREATED');
  const replicationInstanceArn = dms().instanceArn('LC-I-UNKNOWN');
  dms().addReplicationInstance(replicationInstanceArn);
  const result = await driverFor(refreshStack({ endpointArn, replicationInstanceArn })).deploy();
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(/ResourceNotFoundFault/);
  expect(result.failures[0].reason).toContain(endpointArn);
});

test('Update refreshes again when the trigger changes; a new endpoint replaces the resource; Delete makes no DMS call', async () => {
  const p = pair({ refreshDurationMs: 500 });
  const driver = driverFor(refreshStack({ ...p, refreshTrigger: 'v1' }));
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');

  dms().resetCalls();
  expect((await driver.update(refreshStack({ ...p, refreshTrigger: 'v2' }).assemblyDir)).status).toBe('UPDATE_COMPLETE');
  expect(dms().callsTo('RefreshSchemas')).toHaveLength(1);

  dms().resetCalls();
  expect((await driver.update(refreshStack({ ...p, refreshTrigger: 'v2', timeout: Duration.minutes(5) }).assemblyDir)).status).toBe('UPDATE_COMPLETE');
  expect(dms().callsTo('RefreshSchemas')).toHaveLength(0);

  const other = pair({ refreshDurationMs: 500 });
  dms().resetCalls();
  const replaced = await driver.update(refreshStack({ ...other, replicationInstanceArn: p.replicationInstanceArn }).assemblyDir);
  expect(replaced.status).toBe('UPDATE_COMPLETE');
  // The old resource's Delete (cleanup) made no call for the old endpoint.
  expect(dms().calls.filter((c) => c.input?.EndpointArn === p.endpointArn)).toEqual([]);

  dms().resetCalls();
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(dms().calls).toEqual([]);
});

test('a huge multi-line DMS failure message still fits CloudFormation\'s 4096-byte response', async () => {
  const message = Array.from({ length: 300 }, (_, i) => `ORA-${1000 + i}: 表領域の割当て制限を超えました (line ${i})`).join('\n');
  const p = pair({ refreshOutcome: 'failed', refreshFailureMessage: message });
  const result = await driverFor(refreshStack(p)).deploy();
  expect(result.status).toBe('CREATE_FAILED');
  const reason = result.failures[0].reason;
  expect(reason).toMatch(/^Schema refresh failed for endpoint .*: ORA-1000: 表領域/);
  expect(reason).not.toMatch(/Response object is too long/);
  expect(Buffer.byteLength(reason)).toBeLessThan(3_000);
});
