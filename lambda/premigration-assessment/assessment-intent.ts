import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { DmsOperationFailed } from '../dms/errors';
import { IntentAsk, latestAsk, readIntent, recordAsk } from '../dms/intent-record';
import type { IntentAsker } from '../dms/replication-start';
import { stackStatus } from '../handler-kit/stack-status';

/**
 * What the assessment provider reads and writes in the record of intent
 * (lambda/dms/intent-record.ts): a serverless assessment's StartReplication is our start,
 * and the Delete of an assessment the deployment gave up on stops it.
 */

/** Asks made by any request of this custom resource of this stack. */
const byThisResource = (ask: IntentAsk, event: CloudFormationCustomResourceEvent) =>
  'stack' in ask.by && ask.by.stack === event.StackId && ask.by.resource === event.LogicalResourceId;
const asker = (event: CloudFormationCustomResourceEvent) => ({ stack: event.StackId, resource: event.LogicalResourceId, request: event.RequestId });

/** This request of the assessment, as the record's decisions read it: this stack's asks and the CLI's count. */
export const assessmentAsker = (event: CloudFormationCustomResourceEvent): IntentAsker => ({ by: asker(event), stackId: event.StackId });

/**
 * Records the assessment's StartReplication before it is sent. `since`: when the request was
 * received. A stop asked since by a Delete of this resource (a cancelled create) or a later ask of
 * someone else's means the deployment gave up on this start: it is not sent.
 */
export async function recordAssessmentStart(arn: string, event: CloudFormationCustomResourceEvent, since: number, startType: string): Promise<void> {
  const thisRequest = (a: IntentAsk) => byThisResource(a, event) && 'request' in a.by && a.by.request === event.RequestId;
  const givenUp = (await readIntent(arn))?.asks.some((a) => a.action === 'stop' && byThisResource(a, event) && !thisRequest(a) && a.at >= since);
  const last = givenUp ? undefined : latestAsk(await recordAsk(arn, { action: 'assessment-start', startType, by: asker(event) }));
  if (givenUp || (last && !thisRequest(last))) {
    throw new DmsOperationFailed(`StartReplication of ${arn} not sent: ${givenUp ? 'a Delete of this assessment asked DMS to stop it' : `DMS was asked to ${last!.action} it since`}`);
  }
}

/**
 * Why the Delete of a serverless assessment leaves DMS alone, or undefined when it stops what
 * our StartReplication started: only when the stack rolls back (the deployment gave up on it:
 * a cancelled create, a timeout, a failure after it) and the last ask on record is this
 * resource's. A stack delete leaves the replication to its run and teardown (which know
 * whether it is retained).
 */
export async function abandonSkipReason(arn: string, event: CloudFormationCustomResourceEvent): Promise<string | undefined> {
  const status = await stackStatus(event.StackId, 'whether the deployment gave up on this assessment');
  if (!/ROLLBACK/.test(status)) return `the stack is ${status}: the replication is left to its run and teardown`;
  const last = latestAsk(await readIntent(arn));
  if (!last) return 'no start of ours on record';
  if (!byThisResource(last, event)) return `someone else asked DMS to ${last.action} it last`;
  return undefined;
}

/**
 * Before each StopReplication of an abandoned assessment's Delete: false once someone else
 * asked DMS for something since; otherwise records our stop (once per invocation) and says go.
 */
export function stopRecorder(arn: string, event: CloudFormationCustomResourceEvent): () => Promise<boolean> {
  let recorded = false;
  return async () => {
    const last = latestAsk(await readIntent(arn));
    if (last && !byThisResource(last, event)) return false;
    if (!recorded) {
      await recordAsk(arn, { action: 'stop', by: asker(event) });
      recorded = true;
    }
    return true;
  };
}
