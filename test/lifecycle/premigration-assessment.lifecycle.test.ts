/**
 * DmsPremigrationAssessment end to end on the BUNDLED handler assets, gating
 * DmsReplicationRun: the driver's CloudFormation creates and modifies the config and task
 * through the DMS emulator, which runs the assessments with DMS's statuses.
 */
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DmsPremigrationAssessment, DmsReplicationRun } from '../../src';
import { dmsResourceTypes, LifecycleDriver, StackOperationResult } from '../../tools/lifecycle';
import { assessmentGatedRunStacks, failureReasonsOf, nonDescribeCallsOn } from '../support/assessment-gated-runs';
import { useEmulatedDms } from '../support/emulated-dms';
import { replicationTask } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 600, fullLoadDurationMs: 800, modifyDurationMs: 600 } });

const { app, driverFor, next } = assessmentGatedRunStacks(dms, 'Assess');
const status = (arn: string) => dms().replicationRun(arn)?.Status;
const callsOn = (arn: string) => nonDescribeCallsOn(dms(), arn);
const at = (result: StackOperationResult, prefix: string, statusName: string, from = 0) => result.events.findIndex((e, i) =>
  i >= from && e.logicalId.startsWith(prefix) && !e.logicalId.includes('Guard') && e.status === statusName);
const resourceOf = (driver: LifecycleDriver, type: string, prefix: string) =>
  [...driver.resources.values()].find((r) => r.resourceType === type && r.logicalId.startsWith(prefix))!;

test('create: each assessment passes before its run starts the replication; a serverless start happens once, with the run\'s CDC start', async () => {
  const { name, configArn, taskArn } = next();
  const driver = driverFor(name);
  const created = await driver.deploy();
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  for (const kind of ['Config', 'Task']) {
    expect(at(created, `Assess${kind}`, 'CREATE_COMPLETE')).toBeLessThan(at(created, `Run${kind}`, 'CREATE_IN_PROGRESS'));
  }
  expect(callsOn(taskArn)).toEqual(['StartReplicationTaskAssessmentRun', 'StartReplicationTask(start-replication)']);
  // The assessment's StartReplication starts it once it passed; the run finds it under way.
  expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment']);
  expect(dms().calls.find((c) => c.operation === 'StartReplication' && c.input.ReplicationConfigArn === configArn)?.input.CdcStartTime).toBe(Date.parse('2026-11-01T00:00:00Z') / 1000);
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);

  const bucket = resourceOf(driver, 'AWS::S3::Bucket', 'AssessTask').physicalId;
  const [run] = dms().assessmentRuns(taskArn);
  expect(run).toMatchObject({ status: 'passed', folder: `premigration-assessments/${run.name}` });
  expect(resourceOf(driver, 'Custom::DmsPremigrationAssessment', 'AssessTask').attributes).toEqual({
    Status: 'passed',
    AssessmentRunArn: run.arn,
    ReportLocation: `s3://${bucket}/premigration-assessments/${run.name}/`,
    PassedCount: '5',
    FailedCount: '0',
    WarningCount: '0',
    ErrorCount: '0',
    SkippedCount: '0',
    CancelledCount: '0',
  });
  expect(resourceOf(driver, 'Custom::DmsPremigrationAssessment', 'AssessConfig').attributes).toMatchObject({ Status: 'passed', PassedCount: '5' });
  expect(resourceOf(driver, 'Custom::DmsReplicationRun', 'RunConfig').attributes).toMatchObject({ Status: 'running', StartType: 'none' });
}, 60_000);

const FAILING = { checks: { 'unsupported-data-types-in-source': 'failed', 'postgres-check-wal-level': 'error', 'full-lob-not-nullable-at-target': 'passed' }, resultsLagMs: 700 } as const;
const WARNING = { checks: { 'unsupported-data-types-in-source': 'passed', 'table-with-lob-but-without-primary-key-or-unique-constraint': 'warning' } } as const;

