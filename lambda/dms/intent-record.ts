/**
 * The durable record of intent: what a stack (or the CLI) asked DMS to do for one
 * replication config or task, kept in an SSM Parameter Store parameter of its own
 * (String, Standard tier) that CloudFormation never touches. Written BEFORE a start or
 * stop request is sent, read back by every later decision of the run, its guard, the
 * assessment, the teardown and the CLI: across replays, cancelled creates, rollbacks,
 * leftover invocations and later deploys. One home: nothing else reads or writes it.
 *
 * Race window. SSM has no compare-and-set. `recordAsk` reads, writes (Overwrite) and reads
 * back; when the read-back lacks its ask (a concurrent writer's read came before our write
 * and its write after it), it merges its ask in once more. What remains: two writers of the
 * same parameter whose read-write-read rounds overlap twice in a row (each round is three
 * SSM calls, well under a second; at most 3 x 5 s request timeouts), and a decision taken
 * on a read that a writer overtakes before DMS receives the request it guards (one DMS call).
 */
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { isBudgetSpent } from './call-budget';
import { errorCode, isTransient, LifecycleError, quote } from './errors';
import { ssmClient } from './ssm-client';
import { realClock } from './wait';
import { parseDmsArn } from '../../src/private/dms-arn-syntax';
import { INTENT_PARAMETER_PATH } from '../../src/private/handler-contract';

/** Every record's parameter lives under this path (the providers' SSM permissions are scoped to it). */
export const INTENT_PARAMETER_PREFIX = INTENT_PARAMETER_PATH;

/**
 * What was asked of DMS:
 * - `start`: a first start (`start-replication`, with the user's CDC start);
 * - `resume`: continue (`resume-processing`), forward;
 * - `restore`: a rollback's resume, to bring back what ran before the update;
 * - `reload`: `reload-target`, or the stop that comes before it;
 * - `stop`: stop it (a guard before a modify, a Delete, a desired state of stopped);
 * - `assessment-start`: a serverless premigration assessment (its StartReplication starts it);
 * - `cutover-stop`: a cut-over's stop (the CLI).
 */
export type IntentAction = 'start' | 'resume' | 'restore' | 'reload' | 'stop' | 'assessment-start' | 'cutover-stop';

/** Who asked: one custom resource request of a stack, or one CLI invocation. */
export type AskedBy =
  | { readonly stack: string; readonly resource: string; readonly request: string }
  | { readonly cli: string };

/** One ask, as recorded. */
export interface IntentAsk {
  readonly action: IntentAction;
  /** The DMS start type sent, for starts. */
  readonly startType?: string;
  /** The DMS status seen when it was asked (a stop `from: running` stopped a running replication). */
  readonly from?: string;
  /** A cut-over's stop positions, in order (the last is the one DMS should hold): `cutover-stop` only. */
  readonly positions?: readonly string[];
  /** DMS refused the request (its message, clipped): nothing happened. */
  readonly refused?: string;
  readonly by: AskedBy;
  /** Epoch ms (the asker's clock) when it was recorded, right before the request went to DMS. */
  readonly at: number;
}

/** The record of one replication config or task. */
export interface IntentRecord {
  readonly v: 1;
  /** The last few asks, oldest first. */
  readonly asks: readonly IntentAsk[];
  /**
   * Whether it ever ran, as far as we saw: false from our first start (`start-replication`) until
   * DMS is seen running (or done with a full load), true once it is; undefined when we never
   * asked its first start (it was started before this record: DMS's status tells). A replication
   * whose first start failed has never run, and its next start is `start-replication` again.
   */
  readonly ran?: boolean;
}

/** Asks kept: enough for a deploy, its rollback and a cleanup; the record stays far below SSM Standard's 4 KB. */
const ASKS_KEPT = 6;
const MAX_VALUE_BYTES = 4096;
/** How long a throttled or failed SSM call is tried again (cut at the invocation's call deadline). */
const RETRY_MS = 20_000;

/** The parameter name of the record of a DMS resource: `/cdk-dms-lifecycle/intent/<region>/<type>/<id>`. */
export function intentParameterName(arn: string): string {
  const parsed = parseDmsArn(arn);
  const id = arn.slice(arn.lastIndexOf(':') + 1);
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '_');
  return `${INTENT_PARAMETER_PREFIX}${safe(parsed?.region ?? 'unknown')}/${safe(parsed?.resourceType ?? 'resource')}/${safe(id)}`;
}

/** The record could not be read or written: nothing was asked of DMS (or, for a delete, the record stays). */
export class IntentRecordUnavailable extends LifecycleError {
  public constructor(what: string, arn: string, err: unknown) {
    super(
      `Could not ${what} the record of intent of ${arn} (SSM parameter ${intentParameterName(arn)}): `
      + `${errorCode(err) ?? 'Error'}: ${quote(err instanceof Error ? err.message : String(err))}; `
      + `${what === 'delete' ? 'the record stays' : 'nothing was asked of DMS'}. `
      + 'The provider needs ssm:GetParameter, ssm:PutParameter and ssm:DeleteParameter on it (and, in a VPC, an ssm endpoint).',
    );
  }
}

