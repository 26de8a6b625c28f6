/** `cutover`: the CLI process against the emulator, from readiness to DMS's stop at the position. */
import { AddTagsToResourceCommand, DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import { runCliInProcess } from './support/cli-in-process';
import { assertCliBundleFresh, runCli, spawnCli } from './support/cli-process';
import { cutoverReplication, CutoverScenario, SCENARIOS } from './support/cutover-scenarios';
import { useEmulatedDms } from './support/emulated-dms';
import { useSimulatedTime } from './support/simulated-time';
import { CUTOVER_TAG_KEY, intentParameterName } from '../lambda/dms';
import { frozenSource, TableScenario } from '../tools/dms-emulator';

useSimulatedTime();
const dms = useEmulatedDms();
beforeAll(assertCliBundleFresh);

/** main() in-process on simulated time; the kill test and the smoke case run the bundle in a child process. */
const cli = (...args: string[]) => runCliInProcess(args, dms().env());
const flag = (arn: string) => (arn.includes(':task:') ? '--replication-task-arn' : '--replication-config-arn');
const MINUTE = 60_000;
const counted = (table: string, inserts: number): TableScenario => ({
  schema: 'sales',
  table,
  phases: [{ tableState: 'Table completed', validationState: 'Validated', fullLoadRows: 5000, inserts, updates: 7, deletes: 2 }],
});
const READY: CutoverScenario = { tables: [counted('orders', 120), counted('items', 45)], latency: SCENARIOS.ready.latency };
/** Writes stopped 20 s ago: with a 1 s margin, the commit_time position is already behind DMS's reading. */
const freezeAgo = (ms = 20_000) => new Date(Math.floor((Date.now() - ms) / 1000) * 1000);
const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const position = (kind: string, d: Date, marginS = 1) => `${kind}:${new Date(d.getTime() + marginS * 1000).toISOString().slice(0, 19)}`;
const calls = (arn: string, operation: string) => dms().callsTo(operation).filter((c) => JSON.stringify(c.input).includes(arn));

function replication(kind: 'replication-config' | 'replication-task' = 'replication-config', behavior: Record<string, unknown> = {}, scenario = READY): string {
  const arn = cutoverReplication(dms(), scenario, kind);
  dms().setRunBehavior(arn, { startDurationMs: 500, stopDurationMs: 1_000, stopAtPositionMs: 300, ...behavior });
  return arn;
}
const cutover = (arn: string, freeze: Date, ...extra: string[]) =>
  cli('cutover', flag(arn), arn, '--freeze-time', iso(freeze), '--skew-margin', '1s', '--poll-interval', '1s', ...(extra.includes('--timeout') ? [] : ['--timeout', '40s']), ...extra);

describe('the bundled CLI in a child process', () => {
  test('cutover: stops at the position and resumes, exit 0; not ready, exit 3', async () => {
    const arn = replication();
    const freeze = freezeAgo();
    const args = (a: string, timeout: string) => ['cutover', flag(a), a, '--freeze-time', iso(freeze), '--skew-margin', '1s', '--poll-interval', '1s', '--timeout', timeout];
    const done = await runCli(args(arn, '40s'), dms().env());
    expect(done.code).toBe(0);
    expect(done.json).toMatchObject({ command: 'cutover', done: true, stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', stopPosition: position('commit_time', freeze) });
    const notReady = replication('replication-config', {}, { tables: READY.tables, latency: SCENARIOS.latencyOver.latency });
    expect((await runCli(args(notReady, '3s'), dms().env())).code).toBe(3);
  }, 60_000);
});

describe('cutover', () => {
  test('waits for readiness, records the position, stops, resumes with CdcStopPosition, and prints the final statistics', async () => {
    const arn = replication();
    const freeze = freezeAgo();
    const run = await cutover(arn, freeze);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      command: 'cutover',
      done: true,
      status: 'stopped',
      stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME',
      stopPosition: position('commit_time', freeze),
      freezeTime: freeze.toISOString(),
      skewMarginSeconds: 1,
      alreadyDone: false,
      tables: [
        { schema: 'sales', table: 'orders', tableState: 'Table completed', fullLoadRows: 5000, inserts: 120, updates: 7, deletes: 2, validationState: 'Validated' },
        { table: 'items', inserts: 45 },
      ],
    });
    expect(run.stderr).toMatch(/SCHEMA +TABLE +LOAD STATE +ROWS LOADED +INSERTS +UPDATES +DELETES +VALIDATION\nsales +orders +Table completed +5000 +120 +7 +2 +Validated/);
    // The record before the stop, the stop before the resume, the resume with the position.
    const mine = (c: { input?: any }) => c.input?.Name === intentParameterName(arn) || JSON.stringify(c.input ?? {}).includes(arn);
    const order = dms().calls.filter((c) => mine(c) && /^(PutParameter|AddTagsToResource|StopReplication|StartReplication)$/.test(c.operation));
    expect(order.map((c) => c.operation)).toEqual(['PutParameter', 'StopReplication', 'StartReplication']);
    expect(order[2].input).toMatchObject({ StartReplicationType: 'resume-processing', CdcStopPosition: position('commit_time', freeze) });
    // The record of intent holds the cut-over's stop, for a rerun and for every later deploy.
    expect(JSON.parse(dms().parameters.value(intentParameterName(arn))!)).toMatchObject({
      ran: true,
      asks: [{ action: 'cutover-stop', from: 'running', positions: [position('commit_time', freeze)], by: { cli: expect.stringMatching(/^cdk-dms-lifecycle cutover /) } }],
    });
  }, 60_000);

  test('a rerun that finds it stopped at the position exits 0 with the statistics and touches nothing', async () => {
    const arn = replication('replication-task');
    const freeze = freezeAgo();
    expect((await cutover(arn, freeze)).code).toBe(0);
    const stops = calls(arn, 'StopReplicationTask').length;
    const rerun = await cutover(arn, freeze);
    expect(rerun.code).toBe(0);
    expect(rerun.json).toMatchObject({ status: 'stopped', alreadyDone: true, stopPosition: position('commit_time', freeze), tables: [{ inserts: 120 }, { inserts: 45 }] });
    expect(calls(arn, 'StopReplicationTask')).toHaveLength(stops);
    expect(calls(arn, 'StartReplicationTask')).toHaveLength(1);
  }, 60_000);

  test('where DMS shows no position once stopped there, the record tells it was this cut-over', async () => {
    const arn = replication('replication-task', { stopPositionAfterStop: 'cleared' });
    const freeze = freezeAgo();
    expect((await cutover(arn, freeze)).code).toBe(0);
    expect(dms().replicationRun(arn)?.CdcStopPosition).toBeUndefined();
    const rerun = await cutover(arn, freeze);
    expect(rerun.code).toBe(0);
    expect(rerun.json).toMatchObject({ alreadyDone: true, stopPosition: position('commit_time', freeze) });
    // Another freeze time is another cut-over: DMS stopped at a position, but not at its own.
    const other = await cutover(arn, freezeAgo(60_000));
    expect(other.code).toBe(1);
    expect(other.json.message).toMatch(/stopped at a stop position .*not at commit_time:.*another cut-over/);
  }, 60_000);

  test('killed between the stop and the resume, a rerun finishes the job', async () => {
    const arn = replication('replication-config', { stopDurationMs: 3_000 });
    const freeze = freezeAgo();
    const args = ['cutover', flag(arn), arn, '--freeze-time', iso(freeze), '--skew-margin', '1s', '--poll-interval', '1s', '--timeout', '40s'];
    const first = spawnCli(args, dms().env());
    await first.stderrMatches(/recorded the stop position/);
    // Once DMS took the stop, before the resume (the stop takes 3 s). The child runs in real time and this file on
    // simulated time, where a timer would not wait for it: poll on setImmediate, bounded by the real clock.
    const since = performance.now();
    while (calls(arn, 'StopReplication').length === 0 && performance.now() - since < 2_500) await new Promise((r) => setImmediate(r));
    first.kill();
    expect((await first.ended).code).toBeNull();
    expect(calls(arn, 'StopReplication')).toHaveLength(1);
    expect(calls(arn, 'StartReplication')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 3_200));
    expect(dms().replicationRun(arn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' });

    const rerun = await cutover(arn, freeze);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/resuming it with CdcStopPosition commit_time:/);
    expect(rerun.json).toMatchObject({ stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', alreadyDone: false });
    expect(calls(arn, 'StopReplication')).toHaveLength(1);
    expect(calls(arn, 'StartReplication').map((c) => c.input.CdcStopPosition)).toEqual([position('commit_time', freeze)]);
  }, 60_000);

  test('a cut-over begun by an earlier version (its record in a tag, stopped, resume pending): a rerun reads the tag and finishes it', async () => {
    const arn = replication();
    const freeze = freezeAgo();
    const api = new DatabaseMigrationServiceClient({});
    await api.send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: CUTOVER_TAG_KEY, Value: position('commit_time', freeze) }] }));
    await api.send(new StopReplicationCommand({ ReplicationConfigArn: arn }));
    for (let i = 0; i < 60 && dms().replicationRun(arn)?.Status !== 'stopped'; i++) await new Promise((r) => setTimeout(r, 100));
    const rerun = await cutover(arn, freeze);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toMatch(/resuming it with CdcStopPosition commit_time:/);
    expect(calls(arn, 'StartReplication').map((c) => c.input.CdcStopPosition)).toEqual([position('commit_time', freeze)]);
  }, 60_000);

  test('throttled and failing calls of its own are tried again', async () => {
    const arn = replication();
    dms().throttle('GetParameter', 1);
    dms().failNext('PutParameter', 'InternalServerError', 'We encountered an internal error. Please try again.');
    dms().throttle('DescribeReplications', 1);
    const run = await cutover(arn, freezeAgo());
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/DescribeReplication failed \(ThrottlingException\); trying again/);
    expect(dms().callsTo('PutParameter').filter((c) => c.input.Name === intentParameterName(arn)).map((c) => c.errorCode)).toEqual(['InternalServerError', undefined]);
  }, 60_000);

  test('a replication stopped by someone else is left alone: exit 1, DMS\'s stop reason quoted', async () => {
    const arn = cutoverReplication(dms(), READY, 'replication-config', { status: 'stopped' });
    const run = await cutover(arn, freezeAgo());
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: expect.stringMatching(/is stopped, and not by a cut-over at commit_time:.*cutover only stops a running replication/) });
    expect(calls(arn, 'StartReplication')).toHaveLength(0);
  }, 30_000);

  test('a replication that stops for good while cutover waits for readiness: exit 1 at once, DMS\'s reason quoted, nothing recorded', async () => {
    const arn = replication('replication-config', {}, { tables: READY.tables, latency: SCENARIOS.latencyOver.latency });
    dms().interruptReplication(arn, { afterMs: 1_000, stopReason: 'Stop Reason FATAL_ERROR', failureMessages: ['Last Error Disk full'] });
    const began = Date.now();
    const run = await cutover(arn, freezeAgo(), '--timeout', '30s');
    expect(run.code).toBe(1);
    expect(run.json.message).toMatch(/stopped and DMS does not restart it by itself: .*Stop Reason FATAL_ERROR.*Disk full/);
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(dms().parameters.value(intentParameterName(arn))).toBeUndefined();
  }, 30_000);

  test('--criterion drained: ready once the backlog drained while writes are frozen (no latency data points)', async () => {
    const arn = replication('replication-config', {}, { tables: READY.tables });
    const idle = frozenSource('no-points', 10 * MINUTE);
    dms().setCdcLatency(arn, idle.latency);
    dms().setCdcBacklog(arn, idle.backlog);
    const freeze = freezeAgo(10 * MINUTE);
    const latencyOnly = await cutover(arn, freeze, '--timeout', '4s');
    expect(latencyOnly.code).toBe(3);
    expect(latencyOnly.json.message).toMatch(/latency unknown/);
    const run = await cutover(arn, freeze, '--criterion', 'drained', '--drained-window', '3m');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ stopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', stopPosition: position('commit_time', freeze), tablesReady: true, notReady: [] });
  }, 60_000);

  test('not ready: exit 3 with what held readiness back, and nothing stopped', async () => {
    const arn = replication('replication-config', {}, { tables: READY.tables, latency: SCENARIOS.latencyOver.latency });
    const run = await cutover(arn, freezeAgo(), '--timeout', '4s');
    expect(run.code).toBe(3);
    expect(run.json.message).toMatch(/CDCLatencyTarget reached 42s/);
    expect(calls(arn, 'StopReplication')).toHaveLength(0);
    expect(dms().parameters.value(intentParameterName(arn))).toBeUndefined();
  }, 30_000);

  test('--stop-at server-time stops at the server time', async () => {
    const arn = replication();
    const freeze = freezeAgo();
    const run = await cutover(arn, freeze, '--stop-at', 'server-time');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ stopReason: 'Stop Reason STOPPED_AT_SERVER_TIME', stopPosition: position('server_time', freeze) });
  }, 60_000);

  describe('an idle source never reaches a commit time', () => {
    test('after --fallback-after it stops and resumes with a server_time position instead', async () => {
      const freeze = freezeAgo();
      const arn = replication('replication-config', { sourceWritesStopAt: freeze.getTime() });
      const run = await cutover(arn, freeze, '--fallback-after', '2s');
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/no commit reached commit_time:\S+ within 2s \(the source is idle\): falling back to server_time:/);
      expect(run.json).toMatchObject({ stopReason: 'Stop Reason STOPPED_AT_SERVER_TIME', stopPosition: expect.stringMatching(/^server_time:/) });
      const starts = calls(arn, 'StartReplication').map((c) => c.input.CdcStopPosition);
      expect(starts).toEqual([position('commit_time', freeze), run.json.stopPosition]);
      // At least the margin after the freeze (here it is later: the margin from the fallback on).
      expect(run.json.stopPosition > position('server_time', freeze)).toBe(true);
      // A rerun finds it done.
      const rerun = await cutover(arn, freeze, '--fallback-after', '2s');
      expect(rerun.json).toMatchObject({ alreadyDone: true, stopPosition: run.json.stopPosition });
    }, 60_000);

    test('the fallback counts from the cut-over\'s own resume, not from DMS\'s StartDate (which a resume may not restamp)', async () => {
      const freeze = freezeAgo();
      const arn = replication('replication-config', { sourceWritesStopAt: freeze.getTime(), startDateStamp: 'fresh-only' });
      const run = await cutover(arn, freeze, '--fallback-after', '5m', '--timeout', '20m');
      expect(run.code).toBe(0);
      const [resume, fallback] = calls(arn, 'StartReplication');
      expect(fallback.input.CdcStopPosition).toMatch(/^server_time:/);
      // The fallback's stop came at least 5 min after the resume (its StartDate stayed a minute before the cut-over began).
      const stops = calls(arn, 'StopReplication').map((c) => c.at);
      expect(stops[stops.length - 1] - resume.at).toBeGreaterThanOrEqual(5 * MINUTE);
    }, 60_000);

    test('with --fallback-after never it waits until --timeout: exit 3, and the advice', async () => {
      const freeze = freezeAgo();
      const arn = replication('replication-config', { sourceWritesStopAt: freeze.getTime() });
      const run = await cutover(arn, freeze, '--fallback-after', 'never', '--timeout', '8s');
      expect(run.code).toBe(3);
      expect(run.json.message).toMatch(/waiting for the replication config \S+ to stop at commit_time:\S+; last status: running, stops at commit_time:\S+\. DMS stops at a commit time only once it reads a commit at or after it, which an idle source never writes: use --fallback-after.*Raise --timeout and run cutover again/);
    }, 30_000);
  });

  test.each([
    [['--freeze-time', '2026-11-01T22:00:00'], /--freeze-time must be a UTC time such as 2026-11-01T22:00:00Z/],
    [['--freeze-time', '2026-11-01T22:00:00+01:00'], /--freeze-time must be a UTC time/],
    [['--freeze-time', new Date(Date.now() + 10 * MINUTE).toISOString()], /is in the future: stop the writes first/],
    [['--freeze-time', '2026-11-01T22:00:00Z', '--stop-at', 'server-time', '--fallback-after', '5m'], /--fallback-after is for --stop-at commit-time/],
    [['--freeze-time', '2026-11-01T22:00:00Z', '--stop-at', 'soon'], /--stop-at must be one of commit-time, server-time/],
    [[], /--freeze-time is required/],
  ])('bad usage exits 2: %j', async (args, message) => {
    const run = await cli('cutover', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:X', ...args);
    expect(run.code).toBe(2);
    expect(run.json.message).toMatch(message);
  });
});
