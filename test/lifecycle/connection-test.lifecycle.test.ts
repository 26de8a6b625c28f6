/**
 * Connection tests, and the schema refresh's connection precondition, end to end
 * on the BUNDLED handler assets against the DMS emulator.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { CfnReplicationConfig } from 'aws-cdk-lib/aws-dms';
import { ConnectionPrecondition, DmsConnectionTest, DmsSchemaRefresh } from '../../src';
import { LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

// Page over every record before filtering: the wanted record can sit on a later page.
const dms = useEmulatedDms({ filterAfterPaging: true });
let n = 0;

function pair(test: { testDurationMs?: number; outcome?: 'successful' | 'failed'; failureMessage?: string } = {}) {
  const endpointArn = dms().endpointArn(`CT${++n}`);
  const replicationInstanceArn = dms().instanceArn(`CTI${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_000 });
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 1_500, ...test });
  return { endpointArn, replicationInstanceArn };
}

async function deploy(build: (stack: Stack) => void) {
  const synth = synthStack(build);
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  return { driver, result: await driver.deploy() };
}

const connectionStack = (p: ReturnType<typeof pair>, timeout?: Duration) => (stack: Stack) => {
  const test = new DmsConnectionTest(stack, 'Test', { ...p, timeout, pollInterval: Duration.seconds(1) });
  new CfnOutput(stack, 'ConnectionStatus', { value: test.connectionStatus });
};
const opsOn = (arn: string) => dms().calls.filter((c) => c.input?.EndpointArn === arn && ['TestConnection', 'RefreshSchemas'].includes(c.operation)).map((c) => c.operation);

test('a successful test completes with the connection status', async () => {
  const p = pair();
  const { driver, result } = await deploy(connectionStack(p));
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(driver.outputs()).toEqual({ ConnectionStatus: 'successful' });
});

test('a failed test fails with the endpoint, the instance and the database\'s message', async () => {
  const p = pair({ outcome: 'failed', failureMessage: 'FATAL: password authentication failed for user "dms_user"' });
  const { result } = await deploy(connectionStack(p));
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(
    new RegExp(`^Connection test failed between endpoint ${p.endpointArn} and replication instance ${p.replicationInstanceArn}: FATAL: password authentication failed`),
  );
});

test('the record is found beyond the first page of DescribeConnections', async () => {
  dms().addFillerConnections(230);
  const p = pair();
  dms().resetCalls();
  const { result } = await deploy(connectionStack(p));
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(dms().callsTo('DescribeConnections').filter((c) => c.input.Marker).length).toBeGreaterThan(0);
});

test('a test already running is waited for', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'testing', { remainingMs: 2_000 });
  const { result } = await deploy(connectionStack(p));
  expect(result.status).toBe('CREATE_COMPLETE');
});

test('a test past the timeout fails with a descriptive reason', async () => {
  const p = pair({ testDurationMs: 60_000 });
  const { result } = await deploy(connectionStack(p, Duration.seconds(3)));
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(/^Timed out after 3s waiting for the connection test between endpoint .*; last status: testing/);
});

test('Delete makes no DMS call', async () => {
  const p = pair();
  const { driver } = await deploy(connectionStack(p));
  dms().resetCalls();
  expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(dms().calls).toEqual([]);
});

describe('schema refresh precondition', () => {
  const refreshStack = (p: ReturnType<typeof pair>, connectionPrecondition?: ConnectionPrecondition) => (stack: Stack) => {
    new DmsSchemaRefresh(stack, 'Refresh', { ...p, connectionPrecondition, pollInterval: Duration.seconds(1) });
  };

  test('on (default): an untested pair is tested, then refreshed', async () => {
    const p = pair();
    const { result } = await deploy(refreshStack(p));
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(opsOn(p.endpointArn)).toEqual(['TestConnection', 'RefreshSchemas']);
  });

  test('on: a failing connection fails the refresh with the database\'s message and no refresh is made', async () => {
    const p = pair({ outcome: 'failed', failureMessage: "Can't connect to MySQL server on 'db' (110)" });
    const { result } = await deploy(refreshStack(p));
    expect(result.status).toBe('CREATE_FAILED');
    expect(result.failures[0].reason).toContain("Can't connect to MySQL server on 'db' (110)");
    expect(opsOn(p.endpointArn)).toEqual(['TestConnection']);
  });

  test('off (NONE): no connection call, straight to RefreshSchemas', async () => {
    const p = pair();
    dms().resetCalls();
    const { result } = await deploy(refreshStack(p, ConnectionPrecondition.NONE));
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(dms().callsTo('DescribeConnections')).toHaveLength(0);
    expect(opsOn(p.endpointArn)).toEqual(['RefreshSchemas']);
  });

  test('a replication config that depends on both the test and the refresh is created after both', async () => {
    const p = pair();
    const { result } = await deploy((stack) => {
      const test = new DmsConnectionTest(stack, 'Test', { ...p, pollInterval: Duration.seconds(1) });
      const refresh = new DmsSchemaRefresh(stack, 'Refresh', { ...p, connectionPrecondition: ConnectionPrecondition.NONE, pollInterval: Duration.seconds(1) });
      refresh.node.addDependency(test);
      const config = new CfnReplicationConfig(stack, 'Config', {
        replicationConfigIdentifier: 'c',
        replicationType: 'full-load',
        sourceEndpointArn: p.endpointArn,
        targetEndpointArn: p.endpointArn,
        computeConfig: { maxCapacityUnits: 2 },
        tableMappings: {},
      });
      config.node.addDependency(refresh, test);
    });
    const order = result.events.filter((e) => e.status === 'CREATE_COMPLETE').map((e) => e.logicalId.replace(/[0-9A-F]{8}$/, ''));
    expect(order.indexOf('Test')).toBeLessThan(order.indexOf('Refresh'));
    expect(order.indexOf('Refresh')).toBeLessThan(order.indexOf('Config'));
  });
});
