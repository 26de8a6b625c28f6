import { StackReads } from './stack-status';

const QUESTION = 'whether the replication stays in the stack';
/** What holds a replication (a teardown's own physical id is the ARN too). */
const REPLICATION_TYPES = new Set(['AWS::DMS::ReplicationConfig', 'AWS::DMS::ReplicationTask']);

/**
 * Why the Delete of a stop-on-delete resource must leave the replication alone, or
 * undefined when the replication is going away and must be stopped.
 *
 * The replication stays when the stack is not being deleted, its ARN is still the
 * physical id of a resource of the stack, and that resource is in the template the
 * stack now has: the stop-on-delete resource was removed or renamed, the replication
 * was not. It goes when the whole stack is deleted (or a failed create rolls back),
 * when an update replaced it (the ARN is no longer in the stack), when an update
 * removes it too (it is not in the template: CloudFormation deletes it right after
 * us), and when the ARN is not a resource of this stack (a literal, an import, or a
 * parameter from a parent stack): the teardown then stops on every Delete, as documented.
 */
export async function replicationStaysReason(stack: StackReads, arn: string): Promise<string | undefined> {
  const status = await stack.status(QUESTION);
  if (status.startsWith('DELETE_') || status === 'ROLLBACK_IN_PROGRESS') return undefined;
  const holder = (await stack.resources(QUESTION))
    .find((r) => r.physicalId === arn && REPLICATION_TYPES.has(r.resourceType) && !r.status.startsWith('DELETE_'));
  if (!holder) return undefined;
  if (!(await stack.templateLogicalIds(QUESTION)).has(holder.logicalId)) return undefined;
  return `the replication stays in the stack as ${holder.logicalId} (stack ${status}): not stopping it`;
}
