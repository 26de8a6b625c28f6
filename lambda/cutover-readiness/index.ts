import { parseDmsArn } from '../../src/private/dms-arn-syntax';
import { cloudWatchClient, cutoverReadiness, dmsClientFor, ReadinessCriteria, ReplicationTarget } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';

function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config
    ? { kind: 'replication-config', arn: config }
    : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

function criteriaOf(props: ResourcePropertyReader): ReadinessCriteria {
  return {
    maxSourceLatencyMs: props.secondsAsMs('MaxSourceLatencySeconds'),
    maxTargetLatencyMs: props.secondsAsMs('MaxTargetLatencySeconds'),
    latencyWindowMs: props.secondsAsMs('LatencyWindowSeconds'),
    waiveValidation: props.optionalString('WaiveValidation') === 'true',
    schemaNames: props.optionalString('SchemaNames')?.split(',').filter(Boolean),
  };
}

/**
 * Cut-over readiness provider: Create, and an Update that changed what is asked, wait
 * until the replication is ready for cut-over (lambda/dms/cutover-readiness.ts); other
 * Updates and any Update during a rollback only look once and succeed. Delete makes no
 * call: it only reads DMS and CloudWatch, so there is nothing to undo.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  inputs: ['ReplicationConfigArn', 'ReplicationTaskArn', 'MaxSourceLatencySeconds', 'MaxTargetLatencySeconds', 'LatencyWindowSeconds', 'WaiveValidation', 'SchemaNames', 'CheckTrigger'],
  physicalId: (props) => targetOf(props).arn,
  operation(props, intent) {
    const target = targetOf(props);
    const clients = { dms: dmsClientFor(target.arn), cloudWatch: cloudWatchClient(parseDmsArn(target.arn)?.region) };
    return cutoverReadiness(clients, target, criteriaOf(props), intent === 'report' ? 'report' : 'wait');
  },
});