const clientFor = (arn: string) => ssmClient(parseDmsArn(arn)?.region);

function retriable(err: unknown): boolean {
  return !isBudgetSpent(err) && (isTransient(err) || errorCode(err) === 'TooManyUpdates');
}

/** One SSM call, tried again for transient faults and throttling with backoff, up to RETRY_MS (or the call deadline). */
async function withRetry<T>(what: string, arn: string, call: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RETRY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof LifecycleError) throw err;
      const pause = Math.min(4_000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
      if (!retriable(err) || Date.now() + pause > giveUpAt) throw new IntentRecordUnavailable(what, arn, err);
      await realClock.sleep(pause);
    }
  }
}

function parse(value: string | undefined): IntentRecord | undefined {
  try {
    const r = JSON.parse(value ?? '') as Partial<IntentRecord>;
    if (r.v !== 1 || !Array.isArray(r.asks)) return undefined;
    return { v: 1, asks: r.asks, ...(typeof r.ran === 'boolean' ? { ran: r.ran } : {}) };
  } catch {
    return undefined; // not ours, or corrupt: read as no record (we asked nothing)
  }
}

async function readWithVersion(arn: string): Promise<{ record?: IntentRecord; version?: number }> {
  return withRetry('read', arn, async () => {
    try {
      const out = await clientFor(arn).send(new GetParameterCommand({ Name: intentParameterName(arn) }));
      return { record: parse(out.Parameter?.Value), version: out.Parameter?.Version };
    } catch (err) {
      if (errorCode(err) === 'ParameterNotFound') return {};
      throw err;
    }
  });
}

/** The record of intent of a DMS resource; undefined when there is none (nothing asked by this version). */
export async function readIntent(arn: string): Promise<IntentRecord | undefined> {
  return (await readWithVersion(arn)).record;
}

/**
 * The value written: newest asks kept, oldest dropped first, under SSM Standard's 4 KB. The latest
 * `cutover-stop` is kept whatever came after it: a rerun of the cut-over and every later deploy read it.
 */
function serialise(record: IntentRecord): string {
  const cutover = latestAsk(record, ['cutover-stop']);
  const keep = (asks: readonly IntentAsk[]) => (cutover && !asks.includes(cutover) ? [cutover, ...asks.slice(1)] : asks);
  let asks = keep(record.asks.slice(-ASKS_KEPT));
  for (;;) {
    const value = JSON.stringify({ ...record, asks });
    if (Buffer.byteLength(value) <= MAX_VALUE_BYTES || asks.length <= 1) return value;
    asks = keep(asks.slice(1));
  }
}

async function write(arn: string, record: IntentRecord): Promise<number | undefined> {
  return withRetry('write', arn, async () => {
    const out = await clientFor(arn).send(new PutParameterCommand({
      Name: intentParameterName(arn),
      Value: serialise(record),
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
      Description: 'cdk-dms-lifecycle: what the stack or the CLI asked DMS to do (read before every start and stop)',
    }));
    return out.Version;
  });
}

const sameAsker = (a: AskedBy, b: AskedBy) => JSON.stringify(a) === JSON.stringify(b);
const sameAsk = (a: IntentAsk, b: IntentAsk) => a.action === b.action && a.at === b.at && sameAsker(a.by, b.by);

/** `ran` after an ask: a first start (`start-replication`) has not run yet; a replication seen running has. */
function ranAfter(record: IntentRecord | undefined, ask: IntentAsk): boolean | undefined {
  if (ask.startType === 'start-replication') return false;
  if (ask.from === 'running') return true;
  return record?.ran;
}

function withAsk(record: IntentRecord | undefined, ask: IntentAsk): IntentRecord {
  // The same asker's earlier ask of the same kind is replaced by its retry: retries never push out the asks that matter.
  const superseded = (a: IntentAsk) => sameAsk(a, ask) || (a.action === ask.action && a.startType === ask.startType && sameAsker(a.by, ask.by));
  const asks = [...(record?.asks ?? []).filter((a) => !superseded(a)), ask].sort((a, b) => a.at - b.at);
  const ran = ranAfter(record, ask);
  return { v: 1, asks, ...(ran === undefined ? {} : { ran }) };
}

/** Arns whose record says `ran` as far as this process knows (a warm Lambda writes it once). */
const knownRan = new Set<string>();

/**
 * Records an ask, before its request goes to DMS, and returns the record as read back
 * (its last ask may be a later one of someone else: the caller then does not act).
 */
