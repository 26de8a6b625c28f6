/**
 * DMS does not document whether LastRefreshDate is stamped when a refresh starts or when it
 * ends. Under the "end" reading (this file; the other tests use "start"), a running refresh
 * shows the previous refresh's date: the refresh must neither hang nor complete early.
 */
import * as handlers from '../../lambda/schema-refresh';
import { cfnEvent } from '../support/cfn-events';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms({ refreshDateStamp: 'end' });

let n = 0;
function pair(previousRefresh?: { status: 'successful' | 'refreshing'; ageMs: number; remainingMs?: number }) {
  const endpointArn = dms().endpointArn(`STAMP-E${++n}`);
  const replicationInstanceArn = dms().instanceArn(`STAMP-I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_500, previousRefresh });
  return { endpointArn, replicationInstanceArn };
}
const props = (p: ReturnType<typeof pair>) => ({
  EndpointArn: p.endpointArn,
  ReplicationInstanceArn: p.replicationInstanceArn,
  TimeoutSeconds: '30',
  PollIntervalSeconds: '1',
  ConnectionPrecondition: 'none',
});
const refreshes = (p: ReturnType<typeof pair>) => dms().callsTo('RefreshSchemas').filter((c) => c.input.EndpointArn === p.endpointArn);

test('while our refresh runs DMS still shows the previous date; we wait for it to end, not take the old successful', async () => {
  const p = pair({ status: 'successful', ageMs: 60_000 });
  const before = dms().refreshStatus(p.endpointArn)!.LastRefreshDate!;
  const started = Date.now();
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  expect(new Date(run.data!.LastRefreshDate).getTime()).toBeGreaterThan(before);
  // Stamped at the end: the date shown is when our refresh finished, after we asked.
  expect(new Date(run.data!.LastRefreshDate).getTime()).toBeGreaterThanOrEqual(started + 1_400);
  expect(refreshes(p).map((c) => c.errorCode ?? 'accepted')).toEqual(['accepted']);
});

test('a never-refreshed endpoint (no date while refreshing) completes', async () => {
  const p = pair();
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  expect(refreshes(p)).toHaveLength(1);
});

test('a refresh already running at our request counts once it ends after the request (the end reading\'s documented limit)', async () => {
  const p = pair({ status: 'successful', ageMs: 120_000 });
  dms().startRefresh(p.endpointArn, p.replicationInstanceArn, 1_000);
  const run = await runHandlers(handlers, cfnEvent('Create', props(p)));
  expect(run.data?.Status).toBe('successful');
  expect(refreshes(p).map((c) => c.errorCode ?? 'accepted')).toEqual(['InvalidResourceStateFault']);
});
