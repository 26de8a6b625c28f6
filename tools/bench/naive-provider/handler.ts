/**
 * The naive baseline: the schema refresh handlers one would write for a plain `Provider`.
 * onEvent starts the refresh (the same `lambda/dms` logic as ours); every isComplete checks
 * DMS exactly ONCE (one DescribeRefreshSchemasStatus once the refresh is running) and hands
 * back to the provider framework's waiter, which retries on its queryInterval.
 *
 * Bundled by the bench with esbuild (`@aws-sdk/*` external, like ours).
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { dmsClient, OperationMark, schemaRefresh } from '../../../lambda/dms';

type Event = CloudFormationCustomResourceEvent & { PhysicalResourceId?: string; RefreshMark?: OperationMark };

function refreshOf(event: Event) {
  const props = event.ResourceProperties;
  return schemaRefresh(dmsClient(), {
    endpointArn: String(props.EndpointArn),
    replicationInstanceArn: String(props.ReplicationInstanceArn),
    connectionPrecondition: 'test-unless-successful',
  });
}

export async function onEvent(event: Event): Promise<{ PhysicalResourceId: string; RefreshMark?: OperationMark }> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId! };
  const props = event.ResourceProperties;
  const mark = await refreshOf(event).start();
  return { PhysicalResourceId: `${props.EndpointArn}|${props.ReplicationInstanceArn}`, RefreshMark: mark };
}

export async function isComplete(event: Event): Promise<{ IsComplete: boolean; Data?: Record<string, string> }> {
  if (event.RequestType === 'Delete' || !event.RefreshMark) return { IsComplete: true };
  const progress = await refreshOf(event).check(event.RefreshMark);
  return progress.done ? { IsComplete: true, Data: progress.attributes } : { IsComplete: false };
}
