import { assertCliBundleFresh, runCli } from './support/cli-process';
import { cutoverReplication, CutoverScenario, SCENARIOS } from './support/cutover-scenarios';
import { useEmulatedDms } from './support/emulated-dms';

const dms = useEmulatedDms();
beforeAll(assertCliBundleFresh);

const cli = (...args: string[]) => runCli(args, dms().env());
const flag = (arn: string) => (arn.includes(':task:') ? '--replication-task-arn' : '--replication-config-arn');
const wait = (scenario: CutoverScenario, ...extra: string[]) => {
  const arn = cutoverReplication(dms(), scenario);
  const timeout = extra.includes('--timeout') ? [] : ['--timeout', '3s'];
  return cli('wait-replication', flag(arn), arn, '--until', 'cutover-ready', '--poll-interval', '1s', ...timeout, ...extra);
};

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
    [['--until', 'cutover-ready', '--latency-window', '30s'], /--latency-window must be at least 60s/],
    [['--until', 'cutover-ready', '--max-source-latency', 'ten'], /--max-source-latency must be a positive whole number/],
  ])('bad usage exits 2: %j', async (args, message) => {
    const run = await cli('wait-replication', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:X', ...args);
    expect(run.code).toBe(2);
    expect(run.json.message).toMatch(message);
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
