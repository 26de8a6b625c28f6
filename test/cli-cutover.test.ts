import { Duration, Stack } from 'aws-cdk-lib';
import { CutoverCriterion, DmsCutoverReadiness } from '../src';
import { MAX_WINDOW_SECONDS } from '../src/private/readiness-bounds';
import { BACKLOG_METRIC_NAMES, frozenSource, IdleLatencyReading, Interruption } from '../tools/dms-emulator';
import { runCliInProcess } from './support/cli-in-process';
import { assertCliBundleFresh, runCli } from './support/cli-process';
import { cutoverReplication, CutoverScenario, SCENARIOS } from './support/cutover-scenarios';
import { useEmulatedDms } from './support/emulated-dms';
import { useSimulatedTime } from './support/simulated-time';

useSimulatedTime();
const dms = useEmulatedDms();
beforeAll(assertCliBundleFresh);

/** main() in-process on simulated time; the smoke case below runs the bundle in a child process. */
const cli = (...args: string[]) => runCliInProcess(args, dms().env());
const flag = (arn: string) => (arn.includes(':task:') ? '--replication-task-arn' : '--replication-config-arn');
const wait = (scenario: CutoverScenario, ...extra: string[]) => {
  const arn = cutoverReplication(dms(), scenario);
  const timeout = extra.includes('--timeout') ? [] : ['--timeout', '3s'];
  return cli('wait-replication', flag(arn), arn, '--until', 'cutover-ready', '--poll-interval', '1s', ...timeout, ...extra);
};

describe('the bundled CLI in a child process', () => {
  test('wait-replication: ready exits 0, a replication DMS does not know exits 1', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.ready);
    const ready = await runCli(['wait-replication', flag(arn), arn, '--until', 'cutover-ready', '--poll-interval', '1s', '--timeout', '3s'], dms().env());
    expect(ready.code).toBe(0);
    expect(ready.json).toMatchObject({ command: 'wait-replication', done: true, status: 'ready' });
    const missing = await runCli(['status', '--replication-config-arn', dms().replicationConfigArn('MISSING')], dms().env());
    expect(missing.code).toBe(1);
  });
});

describe('wait-replication --until cutover-ready', () => {
  test('ready: exit 0 with the counts', async () => {
    const run = await wait(SCENARIOS.ready);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'wait-replication', done: true, status: 'ready', attributes: { Status: 'ready', TablesReady: '3', MaxCdcLatencyTargetSeconds: '3' } });
  });

  test('waits for a table that is still loading', async () => {
    const run = await wait(SCENARIOS.loadsThenReady, '--timeout', '20s');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/not-ready \(loading\) \(1 of 2 table\(s\) not ready; sales\.items: not loaded yet/);
    expect(run.stderr).toMatch(/not-ready \(validation-pending\) \(1 of 2 table\(s\) not ready; sales\.items: validation Pending records, 40 pending/);
    expect(run.stderr).toMatch(/\] ready \(all 2 table\(s\) ready/);
  });

  test.each([
    ['a loading table', SCENARIOS.loading, [], /sales\.items: not loaded yet \(table state Full load\)/],
    ['mismatched records', SCENARIOS.mismatched, [], /sales\.items: validation Mismatched records, 3 failed record/],
    ['pending validation', SCENARIOS.pendingValidation, [], /sales\.items: validation Pending records, 12 pending record/],
    ['latency over the threshold', SCENARIOS.latencyOver, [], /CDCLatencyTarget reached 42s in the last 5m 0s \(at most 10s allowed\)/],
    ['latency over a raised threshold', SCENARIOS.latencyOver, ['--max-target-latency', '30s'], /CDCLatencyTarget reached 42s in the last 5m 0s \(at most 30s allowed\)/],
    ['metric gaps', SCENARIOS.latencyGap, [], /CDCLatencySource has gaps in its data points/],
    ['no data points while idle', SCENARIOS.latencyIdle, [], /no data points in the last 5m 0s .*latency unknown/],
  ])('not ready because of %s: exit 3 with the reason', async (_, scenario, extra, reason) => {
    const run = await wait(scenario, ...(extra as string[]));
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ error: 'WaitTimedOut', message: expect.stringMatching(reason) });
  });

  test('a shorter window leaves an older gap out', async () => {
    const run = await wait(SCENARIOS.latencyGap, '--latency-window', '90s');
    expect(run.code).toBe(0);
  });

  test('an errored table: exit 1 at once', async () => {
    const run = await wait(SCENARIOS.errored, '--timeout', '60s');
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: expect.stringMatching(/sales\.items: table state Table error/) });
  });

  test('--waive-validation accepts mismatched, suspended and no-primary-key tables', async () => {
    expect((await wait(SCENARIOS.validationIssues)).code).toBe(3);
    const run = await wait(SCENARIOS.validationIssues, '--waive-validation');
    expect(run.code).toBe(0);
    expect(run.json.attributes).toMatchObject({ Status: 'ready', TablesReady: '3' });
  });

  test.each([
    [['--until', 'running', '--waive-validation'], /--waive-validation needs --until cutover-ready/],
    [['--until', 'cutover-ready', '--latency-window', '30s'], /^--latency-window must be at least 1m: DMS publishes its metrics once a minute; got 30s$/],
    [['--until', 'cutover-ready', '--drained-window', '5m'], /^--drained-window needs --criterion drained or both$/],
    [['--until', 'cutover-ready', '--criterion', 'drained', '--max-target-latency', '5s'], /^--max-target-latency needs --criterion latency-window or both$/],
    [['--until', 'cutover-ready', '--criterion', 'idle'], /^--criterion must be one of latency-window, drained, both; got "idle"$/],
    [['--until', 'cutover-ready', '--accept-conditional-check-failures', 'orders=3'], /^--accept-conditional-check-failures takes schema\.table \(or \* for all other tables\) as keys/],
    [['--until', 'cutover-ready', '--max-source-latency', 'ten'], /--max-source-latency must be a positive whole number/],
  ])('bad usage exits 2: %j', async (args, message) => {
    const run = await cli('wait-replication', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:X', ...args);
    expect(run.code).toBe(2);
    expect(run.json.message).toMatch(message);
  });
});

