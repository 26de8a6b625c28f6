/**
 * DmsPremigrationAssessment on the paths where something goes wrong (issue 26), end to end on
 * the BUNDLED handler assets: IAM propagation right after the stack created the assessment's
 * role and bucket policy, a run the deployment did not start, and a deployment that gives up
 * on an assessment whose StartReplication DMS is acting on.
 */
import { DatabaseMigrationServiceClient, StartReplicationCommand, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import { Duration, Stack } from 'aws-cdk-lib';
import { intentParameterName, recordAsk } from '../../lambda/dms/intent-record';
import { CUT_OVER } from '../../lambda/dms/replication-plan';
import { DmsConnectionTest, DmsPremigrationAssessment } from '../../src';
import { dmsResourceTypes, LifecycleDriver } from '../../tools/lifecycle';
import { assessmentGatedRunStacks, failureReasonsOf, nonDescribeCallsOn, SHORT_GRACES } from '../support/assessment-gated-runs';
import { statusOnceSettled, useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig, replicationTask } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 600, fullLoadDurationMs: 800, modifyDurationMs: 600 } });

const { app, driverFor, next } = assessmentGatedRunStacks(dms, 'AssessFail');
const status = (arn: string) => dms().replicationRun(arn)?.Status;
const callsOn = (arn: string) => nonDescribeCallsOn(dms(), arn);
/** The asks as last written to the record of intent (it may be gone since: forgotten with its config). */
const asksOn = (arn: string) => {
  const name = intentParameterName(arn);
  const value = dms().callsTo('PutParameter').filter((c) => c.input?.Name === name).at(-1)?.input?.Value;
  const record = value ? JSON.parse(String(value)) : { asks: [] };
  return record.asks.map((a: any) => `${a.action}:${a.by.cli ? 'CLI' : String(a.by.resource).replace(/[A-F0-9]{8}$/, '')}`);
};
const recordOf = (arn: string) => dms().parameters.value(intentParameterName(arn));

/** Consecutive repeats folded: `X ×3`. */
const folded = (calls: string[]) => calls.reduce<Array<[string, number]>>((out, c) => {
  const last = out[out.length - 1];
  if (last && last[0] === c) last[1]++;
  else out.push([c, 1]);
  return out;
}, []).map(([c, k]) => (k > 1 ? `${c} ×n` : c));

describe('item 11: IAM propagation right after the stack created the role and bucket policy', () => {
  afterEach(() => dms().setIamPropagation(undefined));

  test('the issue\'s case: a task assessment meets S3AccessDeniedFault in its first seconds, retries under the same run name, and the stack completes', async () => {
    const { name, configArn, taskArn } = next();
    dms().setIamPropagation({ durationMs: 4_000, fault: 'S3AccessDeniedFault' });
    const driver = driverFor(name, {}, { DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS: '30' });
    const created = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
    expect(folded(callsOn(taskArn))).toEqual([
      'StartReplicationTaskAssessmentRun!S3AccessDeniedFault ×n',
      'StartReplicationTaskAssessmentRun',
      'StartReplicationTask(start-replication)',
    ]);
    const names = new Set(dms().callsTo('StartReplicationTaskAssessmentRun').filter((c) => c.input.ReplicationTaskArn === taskArn).map((c) => c.input.AssessmentRunName));
    expect(names.size).toBe(1);
    expect(dms().assessmentRuns(taskArn).map((r) => r.status)).toEqual(['passed']);
    expect([status(configArn), status(taskArn)]).toEqual(['running', 'running']);
  }, 90_000);

  test('a run that ends error-provisioning while IAM propagates is followed by one more, named after it; the stack completes', async () => {
    const { name, taskArn } = next();
    dms().setIamPropagation({ durationMs: 2_500, fault: 'error-provisioning' });
    const driver = driverFor(name, { kinds: ['Task'] }, { DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS: '30' });
    const created = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
    const runs = dms().assessmentRuns(taskArn);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.map((r) => r.status)).toEqual([...runs.slice(1).map(() => 'error-provisioning'), 'passed']);
    expect(runs.map((r) => r.name)).toEqual(runs.map((_, i) => (i === 0 ? runs[0].name : `${runs[0].name}-${i + 1}`)));
    expect(runs.map((r) => r.folder)).toEqual(runs.map((r) => `premigration-assessments/${r.name}`));
    expect(status(taskArn)).toBe('running');
  }, 90_000);

  test('access still denied after the grace fails in DMS\'s words, with how long it was retried', async () => {
    const { name, taskArn } = next();
    dms().setIamPropagation({ durationMs: 600_000, fault: 'S3AccessDeniedFault' });
    const created = await driverFor(name, { kinds: ['Task'] }, { DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS: '3' }).deploy();
    expect(created.status).toBe('CREATE_FAILED');
    expect(failureReasonsOf(created)).toEqual({
      AssessTask: expect.stringMatching(new RegExp(`^DMS StartReplicationTaskAssessmentRun failed for replication task ${taskArn}: S3AccessDeniedFault: `
        + 'Access Denied: the role \\S+ cannot write to the S3 bucket \\S+ \\(still denied after \\d+ s, retried while IAM may propagate\\)$')),
    });
    expect(dms().assessmentRuns(taskArn)).toEqual([]);
  }, 60_000);
});

