import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { CloudFormationCustomResourceDeleteEvent, CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ReplicationDesiredStateName, ReplicationWaitTargetValue } from '../../src/private/handler-contract';
import {
  currentReplicationStatus,
  describeReplication,
  dmsClientFor,
  dmsRequestTimeoutMs,
  DmsOperation,
  graceMs,
  lastAskWas,
  NEVER_RAN,
  OperationMark,
  readIntent,
  recordAsk,
  recordOfStack,
  ReplicationStartOptions,
  ReplicationTarget,
  replicationStart,
  restWaitMs,
  RUN_STARTS,
  replicationAttributes,
  replicationStop,
  stopsForStayStopped,
  UNDER_WAY,
} from '../dms';
import { SSM_REQUEST_TIMEOUT_MS } from '../dms/ssm-client';
import { forgetWhenGone } from '../handler-kit/forget-when-gone';
import { askerOf } from '../handler-kit/intent-asker';
import { LifecycleResourceKind, stackCallSpacingMs } from '../handler-kit/lifecycle-handler';
import { replicationGoesAway, replicationStaysReason, retentionOf } from '../handler-kit/replication-presence';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { isRollingBack, StackReads, stackReadsOf, stackStatus } from '../handler-kit/stack-status';

export function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config ? { kind: 'replication-config', arn: config } : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

/** This request, as the record of intent names who asked: only this stack's asks count in its decisions. */
export { askerOf };

/** The start options in the resource's properties (reload and rollback are decided per request). */
export function startOptions(props: ResourcePropertyReader, target: ReplicationTarget): ReplicationStartOptions {
  const cdcStartTime = props.optionalString('CdcStartTime');
  return {
    target,
    until: props.string('WaitFor') as ReplicationWaitTargetValue,
    cdcStartTime: cdcStartTime ? new Date(cdcStartTime) : undefined,
    cdcStartPosition: props.optionalString('CdcStartPosition'),
    // Every wait for DMS to rest (a forward start's, a restore's, the guard's restart) hands over before the request's deadline.
    restWaitMs: restWaitMs(props.secondsAsMs('TimeoutSeconds')),
    minSpacingMs: stackCallSpacingMs(),
  };
}

/**
 * The run's physical id records what its create did, where its Delete finds it: the ARN
 * alone when the create changed nothing (it found the replication running: adopted),
 * `<ARN>|start` when the create starts it, `<ARN>|stop` when a create with the desired
 * state *stopped* stopped one that ran. A Delete whose id is none of these (CloudFormation
 * made one up for a create it cancelled) re-derives it from the stack and DMS.
 */
const CREATE_STARTS = '|start';
const CREATE_STOPS = '|stop';

function createStarted(physicalId: string): boolean {
  return physicalId.endsWith(CREATE_STARTS);
}

function createStopped(physicalId: string): boolean {
  return physicalId.endsWith(CREATE_STOPS);
}

/** Ours: the ARN, with or without a suffix (ids from before the suffixes are the bare ARN). */
function isOurId(physicalId: string, target: ReplicationTarget): boolean {
  return [target.arn, `${target.arn}${CREATE_STARTS}`, `${target.arn}${CREATE_STOPS}`].includes(physicalId);
}

/** A forward Update whose ReloadTrigger changed asks for `reload-target`. */
function reloadChanged(event: CloudFormationCustomResourceEvent, props: ResourcePropertyReader): boolean {
  if (event.RequestType !== 'Update') return false;
  return props.optionalString('ReloadTrigger') !== new ResourcePropertyReader(event.OldResourceProperties).optionalString('ReloadTrigger');
}

/**
 * Asked right before every start a forward request makes: once the stack rolls back (another
 * resource failed, CloudFormation cancelled this create), the start is no longer wanted. A
 * second check only: the record of intent decides (a Delete or a rollback that asked after this
 * request began overtakes it, see replicationStart); this also stops a forward start whose
 * rollback has not asked anything yet.
 */
