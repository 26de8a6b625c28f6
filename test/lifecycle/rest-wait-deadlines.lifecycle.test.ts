/**
 * Issue 26 item 8, end to end on the BUNDLED handler assets: every wait inside onEvent for DMS to
 * rest hands over to isComplete before the request's own deadline, for every `timeout` the run
 * accepts (1 minute to 1 hour): (a) a forward start, (b) an update rollback's restore, (c) the
 * guard's restart in the rolled-back update's cleanup. The provider's own Lambda timeouts, waiter
 * and ServiceTimeout apply (tools/lifecycle), as do the production rest-wait graces: nothing here
 * shortens them. DMS stays at a non-rest state (modifying, capacity being deprovisioned) longer
 * than onEvent may wait, and rests (or not) at a chosen point; simulated time.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { restWaitMs } from '../../lambda/dms';
import { DmsConnectionTest, DmsReplicationRun, ReplicationWaitFor } from '../../src';
import { ReplicationRunResourceType } from '../../src/private/handler-contract';
import { dmsResourceTypes, LambdaInvocationRecord, LifecycleDriver, OPERATION_TIMED_OUT_REASON, ProgressEvent, StackOperationResult } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, replicationConfig } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms({ runBehavior: { startDurationMs: 800, fullLoadDurationMs: 1_000, tables: 2 } });

/**
 * Short graces for what this suite does not test (refusals, read lag); not RUN_SUITE_GRACES
 * (test/support/short-graces.ts): the rest wait and isComplete's poll budget keep their production values.
 */
const ENV = {
  DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '3',
  DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '2',
};

const HOURS = 3600_000;
/** The provider's onEvent Lambda timeout (src/private/lifecycle-provider.ts). */
const ON_EVENT_TIMEOUT_MS = 10 * 60_000;
/** The longest onEvent waits for rest: its Lambda timeout less the room kept for the start call and the invocation's margin (lambda/dms/replication-start.ts). */
const ON_EVENT_REST_MS = ON_EVENT_TIMEOUT_MS - 105_000;

/** A config, its run (`timeout`), and (`failAfter`) a connection test after the run that fails, so the update rolls back. */
function app(name: string, timeout: Duration, schema: string, failAfter = false): string {
  return synthStack((stack: Stack) => {
    const config = replicationConfig(stack, name, schema);
    const run = DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config, { waitFor: ReplicationWaitFor.RUNNING, timeout });
    if (failAfter) new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(run);
  }, name).assemblyDir;
}

/** Where DMS rests during the rolled-back update: in the rollback's restore, in the cleanup's restart, or never. */
type RestsIn = 'restore' | 'cleanup' | 'never';
/** The request whose arrival meets CloudFormation failing its reads for a while: they are retried until they answer. */
type UnreadableAt = 'forward' | 'restore' | 'cleanup';

/** The run's and its guard's logical ids, and the config's ARN. */
interface Ids { run: string; guard: string; arn: string }

let n = 0;
/**
 * Deploys a running config with its run, then an update that modifies the config (the forward start
 * waits for rest) and rolls back. `at` is called on every progress event, to model DMS.
 */
async function rolledBackUpdate(timeout: Duration, at: (e: ProgressEvent, ids: Ids, driver: LifecycleDriver) => void) {
  const name = `RestWait${++n}`;
  const ids: Ids = { run: '', guard: '', arn: '' };
  const driver: LifecycleDriver = new LifecycleDriver({
    assemblyDir: app(name, timeout, 'sales'),
    stackName: name,
    env: { ...dms().env(), ...ENV },
    resourceTypes: dmsResourceTypes(dms()),
    onProgress: (e) => at(e, ids, driver),
  });
  const created = await driver.deploy();
  expect(created.status).toBe('CREATE_COMPLETE');
  const byType = (type: string) => [...driver.resources.values()].find((r) => r.resourceType === type)!.logicalId;
  Object.assign(ids, { run: byType(ReplicationRunResourceType.RUN), guard: byType(ReplicationRunResourceType.GUARD), arn: driver.resources.get('Config')!.physicalId });
  const updated = await driver.update(app(name, timeout, 'billing', true));
  return { driver, updated, ...ids };
}