describe('fail fast: a replication that stopped for good exits 1, not 3', () => {
  test.each<[string, 'replication-config' | 'replication-task', Interruption, RegExp]>([
    ['a task stopped by a FATAL_ERROR', 'replication-task', { stopReason: 'Stop Reason FATAL_ERROR', failureMessages: ['Last Error Stream Component Fatal error'] },
      /^Not ready for cut-over: the replication task arn:\S+ stopped and DMS does not restart it by itself: stop reason: Stop Reason FATAL_ERROR; failure messages: Last Error Stream Component Fatal error$/],
    ['a serverless replication that failed', 'replication-config', { stopReason: 'Stop Reason FATAL_ERROR', status: 'failed', failureMessages: ['Target endpoint unreachable'] },
      /^Not ready for cut-over: the replication config arn:\S+ failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Target endpoint unreachable$/],
    ['a serverless replication stopped by a user', 'replication-config', { stopReason: 'Stop Reason NORMAL' },
      /^Not ready for cut-over: the replication config arn:\S+ was stopped \(by a user or a tool\): stop reason: Stop Reason NORMAL$/],
  ])('%s', async (_, kind, stop, message) => {
    const arn = cutoverReplication(dms(), SCENARIOS.loading, kind);
    dms().interruptReplication(arn, { ...stop, afterMs: 1_500 });
    const began = Date.now();
    const run = await cli('wait-replication', flag(arn), arn, '--until', 'cutover-ready', '--poll-interval', '1s', '--timeout', '30s');
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: expect.stringMatching(message) });
    expect(Date.now() - began).toBeLessThan(6_000);
  });

  test('RECOVERABLE_ERROR: waits with the reason shown until DMS restarts the replication', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.ready, 'replication-task');
    dms().interruptReplication(arn, { stopReason: 'Stop Reason RECOVERABLE_ERROR', failureMessages: ['Network error'], recoversAfterMs: 3_000 });
    const run = await cli('wait-replication', flag(arn), arn, '--until', 'cutover-ready', '--poll-interval', '1s', '--timeout', '20s');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/not-ready \(replication-recovering\) \(0 of 3 table\(s\) not ready; the replication stopped with stop reason: Stop Reason RECOVERABLE_ERROR; failure messages: Network error; DMS restarts it by itself: waiting\)/);
    expect(run.json).toMatchObject({ status: 'ready' });
  });
});

