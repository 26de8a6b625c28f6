import { runCliInProcess } from './support/cli-in-process';
import { assertCliBundleFresh, runCli } from './support/cli-process';
import { intentParameterName, nextRunStep, recordOfStack, runHistory } from '../lambda/dms';
import { useEmulatedDms } from './support/emulated-dms';
import { useSimulatedTime } from './support/simulated-time';

useSimulatedTime();

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 600, fullLoadDurationMs: 800, tables: 5 } });
beforeAll(assertCliBundleFresh);

/** main() in-process on simulated time; the smoke case below runs the bundle in a child process. */
const cli = (...args: string[]) => runCliInProcess(args, dms().env());
const POLL = ['--poll-interval', '1s'];
const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/1111';
let n = 0;
const config = (status: string, extra: Record<string, unknown> = {}) => {
  const arn = dms().replicationConfigArn(`CLI-RUN${++n}`);
  dms().addReplication(arn, { status, stopDurationMs: 600, ...extra });
  return arn;
};
const task = (status: string, extra: Record<string, unknown> = {}) => {
  const arn = dms().taskArn(`CLI-RUNTASK${++n}`);
  dms().addReplicationTask(arn, { status, stopDurationMs: 600, ...extra });
  return arn;
};

describe('start-replication', () => {
  test('--wait: a config that never ran is started with start-replication; exit 0 once running', async () => {
    const arn = config('created');
    const run = await cli('start-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'start-replication', done: true, status: 'running', attributes: { Status: 'running', StartType: 'start-replication' } });
  });

  test('--until full-load-finished on a task: exit 0 with every table loaded', async () => {
    const arn = task('stopped');
    const run = await cli('start-replication', '--replication-task-arn', arn, '--wait', '--until', 'full-load-finished', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json.attributes).toMatchObject({ Status: 'running', StartType: 'resume-processing', FullLoadProgressPercent: '100', TablesLoaded: '5' });
  });

  test('a start that fails: exit 1 with DMS\'s stop reason', async () => {
    const arn = config('created', { behavior: { outcome: 'fails', failureMessage: 'Failed to connect to the source database' } });
    const run = await cli('start-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: expect.stringMatching(/failed: stop reason: Stop Reason FATAL_ERROR; failure messages: Failed to connect/) });
  });

  test('without --wait: exit 0 once DMS took the start', async () => {
    const arn = config('stopped');
    const run = await cli('start-replication', '--replication-config-arn', arn);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ done: false });
    expect(dms().replicationRun(arn)?.StartReplicationType).toBe('resume-processing');
  });
});

describe('wait-replication', () => {
  test('--until stopped waits for a stop someone else asked for', async () => {
    const arn = task('running', { stopDurationMs: 1_500 });
    dms().failNext('DescribeReplicationTasks', 'ThrottlingException', 'Rate exceeded', 1);
    const stop = cli('stop-replication', '--replication-task-arn', arn);
    const run = await cli('wait-replication', '--replication-task-arn', arn, '--until', 'stopped', ...POLL);
    expect((await stop).code).toBe(0);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'wait-replication', done: true, status: 'stopped' });
  });

  test('a timeout exits 3', async () => {
    const arn = config('created');
    const run = await cli('wait-replication', '--replication-config-arn', arn, '--until', 'running', '--timeout', '2s', ...POLL);
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ error: 'WaitTimedOut', message: expect.stringMatching(/last status: created/) });
  });

  test.each([
    [['wait-replication', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:X'], /--until is required/],
    [['wait-replication', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:X', '--until', 'done'], /--until must be one of accepted, running, full-load-finished, stopped, cutover-ready; got "done"/],
    [['start-replication', '--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:X', '--until', 'running'], /--until needs --wait/],
    [['start-replication', '--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:X', '--cdc-start-time', '2026-11-01T00:00:00Z', '--cdc-start-position', 'x'], /not both/],
  ])('bad usage exits 2: %j', async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(2);
    expect(run.json.message).toMatch(message);
  });
});

describe('the record of intent: the CLI\'s starts and stops are recorded before they are sent, for later deploys to see', () => {
  const recordOf = (arn: string) => JSON.parse(dms().parameters.value(intentParameterName(arn)) ?? 'null');
  const cliAsk = { cli: expect.stringMatching(/^cdk-dms-lifecycle /) };

  test('start-replication --wait: a first start, recorded, then marked as run once DMS shows it running', async () => {
    const arn = config('created');
    expect(recordOf(arn)).toBeNull();
    const run = await cli('start-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(recordOf(arn)).toMatchObject({ v: 1, ran: true, asks: [{ action: 'start', startType: 'start-replication', from: 'created', by: cliAsk }] });
    // A later deploy's decision reads it: this replication ran, so its next start is a resume.
    const state = { status: 'stopped', migrationType: 'cdc', fullLoadFinished: false, deprovisioning: false };
    expect(nextRunStep(state, 'start', runHistory(recordOfStack(recordOf(arn), STACK), state))).toEqual({ action: 'start', startType: 'resume-processing' });
  });

  test('start-replication whose first start fails: recorded as never run, so a deploy starts it with start-replication again', async () => {
    const arn = config('created', { behavior: { outcome: 'fails', failureMessage: 'Failed to connect to the source database' } });
    const run = await cli('start-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(recordOf(arn)).toMatchObject({ ran: false, asks: [{ action: 'start', startType: 'start-replication', by: cliAsk }] });
    const state = { status: 'failed', migrationType: 'cdc', fullLoadFinished: false, deprovisioning: false };
    expect(nextRunStep(state, 'start', runHistory(recordOfStack(recordOf(arn), STACK), state))).toEqual({ action: 'start', startType: 'start-replication' });
  });

  test('start-replication without --wait on a stopped task: the resume is recorded', async () => {
    const arn = task('stopped');
    const run = await cli('start-replication', '--replication-task-arn', arn);
    expect(run.code).toBe(0);
    expect(recordOf(arn).asks).toEqual([expect.objectContaining({ action: 'resume', startType: 'resume-processing', from: 'stopped', by: cliAsk })]);
  });

  test('stop-replication: the stop of a running replication is recorded (it ran); nothing runs: nothing recorded', async () => {
    const arn = config('running');
    const run = await cli('stop-replication', '--replication-config-arn', arn);
    expect(run.code).toBe(0);
    expect(recordOf(arn)).toMatchObject({ ran: true, asks: [{ action: 'stop', from: 'running', by: cliAsk }] });
    const idle = config('stopped');
    expect((await cli('stop-replication', '--replication-config-arn', idle)).code).toBe(0);
    expect(recordOf(idle)).toBeNull();
  });
});

describe('the bundled CLI in a child process', () => {
  test('start-replication --wait exits 0 once running; wait-replication past --timeout exits 3', async () => {
    const started = await runCli(['start-replication', '--replication-config-arn', config('created'), '--wait', ...POLL], dms().env());
    expect(started.code).toBe(0);
    expect(started.json).toMatchObject({ command: 'start-replication', done: true, status: 'running' });
    const timedOut = await runCli(['wait-replication', '--replication-config-arn', config('created'), '--until', 'running', '--timeout', '2s', ...POLL], dms().env());
    expect(timedOut.code).toBe(3);
  });
});
