import { createHash } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import {
  describeReplication,
  describeTarget,
  dmsClientFor,
  DmsOperation,
  DmsOperationFailed,
  OperationMark,
  ReplicationTarget,
  replicationStart,
  replicationStop,
  lastAskWas,
  readIntent,
  UNDER_WAY,
} from '../dms';
import { askerOf, desiredStopped, startOptions } from './run';
import { replacesResource } from '../../src/private/replication-replacement';
import { LifecycleResourceKind } from '../handler-kit/lifecycle-handler';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { isRollingBack, stackResources, StackReads } from '../handler-kit/stack-status';

/** Short, stable digest of the config's properties: part of the guard's physical id. */
function fingerprint(properties: string): string {
  return createHash('sha256').update(properties).digest('hex').slice(0, 12);
}

function kindOf(props: ResourcePropertyReader): ReplicationTarget['kind'] {
  return props.string('ReplicationKind') === 'replication-task' ? 'replication-task' : 'replication-config';
}

/**
 * The config's or task's ARN, looked up among the stack's resources: the guard
 * runs before CloudFormation touches the config, so it cannot reference it.
 */
async function findTarget(event: CloudFormationCustomResourceEvent, props: ResourcePropertyReader): Promise<ReplicationTarget | undefined> {
  const logicalId = props.string('ReplicationLogicalId');
  const resources = await stackResources(event.StackId, `the ARN of ${logicalId}`);
  const arn = resources.find((r) => r.logicalId === logicalId)?.physicalId;
  return arn?.startsWith('arn:') ? { kind: kindOf(props), arn } : undefined;
}

/** An operation on a target found at start: the ARN rides in the mark to every check. */
function onFoundTarget(
  subject: string,
  find: () => Promise<ReplicationTarget | undefined>,
  operation: (target: ReplicationTarget) => DmsOperation,
): DmsOperation {
  const nothing = { done: true, status: 'nothing to do' };
  return {
    subject,
    async start(): Promise<OperationMark> {
      const target = await find();
      if (!target) return { arn: '' };
      return { ...(await operation(target).start()), arn: target.arn, kind: target.kind };
    },
    async check(mark) {
      if (!mark.arn) return nothing;
      return operation({ kind: mark.kind as ReplicationTarget['kind'], arn: String(mark.arn) }).check(mark);
    },
  };
}

/** Suffix of the id of a guard Update that asked DMS to stop the replication: its rollback cleanup starts it again. */
const STOPPED = ':stopped';

/** The fingerprint part of a guard id (`<logical id>:<digest>[:stopped]`). */
function fingerprintOf(physicalId: string): string | undefined {
  return physicalId.split(':')[1];
}

/**
 * Whether this change of the config's or task's properties makes CloudFormation replace it (a
 * new ARN) instead of modifying it: then the replication that runs is not touched, and one that
 * CloudFormation keeps (UpdateReplacePolicy Retain) must go on running.
 */
function replacedNotModified(props: ResourcePropertyReader, event: CloudFormationCustomResourceEvent): boolean {
  if (event.RequestType !== 'Update') return false;
  const type = kindOf(props) === 'replication-task' ? 'AWS::DMS::ReplicationTask' : 'AWS::DMS::ReplicationConfig';
  const before = propertiesOf(new ResourcePropertyReader(event.OldResourceProperties).optionalString('ReplicationProperties'));
  const after = propertiesOf(props.optionalString('ReplicationProperties'));
  return before !== undefined && after !== undefined && replacesResource(type, before, after);
}

