import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { ResourcePropertyReader } from './resource-properties';
import { isRollingBack } from './stack-status';
import { HandlerEnv } from '../../src/private/handler-contract';
// Each module by its own path, not the barrel: a bundle then holds only what its handler uses.
import { withCallDeadline } from '../dms/call-budget';
import { DmsOperation, OperationMark } from '../dms/operation';
import { callSpacingMs, startDelayMs } from '../dms/poll-schedule';
import { withRequestArrival } from '../dms/request-arrival';
import { startOperation } from '../dms/start-operation';
import { realClock, waitForOperation } from '../dms/wait';

/** Default for the longest poll inside one isComplete invocation. */
const DEFAULT_POLL_BUDGET_MS = 60_000;
/** Time kept free at the end of an invocation so the Lambda never times out mid-check. */
const INVOCATION_MARGIN_MS = 5_000;
/** A DMS that does not answer for this share of an isComplete invocation (45 s of 60) fails the resource. */
const UNANSWERED_SHARE_OF_BUDGET = 0.75;

type RequestType = CloudFormationCustomResourceEvent['RequestType'];

/**
 * What a request asks of a kind: `run` its DMS operation (Create, Delete, an Update
 * that changed an input), or only `report` the current state (an Update that
 * changed timing alone, or any Update during a rollback).
 */
export type Intent = 'run' | 'report';

/** The part of a lifecycle custom resource that differs between kinds. */
export interface LifecycleResourceKind {
  /** The request types on which this kind calls DMS; on others it succeeds without a call. */
  readonly actsOn: ReadonlyArray<RequestType>;
  /** Properties whose change on Update runs the operation again. */
  readonly inputs?: ReadonlyArray<string>;
  /**
   * What an Update that changed an input does during an update rollback: `report`
   * (default: redoing a refresh or test could fail the rollback) or `run` (kinds whose
   * operation is what restores the state before the update, such as a replication run).
   */
  readonly onRollback?: Intent;
  /**
   * The physical id a Create or Update answers (a change of it replaces the resource). It may
   * record what `start` did (`mark`: undefined when nothing was started), where a later
   * request (a Delete) finds it.
   */
  physicalId(props: ResourcePropertyReader, event: CloudFormationCustomResourceEvent, mark?: OperationMark): string;
  /** The DMS operation for this request (`event` tells the request type and the stack). */
  operation(props: ResourcePropertyReader, intent: Intent, event: CloudFormationCustomResourceEvent): DmsOperation;
  /**
   * Asked before a request that would run the operation: a reason to leave DMS alone
   * this time (logged), or undefined to go ahead.
   */
  skipReason?(event: CloudFormationCustomResourceEvent, props: ResourcePropertyReader): Promise<string | undefined>;
}

/** What onEvent hands to every isComplete (the provider framework merges it into the event). */
export interface WaitState {
  readonly startedAt: number;
  readonly deadline: number;
  /** The user's fixed pollInterval; unset: the adaptive schedule. */
  readonly pollIntervalMs?: number;
  readonly intent: Intent;
  readonly mark: OperationMark;
}

type IsCompleteEvent = CloudFormationCustomResourceEvent & { PhysicalResourceId: string; Lifecycle?: WaitState };

export interface LifecycleHandlers {
  onEvent(event: CloudFormationCustomResourceEvent, context?: Context): Promise<{ PhysicalResourceId: string; Lifecycle?: WaitState }>;
  isComplete(event: IsCompleteEvent, context: Context): Promise<{ IsComplete: boolean; Data?: Record<string, string> }>;
}

/**
 * The onEvent / isComplete pair of a provider: onEvent starts the DMS operation
 * and fixes the deadline; isComplete polls on the schedule until done, failing
 * with a descriptive reason at the deadline (well before the framework's generic
 * "Operation timed out").
 */
