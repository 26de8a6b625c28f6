import * as handlers from '../../lambda/connection-test';
import { cfnEvent } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
// Page over all records before filtering, so the wanted one can sit on a later page.
const dms = useEmulatedDms({ filterAfterPaging: true });

// Updates ask whether the stack rolls back: it does not.
useEmulatedCloudFormation().stack.status = 'UPDATE_IN_PROGRESS';
let n = 0;
function pair(behavior: { testDurationMs?: number; outcome?: 'successful' | 'failed'; failureMessage?: string } = {}) {
  const endpointArn = dms().endpointArn(`E${++n}`);
  const replicationInstanceArn = dms().instanceArn(`I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn);
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 800, ...behavior });
  return { endpointArn, replicationInstanceArn };
}

const props = (p: { endpointArn: string; replicationInstanceArn: string }, extra: Record<string, string> = {}) => ({
  EndpointArn: p.endpointArn,
  ReplicationInstanceArn: p.replicationInstanceArn,
  TimeoutSeconds: '30',
  PollIntervalSeconds: '1',
  ...extra,
});
const callsFor = (arn: string) => dms().calls.filter((c) => c.input?.EndpointArn === arn).map((c) => c.operation);

test('Create tests the connection and completes when it is successful', async () => {
  const p = pair();
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data).toEqual({ Status: 'successful' });
  expect(callsFor(p.endpointArn)).toEqual(['TestConnection']);
  expect(dms().connection(p.endpointArn, p.replicationInstanceArn)?.Status).toBe('successful');
});

test('DescribeConnections filters by both ARNs', async () => {
  const p = pair();
  dms().resetCalls();
  await runHandlers(handlers, cfnEvent('Create', props(p)));
  const describe = dms().callsTo('DescribeConnections')[0];
  expect(describe.input.Filters).toEqual([
    { Name: 'endpoint-arn', Values: [p.endpointArn] },
    { Name: 'replication-instance-arn', Values: [p.replicationInstanceArn] },
  ]);
});

test('a failed test fails with the endpoint, the instance and the database\'s message', async () => {
  const p = pair({ outcome: 'failed', failureMessage: "Can't connect to MySQL server on 'db.internal' (110)" });
  await expect(runHandlers(handlers, cfnEvent('Create', props(p)))).rejects.toThrow(
    `Connection test failed between endpoint ${p.endpointArn} and replication instance ${p.replicationInstanceArn}: ` +
      "Can't connect to MySQL server on 'db.internal' (110)",
  );
});

test('the record is found on a later page by following Marker', async () => {
  dms().addFillerConnections(250);
  const p = pair();
  dms().resetCalls();
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  const pages = dms().callsTo('DescribeConnections');
  expect(pages.some((c) => c.input.Marker)).toBe(true);
});

test('a test already running is waited for', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'testing', { remainingMs: 1_000 });
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  expect(dms().calls.filter((c) => c.operation === 'TestConnection' && c.input.EndpointArn === p.endpointArn).map((c) => c.errorCode)).toEqual([
    'InvalidResourceStateFault',
  ]);
});

test('a record being deleted is tested again', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'deleting');
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  expect(callsFor(p.endpointArn)).toContain('TestConnection');
});

test('an Update that changes only the timing reports the record as it stands, without a test', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
  const run = await runHandlers(handlers, cfnEvent('Update', props(p, { TimeoutSeconds: '60' }), { oldProperties: props(p) }));
  expect(run.data?.Status).toBe('successful');
  expect(callsFor(p.endpointArn)).not.toContain('TestConnection');
});

test('past the timeout it fails naming the pair, the wait and the last status', async () => {
  const p = pair({ testDurationMs: 30_000 });
  await expect(runHandlers(handlers, cfnEvent('Create', props(p, { TimeoutSeconds: '2' })))).rejects.toThrow(
    new RegExp(`^Timed out after 2s waiting for the connection test between endpoint ${p.endpointArn} .*; last status: testing`),
  );
});

test('Update with a new trigger tests again; Delete makes no DMS call', async () => {
  const p = pair();
  dms().addConnection(p.endpointArn, p.replicationInstanceArn, 'successful');
  await runHandlers(handlers, cfnEvent('Update', props(p, { TestTrigger: '2' }), { oldProperties: props(p, { TestTrigger: '1' }) }));
  expect(callsFor(p.endpointArn)).toContain('TestConnection');
  dms().resetCalls();
  await runHandlers(handlers, cfnEvent('Delete', props(p), { physicalId: 'id' }));
  expect(dms().calls).toEqual([]);
});

test('an unknown endpoint fails with DMS\'s ResourceNotFoundFault', async () => {
  const endpointArn = dms().endpointArn('NOPE');
  const replicationInstanceArn = dms().instanceArn('I-NOPE');
  dms().addReplicationInstance(replicationInstanceArn);
  await expect(handlers.onEvent(cfnEvent('Create', props({ endpointArn, replicationInstanceArn })))).rejects.toThrow(
    /DMS TestConnection failed for endpoint .*NOPE.*ResourceNotFoundFault/,
  );
});
