import { dmsClientFor, ReplicationTarget, replicationStop } from '../dms';
import { forgetWhenGone } from '../handler-kit/forget-when-gone';
import { askerOf } from '../handler-kit/intent-asker';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { replicationGoesAway, replicationStaysReason, retentionOf } from '../handler-kit/replication-presence';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { stackReadsOf } from '../handler-kit/stack-status';

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
    // Recorded before it is sent (lambda/dms/intent-record.ts), so a later decision knows this stop was ours;
    // forgotten once stopped, as the replication goes away (forget-when-gone.ts).
    const stop = replicationStop(dmsClientFor(target.arn), target, { intent: askerOf(event) });
    return forgetWhenGone(stop, target.arn, () => replicationGoesAway(stackReadsOf(event), target.arn, retentionOf(props)));
  },
  // It starts nothing, so a replication CloudFormation keeps (Retain) is always left running.
  skipReason: (event, props) => replicationStaysReason(stackReadsOf(event), targetOf(props).arn, retentionOf(props)),
});
