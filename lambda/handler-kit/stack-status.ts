import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { boundedByCallDeadline, callDeadline } from '../dms/call-budget';
import { isTransient, LifecycleError, quote } from '../dms/errors';
import { retryRead } from '../dms/retry-read';

/**
 * Loaded on the first request that needs it (an Update, a teardown's Delete): Create
 * and every cold start of the other kinds skip the CloudFormation client. A plain
 * require, which esbuild leaves in place for an external module (a dynamic import()
 * would not run under jest's VM).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadSdk = async (): Promise<typeof import('@aws-sdk/client-cloudformation')> => require('@aws-sdk/client-cloudformation');

/** The stack status in which CloudFormation deletes what a rolled-back update created or replaced. */
export const UPDATE_ROLLBACK_CLEANUP = 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS';

/**
 * Without an invocation deadline (the CLI, tests), transient faults are tried again for this
 * long; in a handler, until the invocation's own call deadline: CloudFormation throttles
 * busy accounts for minutes, and a read that gives up early fails a rollback for nothing.
 */
const READ_RETRY_WITHOUT_DEADLINE_MS = 5 * 60_000;

let cached: { key: string; client: CloudFormationClient } | undefined;

/**
 * One client per endpoint override (tests point it at the lifecycle driver). One attempt per
 * send: throttling and other transient faults are retried by `read` alone (one retry layer,
 * as for DMS), so a throttled account sees one call per retry, never the SDK's five. Exported for
 * test/docs-truth.test.ts, which checks docs/reliability.md against it.
 */
