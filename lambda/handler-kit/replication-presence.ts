import { ResourcePropertyReader } from './resource-properties';
import { StackReads, UPDATE_ROLLBACK_CLEANUP } from './stack-status';

const QUESTION = 'whether the replication stays in the stack';
/** What holds a replication (a teardown's own physical id is the ARN too). */
const REPLICATION_TYPES = new Set(['AWS::DMS::ReplicationConfig', 'AWS::DMS::ReplicationTask']);

/**
 * The DeletionPolicy and UpdateReplacePolicy of the config or task, as the construct carried
 * them from the template at synth (GetTemplate cannot tell them during an update's cleanup).
 */
export interface ReplicationRetention {
  readonly deletion: string;
  readonly updateReplace: string;
}

/** The policies in a run's or teardown's properties; absent (deployed before they existed): Delete. */
export function retentionOf(props: ResourcePropertyReader): ReplicationRetention {
  return {
    deletion: props.optionalString('ReplicationDeletionPolicy') ?? 'Delete',
    updateReplace: props.optionalString('ReplicationUpdateReplacePolicy') ?? 'Delete',
  };
}

const DELETED: ReplicationRetention = { deletion: 'Delete', updateReplace: 'Delete' };

/**
 * Why the Delete of a stop-on-delete resource must leave the replication alone, or
 * undefined when the replication is going away and must be stopped.
 *
 * It stays when the stack is not being deleted, its ARN is still the physical id of a
 * resource of the stack, and that resource is in the template the stack now has (the
 * stop-on-delete resource was removed or renamed, the replication was not).
 *
 * Otherwise CloudFormation deletes it, unless a policy keeps it: DeletionPolicy when the
 * stack is deleted, a failed create rolls back, or an update (or its rollback) removes it;
 * UpdateReplacePolicy when its ARN is no longer a resource of the stack (an update replaced
 * it; during an update rollback's cleanup, the replacement that update made). `Retain` keeps
 * it, except that a rollback deletes what the rolled-back operation created when the stack
 * was created or updated with the stack-level RetainExceptOnCreate flag; `RetainExceptOnCreate`
 * keeps it except in the rollback of the operation that created it. A retained replication
 * outlives the stack and keeps running: it is left alone, unless `ownStart` (the deleting
 * resource's own create started it, in the operation now rolled back, which also created the
 * replication): Retain protects against deletion, not against our own start.
 *
 * An ARN that is not a resource of this stack (a literal, an import, a parameter) counts as
 * replaced: the teardown's `replicationRemovalPolicy` gives its policies, Delete by default
 * (stopped on every Delete, as documented).
 */
export async function replicationStaysReason(
  stack: StackReads,
  arn: string,
  retention: ReplicationRetention = DELETED,
  ownStart = false,
): Promise<string | undefined> {
  const status = await stack.status(QUESTION);
  /** Why a policy keeps it, or undefined; `created`: the rolled-back operation created it. */
  const keptBy = async (name: 'DeletionPolicy' | 'UpdateReplacePolicy', policy: string, created: boolean): Promise<string | undefined> => {
    const kept = (policy === 'Retain' && !(created && (await stack.retainExceptOnCreate(QUESTION))))
      || (policy === 'RetainExceptOnCreate' && !created);
    if (!kept) return undefined;
    if (created && ownStart) return undefined;
    return `CloudFormation keeps the replication (${name} ${policy}, stack ${status}): it outlives the stack and goes on running, so it is left as it is`;
  };
  if (status.startsWith('DELETE_')) return keptBy('DeletionPolicy', retention.deletion, false);
  if (status === 'ROLLBACK_IN_PROGRESS') return keptBy('DeletionPolicy', retention.deletion, true);
  const rollbackCleanup = status === UPDATE_ROLLBACK_CLEANUP;
  const holder = (await stack.resources(QUESTION))
    .find((r) => r.physicalId === arn && REPLICATION_TYPES.has(r.resourceType) && !r.status.startsWith('DELETE_'));
  if (!holder) return keptBy('UpdateReplacePolicy', retention.updateReplace, rollbackCleanup);
  if (!(await stack.templateLogicalIds(QUESTION)).has(holder.logicalId)) return keptBy('DeletionPolicy', retention.deletion, rollbackCleanup);
  return `the replication stays in the stack as ${holder.logicalId} (stack ${status}): not stopping it`;
}

/**
 * Whether the replication goes away with this Delete: nothing keeps it (no Retain policy, not
 * in the stack). Its record of intent is then forgotten (forget-when-gone.ts); a replication
 * that stays keeps it, even where a rollback stops our own start of it.
 */
export async function replicationGoesAway(stack: StackReads, arn: string, retention: ReplicationRetention): Promise<boolean> {
  return (await replicationStaysReason(stack, arn, retention, false)) === undefined;
}
