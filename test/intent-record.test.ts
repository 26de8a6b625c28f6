import {
  AskedBy,
  askedBy,
  forget,
  intentParameterName,
  IntentRecordUnavailable,
  latestAsk,
  markRan,
  nextRunStep,
  overtaken,
  readIntent,
  recordAsk,
  recordOfStack,
  runHistory,
} from '../lambda/dms';
import { useEmulatedDms } from './support/emulated-dms';

const dms = useEmulatedDms();
const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/1111';
const OTHER_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/old/2222';
let n = 0;
const newArn = () => `arn:aws:dms:us-east-1:123456789012:replication-config:INTENT${++n}`;
const by = (request: string, stack = STACK) => ({ stack, resource: 'Run', request });

test('the parameter name: a fixed path, the region, the resource type and id, only characters SSM allows', () => {
  expect(intentParameterName('arn:aws:dms:eu-west-1:123456789012:replication-config:ABC123'))
    .toBe('/cdk-dms-lifecycle/intent/eu-west-1/replication-config/ABC123');
  expect(intentParameterName('arn:aws:dms:us-east-1:123456789012:task:X')).toMatch(/^[a-zA-Z0-9_.\-/]+$/);
});

test('no record reads as undefined: we asked nothing', async () => {
  await expect(readIntent(newArn())).resolves.toBeUndefined();
});

test('an ask is written to SSM before anything else and read back; the newest is last', async () => {
  const arn = newArn();
  await recordAsk(arn, { action: 'start', startType: 'start-replication', by: by('r1'), at: 1 });
  const record = await recordAsk(arn, { action: 'stop', by: by('r2'), at: 2 });
  expect(record.asks.map((a) => a.action)).toEqual(['start', 'stop']);
  expect(latestAsk(record)?.by).toEqual(by('r2'));
  expect(JSON.parse(dms().parameters.value(intentParameterName(arn))!)).toMatchObject({ v: 1, ran: false });
  expect(await readIntent(arn)).toEqual(record);
  expect(askedBy(record, by('r1'))?.startType).toBe('start-replication');
  expect(overtaken(record, by('r1'))).toBe(true);
  expect(overtaken(record, by('r2'))).toBe(false);
});

test('the record stays small: only the last asks are kept, under SSM Standard\'s 4 KB', async () => {
  const arn = newArn();
  for (let i = 0; i < 12; i++) await recordAsk(arn, { action: 'resume', by: by(`request-${i}-${'x'.repeat(200)}`), at: i });
  const record = (await readIntent(arn))!;
  expect(record.asks.length).toBeLessThanOrEqual(6);
  expect(latestAsk(record)?.at).toBe(11);
  expect(Buffer.byteLength(dms().parameters.value(intentParameterName(arn))!)).toBeLessThanOrEqual(4096);
});

test('markRan sets ran once and keeps the asks; without a record it writes nothing', async () => {
  const arn = newArn();
  await markRan(arn);
  expect(await readIntent(arn)).toBeUndefined();
  await recordAsk(arn, { action: 'start', by: by('r1') });
  await markRan(arn);
  const record = (await readIntent(arn))!;
  expect(record.ran).toBe(true);
  expect(record.asks).toHaveLength(1);
  // A later ask keeps `ran`.
  expect((await recordAsk(arn, { action: 'stop', by: by('r2') })).ran).toBe(true);
});

test('forget deletes the record; forgetting twice is fine', async () => {
  const arn = newArn();
  await recordAsk(arn, { action: 'start', by: by('r1') });
  await forget(arn);
  await forget(arn);
  expect(await readIntent(arn)).toBeUndefined();
});

test('throttled SSM calls are tried again', async () => {
  const arn = newArn();
  dms().throttle('PutParameter', 2);
  dms().throttle('GetParameter', 1);
  await recordAsk(arn, { action: 'start', by: by('r1') });
  expect((await readIntent(arn))?.asks).toHaveLength(1);
});

test('a record SSM refuses to give (no permission) fails saying what and that nothing was asked of DMS', async () => {
  const arn = newArn();
  dms().failNext('GetParameter', 'AccessDeniedException', 'User is not authorized to perform: ssm:GetParameter');
  await expect(recordAsk(arn, { action: 'start', by: by('r1') })).rejects.toThrow(IntentRecordUnavailable);
  dms().failNext('GetParameter', 'AccessDeniedException', 'User is not authorized to perform: ssm:GetParameter');
  await expect(readIntent(arn)).rejects.toThrow(/Could not read the record of intent of .*ssm:GetParameter.*nothing was asked of DMS/);
});

test('a concurrent writer does not lose our ask: it is merged in again', async () => {
  const arn = newArn();
  const name = intentParameterName(arn);
  await recordAsk(arn, { action: 'start', by: by('r1'), at: 1 });
  // Someone else writes between our write and our read-back, from a read taken before our write.
  const before = dms().parameters.value(name)!;
  dms().delayNext('PutParameter', 50);
  const ours = recordAsk(arn, { action: 'stop', by: by('r2'), at: 3 });
  await new Promise((r) => setTimeout(r, 20));
  const theirs = JSON.parse(before);
  theirs.asks.push({ action: 'resume', by: by('r3'), at: 2 });
  dms().parameters.set(name, JSON.stringify(theirs));
  await ours;
  const record = (await readIntent(arn))!;
  expect(record.asks.map((a) => a.by)).toEqual(expect.arrayContaining([by('r2')]));
});