export async function cloudFormation(): Promise<CloudFormationClient> {
  const { CloudFormationClient } = await loadSdk();
  const key = `${process.env.AWS_REGION}|${process.env.AWS_ENDPOINT_URL_CLOUDFORMATION ?? process.env.AWS_ENDPOINT_URL ?? ''}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: boundedByCallDeadline(new CloudFormationClient({
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
      })),
    };
  }
  return cached.client;
}

/** The stack could not be read, so the handler cannot tell what is safe and does nothing. */
export class StackUnreadable extends LifecycleError {
  public constructor(stackId: string, question: string, err: unknown) {
    super(
      `Could not read stack ${stackId} to tell ${question} (${quote(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}); `
      + 'nothing was done in DMS. Retry the operation (for a failed rollback: continue the update rollback).',
    );
  }
}

/** A resource of the stack as ListStackResources shows it. */
export interface StackResource {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: string;
}

// The one retry of single reads lives with the DMS module (the CLI and the readiness report use it too).
export { retryRead } from '../dms/retry-read';
export type { ReadClock } from '../dms/retry-read';

/**
 * How a read meets throttling and other transient faults. `ride-out`: tried again until the
 * invocation's deadline (onEvent, 10 min). `hand-back`: for a read in an isComplete check,
 * one try, and the fault thrown as it is: the waiter takes it as DMS's throttling (it backs
 * off and hands back, never fails for it), so the read is tried again across invocations
 * until the request's own deadline, which fails it with the fault in the reason.
 */
export type ReadMode = 'ride-out' | 'hand-back';

/** Runs a read (see {@link ReadMode}). Throws StackUnreadable, or a transient fault raw when handing back. */
async function read<T>(stackId: string, question: string, call: (client: CloudFormationClient, sdk: typeof import('@aws-sdk/client-cloudformation')) => Promise<T>, mode: ReadMode = 'ride-out'): Promise<T> {
  const sdk = await loadSdk();
  const client = await cloudFormation();
  // Leave room for the call itself (its request timeout) before the deadline.
  const giveUpAt = mode === 'hand-back' ? 0 : (callDeadline() ?? Date.now() + READ_RETRY_WITHOUT_DEADLINE_MS) - 5_000;
  try {
    return await retryRead(() => call(client, sdk), giveUpAt);
  } catch (err) {
    if (mode === 'hand-back' && isTransient(err)) throw err;
    throw new StackUnreadable(stackId, question, err);
  }
}

/** The stack's status, e.g. UPDATE_ROLLBACK_IN_PROGRESS. Throws StackUnreadable. */
export async function stackStatus(stackId: string, question: string): Promise<string> {
  return (await describeStack(stackId, question)).status;
}

/**
 * What DescribeStacks says of the stack: its status and flags. Not its LastUpdatedTime: who asked
 * DMS for what is read from the record of intent, never guessed from when the stack changed.
 */
export interface StackDescriptionRead {
  readonly status: string;
  /** The stack-level flag set by the last CreateStack/UpdateStack: its rollback deletes what it created, Retain or not. */
  readonly retainExceptOnCreate: boolean;
}

/** DescribeStacks of the stack. Throws StackUnreadable. */
export async function describeStack(stackId: string, question: string, mode?: ReadMode): Promise<StackDescriptionRead> {
  return read(stackId, question, async (client, { DescribeStacksCommand }) => {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = out.Stacks?.[0];
    return {
      status: stack?.StackStatus ?? 'UNKNOWN',
      retainExceptOnCreate: stack?.RetainExceptOnCreate === true,
    };
  }, mode);
}

/**
 * Whether the stack is rolling back. On an update rollback CloudFormation sends an
 * ordinary Update with the old properties; redoing a refresh or a test then could
 * fail the rollback itself (UPDATE_ROLLBACK_FAILED), so the handlers only report.
 * When the status cannot be read even after retries, the handler fails the request
 * (StackUnreadable) rather than guess: a forward update then fails and rolls back
 * without a DMS call, a rollback stops as UPDATE_ROLLBACK_FAILED and continues
 * once the stack can be read again. Guessing "forward" would call DMS during a
 * rollback; guessing "rollback" would let an update skip its refresh unseen.
 */
export async function isRollingBack(stackId: string): Promise<boolean> {
  const status = await stackStatus(stackId, 'a forward update from a rollback');
  return /ROLLBACK_IN_PROGRESS$/.test(status);
}

/** Every resource of the stack (ListStackResources, all pages). Throws StackUnreadable. */
export async function stackResources(stackId: string, question: string, mode?: ReadMode): Promise<StackResource[]> {
  return read(stackId, question, async (client, { ListStackResourcesCommand }) => {
    const resources: StackResource[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: token }));
      for (const r of page.StackResourceSummaries ?? []) {
        resources.push({ logicalId: r.LogicalResourceId ?? '', physicalId: r.PhysicalResourceId, resourceType: r.ResourceType ?? '', status: r.ResourceStatus ?? '' });
      }
      token = page.NextToken;
    } while (token);
    return resources;
  }, mode);
}

/** Logical ids of the resources in the stack's template (GetTemplate). Throws StackUnreadable. */
export async function templateLogicalIds(stackId: string, question: string, mode?: ReadMode): Promise<Set<string>> {
  return read(stackId, question, async (client, { GetTemplateCommand }) => {
    const out = await client.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Processed' }));
    const body = JSON.parse(out.TemplateBody ?? '{}') as { Resources?: Record<string, unknown> };
    return new Set(Object.keys(body.Resources ?? {}));
  }, mode);
}

/**
 * One request's reads of its own stack, each made at most once however many
 * questions ask them (a Delete may ask "is this a rollback's cleanup?" and then
 * "does the replication stay?"). Throws StackUnreadable.
 */
export class StackReads {
  private stackRead?: Promise<StackDescriptionRead>;
  private resourcesRead?: Promise<StackResource[]>;
  private templateRead?: Promise<Set<string>>;

  /** `mode`: `hand-back` in an isComplete check (see {@link ReadMode}); onEvent's reads ride out. */
  public constructor(public readonly stackId: string, private readonly mode: ReadMode = 'ride-out') {}

  public async status(question: string): Promise<string> {
    return (await this.describe(question)).status;
  }

  /** The stack-level RetainExceptOnCreate flag of the current (or last) operation. */
  public async retainExceptOnCreate(question: string): Promise<boolean> {
    return (await this.describe(question)).retainExceptOnCreate;
  }

  private describe(question: string): Promise<StackDescriptionRead> {
    return (this.stackRead ??= describeStack(this.stackId, question, this.mode));
  }

  public resources(question: string): Promise<StackResource[]> {
    return (this.resourcesRead ??= stackResources(this.stackId, question, this.mode));
  }

  public templateLogicalIds(question: string): Promise<Set<string>> {
    return (this.templateRead ??= templateLogicalIds(this.stackId, question, this.mode));
  }

  /**
   * During the cleanup after a rolled-back update: whether `logicalId` is in the template
   * the stack rolled back to (false: the failed update created it). Undefined otherwise.
   */
  public async inRolledBackTemplate(logicalId: string): Promise<boolean | undefined> {
    if ((await this.status('whether an update was rolled back')) !== UPDATE_ROLLBACK_CLEANUP) return undefined;
    return (await this.templateLogicalIds(`whether ${logicalId} existed before the update`)).has(logicalId);
  }
}

const readsOfRequest = new WeakMap<object, StackReads>();

/** The reads of one request (its event): its skip decision and its operation ask them once. */
export function stackReadsOf(event: { readonly StackId: string }): StackReads {
  let reads = readsOfRequest.get(event);
  if (!reads) readsOfRequest.set(event, reads = new StackReads(event.StackId));
  return reads;
}