export async function recordAsk(arn: string, ask: Omit<IntentAsk, 'at'> & { at?: number }): Promise<IntentRecord> {
  const full: IntentAsk = { ...ask, at: ask.at ?? Date.now() };
  if (full.startType === 'start-replication') knownRan.delete(arn);
  let { record } = await readWithVersion(arn);
  for (let round = 0; round < 2; round++) {
    const written = await write(arn, withAsk(record, full));
    const back = await readWithVersion(arn);
    if (back.record && (back.version === written || back.record.asks.some((a) => sameAsk(a, full)))) return back.record;
    record = back.record; // overwritten by a concurrent writer: merge ours into theirs once more
  }
  return withAsk(record, full);
}

/** Records that DMS was seen running after a start we asked for (idempotent; one read, at most one write). */
export async function markRan(arn: string): Promise<void> {
  if (knownRan.has(arn)) return;
  const record = await readIntent(arn);
  if (record && record.ran !== true) await write(arn, { ...record, ran: true });
  // Without a record nothing of ours started it: nothing to mark.
  if (record) knownRan.add(arn);
}

/** Longest refusal kept in the record. */
const MAX_REFUSAL_CHARS = 200;

/** Notes on `by`'s last ask that DMS refused it (nothing happened): a later step may ask again. */
export async function noteRefusal(arn: string, by: AskedBy, message: string): Promise<IntentRecord | undefined> {
  const record = await readIntent(arn);
  const ask = askedBy(record, by);
  if (!record || !ask) return record;
  const refused = message.length > MAX_REFUSAL_CHARS ? `${message.slice(0, MAX_REFUSAL_CHARS - 1)}…` : message;
  const noted: IntentRecord = { ...record, asks: record.asks.map((a) => (sameAsk(a, ask) ? { ...a, refused } : a)) };
  await write(arn, noted);
  return noted;
}

/** Deletes the record (the resource went away with its stack; lambda/handler-kit/forget-when-gone.ts). */
export async function forget(arn: string): Promise<void> {
  knownRan.delete(arn);
  await withRetry('delete', arn, async () => {
    try {
      await clientFor(arn).send(new DeleteParameterCommand({ Name: intentParameterName(arn) }));
    } catch (err) {
      if (errorCode(err) !== 'ParameterNotFound') throw err;
    }
  });
}

/** The newest ask, optionally of some actions only. */
export function latestAsk(record: IntentRecord | undefined, actions?: readonly IntentAction[]): IntentAsk | undefined {
  const asks = (record?.asks ?? []).filter((a) => !actions || actions.includes(a.action));
  return asks[asks.length - 1];
}

/** Whether `by` made an ask on record (of these actions, if given). */
export function askedBy(record: IntentRecord | undefined, by: AskedBy, actions?: readonly IntentAction[]): IntentAsk | undefined {
  return [...(record?.asks ?? [])].reverse().find((a) => sameAsker(a.by, by) && (!actions || actions.includes(a.action)));
}

/**
 * The first ask by someone other than `by` recorded at or after `since` (epoch ms): a request
 * that began at `since` and meets one was overtaken (its operation was cancelled or has ended,
 * a Delete fenced it, a rollback or the CLI came after it) and sends nothing more.
 */
export function askedSince(record: IntentRecord | undefined, by: AskedBy, since: number): IntentAsk | undefined {
  return (record?.asks ?? []).find((a) => a.at >= since && !sameAsker(a.by, by));
}

/** Names an ask in reasons: "stop by RunConfig… (request …)" / "cutover-stop by the CLI". */
export function describeAsk(ask: IntentAsk): string {
  return 'cli' in ask.by ? `${ask.action} by the CLI` : `${ask.action} by ${ask.by.resource} (request ${ask.by.request})`;
}

/** The stack of a stack's ask (undefined for the CLI's). */
export function askingStack(ask: IntentAsk | undefined): string | undefined {
  return ask && 'stack' in ask.by ? ask.by.stack : undefined;
}

/**
 * Whether a newer ask than `by`'s last one is on record: `by`'s operation was overtaken
 * (a cancelled create, a rollback, a later deploy, the CLI) and must not act any more.
 */
export function overtaken(record: IntentRecord | undefined, by: AskedBy): boolean {
  const last = latestAsk(record);
  return last !== undefined && !sameAsker(last.by, by) && askedBy(record, by) !== undefined;
}

/**
 * The asks of one stack, and the CLI's. A record with asks of another stack and none of this
 * one belongs to someone else (a retained resource reused by a new stack): for this stack's
 * decisions it reads as no record, and its `ran` is not trusted either. A record of the CLI's
 * asks alone is anyone's: a deploy after the CLI started or stopped it decides from it.
 */
export function recordOfStack(record: IntentRecord | undefined, stackId: string): IntentRecord | undefined {
  if (!record) return undefined;
  const asks = record.asks.filter((a) => askingStack(a) === stackId || !askingStack(a));
  const someoneElses = asks.length < record.asks.length && !asks.some((a) => askingStack(a) === stackId);
  return someoneElses ? undefined : { ...record, asks };
}
