import { createHash } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { abandonSkipReason, assessmentAsker, recordAssessmentStart, stopRecorder } from './assessment-intent';
import { abandonedAssessment } from '../dms/assessment-abandon';
import { dmsClientFor } from '../dms/client';
import { AssessmentOptions, configAssessment, currentAssessmentStatus, taskAssessment } from '../dms/premigration-assessment';
import { ReplicationTarget } from '../dms/replication-state';
import { forgetWhenGone } from '../handler-kit/forget-when-gone';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { replicationGoesAway, retentionOf } from '../handler-kit/replication-presence';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { stackReadsOf } from '../handler-kit/stack-status';

function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config ? { kind: 'replication-config', arn: config } : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

/**
 * The run's name: fixed by the request, so that a replayed request (and every check of
 * it) finds the same run, and each new request gets a new one (DMS wants names unique).
 */
function runNameFor(event: CloudFormationCustomResourceEvent): string {
  return `${runNamePrefix(event)}${createHash('sha256').update(`${event.StackId}|${event.RequestId}`).digest('hex').slice(0, 12)}`;
}

/** What the run names of every request of this resource begin with. */
function runNamePrefix(event: CloudFormationCustomResourceEvent): string {
  return `${event.LogicalResourceId.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 40) || 'assessment'}-`;
}

const names = (value: string | undefined) => value?.split(/\s+/).filter(Boolean);

/** isComplete's event carries when onEvent started (not onEvent's own). */
type WithStart = { Lifecycle?: { startedAt?: number } };

/**
 * Premigration assessment provider: Create, and an Update that changed the config's or
 * task's settings or table mappings, the checks or the trigger, runs an assessment and
 * fails on a failed check (or a warning, if asked); other Updates, and any Update during
 * a rollback, report the latest assessment as it stands. A serverless assessment's
 * StartReplication is recorded in the record of intent before it is sent. Delete cancels
 * this resource's task runs still under way; during a rollback it stops what our serverless
 * StartReplication started, if nobody asked DMS for anything since (results stay in S3).
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update', 'Delete'],
  async skipReason(event, props) {
    const target = targetOf(props);
    return event.RequestType === 'Delete' && target.kind === 'replication-config' ? abandonSkipReason(target.arn, event) : undefined;
  },
  inputs: ['ReplicationConfigArn', 'ReplicationTaskArn', 'ReplicationProperties', 'AssessmentTrigger', 'IncludeOnly', 'Exclude'],
  physicalId: (props) => targetOf(props).arn,
  operation(props, intent, event) {
    const receivedAt = Date.now();
    const target = targetOf(props);
    const client = dmsClientFor(target.arn);
    if (intent === 'report') return currentAssessmentStatus(client, target);
    if (event.RequestType === 'Delete') {
      const abandon = abandonedAssessment(client, target, { runNamePrefix: runNamePrefix(event), beforeStop: stopRecorder(target.arn, event) });
      // A serverless one stops what its start began: the record goes if the config goes too (forget-when-gone.ts).
      if (target.kind === 'replication-task') return abandon;
      return forgetWhenGone(abandon, target.arn, () => replicationGoesAway(stackReadsOf(event), target.arn, retentionOf(props)));
    }
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
      // Our start: recorded before it is sent. isComplete knows when onEvent received the request.
      beforeStart: (startType) => recordAssessmentStart(target.arn, event, (event as WithStart).Lifecycle?.startedAt ?? receivedAt, startType),
      intent: assessmentAsker(event),
    });
  },
});
