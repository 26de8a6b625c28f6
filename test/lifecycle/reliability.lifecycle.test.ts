/**
 * Issue #12's promises end to end on the BUNDLED handler assets, through the provider
 * framework's re-enactment: DMS refusals reach CloudFormation in DMS's words, reads that
 * lag writes decide nothing, a teardown stops only a replication that goes away, and no
 * invocation outlives its Lambda.
 */
import { CfnOutput, CfnWaitConditionHandle, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dmsL1 from 'aws-cdk-lib/aws-dms';
import { DmsConnectionTest, DmsLifecycleProviders, DmsReplicationTeardown, DmsSchemaRefresh } from '../../src';
import { LifecycleDriver, defaultPhysicalId } from '../../tools/lifecycle';
import type { LifecycleDriverOptions } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

// Describe* pages before filtering: a record can sit on a later page, behind empty ones.
const dms = useEmulatedDms({ filterAfterPaging: true });
let n = 0;

function driverFor(build: (stack: Stack) => void, options: Partial<LifecycleDriverOptions> = {}, env: Record<string, string> = {}) {
  const synth = synthStack(build, `Reliability${++n}`);
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, ...options, env: { ...dms().env(), ...env } });
  return Object.assign(driver, { stack: synth.stackName });
}

function pair() {
  const endpointArn = dms().endpointArn(`REL-E${++n}`);
  const replicationInstanceArn = dms().instanceArn(`REL-I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 800 });
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 600 });
  return { endpointArn, replicationInstanceArn };
}

describe('refusals reach CloudFormation in DMS\'s words', () => {
  test('a refresh on an instance being modified fails with the call, the resource and DMS\'s message', async () => {
    const p = pair();
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    const driver = driverFor((stack) => {
      new DmsSchemaRefresh(stack, 'Refresh', { ...p, pollInterval: Duration.seconds(1) });
    }, {}, { DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '2' });
    const result = await driver.deploy();
    expect(result.status).toBe('CREATE_FAILED');
    expect(result.failures[0].reason).toMatch(
      new RegExp(`^DMS (TestConnection|RefreshSchemas) refused for endpoint ${p.endpointArn} (and|on) replication instance ${p.replicationInstanceArn}: Replication instance REL-I\\d+ is in state modifying`),
    );
  });

  test('a connection test refused on a pair with an old successful record does not pass', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    const driver = driverFor((stack) => {
      new DmsConnectionTest(stack, 'Test', { ...p, pollInterval: Duration.seconds(1) });
    }, {}, { DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '2' });
    const result = await driver.deploy();
    expect(result.status).toBe('CREATE_FAILED');
    expect(result.failures[0].reason).toMatch(/^DMS TestConnection refused for .*is in state modifying/);
  });
});

test('a re-test after a password fix succeeds although Describe still shows the old failed record for a while', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'failed', { failureMessage: 'password authentication failed for user "dms"' });
  dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { describeLagMs: 2_000 });
  const driver = driverFor((stack) => {
    const test = new DmsConnectionTest(stack, 'Test', { ...p, pollInterval: Duration.seconds(1) });
    new CfnOutput(stack, 'Status', { value: test.connectionStatus });
  });
  const result = await driver.deploy();
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(driver.outputs().Status).toBe('successful');
});

describe('a teardown stops only what goes away', () => {
  const SOURCE = 'arn:aws:dms:us-east-1:123456789012:endpoint:S';
  const TARGET = 'arn:aws:dms:us-east-1:123456789012:endpoint:T';
  // CloudFormation creates the config; the emulator makes it exist, running, under the same ARN.
  const runningConfigs = (logicalId: string, type: string, props: any, ctx: any) => {
    const id = defaultPhysicalId(logicalId, type, props, ctx);
    if (type === 'AWS::DMS::ReplicationConfig') dms().addReplication(id, { status: 'running', stopDurationMs: 800 });
    return id;
  };
  const config = (stack: Stack) => new dmsL1.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: 'sales',
    replicationType: 'cdc',
    sourceEndpointArn: SOURCE,
    targetEndpointArn: TARGET,
    computeConfig: { maxCapacityUnits: 2 },
    tableMappings: {},
  });
  const withTeardown = (id: string) => (stack: Stack) => {
    DmsReplicationTeardown.forReplicationConfig(stack, id, config(stack), { pollInterval: Duration.seconds(1) });
  };
  const stops = (arn: string) => dms().callsTo('StopReplication').filter((c) => c.input.ReplicationConfigArn === arn);

  test.each(['target', 'last-completed'] as const)(
    'removing only the teardown leaves the replication running, and its log says why (GetTemplate during an update: %s)',
    async (reading) => {
      const driver = driverFor(withTeardown('StopOnDelete'), { physicalId: runningConfigs, getTemplateDuringUpdate: reading });
      expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
      const arn = driver.resources.get('Config')!.physicalId;
      const next = synthStack((stack) => { config(stack); }, driver.stack);
      expect((await driver.update(next.assemblyDir)).status).toBe('UPDATE_COMPLETE');
      expect(stops(arn)).toHaveLength(0);
      expect(dms().replication(arn)?.Status).toBe('running');
      expect(driver.handlerLogs.map((l) => l.json)).toContainEqual(expect.objectContaining({
        requestType: 'Delete', intent: 'skip', skipped: expect.stringMatching(/^the replication stays in the stack as Config/),
      }));
    },
  );

  test('renaming the teardown leaves the replication running', async () => {
    const driver = driverFor(withTeardown('StopOnDelete'), { physicalId: runningConfigs });
    await driver.deploy();
    const arn = driver.resources.get('Config')!.physicalId;
    expect((await driver.update(synthStack(withTeardown('StopBeforeDelete'), driver.stack).assemblyDir)).status).toBe('UPDATE_COMPLETE');
    expect(stops(arn)).toHaveLength(0);
    expect(dms().replication(arn)?.Status).toBe('running');
  });

  test('removing the teardown and its replication in one update stops the replication before CloudFormation deletes it', async () => {
    const driver = driverFor(withTeardown('StopOnDelete'), { physicalId: runningConfigs });
    await driver.deploy();
    const arn = driver.resources.get('Config')!.physicalId;
    const result = await driver.update(synthStack((stack) => { new CfnWaitConditionHandle(stack, 'Left'); }, driver.stack).assemblyDir);
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(stops(arn)).toHaveLength(1);
    const at = (id: string, status: string) => result.events.findIndex((e) => e.logicalId.startsWith(id) && e.status === status);
    expect(at('StopOnDelete', 'DELETE_COMPLETE')).toBeLessThan(at('Config', 'DELETE_IN_PROGRESS'));
    expect(dms().replication(arn)?.Status).toBe('stopped');
  });

  test('deleting the stack stops it', async () => {
    const driver = driverFor(withTeardown('StopOnDelete'), { physicalId: runningConfigs });
    await driver.deploy();
    const arn = driver.resources.get('Config')!.physicalId;
    expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
    expect(dms().replication(arn)?.Status).toBe('stopped');
  });
});

describe('no invocation outlives its Lambda', () => {
  // An 8-s function with a 3-s poll budget stands in for the deployed 90-s function and 60-s budget.
  const quick = { lambdaTimeoutSeconds: 8 };
  const env = { DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '3', DMS_LIFECYCLE_REQUEST_TIMEOUT_MS: '30000' };

  test('slow answers on every call of a check, back to back: the delete completes, and no invocation times out', async () => {
    // 250 other configs listed first: every Describe of ours takes three pages.
    dms().addFillerReplications(250);
    const arn = dms().replicationConfigArn(`SLOW${++n}`);
    dms().addReplication(arn, { status: 'running', stopDurationMs: 3_000 });
    const driver = driverFor((stack) => {
      new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
    }, quick, env);
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    // onEvent's three pages answer at once; then each page of the checks takes 4 s: one check would need 12 s of an 8-s function.
    dms().delayNext('DescribeReplications', 0, 3);
    dms().delayNext('DescribeReplications', 4_000, 3);
    const result = await driver.destroy();
    expect(result.failures).toEqual([]);
    expect(result.status).toBe('DELETE_COMPLETE');
    expect(dms().replication(arn)?.Status).toBe('stopped');
    expect(dms().callsTo('DescribeReplications').filter((c) => c.delayMs === 4_000)).toHaveLength(3);
    expect(driver.lambdaInvocations.filter((i) => i.errorType === 'Sandbox.Timedout')).toEqual([]);
  });

  test('a DMS that never answers fails the delete with a reason of ours, not "Task timed out"', async () => {
    const arn = dms().replicationConfigArn(`HUNG${++n}`);
    dms().addReplication(arn, { status: 'running' });
    const driver = driverFor((stack) => {
      new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn, pollInterval: Duration.seconds(1) });
    }, quick, env);
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    dms().delayNext('DescribeReplications', 60_000, 20);
    const result = await driver.destroy();
    dms().clearFaults('DescribeReplications');
    expect(result.status).toBe('DELETE_FAILED');
    expect(result.failures[0].reason).toMatch(new RegExp(`^DMS did not answer in time to start replication config ${arn} to stop`));
    expect(driver.lambdaInvocations.filter((i) => i.errorType === 'Sandbox.Timedout')).toEqual([]);
  });
});

test('with RETAIN log groups, the stack can be destroyed and deployed again: the waiter\'s group gets a new name', async () => {
  const arn = dms().replicationConfigArn(`RETAIN${++n}`);
  const build = (stack: Stack) => {
    DmsLifecycleProviders.configure(stack, { logRemovalPolicy: RemovalPolicy.RETAIN });
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: arn });
  };
  const driver = driverFor(build);
  const waiterGroup = () => [...driver.resources.values()].find((r) => r.resourceType === 'AWS::Logs::LogGroup' && r.physicalId.startsWith('/aws/vendedlogs/states/'))!.physicalId;
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const first = waiterGroup();
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  expect(waiterGroup()).toMatch(/^\/aws\/vendedlogs\/states\/Reliability\d+-DmsReplicationTeardownProvider-[0-9a-f-]{36}$/);
  expect(waiterGroup()).not.toBe(first);
});
