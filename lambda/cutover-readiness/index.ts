import { parseDmsArn } from '../../src/private/dms-arn-syntax';
import { CdcCriterionName } from '../../src/private/handler-contract';
import { parseAllowance } from '../../src/private/load-error-allowance';
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
  // Resources deployed before the drained criterion name none: the latency window.
  const cdc = (props.optionalString('CdcCriteria') ?? CdcCriterionName.LATENCY_WINDOW).split(',');
  const allowanceText = props.optionalString('AcceptedConditionalCheckFailures');
  const allowance = allowanceText === undefined ? undefined : parseAllowance('AcceptedConditionalCheckFailures', allowanceText);
  if (typeof allowance === 'string') throw new Error(allowance);
  return {
    ...(cdc.includes(CdcCriterionName.LATENCY_WINDOW) ? {
      latency: {
        maxSourceLatencyMs: props.secondsAsMs('MaxSourceLatencySeconds'),
        maxTargetLatencyMs: props.secondsAsMs('MaxTargetLatencySeconds'),
        windowMs: props.secondsAsMs('LatencyWindowSeconds'),
      },
    } : {}),
    ...(cdc.includes(CdcCriterionName.DRAINED) ? { drained: { windowMs: props.secondsAsMs('DrainedWindowSeconds') } } : {}),
    waiveValidation: props.optionalString('WaiveValidation') === 'true',
    schemaNames: props.optionalString('SchemaNames')?.split(',').filter(Boolean),
    ...(allowance ? { acceptedConditionalCheckFailures: allowance } : {}),
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
  inputs: [
    'ReplicationConfigArn', 'ReplicationTaskArn', 'CdcCriteria', 'MaxSourceLatencySeconds', 'MaxTargetLatencySeconds', 'LatencyWindowSeconds',
    'DrainedWindowSeconds', 'WaiveValidation', 'SchemaNames', 'AcceptedConditionalCheckFailures', 'CheckTrigger',
  ],
  physicalId: (props) => targetOf(props).arn,
  operation(props, intent) {
    const target = targetOf(props);
    const clients = { dms: dmsClientFor(target.arn), cloudWatch: cloudWatchClient(parseDmsArn(target.arn)?.region) };
    return cutoverReadiness(clients, target, criteriaOf(props), intent === 'report' ? 'report' : 'wait');
  },
});
