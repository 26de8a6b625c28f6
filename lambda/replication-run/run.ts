import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ReplicationWaitTargetValue } from '../../src/private/handler-contract';
import { currentReplicationStatus, dmsClientFor, DmsOperation, ReplicationStartOptions, ReplicationTarget, replicationStart, replicationStop } from '../dms';
import { LifecycleResourceKind } from '../handler-kit/lifecycle-handler';
import { replicationStaysReason } from '../handler-kit/replication-presence';
import { ResourcePropertyReader } from '../handler-kit/resource-properties';
import { isRollingBack, StackReads } from '../handler-kit/stack-status';

export function targetOf(props: ResourcePropertyReader): ReplicationTarget {
  const config = props.optionalString('ReplicationConfigArn');
  return config ? { kind: 'replication-config', arn: config } : { kind: 'replication-task', arn: props.string('ReplicationTaskArn') };
}

/** The start options in the resource's properties (reload is decided per request). */
export function startOptions(props: ResourcePropertyReader, target: ReplicationTarget): ReplicationStartOptions {
  const cdcStartTime = props.optionalString('CdcStartTime');
  return {
    target,
    until: props.string('WaitFor') as ReplicationWaitTargetValue,
    cdcStartTime: cdcStartTime ? new Date(cdcStartTime) : undefined,
    cdcStartPosition: props.optionalString('CdcStartPosition'),
  };
}

/** A forward Update whose ReloadTrigger changed asks for `reload-target`; a rollback only resumes. */
async function reloadAsked(event: CloudFormationCustomResourceEvent, props: ResourcePropertyReader): Promise<boolean> {
  if (event.RequestType !== 'Update') return false;
  const old = new ResourcePropertyReader(event.OldResourceProperties);
  if (props.optionalString('ReloadTrigger') === old.optionalString('ReloadTrigger')) return false;
  return !(await isRollingBack(event.StackId));
}

/**
 * The run: Create starts the replication (start type as DMS requires it) and waits
 * for `WaitFor`; an Update after CloudFormation modified the config or task (its
 * properties ride along) waits out `modifying` and resumes it, also during an
 * update rollback, which is what makes the rollback end with it running again;
 * a changed ReloadTrigger reloads the target; Delete stops it (and waits), before
 * CloudFormation deletes the config or task, which it references, unless the config
 * or task stays in the stack (only the run was removed or renamed).
 */
export const runKind: LifecycleResourceKind = {
  actsOn: ['Create', 'Update', 'Delete'],
  inputs: ['ReplicationConfigArn', 'ReplicationTaskArn', 'ReplicationProperties', 'ReloadTrigger', 'CdcStartTime', 'CdcStartPosition'],
  onRollback: 'run',
  physicalId: (props) => targetOf(props).arn,
  operation(props, intent, event): DmsOperation {
    const target = targetOf(props);
    const client = dmsClientFor(target.arn);
    if (event.RequestType === 'Delete') return replicationStop(client, target);
    if (intent === 'report') return currentReplicationStatus(client, target);
    const options = startOptions(props, target);
    const start = replicationStart(client, options);
    let reload: Promise<boolean> | undefined; // asked once, however often the start is retried
    return {
      subject: start.subject,
      start: async () => replicationStart(client, { ...options, reload: await (reload ??= reloadAsked(event, props)) }).start(),
      check: (mark) => start.check(mark),
    };
  },
  skipReason: async (event, props) => {
    if (event.RequestType !== 'Delete') return undefined;
    const stack = new StackReads(event.StackId);
    // A run that a failed update added undoes its start as the update rolls back.
    if ((await stack.inRolledBackTemplate(event.LogicalResourceId)) === false) return undefined;
    // Removing the construct (or renaming it) while the config or task stays must not stop it.
    return replicationStaysReason(stack, targetOf(props).arn);
  },
};