/** Our onEvent invocations (not the framework's) for a resource's request of this type, in order. */
const onEvents = (driver: LifecycleDriver, logicalId: string, requestType: string): LambdaInvocationRecord[] => driver.lambdaInvocations
  .filter((i) => i.handler === 'index.onEvent' && i.request?.logicalId === logicalId && i.request.requestType === requestType);
const startsOn = (arn: string) => dms().callsTo('StartReplication').filter((c) => c.input?.ReplicationConfigArn === arn && !c.errorCode);
const eventOf = (r: StackOperationResult, logicalId: string, status: string) => r.events
  .filter((e) => e.logicalId === logicalId && e.status === status);

describe.each([
  ['1 minute', Duration.minutes(1)],
  ['5 minutes', Duration.minutes(5)],
  ['1 hour', Duration.hours(1)],
])('with a timeout of %s', (_label, timeout) => {
  /** The request's own deadline after onEvent is invoked: 1 hour is 59 minutes, so CloudFormation's ServiceTimeout (at most 1 hour) is later. */
  const deadlineMs = Math.min(timeout.toMilliseconds(), HOURS - 60_000);
  /** The longest onEvent may wait for DMS to rest before it hands over. */
  const restMs = Math.min(restWaitMs(deadlineMs), ON_EVENT_REST_MS);
  /** DMS rests this long into a request whose onEvent must hand over first: after onEvent's wait, well before the deadline. */
  const restsAfterHandOverMs = (restMs + deadlineMs) / 2;
  /** The forward modify: the forward start waits for it in onEvent, then starts. */
  const forwardModifyMs = restMs / 2;

  /** Each onEvent ended (answered, or failed in our words) before its request's deadline and its Lambda's timeout; none was killed. */
  function expectHandedOverInTime(driver: LifecycleDriver, invocations: LambdaInvocationRecord[]) {
    expect(invocations.length).toBeGreaterThan(0);
    for (const i of invocations) {
      expect([undefined, 'DmsOperationFailed']).toContain(i.errorType);
      expect(i.durationMs).toBeLessThan(deadlineMs);
      expect(i.durationMs).toBeLessThan(ON_EVENT_TIMEOUT_MS);
    }
    expect(driver.lambdaInvocations.filter((i) => i.errorType === 'Sandbox.Timedout')).toEqual([]);
  }

  /**
   * DescribeStacks answers HTTP 500 this often in a row, so the request's first stack read (rolling back or not?) is
   * retried 1, 2, 4, 5, 5… s apart: for longer than onEvent leaves between its wait for rest and the deadline.
   */
  const unreadableFor = Math.ceil((Math.min(deadlineMs - restMs, 80_000) + 3_000) / 5_000) + 3;
  /** How long those retries take. */
  const unreadableMs = 7_000 + 5_000 * (unreadableFor - 3);

  async function rollBack(restsIn: RestsIn, unreadableAt?: UnreadableAt) {
    dms().setRunBehavior(dms().arnForIdentifier('replication-config', `RestWait${n + 1}-config`), { modifyDurationMs: forwardModifyMs });
    let rollingBack = false;
    const { driver, updated, run, guard, arn } = await rolledBackUpdate(timeout, (e, ids, d) => {
      if (e.status === 'UPDATE_ROLLBACK_IN_PROGRESS') {
        rollingBack = true;
        // Never at rest: CloudFormation's modify back leaves it modifying for hours.
        if (restsIn === 'never') dms().setRunBehavior(ids.arn, { modifyDurationMs: 10 * HOURS });
      }
      const runUpdate = e.logicalId === ids.run && e.status === 'UPDATE_IN_PROGRESS';
      const arrives = { forward: runUpdate && !rollingBack, restore: runUpdate && rollingBack, cleanup: e.logicalId === ids.guard && e.status === 'DELETE_IN_PROGRESS' };
      // (a) never rests for the forward start: capacity is deprovisioned for hours once its modify ends.
      if (restsIn === 'never' && arrives.forward) dms().deprovision(ids.arn, 10 * HOURS);
      // (b) after the rollback's modify back, capacity is deprovisioned until DMS rests (or for hours).
      if (arrives.restore) dms().deprovision(ids.arn, restsIn === 'restore' ? restsAfterHandOverMs : 10 * HOURS);
      // (c) the guard's restart in the cleanup.
      if (restsIn === 'cleanup' && arrives.cleanup) dms().deprovision(ids.arn, restsAfterHandOverMs);
      if (unreadableAt && arrives[unreadableAt]) void d.failCloudFormationCalls('DescribeStacks', 'InternalFailure', unreadableFor);
    });

    const [forward, restore] = onEvents(driver, run, 'Update');
    const cleanup = onEvents(driver, guard, 'Delete');
    expectHandedOverInTime(driver, [forward, restore, ...cleanup]);
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const reasons = updated.events.map((e) => e.reason ?? '');
    expect(reasons.filter((r) => r.includes(OPERATION_TIMED_OUT_REASON) || r.includes('did not receive a response') || r.includes('Task timed out'))).toEqual([]);
    // The waits were real: the forward start waited out the modify; the restore's onEvent waited, then handed over.
    expect(forward.durationMs).toBeGreaterThan(forwardModifyMs - 1_000);
    expect(restore.durationMs).toBeGreaterThan(restMs / 2);
    const starts = startsOn(arn);
    if (unreadableAt) expect({ forward, restore, cleanup: cleanup[0] }[unreadableAt].durationMs).toBeGreaterThanOrEqual(unreadableMs);

    if (restsIn === 'never') {
      // (a) fails in our words, starting nothing; (b) hands over to the cleanup; (c) times out in our words.
      expect([forward.errorType, restore.errorType, cleanup[0].errorType]).toEqual(['DmsOperationFailed', undefined, undefined]);
      expect(eventOf(updated, run, 'UPDATE_FAILED')[0]?.reason).toMatch(
        /^The replication config \S+ was still stopped with its capacity being deprovisioned \(.*\) after \d+ s of waiting for it to be at rest; nothing was started\. Retry the deployment once DMS shows it at rest/,
      );
      expect(eventOf(updated, run, 'UPDATE_COMPLETE')).toHaveLength(1); // the rollback's restore
      expect(eventOf(updated, guard, 'DELETE_FAILED')[0]?.reason).toMatch(/^Timed out after .* waiting for the replication of Config to run again after the rolled-back update; last status: modifying/);
      expect(cleanup[0].durationMs).toBeGreaterThan(restMs / 2);
      expect(starts.map((c) => c.input?.StartReplicationType)).toEqual(['start-replication']);
      return;
    }
    expect([forward, restore, ...cleanup].map((i) => i.errorType)).toEqual([undefined, undefined, undefined]);
    // (a) the forward start waited in onEvent, started, and completed through isComplete.
    expect(eventOf(updated, run, 'UPDATE_COMPLETE')).toHaveLength(2);
    expect(starts.map((c) => c.input?.StartReplicationType)).toEqual(['start-replication', 'resume-processing', 'resume-processing']);
    expect(starts[1].at).toBeLessThanOrEqual(forward.startedAt + forward.durationMs);
    // The restart was made by isComplete, after onEvent handed over, and it runs: (b) by the restore's, (c) by the cleanup's.
    const handedOver = restsIn === 'restore' ? restore : cleanup[0];
    expect(starts[2].at).toBeGreaterThan(handedOver.startedAt + handedOver.durationMs);
    expect(starts[2].at).toBeLessThan(handedOver.startedAt + deadlineMs);
    expect(eventOf(updated, guard, 'DELETE_FAILED')).toEqual([]);
    if (restsIn === 'cleanup') expect(cleanup[0].durationMs).toBeGreaterThan(restMs / 2);
    expect(dms().replicationRun(arn)?.Status).toBe('running');
  }

  test.each(['restore', 'cleanup', 'never'] as const)('DMS rests in %s: every wait hands over before its deadline', (restsIn) => rollBack(restsIn), 120_000);

  test.each(['forward', 'restore', 'cleanup'] as const)(
    'stack reads that CloudFormation fails for a while as the %s request arrives do not push its hand-over past its deadline',
    (unreadableAt) => rollBack('never', unreadableAt),
    120_000,
  );
});
