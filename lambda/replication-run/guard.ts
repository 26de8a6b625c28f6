import { createHash } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { dmsClientFor, DmsOperation, OperationMark, ReplicationTarget, replicationStart, replicationStop } from '../dms';
import { startOptions } from './run';
import { LifecycleResourceKind } from '../handler-kit/lifecycle-handler';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { stackResources, StackReads } from '../handler-kit/stack-status';

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

/**
 * The guard runs before CloudFormation modifies the config or task (which depends
 * on it), because its properties carry the config's: it updates exactly when the
 * config does.
 *
 * - Update (forward or rollback): stops the replication and waits until it is
 *   stopped, so DMS accepts the modify (or the rollback's modify back). Its physical
 *   id names the properties' digest, so every such Update returns a new id.
 * - Delete of the id a rolled-back update replaced (the stack is in
 *   UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, after every rollback modify): starts
 *   the replication again. This is what brings it back when the config's own update
 *   failed, so that the run (which comes after the config) never got an Update.
 * - Every other Delete (cleanup of a successful update, stack deletion): nothing.
 */
export const guardKind: LifecycleResourceKind = {
  actsOn: ['Update', 'Delete'],
  inputs: ['ReplicationProperties'],
  onRollback: 'run',
  physicalId: (props) => `${props.string('ReplicationLogicalId')}:${fingerprint(props.string('ReplicationProperties'))}`,
  operation(props, intent, event): DmsOperation {
    const logicalId = props.string('ReplicationLogicalId');
    if (intent === 'report') return { subject: `the guard of ${logicalId}`, start: async () => ({}), check: async () => ({ done: true, status: 'unchanged' }) };
    if (event.RequestType === 'Delete') {
      return onFoundTarget(
        `the replication of ${logicalId} to run again after the rolled-back update`,
        // Only the id a rolled-back update replaced (the guard existed before that update) brings a replication back.
        async () => ((await new StackReads(event.StackId).inRolledBackTemplate(event.LogicalResourceId)) ? findTarget(event, props) : undefined),
        (target) => replicationStart(dmsClientFor(target.arn), startOptions(props, target)),
      );
    }
    return onFoundTarget(
      `the replication of ${logicalId} to stop before CloudFormation modifies it`,
      () => findTarget(event, props),
      (target) => replicationStop(dmsClientFor(target.arn), target),
    );
  },
};
