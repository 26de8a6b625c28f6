import { DatabaseMigrationServiceClient, DescribeReplicationTaskAssessmentRunsCommand } from '@aws-sdk/client-database-migration-service';
import { CUT_OVER, intentParameterName, recordAsk } from '../lambda/dms';
import { runCliInProcess } from './support/cli-in-process';
import { assertCliBundleFresh, runCli } from './support/cli-process';
import { useEmulatedDms } from './support/emulated-dms';
import { useSimulatedTime } from './support/simulated-time';

useSimulatedTime();
const dms = useEmulatedDms({ runBehavior: { startDurationMs: 400, fullLoadDurationMs: 400 } });
beforeAll(assertCliBundleFresh);

const GRACES = { DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '1', DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '1' };
/** main() in-process on simulated time; the smoke case below runs the bundle in a child process. */
const cli = (...args: string[]) => runCliInProcess(args, { ...dms().env(), ...GRACES });
/** The CLI with its default read-lag grace (10 s): DMS's reads may lag its writes. */
const cliWithReadLag = (...args: string[]) => runCliInProcess(args, { ...dms().env(), ...GRACES, DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '10' });
const POLL = ['--poll-interval', '1s'];
const TASK_RESULTS = ['--result-bucket', 'assessments', '--service-role-arn', 'arn:aws:iam::123456789012:role/dms-assessments'];
let n = 0;
const task = (status = 'ready') => {
  const arn = dms().taskArn(`CLI-ASSESS${++n}`);
  dms().addReplicationTask(arn, { status });
  dms().setAssessmentBehavior(arn, { durationMs: 800 });
  return arn;
};

describe('assess', () => {
  test('--wait on a task: exit 0 with the status, the counts and the report location', async () => {
    const arn = task();
    const run = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS, '--exclude', 'full-lob-not-nullable-at-target', '--wait', ...POLL);
    expect(run.code).toBe(0);
    const [assessment] = dms().assessmentRuns(arn);
    expect(run.json).toMatchObject({
      command: 'assess',
      done: true,
      status: 'passed',
      attributes: { Status: 'passed', PassedCount: '4', FailedCount: '0', ReportLocation: `s3://assessments/premigration-assessments/${assessment.name}/`, AssessmentRunArn: assessment.arn },
    });
    expect(dms().callsTo('StartReplicationTaskAssessmentRun')[0].input.Exclude).toEqual(['full-lob-not-nullable-at-target']);
  });

  test('a failed check: exit 1 naming the check, its status and the report', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { checks: { 'postgres-check-wal-level': 'failed', 'unsupported-data-types-in-source': 'passed' } });
    const run = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS, '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: expect.stringMatching(/failed: 1 of 2 checks failed: postgres-check-wal-level \(failed\); report: s3:\/\/assessments\/premigration-assessments\/cli-/) });
  });

  test('a serverless config: one StartReplication with the settings; DMS starts it once the assessment passed', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    dms().setAssessmentBehavior(arn, { durationMs: 600 });
    const run = await cli('assess', '--replication-config-arn', arn, '--include-only', 'postgres-check-wal-level', '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ done: true, status: 'passed', attributes: { PassedCount: '1' } });
    const starts = dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn);
    expect(starts.map((c) => [c.input.StartReplicationType, JSON.parse(c.input.PremigrationAssessmentSettings).IncludeOnly])).toEqual([['start-replication', 'postgres-check-wal-level']]);
  });

  test('a serverless config: its StartReplication is recorded in the record of intent before it is sent', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    dms().setAssessmentBehavior(arn, { durationMs: 300 });
    const run = await cli('assess', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    const record = JSON.parse(dms().parameters.value(intentParameterName(arn)) ?? 'null');
    const by = { cli: expect.stringMatching(/^cdk-dms-lifecycle assess /) };
    expect(record).toMatchObject({ ran: false, asks: [{ action: 'assessment-start', startType: 'start-replication', by }] });
    const order = dms().calls
      .filter((c) => c.input?.Name === intentParameterName(arn) || c.input?.ReplicationConfigArn === arn).map((c) => c.operation);
    expect(order.indexOf('PutParameter')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('PutParameter')).toBeLessThan(order.indexOf('StartReplication'));
  });

  test('a serverless config whose first start failed (the record says it never ran): start-replication with --cdc-start-time', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    dms().setAssessmentBehavior(arn, { durationMs: 300 });
    dms().setRunBehavior(arn, { outcome: 'fails', failureMessage: 'Source endpoint unreachable' });
    expect((await cli('start-replication', '--replication-config-arn', arn, '--wait', ...POLL)).code).toBe(1);
    dms().setRunBehavior(arn, { outcome: 'runs' });
    const run = await cli('assess', '--replication-config-arn', arn, '--cdc-start-time', '2026-11-01T00:00:00Z', '--wait', ...POLL);
    expect(run.code).toBe(0);
    const starts = dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn);
    expect(starts.map((c) => [c.input.StartReplicationType, c.input.CdcStartTime, c.input.PremigrationAssessmentSettings !== undefined])).toEqual([
      ['start-replication', undefined, false],
      ['start-replication', Date.parse('2026-11-01T00:00:00Z') / 1000, true],
    ]);
  });

  test('a serverless config the CLI cut over: exit 1 saying so, nothing started', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'stopped' });
    await recordAsk(arn, { action: 'cutover-stop', from: 'running', by: { cli: 'cutover' } });
    const run = await cli('assess', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', message: `The replication config ${arn} ${CUT_OVER}` });
    expect(dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn)).toEqual([]);
  });

  test('a running task: exit 1 with DMS\'s refusal', async () => {
    const arn = task('running');
    const run = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    expect(run.code).toBe(1);
    expect(run.json.message).toMatch(/^DMS StartReplicationTaskAssessmentRun refused for replication task \S+: Replication task \S+ is running/);
  }, 90_000);

  test.each([
    [['--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:T', '--include-only', 'a', '--exclude', 'b', ...TASK_RESULTS], /give either --include-only or --exclude, not both/],
    [['--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:T'], /--result-bucket is required/],
    [['--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:replication-config:C', '--result-bucket', 'b'], /--result-bucket is for a task: DMS Serverless writes assessment results to a bucket it manages/],
    [['--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:T', ...TASK_RESULTS, '--exclude', 'bad!name'], /--exclude takes DMS's individual assessment names/],
  ])('usage errors exit 2: %j', async (args, message) => {
    const run = await cli('assess', ...args);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ command: 'assess', error: 'UsageError', message: expect.stringMatching(message) });
  });
});