/** An assessment somebody else started (the console, or the CLI with other checks): DMS starts the config if it passes. */
async function foreignAssessment(configArn: string, check: string) {
  const client = new DatabaseMigrationServiceClient({});
  await client.send(new StartReplicationCommand({
    ReplicationConfigArn: configArn,
    StartReplicationType: 'start-replication',
    PremigrationAssessmentSettings: JSON.stringify({ ResultLocationFolder: 'by-hand', IncludeOnly: check, FailOnAssessmentFailure: true }),
  }));
}

describe('item 12: a serverless assessment never takes a run it did not start as its verdict', () => {
  const CHECKED = 'unsupported-data-types-in-source';
  /** A stack with the config only, then the same stack with its assessment (which leaves out CHECKED) and run. */
  async function stackThenAssessment(foreignCheckFails: boolean) {
    const { name, configArn } = next();
    dms().setAssessmentBehavior(configArn, { durationMs: 3_000, checks: { [CHECKED]: foreignCheckFails ? 'failed' : 'passed', 'postgres-check-wal-level': 'passed' } });
    const driver = driverFor(name, { kinds: [] });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    await foreignAssessment(configArn, CHECKED);
    dms().resetCalls();
    const updated = await driver.update(app(name, { kinds: ['Config'], assessment: { exclude: [CHECKED] } }).assemblyDir);
    return { driver, updated, configArn };
  }

  test('a foreign run that fails is waited for, then the gate runs its own, which passes; the stack completes', async () => {
    const { driver, updated, configArn } = await stackThenAssessment(true);
    expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
    const [foreign, ours] = dms().assessmentRuns(configArn);
    expect([foreign.status, foreign.folder, ours?.status]).toEqual(['failed', 'by-hand', 'passed']);
    const gate = [...driver.resources.values()].find((r) => r.logicalId.startsWith('AssessConfig'))!;
    expect(gate.attributes).toMatchObject({ Status: 'passed', AssessmentRunArn: ours.arn, PassedCount: '1' });
    expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment']);
    expect(status(configArn)).toBe('running');
  }, 90_000);

  test('a foreign run that starts the replication fails the gate saying so, and leaves it running', async () => {
    const { updated, configArn } = await stackThenAssessment(false);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const [foreign] = dms().assessmentRuns(configArn);
    expect(failureReasonsOf(updated)).toEqual({
      AssessConfig: `The premigration assessment ${foreign.arn} of the replication config ${configArn}, which this deployment did not start, started the replication: `
        + 'it is left running, without a verdict of this gate. Stop it (cdk-dms-lifecycle stop-replication --wait) and deploy again to assess it.',
    });
    expect(dms().assessmentRuns(configArn)).toHaveLength(1);
    expect(callsOn(configArn).filter((c) => c.startsWith('Stop') || c.startsWith('Start'))).toEqual([]);
    // Left to DMS, the foreign start goes on (it may still be provisioning when the rollback ends) and runs.
    await new Promise((resolve) => setTimeout(resolve, 10 * 60_000));
    expect(status(configArn)).toBe('running');
  }, 90_000);
});

