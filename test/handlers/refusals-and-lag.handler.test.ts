/**
 * DMS refusals (InvalidResourceStateFault with nothing of ours under way) and Describe
 * answers that lag a write, through the real SDK client against the emulator.
 */
import * as connectionTest from '../../lambda/connection-test';
import * as schemaRefresh from '../../lambda/schema-refresh';
import { cfnEvent, lambdaContext } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();
useEmulatedCloudFormation().stack.status = 'UPDATE_IN_PROGRESS';

const REFUSAL_ENV = 'DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS';
const LAG_ENV = 'DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS';
afterEach(() => {
  delete process.env[REFUSAL_ENV];
  delete process.env[LAG_ENV];
});

let n = 0;
function pair() {
  const endpointArn = dms().endpointArn(`RL-E${++n}`);
  const replicationInstanceArn = dms().instanceArn(`RL-I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 800 });
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 600 });
  return { endpointArn, replicationInstanceArn };
}
const props = (p: ReturnType<typeof pair>, extra: Record<string, string> = {}) => ({
  EndpointArn: p.endpointArn,
  ReplicationInstanceArn: p.replicationInstanceArn,
  TimeoutSeconds: '30',
  PollIntervalSeconds: '1',
  ...extra,
});
const outcomes = (operation: string, p: ReturnType<typeof pair>) =>
  dms().callsTo(operation).filter((c) => c.input.EndpointArn === p.endpointArn).map((c) => c.errorCode ?? 'accepted');
const modifying = (p: ReturnType<typeof pair>) => `Replication instance RL-I${p.replicationInstanceArn.split('RL-I')[1]} is in state modifying. It must be available.`;

describe('a refusal is not progress', () => {
  test('a connection test refused while the instance is modifying never passes on the old successful record', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    process.env[REFUSAL_ENV] = '2';
    await expect(runHandlers(connectionTest, cfnEvent('Create', props(p)))).rejects.toThrow(
      `DMS TestConnection refused for endpoint ${p.endpointArn} and replication instance ${p.replicationInstanceArn}: ${modifying(p)}`,
    );
  });

  test('a refusal that passes within the grace is ridden out: the test then runs', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying', 1_500);
    // The re-test ends between two checks with the old outcome: it decides after the read-lag grace.
    process.env[LAG_ENV] = '3';
    const run = await runHandlers(connectionTest, cfnEvent('Create', props(p)));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('TestConnection', p)).toEqual(['InvalidResourceStateFault', 'InvalidResourceStateFault', 'accepted']);
  });

  test('a refresh refused at the start fails with DMS\'s reason, not a timeout', async () => {
    const p = pair();
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    process.env[REFUSAL_ENV] = '2';
    await expect(runHandlers(schemaRefresh, cfnEvent('Create', props(p, { ConnectionPrecondition: 'none' })))).rejects.toThrow(
      new RegExp(`^DMS RefreshSchemas refused for endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}: ${modifying(p)} \\(still refused after \\d+ s\\)$`),
    );
  });

  test('a refresh refused after its connection test (in a check) fails with DMS\'s reason once the refusal outlasts the grace', async () => {
    const p = pair();
    process.env[REFUSAL_ENV] = '2';
    const event = cfnEvent('Create', props(p, { ConnectionPrecondition: 'always-test' }));
    const merged = { ...event, ...(await schemaRefresh.onEvent(event)) };
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    const poll = async () => {
      for (;;) if ((await schemaRefresh.isComplete(merged, lambdaContext())).IsComplete) return;
    };
    await expect(poll()).rejects.toThrow(`DMS RefreshSchemas refused for endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}: ${modifying(p)}`);
    expect(outcomes('TestConnection', p)).toEqual(['accepted']);
  });

  test('a re-test refused during a refresh\'s connection phase fails at the grace, not at the timeout', async () => {
    const p = pair();
    process.env[REFUSAL_ENV] = '2';
    const event = cfnEvent('Create', props(p, { ConnectionPrecondition: 'always-test' }));
    const merged = { ...event, ...(await schemaRefresh.onEvent(event)) };
    // The record is being deleted (so it must be tested again) and the instance refuses tests.
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'deleting');
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    const started = Date.now();
    const poll = async () => {
      for (;;) if ((await schemaRefresh.isComplete(merged, lambdaContext())).IsComplete) return;
    };
    await expect(poll()).rejects.toThrow(`DMS TestConnection refused for endpoint ${p.endpointArn} and replication instance ${p.replicationInstanceArn}: ${modifying(p)}`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('a timeout quotes the last refusal DMS gave', async () => {
    const p = pair();
    const event = cfnEvent('Create', props(p, { ConnectionPrecondition: 'always-test', TimeoutSeconds: '3' }));
    const merged = { ...event, ...(await schemaRefresh.onEvent(event)) };
    dms().setReplicationInstanceState(p.replicationInstanceArn, 'modifying');
    const poll = async () => {
      for (;;) if ((await schemaRefresh.isComplete(merged, lambdaContext())).IsComplete) return;
    };
    await expect(poll()).rejects.toThrow(new RegExp(`^Timed out after 3s waiting for the schema refresh .*; DMS RefreshSchemas refused: ${modifying(p)}`));
  });

  test('a refusal because a refresh is already running is busy, not a refusal: that refresh is waited for', async () => {
    const p = pair();
    dms().startRefresh(p.endpointArn, p.replicationInstanceArn, 1_000);
    const run = await runHandlers(schemaRefresh, cfnEvent('Create', props(p, { ConnectionPrecondition: 'none' })));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('RefreshSchemas', p)).toEqual(['InvalidResourceStateFault', 'accepted']);
  });
});

describe('reads that lag writes', () => {
  test('after a password fix, the old failed record still shown does not fail the new test', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'failed', { failureMessage: 'password authentication failed' });
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { describeLagMs: 2_000, outcome: 'successful' });
    const run = await runHandlers(connectionTest, cfnEvent('Create', props(p)));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('TestConnection', p)).toEqual(['accepted']);
  });

  test('a record identical to the one before decides only after the grace when testing was never seen', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
    // The whole test happens inside the lag: Describe never shows it testing.
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { describeLagMs: 1_000, testDurationMs: 300 });
    process.env[LAG_ENV] = '3';
    const started = Date.now();
    const run = await runHandlers(connectionTest, cfnEvent('Create', props(p, { TestTrigger: 'x' })));
    expect(run.data?.Status).toBe('successful');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
  });

  test('a first test whose record does not show yet is not requested again', async () => {
    const p = pair();
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { describeLagMs: 2_000 });
    const run = await runHandlers(connectionTest, cfnEvent('Create', props(p)));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('TestConnection', p)).toEqual(['accepted']);
  });

  test('a refresh that does not show yet is not requested a second time', async () => {
    const p = pair();
    dms().setRefreshBehavior(p.endpointArn, { describeLagMs: 2_000 });
    const run = await runHandlers(schemaRefresh, cfnEvent('Create', props(p, { ConnectionPrecondition: 'none' })));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('RefreshSchemas', p)).toEqual(['accepted']);
  });

  test('a refresh after a lagging connection test: one test, one refresh', async () => {
    const p = pair();
    dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { describeLagMs: 1_500 });
    dms().setRefreshBehavior(p.endpointArn, { describeLagMs: 1_500 });
    process.env[LAG_ENV] = '3';
    const run = await runHandlers(schemaRefresh, cfnEvent('Create', props(p, { ConnectionPrecondition: 'always-test' })));
    expect(run.data?.Status).toBe('successful');
    expect(outcomes('TestConnection', p)).toEqual(['accepted']);
    expect(outcomes('RefreshSchemas', p)).toEqual(['accepted']);
  });
});
