import * as handlers from '../../lambda/schema-refresh';
import { cfnEvent, lambdaContext } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

// Each isComplete polls for up to 3 s here (40 s in a deployed stack).
process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();

// Updates ask whether the stack rolls back: it does not.
useEmulatedCloudFormation().stack.status = 'UPDATE_IN_PROGRESS';
let n = 0;
/** A fresh endpoint + instance pair with a successful connection record. */
function pair(behavior: Parameters<ReturnType<typeof dms>['addEndpoint']>[1] = {}) {
  const id = `E${++n}`;
  const endpointArn = dms().endpointArn(id);
  const replicationInstanceArn = dms().instanceArn(`I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_200, ...behavior });
  dms().addConnection(endpointArn, replicationInstanceArn, 'successful');
  return { endpointArn, replicationInstanceArn };
}

function props(p: { endpointArn: string; replicationInstanceArn: string }, extra: Record<string, string> = {}) {
  return {
    EndpointArn: p.endpointArn,
    ReplicationInstanceArn: p.replicationInstanceArn,
    TimeoutSeconds: '30',
    PollIntervalSeconds: '1',
    ConnectionPrecondition: 'none',
    ...extra,
  };
}

const callsFor = (arn: string) => dms().calls.filter((c) => c.input?.EndpointArn === arn).map((c) => c.operation);

test('Create refreshes and completes only when DMS reports the refresh successful', async () => {
  const p = pair();
  const before = Date.now();
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.physicalId).toBe(`${p.endpointArn}|${p.replicationInstanceArn}`);
  expect(run.data?.Status).toBe('successful');
  expect(new Date(run.data!.LastRefreshDate).getTime()).toBeGreaterThanOrEqual(before - 1_000);
  expect(Date.now() - before).toBeGreaterThanOrEqual(1_200);
  expect(dms().refreshStatus(p.endpointArn)?.Status).toBe('successful');
  expect(callsFor(p.endpointArn)[1]).toBe('RefreshSchemas');
});

test('an older successful refresh is never taken as done', async () => {
  const p = pair({ previousRefresh: { status: 'successful', ageMs: 60_000 } });
  // Our RefreshSchemas is refused once, so DMS still shows only the old successful refresh.
  dms().failNext('RefreshSchemas', 'InvalidResourceStateFault', 'Refresh not possible right now');
  const event = cfnEvent('Create', props(p));
  const merged = { ...event, ...(await handlers.onEvent(event)) };
  process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '0'; // exactly one check
  try {
    expect((await handlers.isComplete(merged, lambdaContext())).IsComplete).toBe(false);
  } finally {
    process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
  }
  // That check asked for the refresh again; the next ones follow it to the end.
  let result = await handlers.isComplete(merged, lambdaContext());
  while (!result.IsComplete) result = await handlers.isComplete(merged, lambdaContext());
  expect(Date.now() - new Date(result.Data!.LastRefreshDate).getTime()).toBeLessThan(10_000);
});

test('a refresh already running is waited for, and ours starts after it', async () => {
  const p = pair();
  dms().startRefresh(p.endpointArn, p.replicationInstanceArn, 1_500);
  const runningSince = dms().refreshStatus(p.endpointArn)!.LastRefreshDate!;
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(new Date(run.data!.LastRefreshDate).getTime()).toBeGreaterThan(runningSince);
  expect(dms().calls.filter((c) => c.operation === 'RefreshSchemas' && c.input.EndpointArn === p.endpointArn && !c.errorCode)).toHaveLength(1);
});

test('a failed refresh fails with the endpoint and DMS\'s LastFailureMessage', async () => {
  const p = pair({ refreshOutcome: 'failed', refreshFailureMessage: 'ORA-01017: invalid username/password; logon denied' });
  await expect(runHandlers(handlers, cfnEvent('Create', props(p)))).rejects.toThrow(
    `Schema refresh failed for endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}: ORA-01017: invalid username/password; logon denied`,
  );
});

test('past the timeout it fails naming the endpoint, the wait and the last status', async () => {
  const p = pair({ refreshDurationMs: 30_000 });
  await expect(runHandlers(handlers, cfnEvent('Create', props(p, { TimeoutSeconds: '2' })))).rejects.toThrow(
    new RegExp(`^Timed out after 2s waiting for the schema refresh of endpoint ${p.endpointArn} .*; last status: refreshing`),
  );
});

test('Delete makes no DMS call, even with properties that no longer parse', async () => {
  dms().resetCalls();
  const run = await runHandlers(handlers, cfnEvent('Delete', { Garbage: 'x' }, { physicalId: 'old-id' }));
  expect(run.physicalId).toBe('old-id');
  expect(dms().calls).toEqual([]);
});

test('an Update that changes only the timing reports the current status without refreshing', async () => {
  const p = pair({ previousRefresh: { status: 'successful', ageMs: 5_000 } });
  const before = dms().refreshStatus(p.endpointArn)!.LastRefreshDate!;
  const run = await runHandlers(handlers, cfnEvent('Update', props(p, { TimeoutSeconds: '60' }), { oldProperties: props(p) }));
  // The attributes of the last completed refresh: still successful, same date.
  expect(run.data).toEqual({ Status: 'successful', LastRefreshDate: new Date(before).toISOString() });
  expect(callsFor(p.endpointArn)).not.toContain('RefreshSchemas');
});

test('an Update that changes the refresh trigger refreshes again', async () => {
  const p = pair({ previousRefresh: { status: 'successful', ageMs: 5_000 } });
  await runHandlers(handlers, cfnEvent('Update', props(p, { RefreshTrigger: 'v2' }), { oldProperties: props(p, { RefreshTrigger: 'v1' }) }));
  expect(callsFor(p.endpointArn)).toContain('RefreshSchemas');
});

test('an unknown endpoint fails Create with DMS\'s error, naming the call and the endpoint', async () => {
  const endpointArn = dms().endpointArn('MISSING');
  const instance = dms().instanceArn('I-MISSING');
  dms().addReplicationInstance(instance);
  await expect(handlers.onEvent(cfnEvent('Create', props({ endpointArn, replicationInstanceArn: instance })))).rejects.toThrow(
    new RegExp(`DMS (DescribeRefreshSchemasStatus|RefreshSchemas) failed for endpoint ${endpointArn}.*ResourceNotFoundFault`),
  );
});

test('AccessDenied right after a policy change is retried while IAM propagates', async () => {
  const p = pair();
  dms().failNext('RefreshSchemas', 'AccessDeniedFault', 'not authorized to perform dms:RefreshSchemas', 2);
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
});

test('throttled status checks do not fail the refresh, and each costs one call (one retry layer: ours)', async () => {
  const p = pair();
  dms().throttle('DescribeRefreshSchemasStatus', 2);
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  // The SDK does not retry underneath (it used to make 5 attempts per check): the two throttled checks are two calls.
  const statusCalls = dms().callsTo('DescribeRefreshSchemasStatus').filter((c) => c.input?.EndpointArn === p.endpointArn);
  expect(statusCalls.slice(0, 3).map((c) => c.errorCode ?? 'answered')).toEqual(['ThrottlingException', 'ThrottlingException', 'answered']);
}, 60_000);

describe('connection precondition', () => {
  function untested() {
    const id = `C${++n}`;
    const endpointArn = dms().endpointArn(id);
    const replicationInstanceArn = dms().instanceArn(`CI${n}`);
    dms().addReplicationInstance(replicationInstanceArn);
    dms().addEndpoint(endpointArn, { refreshDurationMs: 500 });
    return { endpointArn, replicationInstanceArn };
  }
  const ops = (arn: string) => callsFor(arn).filter((o) => o === 'TestConnection' || o === 'RefreshSchemas');

  test('an untested pair is tested first and refreshed only after the test succeeds', async () => {
    const p = untested();
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { testDurationMs: 800 });
    const run = await runHandlers(handlers, cfnEvent('Create', props(p, { ConnectionPrecondition: 'test-unless-successful' })));
    expect(run.data?.Status).toBe('successful');
    expect(ops(p.endpointArn)).toEqual(['TestConnection', 'RefreshSchemas']);
  });

  test('a successful record is reused without a test', async () => {
    const p = pair();
    await runHandlers(handlers, cfnEvent('Create', props(p, { ConnectionPrecondition: 'test-unless-successful' })));
    expect(ops(p.endpointArn)).toEqual(['RefreshSchemas']);
  });

  test('ALWAYS_TEST tests even a successful pair', async () => {
    const p = pair();
    await runHandlers(handlers, cfnEvent('Create', props(p, { ConnectionPrecondition: 'always-test' })));
    expect(ops(p.endpointArn)).toEqual(['TestConnection', 'RefreshSchemas']);
  });

  test('a failed test fails the refresh with the database\'s message and never refreshes', async () => {
    const p = untested();
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, {
      testDurationMs: 300,
      outcome: 'failed',
      failureMessage: 'FATAL: password authentication failed for user "dms"',
    });
    await expect(runHandlers(handlers, cfnEvent('Create', props(p, { ConnectionPrecondition: 'test-unless-successful' })))).rejects.toThrow(
      /Connection test failed between endpoint .* and replication instance .*: .*password authentication failed for user "dms"/,
    );
    expect(ops(p.endpointArn)).toEqual(['TestConnection']);
  });
});

test('a late or repeated isComplete is harmless: no second refresh once ours finished', async () => {
  const p = pair({ refreshDurationMs: 500 });
  const event = cfnEvent('Create', props(p));
  const merged = { ...event, ...(await handlers.onEvent(event)) };
  let first = await handlers.isComplete(merged, lambdaContext());
  while (!first.IsComplete) first = await handlers.isComplete(merged, lambdaContext());
  const again = await Promise.all([handlers.isComplete(merged, lambdaContext()), handlers.isComplete(merged, lambdaContext())]);
  expect(again).toEqual([first, first]);
  expect(dms().callsTo('RefreshSchemas').filter((c) => c.input.EndpointArn === p.endpointArn)).toHaveLength(1);
});

test('DMS is called in the region of the ARN, not the region the handler runs in', async () => {
  const endpointArn = 'arn:aws:dms:eu-west-1:123456789012:endpoint:FAR';
  const replicationInstanceArn = 'arn:aws:dms:eu-west-1:123456789012:rep:FAR';
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 300 });
  expect(process.env.AWS_REGION).toBe('us-east-1');
  await runHandlers(handlers, cfnEvent('Create', props({ endpointArn, replicationInstanceArn })));
  const regions = dms().calls.filter((c) => c.input?.EndpointArn === endpointArn).map((c) => c.signingRegion);
  expect(new Set(regions)).toEqual(new Set(['eu-west-1']));
});

test('logs are one JSON line per invocation with request type, physical id, DMS status and elapsed time, and no secrets', async () => {
  const p = pair({ refreshDurationMs: 300 });
  const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
  const savedSecret = process.env.AWS_SECRET_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = secret;
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await runHandlers(handlers, cfnEvent('Create', props(p, { RefreshTrigger: 'v1' })));
  } finally {
    spy.mockRestore();
    process.env.AWS_SECRET_ACCESS_KEY = savedSecret;
  }
  const entries = lines.map((l) => JSON.parse(l));
  expect(entries[0]).toMatchObject({ requestType: 'Create', phase: 'onEvent', physicalId: `${p.endpointArn}|${p.replicationInstanceArn}` });
  expect(entries.at(-1)).toMatchObject({ requestType: 'Create', phase: 'isComplete', status: 'successful', done: true, elapsedMs: expect.any(Number) });
  expect(lines.join('\n')).not.toContain(secret);
  expect(lines.join('\n')).not.toContain('RefreshTrigger');
});