export function lifecycleHandlers(kind: LifecycleResourceKind): LifecycleHandlers {
  /** Run or report; undefined when this request type needs no DMS call at all. */
  async function intentOf(event: CloudFormationCustomResourceEvent, props: ResourcePropertyReader): Promise<Intent | undefined> {
    if (!kind.actsOn.includes(event.RequestType)) return undefined;
    if (event.RequestType !== 'Update') return 'run';
    const old = new ResourcePropertyReader(event.OldResourceProperties);
    const changed = (kind.inputs ?? []).some((name) => props.optionalString(name) !== old.optionalString(name));
    if (!changed) return 'report';
    return kind.onRollback === 'run' || !(await isRollingBack(event.StackId)) ? 'run' : 'report';
  }

  return {
    async onEvent(event, context) {
      const receivedAt = Date.now();
      // Every DMS and CloudFormation call answers before the Lambda would time out, so the reason is ours.
      const callDeadline = context ? receivedAt + context.getRemainingTimeInMillis() - INVOCATION_MARGIN_MS : Infinity;
      return withCallDeadline(callDeadline, () => withRequestArrival(receivedAt, () => startRequest(event, receivedAt)));
    },

    async isComplete(event, context) {
      const state = event.Lifecycle;
      if (!state) return { IsComplete: true };
      const operation = kind.operation(new ResourcePropertyReader(event.ResourceProperties), state.intent, event);
      const remaining = context.getRemainingTimeInMillis() - INVOCATION_MARGIN_MS;
      const budget = Math.max(0, Math.min(pollBudgetMs(), remaining));
      // Checks start within the poll budget; their calls may run on to the invocation's end.
      const progress = await withCallDeadline(Date.now() + remaining, () => waitForOperation(operation, state.mark, {
        ...state,
        minSpacingMs: stackCallSpacingMs(),
        returnBy: Date.now() + budget,
        unansweredLimitMs: budget * UNANSWERED_SHARE_OF_BUDGET,
      }));
      log(event, {
        phase: 'isComplete',
        physicalId: event.PhysicalResourceId,
        status: progress.status,
        done: progress.done,
        elapsedMs: Date.now() - state.startedAt,
      });
      return progress.done ? { IsComplete: true, Data: progress.attributes } : { IsComplete: false };
    },
  };

  /** `receivedAt`: the request's deadline counts from its arrival, whatever stack reads came first. */
  async function startRequest(
    event: CloudFormationCustomResourceEvent,
    receivedAt: number,
  ): Promise<{ PhysicalResourceId: string; Lifecycle?: WaitState }> {
    const props = new ResourcePropertyReader(event.ResourceProperties);
    // Delete keeps the id it was created with, even if the properties no longer parse.
    const physicalIdFor = (mark?: OperationMark) => (event.RequestType === 'Delete' ? event.PhysicalResourceId : kind.physicalId(props, event, mark));
    const intent = await intentOf(event, props);
    const operation = intent && kind.operation(props, intent, event);
    const skipped = intent === 'run' ? await kind.skipReason?.(event, props) : undefined;
    if (!intent || !operation || skipped) {
      const physicalId = physicalIdFor();
      log(event, { phase: 'onEvent', physicalId, intent: skipped ? 'skip' : intent ?? 'none', subject: operation?.subject, ...(skipped ? { skipped } : {}) });
      return { PhysicalResourceId: physicalId };
    }

    // Many resources created at once spread their starts over the stack's share of the DMS call budget.
    await realClock.sleep(startDelayMs({ minSpacingMs: stackCallSpacingMs() }, Math.random));
    const startedAt = Date.now();
    const mark = await startOperation(operation);
    const physicalId = physicalIdFor(mark);
    log(event, { phase: 'onEvent', physicalId, intent, subject: operation.subject });
    return {
      PhysicalResourceId: physicalId,
      Lifecycle: {
        startedAt,
        deadline: receivedAt + props.secondsAsMs('TimeoutSeconds'),
        pollIntervalMs: props.optionalString('PollIntervalSeconds') === undefined ? undefined : props.secondsAsMs('PollIntervalSeconds'),
        intent,
        mark,
      },
    };
  }
}

/** How far apart one resource's DMS checks must be so that all of the stack's stay within its call budget. */
export function stackCallSpacingMs(): number {
  return callSpacingMs(Number(process.env[HandlerEnv.STACK_RESOURCES]), Number(process.env[HandlerEnv.CALLS_PER_SECOND]));
}

function pollBudgetMs(): number {
  const seconds = Number(process.env[HandlerEnv.POLL_BUDGET_SECONDS]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_POLL_BUDGET_MS;
}

/** One JSON line per invocation: what was asked and what DMS said; never the properties (no secrets). */
function log(event: CloudFormationCustomResourceEvent, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ requestType: event.RequestType, logicalId: event.LogicalResourceId, ...fields }));
}