test('a failed check of a task fails the deploy before the run: the reason names the checks, their status and the report; nothing starts', async () => {
  const { name, taskArn } = next();
  dms().setAssessmentBehavior(taskArn, FAILING);
  const driver = driverFor(name, { kinds: ['Task'] });
  const created = await driver.deploy();
  expect(created.status).toBe('CREATE_FAILED');
  const bucket = dms().calls.find((c) => c.operation === 'StartReplicationTaskAssessmentRun' && c.input.ReplicationTaskArn === taskArn)!.input.ResultLocationBucket;
  const [run] = dms().assessmentRuns(taskArn);
  expect(failureReasonsOf(created)).toEqual({
    AssessTask: `The premigration assessment of the replication task ${taskArn} (${run.name}) failed: 2 of 3 checks failed: `
      + `unsupported-data-types-in-source (failed), postgres-check-wal-level (error); report: s3://${bucket}/premigration-assessments/${run.name}/; `
      + 'DMS: One or more individual assessments failed. See the assessment report in Amazon S3.',
  });
  expect(created.events.some((e) => e.logicalId.startsWith('RunTask') && !e.logicalId.includes('Guard') && e.status === 'CREATE_IN_PROGRESS')).toBe(false);
  expect(callsOn(taskArn)).toEqual(['StartReplicationTaskAssessmentRun']);
}, 60_000);

test('a failed check of a serverless config fails the deploy; DMS never starts the replication', async () => {
  const { name, configArn } = next();
  dms().setAssessmentBehavior(configArn, FAILING);
  const created = await driverFor(name, { kinds: ['Config'] }).deploy();
  expect(created.status).toBe('CREATE_FAILED');
  expect(failureReasonsOf(created)).toEqual({
    AssessConfig: expect.stringMatching(new RegExp(`^The premigration assessment of the replication config ${configArn} failed: 2 of 3 checks failed: `
      + 'unsupported-data-types-in-source \\(failed\\), postgres-check-wal-level \\(error\\); report: s3://dms-serverless-premigration-results-\\S+/premigration-assessments/assessconfig\\w+-\\w+/; DMS: ')),
  });
  expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment']);
}, 60_000);

