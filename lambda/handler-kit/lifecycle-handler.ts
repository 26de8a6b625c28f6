import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { HandlerEnv } from '../../src/private/handler-contract';
import { DmsOperation, isAccessDenied, isTransient, OperationMark, realClock, waitForOperation } from '../dms';
import { ResourcePropertyReader } from './resource-properties';

/** Default for the longest poll inside one isComplete invocation. */
const DEFAULT_POLL_BUDGET_MS = 60_000;
/** Time kept free at the end of an invocation so the Lambda never times out mid-check. */
const INVOCATION_MARGIN_MS = 5_000;
/** How long onEvent retries errors that pass: IAM propagation after a policy update, throttling. */
const START_RETRY_MS = 20_000;

type RequestType = CloudFormationCustomResourceEvent['RequestType'];

/** The part of a lifecycle custom resource that differs between kinds. */
export interface LifecycleResourceKind {
  /** The request types on which this kind calls DMS; on others it succeeds without a call. */
  readonly actsOn: ReadonlyArray<RequestType>;
  /** The physical id for the resource's properties: a change of it replaces the resource. */
  physicalId(props: ResourcePropertyReader): string;
  /**
   * The DMS operation for this request, or undefined when there is nothing to do
   * (for example an Update that changed only the timeout).
   */
  operation(request: RequestType, props: ResourcePropertyReader, oldProps?: ResourcePropertyReader): DmsOperation | undefined;
}

/** What onEvent hands to every isComplete (the provider framework merges it into the event). */
export interface WaitState {
  readonly startedAt: number;
  readonly deadline: number;
  readonly pollIntervalMs: number;
  readonly mark: OperationMark;
}

type IsCompleteEvent = CloudFormationCustomResourceEvent & { PhysicalResourceId: string; Lifecycle?: WaitState };

export interface LifecycleHandlers {
  onEvent(event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Lifecycle?: WaitState }>;
  isComplete(event: IsCompleteEvent, context: Context): Promise<{ IsComplete: boolean; Data?: Record<string, string> }>;
}

/**
 * The onEvent / isComplete pair of a provider: onEvent starts the DMS operation
 * and fixes the deadline; isComplete polls on the schedule until done, failing
 * with a descriptive reason at the deadline (well before the framework's generic
 * "Operation timed out").
 */
export function lifecycleHandlers(kind: LifecycleResourceKind): LifecycleHandlers {
  function operationOf(event: CloudFormationCustomResourceEvent): DmsOperation | undefined {
    if (!kind.actsOn.includes(event.RequestType)) return undefined;
    const props = new ResourcePropertyReader(event.ResourceProperties);
    const old = event.RequestType === 'Update' ? new ResourcePropertyReader(event.OldResourceProperties) : undefined;
    return kind.operation(event.RequestType, props, old);
  }

  return {
    async onEvent(event) {
      // Delete keeps the id it was created with, even if the properties no longer parse.
      const physicalId = event.RequestType === 'Delete'
        ? event.PhysicalResourceId
        : kind.physicalId(new ResourcePropertyReader(event.ResourceProperties));
      const operation = operationOf(event);
      log(event, { phase: 'onEvent', physicalId, subject: operation?.subject ?? 'nothing to do' });
      if (!operation) return { PhysicalResourceId: physicalId };

      const props = new ResourcePropertyReader(event.ResourceProperties);
      const startedAt = Date.now();
      const mark = await startWithRetries(operation);
      return {
        PhysicalResourceId: physicalId,
        Lifecycle: {
          startedAt,
          deadline: startedAt + props.seconds('TimeoutSeconds'),
          pollIntervalMs: props.seconds('PollIntervalSeconds'),
          mark,
        },
      };
    },

    async isComplete(event, context) {
      const operation = operationOf(event);
      if (!operation || !event.Lifecycle) return { IsComplete: true };
      const budget = Math.min(pollBudgetMs(), context.getRemainingTimeInMillis() - INVOCATION_MARGIN_MS);
      const progress = await waitForOperation(operation, event.Lifecycle.mark, {
        ...event.Lifecycle,
        returnBy: Date.now() + Math.max(0, budget),
      });
      log(event, { phase: 'isComplete', status: progress.status, done: progress.done });
      return progress.done ? { IsComplete: true, Data: progress.attributes } : { IsComplete: false };
    },
  };
}

/**
 * Starts the operation, retrying for a short while what passes: AccessDenied (the
 * shared role's policy grows when a construct is added, and a new grant can take
 * seconds to reach DMS, aws/aws-cdk#37675) and throttling that outlived the SDK's
 * retries. An error that persists fails with DMS's own message.
 */
async function startWithRetries(operation: DmsOperation): Promise<OperationMark> {
  const giveUpAt = Date.now() + START_RETRY_MS;
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await operation.start();
    } catch (err) {
      if (!(isAccessDenied(err) || isTransient(err)) || Date.now() + delay > giveUpAt) throw err;
      await realClock.sleep(delay);
    }
  }
}

function pollBudgetMs(): number {
  const seconds = Number(process.env[HandlerEnv.POLL_BUDGET_SECONDS]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_POLL_BUDGET_MS;
}

function log(event: CloudFormationCustomResourceEvent, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ requestType: event.RequestType, logicalId: event.LogicalResourceId, ...fields }));
}