describe('assess prints the run it started, or exits 5 when it started none', () => {
  test('a task without --wait: the run\'s ARN and DMS\'s creation time, as DMS answered the start', async () => {
    const arn = task();
    const run = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    expect(run.code).toBe(0);
    const [started] = dms().assessmentRuns(arn);
    expect(run.json).toMatchObject({
      command: 'assess',
      done: false,
      attributes: { AssessmentRunArn: started.arn, AssessmentRunCreationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) },
    });
    expect(run.stderr).toContain(`started assessment run ${started.arn}, created by DMS at ${run.json.attributes.AssessmentRunCreationDate}`);
  });

  test('a serverless config without --wait: the replication\'s assessment status as DMS shows it', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    dms().setAssessmentBehavior(arn, { durationMs: 20_000, describeLagMs: 500 });
    const run = await cliWithReadLag('assess', '--replication-config-arn', arn);
    expect(run.code).toBe(0);
    const [started] = dms().assessmentRuns(arn);
    expect(run.json).toMatchObject({
      done: false,
      attributes: { Status: expect.stringMatching(/^(starting|provisioning|running)$/), AssessmentRunArn: started.arn, AssessmentRunCreationDate: expect.any(String) },
    });
  });

  test('another run under way and no --wait: exit 5, saying why, and nothing started', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { durationMs: 30_000 });
    expect((await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS)).code).toBe(0);
    const [other] = dms().assessmentRuns(arn);
    const second = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    expect(second.code).toBe(5);
    expect(second.json).toMatchObject({
      command: 'assess',
      error: 'NotStarted',
      message: expect.stringMatching(new RegExp(`^No premigration assessment was started: assessment run ${other.name} of the replication task \\S+ is (starting|provisioning|running), and DMS runs one at a time\\. Run assess again once it ended, or with --wait to start one after it\\.$`)),
    });
    expect(dms().assessmentRuns(arn)).toHaveLength(1);
  });

  test('a serverless config with an assessment under way and no --wait: exit 5; it never joins a run it did not start', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    dms().setAssessmentBehavior(arn, { durationMs: 30_000 });
    expect((await cli('assess', '--replication-config-arn', arn)).code).toBe(0);
    const second = await cli('assess', '--replication-config-arn', arn);
    expect(second.code).toBe(5);
    expect(second.json.message).toMatch(/^No premigration assessment was started: premigration assessment \S+ of the replication config \S+ is (starting|provisioning|running)/);
  });

  test('a serverless config that is not at rest and no --wait: exit 5, nothing started', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'stopping', neverStops: true });
    const run = await cli('assess', '--replication-config-arn', arn);
    expect(run.code).toBe(5);
    expect(run.json.message).toMatch(/^No premigration assessment was started: the replication config \S+ is stopping, and DMS refuses a start \(which runs the assessment\) until it is at rest/);
    expect(dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn)).toHaveLength(0);
  });

  test('a serverless config with --wait waits for the assessment under way, then judges one of its own', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    // The one under way fails (so DMS leaves the replication at rest); ours passes.
    dms().setAssessmentBehavior(arn, { durationMs: 5000, checks: { 'postgres-check-wal-level': 'failed' } });
    expect((await cli('assess', '--replication-config-arn', arn)).code).toBe(0);
    dms().setAssessmentBehavior(arn, { durationMs: 400, checks: { 'postgres-check-wal-level': 'passed' } });
    const run = await cli('assess', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    const [other, ours] = dms().assessmentRuns(arn);
    expect(run.json).toMatchObject({ done: true, status: 'passed', attributes: { AssessmentRunArn: ours.arn } });
    expect(other.status).toBe('failed');
    expect(run.stderr).toMatch(new RegExp(`waiting for premigration assessment ${other.arn} \\((starting|provisioning|running)\\) to end`));
  });

  test('a serverless config with --wait: a run under way that is not ours and starts the replication is no verdict; exit 1, left running', async () => {
    const arn = dms().replicationConfigArn(`CLI-ASSESS${++n}`);
    dms().addReplication(arn, { status: 'created' });
    // The one under way passes, so DMS starts the replication: nothing of ours stops someone else's start.
    dms().setAssessmentBehavior(arn, { durationMs: 3000 });
    expect((await cli('assess', '--replication-config-arn', arn)).code).toBe(0);
    const run = await cli('assess', '--replication-config-arn', arn, '--wait', ...POLL);
    const [other] = dms().assessmentRuns(arn);
    expect(run.code).toBe(1);
    expect(run.json.message).toMatch(new RegExp(`^The premigration assessment ${other.arn} of the replication config \\S+, which this deployment did not start, started the replication: it is left running`));
    expect(dms().assessmentRuns(arn)).toHaveLength(1);
    expect(dms().callsTo('StartReplication').filter((c) => c.input.ReplicationConfigArn === arn)).toHaveLength(1);
    expect(dms().callsTo('StopReplication').filter((c) => c.input.ReplicationConfigArn === arn)).toHaveLength(0);
  });

  test('the exit codes in --help include 5', async () => {
    const help = await cli('--help');
    expect(help.stdout).toMatch(/\n {2}5 {2}not started: /);
  });
});