/** The config's or task's properties from their JSON (the construct writes JSON; anything else: unknown). */
function propertiesOf(json: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = json === undefined ? undefined : JSON.parse(json);
    return typeof value === 'object' && value !== null ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A forward update would stop a full-load-only replication in the middle of its load, and DMS
 * cannot resume one (resume-processing is not applicable to full-load): refused before anything
 * is stopped, unless reloadTrigger changed (the run then reloads it). Never a half-loaded target.
 */
async function refuseStopMidLoad(target: ReplicationTarget, props: ResourcePropertyReader, event: CloudFormationCustomResourceEvent): Promise<void> {
  const old = event.RequestType === 'Update' ? new ResourcePropertyReader(event.OldResourceProperties) : undefined;
  if (old && old.optionalString('ReloadTrigger') !== props.optionalString('ReloadTrigger')) return;
  const state = await describeReplication(dmsClientFor(target.arn), target);
  if (!state || state.migrationType !== 'full-load' || !UNDER_WAY.has(state.status) || state.fullLoadFinished) return;
  throw new DmsOperationFailed(
    `The ${describeTarget(target)} is full-load only and still loading (${state.fullLoadProgressPercent ?? 0} %): CloudFormation can modify it only once it is stopped, `
    + 'and DMS cannot resume a full-load-only replication (resume-processing is not applicable to full-load), so nothing was stopped. '
    + 'Wait for the load to finish, or set reloadTrigger to a new value to load the target again after the change.',
  );
}

/**
 * The guard's Update. Forward: stop, and a refusal fails the update. Rollback after a
 * forward Update that completed: stop again for the modify back, but a refusal ends the
 * wait. Rollback after a forward Update that failed (its id still names the properties
 * rolled back to, so CloudFormation never modified the config): stop nothing, and start
 * again what that failed Update had stopped (its stop is the last ask on record), and only that.
 * Which of these is decided in `start`; the mark carries it to the checks.
 */
function guardUpdate(props: ResourcePropertyReader, event: CloudFormationCustomResourceEvent): DmsOperation {
  const logicalId = props.string('ReplicationLogicalId');
  const stopOf = (target: ReplicationTarget, rollback: boolean) =>
    replicationStop(dmsClientFor(target.arn), target, { refusalEndsWait: rollback, intent: askerOf(event) });
  const restartOf = (target: ReplicationTarget) => replicationStart(dmsClientFor(target.arn), {
    ...startOptions(props, target), until: 'accepted', restore: true, quiet: true, intent: askerOf(event),
  });
  const nothing = { done: true, status: 'nothing to do' };
  /** Whether this request restarts it (a rollback of its own failed update): its reasons say so. */
  let restarting = false;
  return {
    get subject() {
      return restarting
        ? `the replication of ${logicalId} to run again after its own update failed (it stopped it; CloudFormation never modified it)`
        : `the replication of ${logicalId} to stop before CloudFormation modifies it`;
    },
    async start(): Promise<OperationMark> {
      // CloudFormation replaces it rather than modify it: the old one needs no stop (a Delete stops it if it goes away).
      if (replacedNotModified(props, event)) return { arn: '' };
      const rollback = await isRollingBack(event.StackId);
      const target = await findTarget(event, props);
      const currentId = event.RequestType === 'Update' ? event.PhysicalResourceId : '';
      if (rollback && fingerprintOf(currentId) === fingerprint(props.string('ReplicationProperties'))) {
        // Rolled back to a desired state of stopped: nothing runs it again.
        if (!target || desiredStopped(props)) return { arn: '', keepId: true };
        // Only this guard's own stop, the last ask on record, is started again: not a stop by the CLI or anyone since.
        if (!lastAskWas(await readIntent(target.arn), event.StackId, event.LogicalResourceId, ['stop'])) return { arn: '', keepId: true };
        restarting = true;
        return { ...(await restartOf(target).start()), arn: target.arn, kind: target.kind, mode: 'restart', keepId: true };
      }
      if (!target) return { arn: '' };
      if (!rollback) await refuseStopMidLoad(target, props, event);
      return { ...(await stopOf(target, rollback).start()), arn: target.arn, kind: target.kind, mode: rollback ? 'rollback-stop' : 'stop' };
    },
    async check(mark) {
      if (!mark.arn) return nothing;
      const target: ReplicationTarget = { kind: mark.kind as ReplicationTarget['kind'], arn: String(mark.arn) };
      restarting = mark.mode === 'restart';
      return restarting ? restartOf(target).check(mark) : stopOf(target, mark.mode === 'rollback-stop').check(mark);
    },
  };
}

/**
 * The guard runs before CloudFormation modifies the config or task (which depends
 * on it), because its properties carry the config's: it updates exactly when the
 * config does.
 *
 * - Forward Update: stops the replication and waits until it is stopped, so DMS accepts
 *   the modify; a refusal fails the update. Its physical id names the properties' digest
 *   (so every such Update returns a new id) and `:stopped` when it asked DMS to stop.
 * - Rollback Update after a forward Update that completed: stops it again for the modify
 *   back; a refusal ends the wait rather than fail the rollback (if DMS still runs it, the
 *   modify back fails in DMS's own words).
 * - Rollback Update after a forward Update that failed (the config was never modified): stops
 *   nothing, and starts again what the failed forward Update had stopped, unless the desired
 *   state rolled back to is *stopped*.
 * - Delete of a `:stopped` id a rolled-back update replaced (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS,
 *   after every rollback modify): starts the replication again if it is stopped and checks
 *   until it runs; a refusal or a failure fails this Delete with DMS's words (CloudFormation
 *   records it in the stack events and still completes the rollback). This also covers a
 *   modify DMS refused, after which the run got no update.
 * - Every other Delete (cleanup of a successful update, stack deletion): nothing.
 * - An Update (forward or rollback) of properties that make CloudFormation replace the config or
 *   task rather than modify it: nothing. The run's Delete of the old ARN stops it if it goes away;
 *   UpdateReplacePolicy Retain keeps it, running.
 */
export const guardKind: LifecycleResourceKind = {
  actsOn: ['Update', 'Delete'],
  inputs: ['ReplicationProperties'],
  onRollback: 'run',
  physicalId: (props, event, mark) => {
    // No DMS call (a report), or a rollback of a failed forward Update: the id stays.
    if (event.RequestType === 'Update' && (!mark || mark.keepId === true)) return event.PhysicalResourceId;
    const id = `${props.string('ReplicationLogicalId')}:${fingerprint(props.string('ReplicationProperties'))}`;
    return mark?.stopRequested === true ? `${id}${STOPPED}` : id;
  },
  operation(props, intent, event): DmsOperation {
    const logicalId = props.string('ReplicationLogicalId');
    // A report (only run props changed, such as the desired state) keeps the id, and with it a `:stopped` the cleanup may need.
    if (intent === 'report') return { subject: `the guard of ${logicalId}`, start: async () => ({ keepId: true }), check: async () => ({ done: true, status: 'unchanged' }) };
    if (event.RequestType === 'Delete') {
      return onFoundTarget(
        `the replication of ${logicalId} to run again after the rolled-back update`,
        // Only the id of a guard Update that stopped it, replaced by a rollback, brings a replication back.
        async () => {
          if (!event.PhysicalResourceId.endsWith(STOPPED)) return undefined;
          return (await new StackReads(event.StackId).inRolledBackTemplate(event.LogicalResourceId)) ? findTarget(event, props) : undefined;
        },
        // Checked until it runs; resumed here only if the rollback did not resume it already (its failure is then the reason).
        (target) => replicationStart(dmsClientFor(target.arn), { ...startOptions(props, target), until: 'running', restore: true, intent: askerOf(event) }),
      );
    }
    return guardUpdate(props, event);
  },
};