function forwardStillWanted(event: CloudFormationCustomResourceEvent): () => Promise<string | undefined> {
  return async () => {
    const status = await stackStatus(event.StackId, 'whether the deployment still wants the start');
    return /^(CREATE|UPDATE)_IN_PROGRESS$/.test(status) ? undefined : `stack ${event.StackId} is ${status}, so this ${event.RequestType.toLowerCase()} no longer starts anything`;
  };
}

/** Whether the resource's desired state is stopped (absent: running, as before the prop existed). */
export function desiredStopped(props: ResourcePropertyReader): boolean {
  return props.optionalString('DesiredState') === ReplicationDesiredStateName.STOPPED;
}

/**
 * Create or Update with the desired state *stopped*: stop it and wait until it is stopped,
 * starting nothing; a rollback stops only the rolled-back update's own start, as the record
 * of intent shows it (see stopsForStayStopped). Whether it stops is decided in `start`; the mark carries it.
 */
function stayStopped(
  client: DatabaseMigrationServiceClient,
  target: ReplicationTarget,
  event: CloudFormationCustomResourceEvent,
): DmsOperation {
  const stop = replicationStop(client, target, { intent: askerOf(event) });
  const asItIs = currentReplicationStatus(client, target);
  return {
    subject: `${stop.subject} and stay stopped (desired state)`,
    async start(): Promise<OperationMark> {
      const rollback = event.RequestType === 'Update' && (await isRollingBack(event.StackId));
      const state = await describeReplication(client, target);
      const startedByRolledBack = rollback && lastAskWas(await readIntent(target.arn), event.StackId, event.LogicalResourceId, RUN_STARTS);
      if (!state || !stopsForStayStopped(state, rollback, startedByRolledBack)) return { mode: 'leave' };
      // A create that stops a replication that ran records it (physical id), so its rollback can undo it.
      return { ...(await stop.start()), mode: 'stop', stoppedRunning: UNDER_WAY.has(state.status) };
    },
    async check(mark) {
      if (mark.mode !== 'stop') return asItIs.check(mark);
      const progress = await stop.check(mark);
      if (!progress.done) return progress;
      // The run's attributes, all of them: a stack may read the start type and progress.
      return { ...progress, attributes: replicationAttributes(await describeReplication(client, target), 'none') };
    },
  };
}

/**
 * Create or Update: start (forward) or restore (rollback). Which one is decided in `start`
 * (one stack read), and the mark carries it to every check.
 */
function startOrRestore(
  client: DatabaseMigrationServiceClient,
  props: ResourcePropertyReader,
  target: ReplicationTarget,
  event: CloudFormationCustomResourceEvent,
): DmsOperation {
  const options = { ...startOptions(props, target), stillWanted: forwardStillWanted(event), intent: askerOf(event) };
  const checks = replicationStart(client, options);
  let decided: Promise<DmsOperation> | undefined; // once, however often onEvent retries the start
  return {
    subject: checks.subject,
    async start(): Promise<OperationMark> {
      decided ??= (async () => {
        const rollingBack = event.RequestType === 'Update' && (await isRollingBack(event.StackId));
        if (rollingBack) {
          // A rollback only brings back what ran: resume, accept, never wait for a load, never fail for DMS.
          return replicationStart(client, { ...options, until: 'accepted', restore: true, quiet: true, handOverAfterMs: props.secondsAsMs('TimeoutSeconds') - 10_000 });
        }
        return replicationStart(client, { ...options, reload: reloadChanged(event, props) });
      })();
      return (await decided).start();
    },
    check: (mark) => checks.check(mark),
  };
}

/**
 * How long after a Delete's fence a cancelled create's start may still reach DMS: the create's
 * read-back of the record, made before the fence, is answered at most one SSM request timeout
 * later (5 s), and its StartReplication then takes at most the DMS client's request timeout (10 s).
 */
function createStartLandsWithinMs(): number {
  return SSM_REQUEST_TIMEOUT_MS + dmsRequestTimeoutMs();
}