test('a record whose asks are another stack\'s is someone else\'s: it reads as no record for this stack', async () => {
  const arn = newArn();
  await recordAsk(arn, { action: 'start', by: by('r1', OTHER_STACK) });
  const record = await readIntent(arn);
  expect(recordOfStack(record, STACK)).toBeUndefined();
  expect(recordOfStack(record, OTHER_STACK)?.asks).toHaveLength(1);
  // The CLI's asks count for every stack's record once that stack asked too.
  await recordAsk(arn, { action: 'cutover-stop', by: { cli: 'cli-1' } });
  await recordAsk(arn, { action: 'resume', by: by('r2') });
  expect(recordOfStack(await readIntent(arn), STACK)?.asks.map((a) => a.action)).toEqual(['cutover-stop', 'resume']);
});

test('a value that is not a record (corrupt, or not ours) reads as no record', async () => {
  const arn = newArn();
  dms().parameters.set(intentParameterName(arn), 'not json');
  await expect(readIntent(arn)).resolves.toBeUndefined();
});

test('a record of the CLI\'s asks alone is anyone\'s: every stack\'s decisions read it', async () => {
  const arn = newArn();
  await recordAsk(arn, { action: 'start', startType: 'start-replication', by: { cli: 'cli-1' } });
  expect(recordOfStack(await readIntent(arn), STACK)).toMatchObject({ ran: false, asks: [{ action: 'start', by: { cli: 'cli-1' } }] });
  // Once another stack asked (a retained resource reused), it is that stack's, not this one's.
  await recordAsk(arn, { action: 'stop', by: by('r1', OTHER_STACK) });
  expect(recordOfStack(await readIntent(arn), STACK)).toBeUndefined();
});

test('a CLI stop is not ours to undo: a failed resume after it is not the stack\'s to restore', () => {
  const failed = { status: 'failed', migrationType: 'cdc', fullLoadFinished: false, deprovisioning: false };
  const record = (stopBy: AskedBy) => ({
    v: 1 as const,
    ran: true,
    asks: [{ action: 'stop' as const, from: 'running', by: stopBy, at: 1 }, { action: 'resume' as const, startType: 'resume-processing', from: 'stopped', by: by('r2'), at: 2 }],
  });
  expect(runHistory(record(by('r1')), failed).failedByOurResume).toBe(true);
  expect(runHistory(record({ cli: 'cli-1' }), failed).failedByOurResume).toBe(false);
  expect(nextRunStep(failed, 'restore', runHistory(record({ cli: 'cli-1' }), failed))).toMatchObject({ action: 'none' });
});

test('the latest cut-over stop is kept however many asks come after it: a rerun and every later deploy read its positions', async () => {
  const arn = newArn();
  await recordAsk(arn, { action: 'cutover-stop', from: 'running', positions: ['commit_time:2026-11-01T22:00:01'], by: { cli: 'cutover-1' }, at: 1 });
  for (let i = 0; i < 10; i++) await recordAsk(arn, { action: 'resume', by: by(`r${i}`), at: 2 + i });
  const record = (await readIntent(arn))!;
  expect(record.asks).toHaveLength(6);
  expect(latestAsk(record, ['cutover-stop'])?.positions).toEqual(['commit_time:2026-11-01T22:00:01']);
  expect(latestAsk(record)?.at).toBe(11);
});

describe('a cut-over on record', () => {
  const stopped = { status: 'stopped', migrationType: 'cdc', fullLoadFinished: false, deprovisioning: false, stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME' };
  const cutOver = { v: 1 as const, ran: true, asks: [{ action: 'cutover-stop' as const, from: 'running', positions: ['commit_time:2026-11-01T22:00:01'], by: { cli: 'c' }, at: 1 }] };

  test('a deploy does not start or resume it: a forward start fails saying why, a rollback leaves it; a reload is asked for and goes ahead', () => {
    const history = runHistory(recordOfStack(cutOver, STACK), stopped);
    expect(nextRunStep(stopped, 'start', history)).toEqual({ action: 'refuse', reason: expect.stringMatching(/was cut over .*desiredState to STOPPED/) });
    expect(nextRunStep(stopped, 'restore', history)).toMatchObject({ action: 'none' });
    expect(nextRunStep(stopped, 'reload', history)).toEqual({ action: 'start', startType: 'reload-target' });
  });

  test('a config or task DMS shows never run was never cut over: the ask is of an earlier resource of the same ARN (ResourceIdentifier), and the first start goes ahead', () => {
    for (const status of ['created', 'ready']) {
      const recreated = { ...stopped, status, stopReason: undefined };
      expect(nextRunStep(recreated, 'start', runHistory(recordOfStack(cutOver, STACK), recreated))).toEqual({ action: 'start', startType: 'start-replication' });
    }
  });

  test('once someone started it again since (the CLI\'s start-replication), deploys resume it as usual', () => {
    const started = { ...cutOver, asks: [...cutOver.asks, { action: 'resume' as const, startType: 'resume-processing', from: 'stopped', by: { cli: 'd' }, at: 2 }] };
    expect(nextRunStep(stopped, 'start', runHistory(recordOfStack(started, STACK), stopped))).toEqual({ action: 'start', startType: 'resume-processing' });
  });
});
