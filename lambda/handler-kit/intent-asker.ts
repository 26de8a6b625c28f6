import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { IntentAsker } from '../dms/replication-start';

/** Who asks DMS, for the record of intent: this request of this resource of this stack. */
export function askerOf(event: CloudFormationCustomResourceEvent): IntentAsker {
  return { by: { stack: event.StackId, resource: event.LogicalResourceId, request: event.RequestId }, stackId: event.StackId };
}
