import { dmsClientFor, ReplicationTarget, replicationStop } from '../dms';
import { askerOf } from '../handler-kit/intent-asker';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { replicationStaysReason, retentionOf } from '../handler-kit/replication-presence';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { StackReads } from '../handler-kit/stack-status';

function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config
    ? { kind: 'replication-config', arn: config }
    : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

/**
 * Replication teardown provider: only Delete calls DMS, to stop the replication
 * (serverless config or classic task) so CloudFormation can delete it next, and
 * only when the replication is going away too: not one that stays in the stack, nor one
 * CloudFormation keeps by its DeletionPolicy or UpdateReplacePolicy (see replicationStaysReason).
 * Create and Update make no call; nothing is ever deleted or modified.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Delete'],
  physicalId: (props) => targetOf(props).arn,
  operation(props, _intent, event) {
    const target = targetOf(props);
    // Recorded before it is sent (lambda/dms/intent-record.ts), so a later decision knows this stop was ours.
    return replicationStop(dmsClientFor(target.arn), target, { intent: askerOf(event) });
  },
  // It starts nothing, so a replication CloudFormation keeps (Retain) is always left running.
  skipReason: (event, props) => replicationStaysReason(new StackReads(event.StackId), targetOf(props).arn, retentionOf(props)),
});
