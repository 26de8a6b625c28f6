import { createHash } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { AssessmentOptions, configAssessment, currentAssessmentStatus, dmsClientFor, ReplicationTarget, taskAssessment } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';

function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config ? { kind: 'replication-config', arn: config } : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

/**
 * The run's name: fixed by the request, so that a replayed request (and every check of
 * it) finds the same run, and each new request gets a new one (DMS wants names unique).
 */
function runNameFor(event: CloudFormationCustomResourceEvent): string {
  const base = event.LogicalResourceId.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 40) || 'assessment';
  return `${base}-${createHash('sha256').update(`${event.StackId}|${event.RequestId}`).digest('hex').slice(0, 12)}`;
}

const names = (value: string | undefined) => value?.split(/\s+/).filter(Boolean);

/**
 * Premigration assessment provider: Create, and an Update that changed the config's or
 * task's settings or table mappings, the checks or the trigger, runs an assessment and
 * fails on a failed check (or a warning, if asked); other Updates, and any Update during
 * a rollback, report the latest assessment as it stands; Delete makes no DMS call (the
 * results stay in S3, the run in DMS's history).
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  inputs: ['ReplicationConfigArn', 'ReplicationTaskArn', 'ReplicationProperties', 'AssessmentTrigger', 'IncludeOnly', 'Exclude'],
  physicalId: (props) => targetOf(props).arn,
  operation(props, intent, event) {
    const target = targetOf(props);
    const client = dmsClientFor(target.arn);
    if (intent === 'report') return currentAssessmentStatus(client, target);
    const runName = runNameFor(event);
    const options: AssessmentOptions = {
      target,
      resultFolder: `${props.string('ResultFolder').replace(/\/+$/, '')}/${runName}`,
      resultKmsKeyArn: props.optionalString('ResultKmsKeyArn'),
      includeOnly: names(props.optionalString('IncludeOnly')),
      exclude: names(props.optionalString('Exclude')),
      failOnWarning: props.optionalString('FailOnWarning') === 'true',
    };
    if (target.kind === 'replication-task') {
      return taskAssessment(client, {
        ...options,
        runName,
        resultBucket: props.string('ResultBucket'),
        serviceAccessRoleArn: props.string('ServiceAccessRoleArn'),
      });
    }
    const cdcStartTime = props.optionalString('CdcStartTime');
    return configAssessment(client, {
      ...options,
      cdcStartTime: cdcStartTime ? new Date(cdcStartTime) : undefined,
      cdcStartPosition: props.optionalString('CdcStartPosition'),
    });
  },
});