/**
 * The Delete of a create CloudFormation cancelled (its physical id is one CloudFormation made
 * up): that create may still be on its way to a start. First the fence: this Delete records its
 * own ask, so a create that has not yet recorded its start finds an ask after it began and starts
 * nothing. Then the record tells whether the create asked a start before the fence: if so (or if
 * the replication goes away with the stack), this stops it, once the create's start had time to
 * reach DMS: counted from the fence (createStartLandsWithinMs), and no earlier than the read-lag
 * grace after the create's ask. A replication DMS then still shows never run is looked at for
 * one more read-lag grace (a Describe lagging a start that landed late) before it is judged at rest.
 * Remaining window: a create's start that DMS still does not show 25 s after the fence (5 s + 10 s
 * + a 10-s read lag) is missed. A replication running before the create, that stays in the stack,
 * is left alone.
 */
function cancelledCreateDelete(
  client: DatabaseMigrationServiceClient,
  props: ResourcePropertyReader,
  target: ReplicationTarget,
  event: CloudFormationCustomResourceEvent,
): DmsOperation {
  const asker = askerOf(event);
  const stop = replicationStop(client, target, { intent: asker });
  return {
    subject: `what a cancelled create started (if anything) to stop: ${stop.subject}`,
    async start(): Promise<OperationMark> {
      const record = recordOfStack(await recordAsk(target.arn, { action: 'stop', by: asker.by }), event.StackId);
      const fencedAt = Date.now();
      const mine = record?.asks.findIndex((a) => 'stack' in a.by && a.by.request === event.RequestId) ?? -1;
      const createAsk = record?.asks.slice(0, Math.max(0, mine)).reverse()
        .find((a) => 'stack' in a.by && a.by.resource === event.LogicalResourceId);
      const started = createAsk !== undefined && createAsk.refused === undefined && RUN_STARTS.includes(createAsk.action);
      if (!started) return { actAfter: 0 };
      const actAfter = Math.max(fencedAt + createStartLandsWithinMs(), createAsk.at + graceMs('readLag'));
      return { createStarted: true, actAfter, lookUntil: actAfter + graceMs('readLag') };
    },
    async check(mark) {
      if (mark.createStarted !== true) {
        // The record says the create started nothing: what CloudFormation keeps (in the stack, or retained) is left as it is.
        // The one stack read in an isComplete check (every other is in onEvent, 10 min): throttling hands back to the waiter.
        if (await replicationStaysReason(new StackReads(event.StackId, 'hand-back'), target.arn, retentionOf(props), false)) {
          const state = await describeReplication(client, target);
          return { done: true, status: state?.status ?? 'not-found', detail: 'the cancelled create started nothing: left as it is' };
        }
      }
      const actAfter = Number(mark.actAfter);
      if (Date.now() < actAfter) return { done: false, status: 'waiting for the cancelled create\'s start to reach DMS', recheckAt: actAfter, holdUntil: actAfter };
      const lookUntil = Number(mark.lookUntil ?? 0);
      if (Date.now() < lookUntil) {
        // The create's start is on record: DMS showing it never run may still lag that start.
        const state = await describeReplication(client, target);
        if (state && NEVER_RAN.has(state.status)) {
          return { done: false, status: state.status, detail: 'the cancelled create\'s start is on record; DMS may not show it yet', recheckAt: Math.min(lookUntil, Date.now() + 2_000) };
        }
      }
      return stop.check({});
    },
  };
}

/**
 * The Delete of a run whose create stopped a running replication (desired state *stopped*):
 * when the update that added the run rolls back, it starts the replication again (restore:
 * resume, checked until it runs, a refusal or failure fails this Delete in DMS's words);
 * on any other Delete it stops it, as every run's Delete does.
 */
function undoCreateStop(
  client: DatabaseMigrationServiceClient,
  props: ResourcePropertyReader,
  target: ReplicationTarget,
  event: CloudFormationCustomResourceEvent,
): DmsOperation {
  const stop = replicationStop(client, target, { intent: askerOf(event) });
  const restart = replicationStart(client, { ...startOptions(props, target), until: 'running', restore: true, intent: askerOf(event) });
  return {
    subject: `${restart.subject} again if the update that added this run rolled back, otherwise ${stop.subject}`,
    async start(): Promise<OperationMark> {
      const undo = (await stackReadsOf(event).inRolledBackTemplate(event.LogicalResourceId)) === false;
      return undo ? { ...(await restart.start()), undo: true } : stop.start();
    },
    check: (mark) => (mark.undo === true ? restart.check(mark) : stop.check(mark)),
  };
}