describe('wait-assessment', () => {
  test('judges only the run it is given: --created-after never passes an older run\'s verdict within DMS\'s read lag', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { durationMs: 400 });
    expect((await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS, '--wait', ...POLL)).json.status).toBe('passed');
    // The next run fails a check, and DMS shows it only 5 s after it started.
    dms().setAssessmentBehavior(arn, { durationMs: 800, describeLagMs: 5000, checks: { 'postgres-check-wal-level': 'failed' } });
    const started = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    expect(started.code).toBe(0);
    const { AssessmentRunArn: runArn, AssessmentRunCreationDate: createdAt } = started.json.attributes;
    // What a Describe shows now: only the older run, passed.
    const client = new DatabaseMigrationServiceClient({ region: 'us-east-1', endpoint: dms().url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const visible = await client.send(new DescribeReplicationTaskAssessmentRunsCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }));
    expect(visible.ReplicationTaskAssessmentRuns!.map((r) => r.Status)).toEqual(['passed']);

    const [byTime, byArn] = await Promise.all([
      cliWithReadLag('wait-assessment', '--replication-task-arn', arn, '--created-after', createdAt, ...POLL),
      cliWithReadLag('wait-assessment', '--replication-task-arn', arn, '--assessment-run-arn', runArn, ...POLL),
    ]);
    for (const run of [byTime, byArn]) {
      expect(run.code).toBe(1);
      expect(run.json.message).toMatch(/failed: 1 of 1 checks failed: postgres-check-wal-level \(failed\)/);
    }
  });

  test('neither --assessment-run-arn nor --created-after: a usage error', async () => {
    const run = await cli('wait-assessment', '--replication-task-arn', task(), ...POLL);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ error: 'UsageError', message: expect.stringMatching(/^wait-assessment needs --assessment-run-arn or --created-after/) });
    const both = await cli('wait-assessment', '--replication-task-arn', task(), '--assessment-run-arn', 'arn:aws:dms:us-east-1:123456789012:assessment-run:X', '--created-after', '2026-12-01T00:00:00.000Z');
    expect(both.code).toBe(2);
    const bad = await cli('wait-assessment', '--replication-task-arn', task(), '--created-after', 'yesterday');
    expect(bad.json.message).toMatch(/--created-after must be an ISO 8601 time/);
  });

  test('waits for the given run of a task; --fail-on-warning exits 1 on a warning', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { checks: { 'postgres-check-wal-level': 'warning', 'unsupported-data-types-in-source': 'passed' } });
    const started = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    expect(started.code).toBe(0);
    const createdAfter = ['--created-after', started.json.attributes.AssessmentRunCreationDate];
    const passed = await cli('wait-assessment', '--replication-task-arn', arn, ...createdAfter, ...POLL);
    expect(passed.code).toBe(0);
    expect(passed.json).toMatchObject({ command: 'wait-assessment', done: true, status: 'warning', attributes: { WarningCount: '1' } });
    const strict = await cli('wait-assessment', '--replication-task-arn', arn, ...createdAfter, '--fail-on-warning', ...POLL);
    expect(strict.code).toBe(1);
    expect(strict.json.message).toMatch(/ended warning \(1 warning\(s\)\) and failOnWarning is set: postgres-check-wal-level \(warning\)/);
  });

  test('no such run: exit 1 once the read lag is over, naming the newest run DMS shows; a timeout exits 3', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { durationMs: 400 });
    expect((await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS, '--wait', ...POLL)).code).toBe(0);
    const none = await cli('wait-assessment', '--replication-task-arn', arn, '--created-after', new Date(Date.now() + 60_000).toISOString(), ...POLL);
    expect(none.code).toBe(1);
    expect(none.json.message).toMatch(/DMS shows no premigration assessment of the replication task \S+ created at or after \S+ \(the newest it shows, \S+, was created at \S+\)/);
    dms().setAssessmentBehavior(arn, { durationMs: 60_000 });
    const started = await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS);
    const late = await cli('wait-assessment', '--replication-task-arn', arn, '--assessment-run-arn', started.json.attributes.AssessmentRunArn, '--timeout', '2s', ...POLL);
    expect(late.code).toBe(3);
    expect(late.json).toMatchObject({ error: 'WaitTimedOut', message: expect.stringMatching(/last status: (starting|provisioning|running)/) });
  });
});

describe('the bundled CLI in a child process', () => {
  test('assess --wait: a passed assessment exits 0, a failed check exits 1', async () => {
    const spawned = (arn: string) => runCli(['assess', '--replication-task-arn', arn, ...TASK_RESULTS, '--wait', ...POLL], { ...dms().env(), ...GRACES });
    const passed = await spawned(task());
    expect(passed.code).toBe(0);
    expect(passed.json).toMatchObject({ command: 'assess', done: true, status: 'passed' });
    const failing = task();
    dms().setAssessmentBehavior(failing, { checks: { 'postgres-check-wal-level': 'failed' } });
    const failed = await spawned(failing);
    expect(failed.code).toBe(1);
    expect(failed.json.message).toMatch(/postgres-check-wal-level/);
  });
});