describe('while writes are frozen: each idle reading of CDC latency against each criterion', () => {
  // What DMS publishes for CDCLatencySource/Target while the source is idle is not documented:
  // the emulator models the three readings; the backlog drained to 0 a minute after the freeze.
  test.each<[IdleLatencyReading, string, boolean, string[]]>([
    ['no-points', 'latency-window', false, ['latency-unknown', 'latency-unknown']],
    ['no-points', 'drained', true, []],
    ['no-points', 'both', false, ['latency-unknown', 'latency-unknown']],
    ['growing', 'latency-window', false, ['latency-over-threshold', 'latency-over-threshold']],
    ['growing', 'drained', true, []],
    ['growing', 'both', false, ['latency-over-threshold', 'latency-over-threshold']],
    ['heartbeat', 'latency-window', true, []],
    ['heartbeat', 'drained', true, []],
    ['heartbeat', 'both', true, []],
  ])('idle reading %s, --criterion %s: ready %s', async (reading, criterion, ready, reasons) => {
    const arn = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables });
    const idle = frozenSource(reading, 10 * 60_000);
    dms().setCdcLatency(arn, idle.latency);
    dms().setCdcBacklog(arn, idle.backlog);
    const run = await cli('status', '--replication-config-arn', arn, '--json', '--criterion', criterion);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ ready });
    expect(run.json.notReady.map((f: { code: string }) => f.code)).toEqual(reasons);
  });

  test('drained while writes still flow is not ready; a backlog without data points is unknown', async () => {
    const flowing = cutoverReplication(dms(), SCENARIOS.ready);
    dms().setCdcBacklog(flowing, { all: [{ fromMs: -20 * 60_000, changes: 12 }] });
    const busy = await cli('status', '--replication-config-arn', flowing, '--json', '--criterion', 'drained');
    expect(busy.json.notReady.map((f: { code: string }) => f.code)).toEqual(BACKLOG_METRIC_NAMES.map(() => 'backlog-not-drained'));
    const silent = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables });
    dms().setCdcBacklog(silent, frozenSource('heartbeat', 10 * 60_000, { backlog: 'no-points' }).backlog);
    const unknown = await cli('status', '--replication-config-arn', silent, '--criterion', 'drained');
    expect(unknown.stdout).toMatch(/CDC backlog over the last 5m 0s \(drained: 0 everywhere\):\n {2}CDCIncomingChanges {6}no data points: backlog-unknown/);
  });

  test('wait-replication --criterion drained: exit 0 once drained', async () => {
    const arn = cutoverReplication(dms(), { tables: SCENARIOS.ready.tables });
    dms().setCdcBacklog(arn, frozenSource('no-points', 10 * 60_000).backlog);
    const run = await cli('wait-replication', '--replication-config-arn', arn, '--until', 'cutover-ready', '--criterion', 'drained', '--drained-window', '3m', '--timeout', '10s');
    expect(run.code).toBe(0);
    expect(run.json.detail).toMatch(/CDC backlog at 0 for the whole window \(drained; this does not prove the source's log was read to the end\)/);
  });
});

describe('bad criteria refused up front, with the construct\'s bound and reason', () => {
  test.each(['--latency-window', '--drained-window'])('%s: the longest window the construct takes, and a minute more', async (name) => {
    const criterion = name === '--drained-window' ? ['--criterion', 'drained'] : [];
    const arn = cutoverReplication(dms(), SCENARIOS.ready);
    const longest = `${MAX_WINDOW_SECONDS / 60}m`;
    const tooLong = `${MAX_WINDOW_SECONDS / 60 + 1}m`;
    const refused = await cli('status', '--replication-config-arn', arn, ...criterion, name, tooLong);
    expect(refused.code).toBe(2);
    const make = (seconds: number) => (name === '--drained-window'
      ? () => CutoverCriterion.drained({ window: Duration.seconds(seconds) })
      : () => new DmsCutoverReadiness(new Stack(), 'R', { replicationConfigArn: arn, latencyWindow: Duration.seconds(seconds) }));
    expect(make(MAX_WINDOW_SECONDS + 60)).toThrow(refused.json.message.replace(name, name === '--drained-window' ? 'drained window' : 'latencyWindow'));
    expect(refused.json.message).toMatch(/must be at most 14d 23h 54m: CloudWatch keeps one-minute data points for 15 days \(a query that starts earlier needs 5-minute periods\) and the query starts 6m before the window; got 14d 23h 55m$/);
    expect((await cli('status', '--replication-config-arn', arn, ...criterion, name, longest)).code).toBe(0);
    expect(make(MAX_WINDOW_SECONDS)).not.toThrow();
  });

  test('--schemas that match no table of the running replication: exit 1 naming the schemas DMS reports', async () => {
    const run = await wait(SCENARIOS.ready, '--schemas', 'billing', '--timeout', '30s');
    expect(run.code).toBe(1);
    expect(run.json.message).toMatch(/^schemaNames "billing" match no table of the running replication config arn:\S+; DMS reports tables in schema\(s\) "sales"/);
  });

  test('a table in Table does not exist after its load is named as such', async () => {
    const arn = cutoverReplication(dms(), { tables: [...SCENARIOS.ready.tables, { schema: 'sales', table: 'old_items', phases: [{ tableState: 'Table does not exist', fullLoadRows: 7 }] }], latency: SCENARIOS.ready.latency });
    const run = await cli('status', '--replication-config-arn', arn);
    expect(run.stdout).toMatch(/sales {3}old_items {2}Table does not exist .* no {5}table-does-not-exist/);
    expect(run.stdout).toMatch(/\[table-does-not-exist\] sales\.old_items: table state Table does not exist after its load/);
  });
});