describe('item 2: a serverless assessment\'s StartReplication is our start; the deployment that gives up on it stops it', () => {
  afterEach(() => dms().setServerlessAssessments({ statusWhileAssessing: undefined, stopWhileAssessing: undefined }));

  /** Where the config's assessment ran into (the start of a Delete's wait included). */
  const configCalls = (arn: string) => callsOn(arn).filter((c) => !c.startsWith('StopReplication!'));

  test.each(['refused', 'cancels'] as const)(
    'the issue\'s case: the create is cancelled while DMS assesses the config (a stop while assessing is %s); the Delete stops what DMS started, and the stack ends ROLLBACK_COMPLETE',
    async (stopWhileAssessing) => {
      const { name, configArn } = next();
      dms().setServerlessAssessments({ statusWhileAssessing: 'initializing', stopWhileAssessing });
      dms().setAssessmentBehavior(configArn, { durationMs: 6_000 });
      const driver = driverFor(name, { kinds: ['Config'] });
      const created = await driver.deploy({ cancelAfterMs: 3_000, onFailure: 'ROLLBACK' });
      await driver.settle();
      expect({ status: created.status, failures: failureReasonsOf(created) }).toEqual({ status: 'ROLLBACK_COMPLETE', failures: { AssessConfig: 'Resource creation cancelled' } });
      expect(configCalls(configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StopReplication', 'DeleteReplicationConfig']);
      expect(status(configArn)).toBeUndefined();
      // Recorded before each was sent: the create's start, then its Delete's stop; forgotten as the config went away.
      expect(asksOn(configArn)).toEqual(['assessment-start:AssessConfig', 'stop:AssessConfig']);
      expect(recordOf(configArn)).toBeUndefined();
    },
    90_000,
  );

  test('a timeout: the assessment\'s own create times out while DMS assesses; the rollback\'s Delete stops what DMS started, and the stack ends ROLLBACK_COMPLETE', async () => {
    const { name, configArn } = next();
    dms().setServerlessAssessments({ statusWhileAssessing: 'initializing' });
    dms().setAssessmentBehavior(configArn, { durationMs: 64_000 });
    const driver = driverFor(name, { kinds: ['Config'], assessment: { timeout: Duration.minutes(1) } }, { DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '5' });
    const created = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect(created.status).toBe('ROLLBACK_COMPLETE');
    expect(failureReasonsOf(created)).toEqual({ AssessConfig: expect.stringMatching(/^Timed out after 1m [0-2]s waiting for The premigration assessment of the replication config \S+; last status: running \(\d of 5 checks done\)/) });
    expect(configCalls(configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StopReplication', 'DeleteReplicationConfig']);
    expect(status(configArn)).toBeUndefined();
  }, 150_000);

  test('a rollback after the assessment passed and DMS started the config: the replication is stopped, and the stack ends ROLLBACK_COMPLETE', async () => {
    const { name, configArn } = next();
    const assemblyDir = synthStack((stack: Stack) => {
      const config = replicationConfig(stack, name, 'sales');
      replicationTask(stack, name, 'sales');
      const assess = DmsPremigrationAssessment.forReplicationConfig(stack, 'AssessConfig', config, { pollInterval: Duration.seconds(1) });
      // Fails after the assessment: a connection test of an endpoint DMS does not know.
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(assess);
    }, name).assemblyDir;
    const driver = new LifecycleDriver({
      assemblyDir, stackName: name, env: { ...dms().env(), ...SHORT_GRACES }, resourceTypes: dmsResourceTypes(dms()),
    });
    const created = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect(created.status).toBe('ROLLBACK_COMPLETE');
    expect(Object.keys(failureReasonsOf(created))).toEqual(['FailsLater']);
    expect(configCalls(configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StopReplication', 'DeleteReplicationConfig']);
    expect(status(configArn)).toBeUndefined();
  }, 90_000);

  test('a classic task\'s run that a cancelled create abandons is cancelled by its Delete', async () => {
    const { name, taskArn } = next();
    dms().setAssessmentBehavior(taskArn, { durationMs: 20_000 });
    // isComplete hands back every 2 s, so the Delete's invocation gets its turn while the run is under way.
    const driver = driverFor(name, { kinds: ['Task'] }, { DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '2' });
    const created = await driver.deploy({ cancelAfterMs: 3_000, onFailure: 'ROLLBACK' });
    await driver.settle();
    expect(created.status).toBe('ROLLBACK_COMPLETE');
    expect(dms().assessmentRuns(taskArn).map((r) => r.status)).toEqual(['cancelling']);
    expect(dms().callsTo('CancelReplicationTaskAssessmentRun').filter((c) => !c.errorCode).map((c) => c.input.ReplicationTaskAssessmentRunArn)).toContain(dms().assessmentRuns(taskArn)[0].arn);
  }, 90_000);
});

/** What the CLI's start-replication does: records its ask, then sends it. */
async function startByCli(configArn: string, startType: 'start-replication' | 'resume-processing') {
  const action = startType === 'start-replication' ? 'start' : 'resume';
  await recordAsk(configArn, { action, startType, from: status(configArn), by: { cli: 'cdk-dms-lifecycle start-replication test' } });
  const client = new DatabaseMigrationServiceClient({});
  await client.send(new StartReplicationCommand({ ReplicationConfigArn: configArn, StartReplicationType: startType }));
}

describe('issue 26: a serverless assessment decides its start, and the stop after a failed verdict, from the record of intent', () => {
  /** The gated run's CDC start (test/support/assessment-gated-runs.ts). */
  const CDC_START = '2026-11-01T00:00:00Z';

  test('item 5: after a first start that failed (DMS would resume it from now), the assessment sends start-replication with the run\'s CDC start', async () => {
    const { name, configArn } = next();
    const driver = driverFor(name, { kinds: [] });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    dms().setRunBehavior(configArn, { outcome: 'fails', failedFirstStart: 'resumes-from-now', failureMessage: 'Source endpoint unreachable' });
    await startByCli(configArn, 'start-replication');
    expect(await statusOnceSettled(dms(), configArn, 'failed')).toBe('failed');
    dms().setRunBehavior(configArn, { outcome: 'runs' });
    dms().resetCalls();
    const updated = await driver.update(app(name, { kinds: ['Config'] }).assemblyDir);
    expect({ status: updated.status, failures: failureReasonsOf(updated) }).toEqual({ status: 'UPDATE_COMPLETE', failures: {} });
    expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment']);
    expect(dms().cdcStartOf(configArn)?.time).toBe(Date.parse(CDC_START));
    expect(status(configArn)).toBe('running');
  }, 90_000);

  test('a replication the CLI cut over: the assessment starts nothing, and the deploy fails saying it was cut over', async () => {
    const { name, configArn } = next();
    const driver = driverFor(name, { kinds: ['Config'] });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    await recordAsk(configArn, { action: 'cutover-stop', from: 'running', positions: ['commit_time:2026-11-01T22:00:01'], by: { cli: 'cutover' } });
    await new DatabaseMigrationServiceClient({}).send(new StopReplicationCommand({ ReplicationConfigArn: configArn }));
    expect(await statusOnceSettled(dms(), configArn, 'stopped')).toBe('stopped');
    dms().resetCalls();
    const updated = await driver.update(app(name, { kinds: ['Config'], schema: 'billing' }).assemblyDir);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failureReasonsOf(updated).AssessConfig).toBe(`The replication config ${configArn} ${CUT_OVER}`);
    expect(callsOn(configArn).filter((c) => c.startsWith('Start') || c.startsWith('Stop'))).toEqual([]);
    expect(status(configArn)).toBe('stopped');
  }, 90_000);

  test('a start the CLI made after the assessment failed (DMS started nothing) is left running: the failed verdict stops only our own start', async () => {
    const { name, configArn } = next();
    const driver = driverFor(name, { kinds: [] });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    // The assessment fails; its individual results lag, so the gate judges it again after the CLI's start.
    dms().setAssessmentBehavior(configArn, { checks: { 'postgres-check-wal-level': 'failed' }, resultsLagMs: 4_000 });
    dms().afterNextCall('DescribeReplicationTaskIndividualAssessments', () => void startByCli(configArn, 'start-replication'));
    dms().resetCalls();
    const updated = await driver.update(app(name, { kinds: ['Config'] }).assemblyDir);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failureReasonsOf(updated).AssessConfig).toMatch(/^The premigration assessment of the replication config \S+ failed: /);
    expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StartReplication(start-replication)']);
    expect(asksOn(configArn)).toEqual(['assessment-start:AssessConfig', 'start:CLI']);
    expect(await statusOnceSettled(dms(), configArn, 'running', 30_000)).toBe('running');
  }, 90_000);

  test('a warning with failOnWarning: the stop of what our own start began is recorded before it is sent', async () => {
    const { name, configArn } = next();
    const driver = driverFor(name, { kinds: [] });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    dms().setAssessmentBehavior(configArn, { checks: { 'table-with-lob-but-without-primary-key-or-unique-constraint': 'warning' } });
    dms().resetCalls();
    const updated = await driver.update(app(name, { kinds: ['Config'], assessment: { failOnWarning: true } }).assemblyDir);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(failureReasonsOf(updated).AssessConfig).toMatch(/^The premigration assessment of the replication config \S+ ended warning .* failOnWarning is set/);
    expect(callsOn(configArn)).toEqual(['StartReplication(start-replication)+assessment', 'StopReplication']);
    expect(asksOn(configArn)).toEqual(['assessment-start:AssessConfig', 'stop:AssessConfig']);
    expect(status(configArn)).toBe('stopped');
  }, 90_000);
});