test('failOnWarning: a warning fails the deploy, for a task and for a config (the replication DMS started anyway is stopped first)', async () => {
  const task = next();
  dms().setAssessmentBehavior(task.taskArn, WARNING);
  const taskResult = await driverFor(task.name, { kinds: ['Task'], assessment: { failOnWarning: true } }).deploy();
  expect(failureReasonsOf(taskResult)).toEqual({
    AssessTask: expect.stringMatching(/^The premigration assessment of the replication task \S+ \(\S+\) ended warning \(1 warning\(s\)\) and failOnWarning is set: table-with-lob-but-without-primary-key-or-unique-constraint \(warning\); report: s3:\/\//),
  });
  expect(dms().calls.filter((c) => c.operation === 'StartReplicationTask' && c.input.ReplicationTaskArn === task.taskArn)).toEqual([]);

  const config = next();
  dms().setAssessmentBehavior(config.configArn, WARNING);
  const configResult = await driverFor(config.name, { kinds: ['Config'], assessment: { failOnWarning: true } }).deploy();
  expect(failureReasonsOf(configResult)).toEqual({ AssessConfig: expect.stringMatching(/^The premigration assessment of the replication config \S+ ended warning .* failOnWarning is set/) });
  expect(callsOn(config.configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StopReplication']);
}, 60_000);

test('without failOnWarning a warning passes, and the run starts', async () => {
  const { name, taskArn } = next();
  dms().setAssessmentBehavior(taskArn, WARNING);
  const driver = driverFor(name, { kinds: ['Task'] });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  expect(resourceOf(driver, 'Custom::DmsPremigrationAssessment', 'AssessTask').attributes).toMatchObject({ Status: 'warning', PassedCount: '1', WarningCount: '1' });
  expect(status(taskArn)).toBe('running');
}, 60_000);

test('a change of table mappings runs the assessment again between the modify and the resume', async () => {
  const { name, configArn, taskArn } = next();
  const driver = driverFor(name);
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  dms().resetCalls();
  const updated = await driver.update(app(name, { schema: 'billing' }).assemblyDir);
  expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(callsOn(taskArn)).toEqual(['StopReplicationTask', 'ModifyReplicationTask', 'StartReplicationTaskAssessmentRun', 'StartReplicationTask(resume-processing)']);
  expect(callsOn(configArn)).toEqual(['StopReplication', 'ModifyReplicationConfig', 'StartReplication(resume-processing)+assessment']);
  expect(dms().assessmentRuns(taskArn).map((r) => r.status)).toEqual(['passed', 'passed']);
  expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  const assessTask = at(updated, 'AssessTask', 'UPDATE_COMPLETE');
  expect(at(updated, 'Task', 'UPDATE_COMPLETE')).toBeLessThan(assessTask);
  expect(assessTask).toBeLessThan(at(updated, 'RunTask', 'UPDATE_IN_PROGRESS'));
}, 90_000);

test('a trigger change while the replications run: DMS refuses to assess a running task, which keeps running as the update rolls back', async () => {
  const { name, taskArn } = next();
  const driver = driverFor(name, { kinds: ['Task'] });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  // Only the trigger changes: nothing stops the running task, and DMS refuses to assess it.
  const updated = await driver.update(app(name, { kinds: ['Task'], assessment: { assessmentTrigger: 'v2' } }).assemblyDir);
  expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(failureReasonsOf(updated)).toEqual({
    AssessTask: expect.stringMatching(new RegExp(`^DMS StartReplicationTaskAssessmentRun refused for replication task ${taskArn}: Replication task \\S+ is running: a premigration assessment run cannot start until it is stopped \\(still refused after \\d+ s\\)$`)),
  });
  expect(status(taskArn)).toBe('running');
  expect(callsOn(taskArn).filter((c) => c.startsWith('Stop'))).toEqual([]);

  const config = next();
  const configDriver = driverFor(config.name, { kinds: ['Config'] });
  expect((await configDriver.deploy()).status).toBe('CREATE_COMPLETE');
  const configUpdate = await configDriver.update(app(config.name, { kinds: ['Config'], assessment: { assessmentTrigger: 'v2' } }).assemblyDir);
  expect(failureReasonsOf(configUpdate)).toEqual({ AssessConfig: expect.stringMatching(/^The replication config \S+ is running, and DMS Serverless assesses only within StartReplication: stop it first/) });
  expect(status(config.configArn)).toBe('running');

}, 90_000);

test('a refused start fails at once in DMS\'s words: the user\'s bucket does not exist', async () => {
  const { name, taskArn } = next();
  dms().forgetBucket('assessments-gone');
  const driver = new LifecycleDriver({
    assemblyDir: synthStack((stack) => {
      const task = replicationTask(stack, name, 'sales');
      DmsPremigrationAssessment.forReplicationTask(stack, 'AssessTask', task, { resultBucket: s3.Bucket.fromBucketName(stack, 'Results', 'assessments-gone') })
        .gate(DmsReplicationRun.forReplicationTask(stack, 'RunTask', task));
    }, name).assemblyDir,
    stackName: name,
    env: { ...dms().env(), DMS_LIFECYCLE_START_RETRY_SECONDS: '1' },
    resourceTypes: dmsResourceTypes(dms()),
  });
  const created = await driver.deploy();
  expect(created.status).toBe('CREATE_FAILED');
  expect(failureReasonsOf(created)).toEqual({
    AssessTask: `DMS StartReplicationTaskAssessmentRun failed for replication task ${taskArn}: S3ResourceNotFoundFault: The specified bucket does not exist: assessments-gone`,
  });
  expect(callsOn(taskArn)).toEqual(['StartReplicationTaskAssessmentRun!S3ResourceNotFoundFault']);
});

test('throttled Describes are ridden out, and a replayed create joins its run instead of starting another', async () => {
  const { name, taskArn } = next();
  dms().throttle('DescribeReplicationTaskAssessmentRuns', 2);
  dms().throttle('DescribeReplicationTaskIndividualAssessments', 2);
  const driver = driverFor(name, { kinds: ['Task'] });
  expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
  const assessment = resourceOf(driver, 'Custom::DmsPremigrationAssessment', 'AssessTask');
  const replayed = await driver.replay(assessment.logicalId);
  expect(replayed).toMatchObject({ status: 'SUCCESS', data: { Status: 'passed', AssessmentRunArn: assessment.attributes.AssessmentRunArn } });
  expect(dms().assessmentRuns(taskArn)).toHaveLength(1);
  expect(callsOn(taskArn)).toEqual(['StartReplicationTaskAssessmentRun', 'StartReplicationTask(start-replication)', 'StartReplicationTaskAssessmentRun!ResourceAlreadyExistsFault']);
}, 60_000);
