import { assertCliBundleFresh, runCli } from './support/cli-process';
import { useEmulatedDms } from './support/emulated-dms';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 400, fullLoadDurationMs: 400 } });
beforeAll(assertCliBundleFresh);

const cli = (...args: string[]) => runCli(args, { ...dms().env(), DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '1', DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '1' });
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

describe('wait-assessment', () => {
  test('waits for the newest run of a task, started elsewhere; --fail-on-warning exits 1 on a warning', async () => {
    const arn = task();
    dms().setAssessmentBehavior(arn, { checks: { 'postgres-check-wal-level': 'warning', 'unsupported-data-types-in-source': 'passed' } });
    expect((await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS)).code).toBe(0);
    const passed = await cli('wait-assessment', '--replication-task-arn', arn, ...POLL);
    expect(passed.code).toBe(0);
    expect(passed.json).toMatchObject({ command: 'wait-assessment', done: true, status: 'warning', attributes: { WarningCount: '1' } });
    const strict = await cli('wait-assessment', '--replication-task-arn', arn, '--fail-on-warning', ...POLL);
    expect(strict.code).toBe(1);
    expect(strict.json.message).toMatch(/ended warning \(1 warning\(s\)\) and failOnWarning is set: postgres-check-wal-level \(warning\)/);
  });

  test('no run at all: exit 1, saying so; a timeout exits 3', async () => {
    const none = await cli('wait-assessment', '--replication-task-arn', task(), ...POLL);
    expect(none.code).toBe(1);
    expect(none.json.message).toMatch(/DMS shows no premigration assessment of the replication task/);
    const arn = task();
    dms().setAssessmentBehavior(arn, { durationMs: 60_000 });
    expect((await cli('assess', '--replication-task-arn', arn, ...TASK_RESULTS)).code).toBe(0);
    const late = await cli('wait-assessment', '--replication-task-arn', arn, '--timeout', '2s', ...POLL);
    expect(late.code).toBe(3);
    expect(late.json).toMatchObject({ error: 'WaitTimedOut', message: expect.stringMatching(/last status: (starting|provisioning|running)/) });
  });
});