describe('load errors where validation is off', () => {
  const withErrors = {
    tables: [
      { schema: 'sales', table: 'orders', phases: [{ tableState: 'Table completed', fullLoadConditionalCheckFailedRows: 4 }] },
      { schema: 'sales', table: 'items', phases: [{ tableState: 'Table completed', fullLoadConditionalCheckFailedRows: 1 }] },
    ],
    latency: SCENARIOS.ready.latency,
  };

  test('conditional-check failures hold readiness back, naming the tables, unless accepted', async () => {
    const refused = await wait(withErrors);
    expect(refused.code).toBe(3);
    expect(refused.json.message).toMatch(/sales\.orders: 4 conditional-check failure\(s\) in the full load \(FullLoadCondtnlChkFailedRows\); 5 across tables not named, 0 accepted; sales\.items: 1/);
    const perTable = await wait(withErrors, '--accept-conditional-check-failures', 'sales.orders=4');
    expect(perTable.code).toBe(3);
    expect(perTable.json.message).toMatch(/sales\.items: 1 conditional-check failure\(s\)/);
    expect((await wait(withErrors, '--accept-conditional-check-failures', 'sales.orders=4,*=1')).code).toBe(0);
    expect((await wait(withErrors, '--accept-conditional-check-failures', '*=5')).code).toBe(0);
  });
});

describe('status', () => {
  test('prints a readable table: each table, its states and counts, and why it is not ready', async () => {
    const arn = cutoverReplication(dms(), {
      tables: [...SCENARIOS.validationIssues.tables, ...SCENARIOS.loading.tables],
      latency: SCENARIOS.latencyOver.latency,
    }, 'replication-task');
    const run = await cli('status', '--replication-task-arn', arn);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`replication task ${arn} cut-over readiness: NOT READY (1 of 5 table(s) ready; replication running)`);
    expect(lines.slice(2, 8)).toEqual([
      'SCHEMA  TABLE      LOAD STATE       VALIDATION          FAILED  PENDING  SUSPENDED  READY  WHY NOT',
      'sales   orders     Table completed  Mismatched records       2        0          0  no     validation-mismatched',
      'sales   items      Table completed  Suspended records        0        0          7  no     validation-suspended',
      'sales   audit_log  Table completed  No primary key           0        0          0  no     no-primary-key',
      'sales   orders     Table completed  Validated                0        0          0  yes',
      'sales   items      Full load        Pending records          0      500          0  no     loading, validation-pending',
    ]);
    expect(run.stdout).toMatch(/CDCLatencyTarget\s+at most 42s over 5 data point\(s\) \(allowed 10s\): latency-over-threshold/);
    expect(run.stdout).toMatch(/Not ready because:\n {2}- \[validation-mismatched\] sales\.orders: validation Mismatched records, 2 failed record/);
  });

  test('--json: the same facts as one object, ready or not', async () => {
    const arn = cutoverReplication(dms(), SCENARIOS.pendingValidation);
    const run = await cli('status', '--replication-config-arn', arn, '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      command: 'status',
      ready: false,
      replicationStatus: 'running',
      tables: [{ table: 'orders', ready: true, reasons: [] }, { table: 'items', ready: false, validationPendingRecords: 12, reasons: ['validation-pending'] }],
      latency: [{ metric: 'CDCLatencySource', ready: true, maxSeconds: 2 }, { metric: 'CDCLatencyTarget', ready: true, maxSeconds: 3 }],
      notReady: [{ code: 'validation-pending' }],
    });
    const ready = await cli('status', '--replication-config-arn', cutoverReplication(dms(), SCENARIOS.ready), '--json', '--schemas', 'sales');
    expect(ready.json).toMatchObject({ ready: true });
  });

  test('a replication DMS does not know: exit 1', async () => {
    const run = await cli('status', '--replication-config-arn', dms().replicationConfigArn('MISSING'));
    expect(run.code).toBe(1);
    expect(run.json.message).toMatch(/does not exist/);
  });
});