/** The Delete's stop: of a cancelled create, undoing a create's stop, or the plain one. */
function deleteOperation(
  client: DatabaseMigrationServiceClient,
  props: ResourcePropertyReader,
  target: ReplicationTarget,
  event: CloudFormationCustomResourceDeleteEvent,
): DmsOperation {
  if (!isOurId(event.PhysicalResourceId, target)) return cancelledCreateDelete(client, props, target, event);
  if (createStopped(event.PhysicalResourceId)) return undoCreateStop(client, props, target, event);
  return replicationStop(client, target, { intent: askerOf(event) });
}

/**
 * The run: Create starts the replication (start type as DMS requires it, from DMS at rest)
 * and waits for `WaitFor`; an Update after CloudFormation modified the config or task
 * (its properties ride along) resumes it; during an update rollback it only restores it
 * running (see replication-plan.ts); a changed ReloadTrigger reloads the target. With the
 * desired state *stopped*, Create and Update stop it instead and start nothing. Delete
 * stops it (and waits), before CloudFormation deletes the config or task, when it goes
 * away, or when it undoes the start of this run's own create; it never stops a
 * replication the create found running, nor one that stays in the stack.
 */
export const runKind: LifecycleResourceKind = {
  actsOn: ['Create', 'Update', 'Delete'],
  inputs: ['ReplicationConfigArn', 'ReplicationTaskArn', 'ReplicationProperties', 'ReloadTrigger', 'CdcStartTime', 'CdcStartPosition', 'DesiredState'],
  onRollback: 'run',
  physicalId: (props, event, mark) => {
    const { arn } = targetOf(props);
    if (event.RequestType === 'Create') {
      if (mark?.stoppedRunning === true) return `${arn}${CREATE_STOPS}`;
      return mark && (mark.requested === true || mark.pending === true) ? `${arn}${CREATE_STARTS}` : arn;
    }
    // An Update keeps what the create recorded, unless the ARN changed (a new config: a new run).
    return event.RequestType === 'Update' && event.PhysicalResourceId.startsWith(arn) ? event.PhysicalResourceId : arn;
  },
  operation(props, intent, event): DmsOperation {
    const target = targetOf(props);
    const client = dmsClientFor(target.arn);
    if (event.RequestType === 'Delete') {
      // Every Delete path forgets the record of intent once done, if the replication goes away (forget-when-gone.ts).
      const goesAway = () => replicationGoesAway(stackReadsOf(event), target.arn, retentionOf(props));
      return forgetWhenGone(deleteOperation(client, props, target, event), target.arn, goesAway);
    }
    if (intent === 'report') return currentReplicationStatus(client, target);
    if (desiredStopped(props)) return stayStopped(client, target, event);
    return startOrRestore(client, props, target, event);
  },
  skipReason: async (event, props) => {
    if (event.RequestType !== 'Delete') return undefined;
    const target = targetOf(props);
    if (!isOurId(event.PhysicalResourceId, target)) return undefined; // a cancelled create: decided after its fence
    const stack = stackReadsOf(event);
    // A run that a failed update added undoes its own create's start (or stop), and only that.
    const inRolledBack = await stack.inRolledBackTemplate(event.LogicalResourceId);
    if (inRolledBack === false) {
      if (createStarted(event.PhysicalResourceId) || createStopped(event.PhysicalResourceId)) return undefined;
      return 'this run\'s create found the replication running and started nothing: leaving it running';
    }
    // Removing the construct (or renaming it) while the config or task stays must not stop it, nor
    // a Delete that CloudFormation's policies make it outlive, unless this run started it in the
    // rolled-back operation: its create, or (rollback cleanup of an id the failed update gave it)
    // the failed update's start of a new config or task.
    const ownStart = createStarted(event.PhysicalResourceId) || inRolledBack === true;
    return replicationStaysReason(stack, target.arn, retentionOf(props), ownStart);
  },
};
