/** The cut-over's decisions (lambda/dms/cutover-plan.ts) and its stop positions, case by case. */
import { classifyStop, nextCutoverStep, ReplicationState, stopPosition } from '../lambda/dms';

const target = { kind: 'replication-task' as const, arn: 'arn:aws:dms:us-east-1:123456789012:task:T' };
const P = 'commit_time:2026-11-01T22:01:00';
const S = 'server_time:2026-11-01T22:15:00';
const state = (s: Partial<ReplicationState>): ReplicationState => ({ status: 'running', migrationType: 'full-load-and-cdc', fullLoadFinished: true, deprovisioning: false, ...s });
const step = (s: Partial<ReplicationState>, positions?: string[]) => nextCutoverStep(target, state(s), positions && { positions }, P);

test('stop positions: UTC, no zone, rounded up to the whole second (at or after, never before)', () => {
  expect(stopPosition('commit_time', Date.parse('2026-11-01T22:00:59.001Z'))).toBe('commit_time:2026-11-01T22:01:00');
  expect(stopPosition('server_time', Date.parse('2026-11-01T22:01:00.000Z'))).toBe('server_time:2026-11-01T22:01:00');
  // DMS's stop reason names the kind it stopped at; the one reading is stop-reason.ts's.
  expect(classifyStop({ status: 'stopped', stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME' })).toMatchObject({ kind: 'at-stop-position', position: 'commit_time' });
  expect(classifyStop({ status: 'stopped', stopReason: 'STOPPED_AT_SERVER_TIME' })).toMatchObject({ kind: 'at-stop-position', position: 'server_time' });
  expect(classifyStop({ status: 'stopped', stopReason: 'Stop Reason NORMAL' }).kind).toBe('for-good');
});

test.each([
  ['running, no position: begin', {}, undefined, { action: 'begin' }],
  ['starting, no position: wait', { status: 'starting' }, undefined, { action: 'wait' }],
  ['running with ours: wait for it', { cdcStopPosition: P }, [P], { action: 'wait-for-position', position: P }],
  ['running with ours, no record (the record was lost): wait for it', { cdcStopPosition: P }, undefined, { action: 'wait-for-position', position: P }],
  ['running with our first, the fallback recorded: stop to replace', { cdcStopPosition: P }, [P, S], { action: 'stop-to-replace', held: P }],
  ['running with our fallback: wait for it', { cdcStopPosition: S }, [P, S], { action: 'wait-for-position', position: S }],
  ['stopped by us (NORMAL): resume with the last asked', { status: 'stopped', stopReason: 'Stop Reason NORMAL' }, [P, S], { action: 'resume', position: S }],
  ['stopped at ours: done', { status: 'stopped', stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', cdcStopPosition: P }, [P, S], { action: 'done', position: P }],
  ['stopped at a commit time, position cleared, recorded: done', { status: 'stopped', stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME' }, [P], { action: 'done', position: P }],
  ['stopping, ours: wait', { status: 'stopping' }, [P], { action: 'wait' }],
  ['stopped for a recoverable error: wait for DMS', { status: 'stopped', stopReason: 'Stop Reason RECOVERABLE_ERROR' }, [P], { action: 'wait' }],
  // The same reading of a stop reason as readiness (stop-reason.ts): DMS's own restarts are waited for.
  ['stopped for DMS\'s own restart (RECYCLE_TASK): wait for DMS', { status: 'stopped', stopReason: 'Stop Reason RECYCLE_TASK' }, [P], { action: 'wait' }],
  ['stopped by us, no stop reason shown: resume', { status: 'stopped' }, [P], { action: 'resume', position: P }],
])('%s', (_, s, positions, expected) => {
  expect(step(s as Partial<ReplicationState>, positions)).toMatchObject(expected);
});

test.each([
  ['stopped, no record', { status: 'stopped', stopReason: 'Stop Reason NORMAL' }, undefined, /is stopped \(stop reason: Stop Reason NORMAL\), and not by a cut-over at commit_time:2026-11-01T22:01:00/],
  ['stopped by another cut-over\'s record', { status: 'stopped', stopReason: 'Stop Reason NORMAL' }, ['commit_time:2026-10-01T00:00:00'], /not by a cut-over/],
  ['stopped with a fatal error after our record', { status: 'stopped', stopReason: 'Stop Reason FATAL_ERROR' }, [P], /stopped \(stop reason: Stop Reason FATAL_ERROR\) after this cut-over recorded/],
  ['failed', { status: 'failed', stopReason: 'Stop Reason FATAL_ERROR' }, [P], /failed: stop reason/],
  ['stopping, not ours', { status: 'stopping' }, undefined, /is being stopped, and not by a cut-over/],
  ['runs with another position', { cdcStopPosition: 'server_time:2026-01-01T00:00:00' }, undefined, /runs with another stop position, server_time:2026-01-01T00:00:00/],
  ['stopped at another position', { status: 'stopped', stopReason: 'Stop Reason STOPPED_AT_SERVER_TIME', cdcStopPosition: 'server_time:2026-01-01T00:00:00' }, [P], /stopped at server_time:2026-01-01T00:00:00 .*not at commit_time/],
  ['never ran', { status: 'ready' }, undefined, /never ran \(ready\)/],
  ['full-load only', { migrationType: 'full-load' }, undefined, /full-load only: it has no CDC/],
])('refused: %s', (_, s, positions, reason) => {
  const next = step(s as Partial<ReplicationState>, positions);
  expect(next.action).toBe('refuse');
  expect((next as { reason: string }).reason).toMatch(reason);
});
