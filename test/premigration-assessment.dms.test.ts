/**
 * The premigration assessment operations (lambda/dms) with the real SDK against the DMS
 * emulator, under the DMS behaviours the docs leave open: empty pages with a Marker,
 * individual results that lag the run's status, another run under way, throttling, and
 * DMS Serverless's undocumented choices, each way.
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { abandonedAssessment, assessmentWait, configAssessment, DmsOperation, startOperation, taskAssessment, waitForOperation } from '../lambda/dms';
import { DmsEmulator, ServerlessAssessmentOptions } from '../tools/dms-emulator';

let n = 0;
const saved = { ...process.env };
beforeAll(() => {
  process.env.DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS = '1';
  process.env.DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS = '1';
  process.env.DMS_LIFECYCLE_START_RETRY_SECONDS = '1';
  process.env.DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS = '1';
});
afterAll(() => {
  process.env = saved;
});

async function withEmulator(
  options: { filterAfterPaging?: boolean; serverlessAssessments?: ServerlessAssessmentOptions },
  body: (dms: DmsEmulator, client: DatabaseMigrationServiceClient) => Promise<void>,
) {
  const dms = await DmsEmulator.start({ rateLimit: false, ...options });
  const client = new DatabaseMigrationServiceClient({ endpoint: dms.url, region: dms.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  try {
    await body(dms, client);
  } finally {
    client.destroy();
    await dms.close();
  }
}

async function run(operation: DmsOperation, timeoutMs = 20_000) {
  const startedAt = Date.now();
  const mark = await startOperation(operation);
  return waitForOperation(operation, mark, { startedAt, deadline: startedAt + timeoutMs, returnBy: startedAt + timeoutMs, pollIntervalMs: 200 });
}

const taskOptions = (taskArn: string, extra: Partial<Parameters<typeof taskAssessment>[1]> = {}) => ({
  target: { kind: 'replication-task' as const, arn: taskArn },
  runName: `run-${++n}`,
  resultBucket: 'results',
  resultFolder: `folder/run-${n}`,
  serviceAccessRoleArn: 'arn:aws:iam::123456789012:role/dms',
  failOnWarning: false,
  ...extra,
});

test('a task\'s run is found across empty pages that carry a Marker, and its checks too', async () => {
  await withEmulator({ filterAfterPaging: true, serverlessAssessments: {} }, async (dms, client) => {
    // 120 other tasks' runs are listed before ours: the first page holds none of ours.
    for (let i = 0; i < 120; i++) {
      const other = dms.taskArn(`OTHER${i}`);
      dms.addReplicationTask(other, { status: 'ready' });
      dms.setAssessmentBehavior(other, { durationMs: 60_000 });
      await run(taskAssessment(client, taskOptions(other)), 1).catch(() => undefined);
    }
    const taskArn = dms.taskArn('PAGED');
    dms.addReplicationTask(taskArn, { status: 'ready' });
    dms.setAssessmentBehavior(taskArn, { durationMs: 400, checks: Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`check-${i}`, 'passed'])) });
    dms.resetCalls();
    const progress = await run(taskAssessment(client, taskOptions(taskArn)));
    expect(progress).toMatchObject({ done: true, status: 'passed', attributes: { PassedCount: '130' } });
    const pages = dms.callsTo('DescribeReplicationTaskAssessmentRuns');
    expect(pages.some((c) => c.input.Marker)).toBe(true);
    expect(dms.callsTo('DescribeReplicationTaskIndividualAssessments').some((c) => c.input.Marker)).toBe(true);
  });
}, 60_000);

test('individual results that show after the run failed: the reason still names the failing checks', async () => {
  await withEmulator({}, async (dms, client) => {
    const taskArn = dms.taskArn('LAG');
    dms.addReplicationTask(taskArn, { status: 'stopped' });
    dms.setAssessmentBehavior(taskArn, { durationMs: 300, resultsLagMs: 600, checks: { 'postgres-check-wal-level': 'failed', 'unsupported-data-types-in-source': 'passed' } });
    await expect(run(taskAssessment(client, taskOptions(taskArn)))).rejects.toThrow(
      /failed: 1 of 2 checks failed: postgres-check-wal-level \(failed\); report: s3:\/\/results\/folder\/run-\d+\/; DMS: One or more/,
    );
  });
});

test('another assessment run under way: ours starts after it ends', async () => {
  await withEmulator({}, async (dms, client) => {
    const taskArn = dms.taskArn('BUSY');
    dms.addReplicationTask(taskArn, { status: 'ready' });
    dms.setAssessmentBehavior(taskArn, { durationMs: 800 });
    const first = taskAssessment(client, taskOptions(taskArn));
    await first.start();
    const ours = taskOptions(taskArn);
    const progress = await run(taskAssessment(client, ours));
    expect(progress).toMatchObject({ done: true, status: 'passed' });
    const starts = dms.callsTo('StartReplicationTaskAssessmentRun').map((c) => `${c.input.AssessmentRunName}${c.errorCode ? `!${c.errorCode}` : ''}`);
    expect(starts).toEqual([`run-${n - 1}`, `${ours.runName}!InvalidResourceStateFault`, ours.runName]);
    expect(dms.assessmentRuns(taskArn).map((r) => r.status)).toEqual(['passed', 'passed']);
  });
});

test('throttled Describes and a replayed start (same run name) are ridden out: one run', async () => {
  await withEmulator({}, async (dms, client) => {
    const taskArn = dms.taskArn('THROTTLED');
    dms.addReplicationTask(taskArn, { status: 'ready' });
    dms.setAssessmentBehavior(taskArn, { durationMs: 400 });
    dms.throttle('DescribeReplicationTaskAssessmentRuns', 3);
    dms.throttle('DescribeReplicationTaskIndividualAssessments', 3);
    const options = taskOptions(taskArn);
    await taskAssessment(client, options).start();
    expect(await run(taskAssessment(client, options))).toMatchObject({ done: true, status: 'passed' });
    expect(dms.assessmentRuns(taskArn)).toHaveLength(1);
  });
});

test('a run that ends in error fails with its status; wait-assessment judges the run it is given the same way', async () => {
  await withEmulator({}, async (dms, client) => {
    const taskArn = dms.taskArn('BROKEN');
    dms.addReplicationTask(taskArn, { status: 'ready' });
    dms.setAssessmentBehavior(taskArn, { durationMs: 300, runOutcome: 'error-executing', lastFailureMessage: 'Internal error while running individual assessments' });
    await expect(run(taskAssessment(client, taskOptions(taskArn)))).rejects.toThrow(
      /ended error-executing without a verdict on every check; DMS: Internal error while running individual assessments; report: s3:\/\/results\//,
    );
    const [given] = dms.assessmentRuns(taskArn);
    await expect(run(assessmentWait(client, { kind: 'replication-task', arn: taskArn }, { runArn: given.arn, failOnWarning: false }))).rejects.toThrow(/ended error-executing/);
  });
});

test('refusals in DMS\'s words: a role DMS cannot assume, both lists, a running task', async () => {
  await withEmulator({}, async (dms, client) => {
    const taskArn = dms.taskArn('REFUSED');
    dms.addReplicationTask(taskArn, { status: 'ready' });
    dms.forgetRole('arn:aws:iam::123456789012:role/gone');
    await expect(run(taskAssessment(client, taskOptions(taskArn, { serviceAccessRoleArn: 'arn:aws:iam::123456789012:role/gone' })))).rejects.toThrow(
      `DMS StartReplicationTaskAssessmentRun failed for replication task ${taskArn}: AccessDeniedFault: The IAM role arn:aws:iam::123456789012:role/gone does not exist or cannot be assumed by dms.amazonaws.com`,
    );
    await expect(run(taskAssessment(client, taskOptions(taskArn, { includeOnly: ['a'], exclude: ['b'] })))).rejects.toThrow(/InvalidParameterCombinationException: IncludeOnly and Exclude cannot be specified together/);
    const running = dms.taskArn('RUNNING');
    dms.addReplicationTask(running, { status: 'running' });
    await expect(run(taskAssessment(client, taskOptions(running)))).rejects.toThrow(
      /^DMS StartReplicationTaskAssessmentRun refused for replication task \S+: Replication task RUNNING is running: a premigration assessment run cannot start until it is stopped \(still refused after \d+ s\)$/,
    );
  });
}, 30_000);

describe('DMS Serverless, where its docs are silent, either way', () => {
  const config = (dms: DmsEmulator, id: string, status = 'created') => {
    const arn = dms.replicationConfigArn(id);
    dms.addReplication(arn, { status, behavior: { startDurationMs: 300, fullLoadDurationMs: 300 } });
    return arn;
  };
  const configOptions = (arn: string, extra: object = {}) => ({ target: { kind: 'replication-config' as const, arn }, resultFolder: 'f', failOnWarning: false, ...extra });

  test.each(['string', 'array'] as const)('IncludeOnly inside the settings read as a %s: the assessment runs and DMS starts the replication', async (listFormat) => {
    await withEmulator({ serverlessAssessments: { listFormat, statusWhileAssessing: listFormat === 'array' ? 'preparing_metadata_resources' : undefined } }, async (dms, client) => {
      const arn = config(dms, `LIST${listFormat.toUpperCase()}`);
      dms.setAssessmentBehavior(arn, { durationMs: 300 });
      const progress = await run(configAssessment(client, configOptions(arn, { includeOnly: ['postgres-check-wal-level', 'unsupported-data-types-in-source'] })));
      expect(progress).toMatchObject({ done: true, status: 'passed', attributes: { PassedCount: '2' } });
      const starts = dms.callsTo('StartReplication').filter((c) => !c.errorCode);
      expect(starts).toHaveLength(1);
      expect(JSON.parse(starts[0].input.PremigrationAssessmentSettings).IncludeOnly).toEqual(
        listFormat === 'string' ? 'postgres-check-wal-level unsupported-data-types-in-source' : ['postgres-check-wal-level', 'unsupported-data-types-in-source'],
      );
      await new Promise((r) => setTimeout(r, 400));
      expect(dms.callsTo('DescribeReplications').length).toBeGreaterThan(0);
      expect(['initializing', 'provisioning_capacity', 'replication_starting', 'running']).toContain(dms.replication(arn)?.Status);
    });
  });

  test('checks not listed for a serverless run: the failure says so and quotes the counts', async () => {
    await withEmulator({ serverlessAssessments: { individuals: 'not-listed' } }, async (dms, client) => {
      const arn = config(dms, 'UNLISTED');
      dms.setAssessmentBehavior(arn, { durationMs: 300, checks: { 'postgres-check-wal-level': 'failed', 'unsupported-data-types-in-source': 'passed' } });
      await expect(run(configAssessment(client, configOptions(arn)))).rejects.toThrow(/failed: 1 of 2 checks failed \(DMS lists none of them\); report: s3:\/\/dms-serverless-premigration-results-unlisted\/f\//);
      expect(dms.replication(arn)?.Status).toBe('created');
    });
  });

  test('a key grant still propagating: a run that ends error-provisioning is followed by another, in the next folder; DMS starts the replication once one passes', async () => {
    await withEmulator({}, async (dms, client) => {
      const arn = config(dms, 'KEYGRANT');
      dms.setAssessmentBehavior(arn, { durationMs: 300 });
      dms.setIamPropagation({ durationMs: 500, fault: 'error-provisioning' });
      process.env.DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS = '10';
      try {
        const key = 'arn:aws:kms:us-east-1:123456789012:key/new';
        expect(await run(configAssessment(client, configOptions(arn, { resultFolder: 'g', resultKmsKeyArn: key })))).toMatchObject({ done: true, status: 'passed' });
      } finally {
        process.env.DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS = '1';
      }
      const runs = dms.assessmentRuns(arn);
      expect(runs.map((r) => r.status)).toEqual([...runs.slice(1).map(() => 'error-provisioning'), 'passed']);
      expect(runs.map((r) => r.folder)).toEqual(runs.map((_, i) => (i ? `g-${i + 1}` : 'g')));
      await new Promise((r) => setTimeout(r, 400));
      expect(['initializing', 'provisioning_capacity', 'replication_starting', 'running']).toContain(dms.replication(arn)?.Status);
    });
  });

  test('a key grant still propagating: StartReplication answers KMSAccessDeniedFault for a while; the start is retried, and one assessment runs', async () => {
    await withEmulator({}, async (dms, client) => {
      const arn = config(dms, 'KMSDENIED');
      dms.setAssessmentBehavior(arn, { durationMs: 300 });
      dms.setIamPropagation({ durationMs: 2_500, fault: 'KMSAccessDeniedFault' });
      process.env.DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS = '10';
      try {
        const key = 'arn:aws:kms:us-east-1:123456789012:key/granted-just-now';
        expect(await run(configAssessment(client, configOptions(arn, { resultKmsKeyArn: key })))).toMatchObject({ done: true, status: 'passed' });
      } finally {
        process.env.DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS = '1';
      }
      const starts = dms.callsTo('StartReplication').map((c) => c.errorCode ?? 'accepted');
      expect(starts.slice(0, -1).every((c) => c === 'KMSAccessDeniedFault')).toBe(true);
      expect([starts.length > 1, starts[starts.length - 1]]).toEqual([true, 'accepted']);
      expect(dms.assessmentRuns(arn)).toHaveLength(1);
    });
  });

  test('an abandoned start that DMS does not let stop within the Delete\'s timeout fails naming the command that finishes the job', async () => {
    await withEmulator({}, async (dms, client) => {
      const arn = config(dms, 'STUCK', 'running');
      dms.failNext('StopReplication', 'InvalidResourceStateFault', 'Replication is provisioning capacity and cannot be stopped', 1_000);
      await expect(run(abandonedAssessment(client, { kind: 'replication-config', arn }, { runNamePrefix: 'assess-' }), 2_000)).rejects.toThrow(
        new RegExp(`^Timed out after \\d+s waiting for the replication config ${arn} to stop; last status: running; DMS StopReplication refused: Replication is provisioning capacity and cannot be stopped\\. `
          + `Finish the job with \`cdk-dms-lifecycle stop-replication --replication-config-arn ${arn} --wait\`, then retry the stack operation \\(or continue the rollback\\)\\.$`),
      );
      expect(dms.replication(arn)?.Status).toBe('running');
    });
  });

  test('a resume that DMS runs without an assessment fails, saying so; one that runs it passes', async () => {
    await withEmulator({ serverlessAssessments: { onResume: 'ignored' } }, async (dms, client) => {
      const arn = config(dms, 'RESUMEIGNORED', 'stopped');
      await expect(run(configAssessment(client, configOptions(arn)))).rejects.toThrow(/DMS started the replication config \S+ without a premigration assessment/);
      expect(dms.callsTo('StartReplication').map((c) => c.input.StartReplicationType)).toEqual(['resume-processing']);
    });
    await withEmulator({}, async (dms, client) => {
      const arn = config(dms, 'RESUMERUNS', 'stopped');
      dms.setAssessmentBehavior(arn, { durationMs: 300 });
      expect(await run(configAssessment(client, configOptions(arn)))).toMatchObject({ done: true, status: 'passed' });
    });
  });
});
