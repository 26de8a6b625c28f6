import { DatabaseMigrationServiceClient, StartReplicationCommand, StartReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { callDeadline } from './call-budget';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, isThrottling, isTransient } from './errors';
import { graceMs } from './grace';
import {
  askedBy, askedSince, AskedBy, askingStack,
  describeAsk, IntentAction, IntentRecord, markRan, noteRefusal, overtaken, readIntent, recordAsk, recordOfStack,
} from './intent-record';
import { DmsOperation, OperationMark, Progress } from './operation';
import { nextPollDelayMs } from './poll-schedule';
import { DmsRefusal, RefusalWatch } from './refusal';
import { dmsShowsItRan, nextRunStep, NO_HISTORY, RunDesire, runHistory, StartType } from './replication-plan';
import {
  AT_REST, describeReplication, describeTarget, isFullLoadOnlyFinished, NEVER_RAN,
  ReplicationState, ReplicationTarget, requireReplication, stateDetail, UNDER_WAY,
} from './replication-state';
import { requestStop } from './replication-stop';
import { requestArrival } from './request-arrival';
import { classifyStop } from './stop-reason';
import { realClock } from './wait';
import { Attribute, ReplicationWaitTargetValue } from '../../src/private/handler-contract';

/** What a start or a wait waits for; `stopped` only for waits (the CLI). */
export type ReplicationGoal = ReplicationWaitTargetValue | 'stopped';

export interface ReplicationStartOptions {
  readonly target: ReplicationTarget;
  /** What a forward start waits for (a restore waits only until DMS accepted it). */
  readonly until: ReplicationWaitTargetValue;
  /** Load the target again (`reload-target`), stopping a running replication first. */
  readonly reload?: boolean;
  /** A rollback: only make it run again as before the update (see {@link RunDesire}). */
  readonly restore?: boolean;
  /**
   * Never fail (a rollback's restart that a later step checks): what DMS refuses, a start
   * that fails, or a DMS still slow at `handOverAfterMs` end the wait with what was seen.
   */
  readonly quiet?: boolean;
  /** Longest wait for DMS to rest before the start, from the request's arrival ({@link restWaitMs}: the request's timeout, less room for its checks); onEvent's deadline cuts it too. */
  readonly restWaitMs?: number;
  /** The stack's share of the DMS call budget: reads while waiting for DMS to rest are at least this far apart. */
  readonly minSpacingMs?: number;
  /** A quiet start hands back (done) this long after the request's arrival (or its start), rather than time out. */
  readonly handOverAfterMs?: number;
  /** Where CDC starts, on a replication's first run (exclusive with cdcStartPosition). */
  readonly cdcStartTime?: Date;
  readonly cdcStartPosition?: string;
  /** Who asks, for the record of intent (intent-record.ts): read before the decision, written before every start request. */
  readonly intent?: IntentAsker;
  /**
   * Where CDC stops (`commit_time:…` / `server_time:…`), sent with whatever start type DMS
   * requires (DMS takes a stop position only with a start). A stop there ends the wait done.
   */
  readonly cdcStopPosition?: string;
  /**
   * Asked right before every start request: a reason the request no longer wants a start
   * (its stack is rolling back, so a cancelled create must not start anything), or undefined.
   */
  readonly stillWanted?: () => Promise<string | undefined>;
}

/** Who asks DMS, for the record of intent; `stackId`: only that stack's asks count (a record of another stack reads as none). */
export interface IntentAsker {
  readonly by: AskedBy;
  readonly stackId?: string;
}

/** The record of intent as an asker's decisions read it (undefined without one: DMS's status alone decides). */
export async function intentFor(asker: IntentAsker | undefined, arn: string): Promise<IntentRecord | undefined> {
  if (!asker) return undefined;
  const record = await readIntent(arn);
  return asker.stackId ? recordOfStack(record, asker.stackId) : record;
}

/** The action recorded for a start request. */
function startAction(startType: Exclude<StartType, 'none'>, desire: RunDesire): IntentAction {
  if (desire === 'restore') return 'restore';
  return startType === 'start-replication' ? 'start' : startType === 'reload-target' ? 'reload' : 'resume';
}

/** A forward start that found DMS in flux for all of onEvent's time: nothing was started. */
export function stillInFluxReason(target: ReplicationTarget, state: ReplicationState, waitedMs: number, stopped: boolean): string {
  const detail = stateDetail(state);
  // Stopped, yet in flux: say why, or "still stopped … once it shows stopped" reads as nonsense.
  const status = state.deprovisioning && AT_REST.has(state.status) ? `${state.status} with its capacity being deprovisioned` : state.status;
  return `The ${describeTarget(target)} was still ${status}${detail ? ` (${detail})` : ''} after ${Math.round(waitedMs / 1000)} s of waiting for it to be at rest; `
    + `nothing was started${stopped ? ' (it was stopped first, for the reload)' : ''}. Retry the deployment once DMS shows it at rest (stopped, failed or ready, no capacity being deprovisioned).`;
}

/**
 * How long onEvent waits for DMS to rest before a start or restart, for a request of `timeoutMs`:
 * half of it, or all but a minute, so a wait handed over (a restore's, the guard's restart) or a
 * start made late still leaves the request's checks their time, for every timeout (1 min to 1 h).
 */
export function restWaitMs(timeoutMs: number): number {
  return Math.max(timeoutMs / 2, timeoutMs - 60_000);
}

/** Kept free at the end of `start`'s invocation for the start call (and a throttled retry of it). */
const START_CALL_RESERVE_MS = 100_000;

/** The attributes a pipeline reads: status, start type, full-load progress. */
export function replicationAttributes(state: ReplicationState | undefined, startType?: string): Record<string, string> {
  return {
    [Attribute.STATUS]: state?.status ?? 'not-found',
    [Attribute.START_TYPE]: startType ?? 'none',
    [Attribute.FULL_LOAD_PROGRESS_PERCENT]: String(state?.fullLoadProgressPercent ?? 0),
    [Attribute.TABLES_LOADED]: String(state?.tablesLoaded ?? 0),
    [Attribute.TABLES_ERRORED]: String(state?.tablesErrored ?? 0),
  };
}

/**
 * Judges a replication against a goal, once our start (if any) is under way.
 * Throws when it failed, or stopped for another reason than a finished full load.
 */
export function goalProgress(target: ReplicationTarget, state: ReplicationState, goal: ReplicationGoal, startType?: string): Progress {
  const done = (): Progress => ({ done: true, status: state.status, attributes: replicationAttributes(state, startType) });
  const waiting: Progress = { done: false, status: state.status, detail: stateDetail(state) };
  if (goal === 'stopped') return AT_REST.has(state.status) ? done() : waiting;
  if (state.status === 'failed' || (state.status === 'stopped' && !isFullLoadOnlyFinished(state))) {
    throw new DmsOperationFailed(`The ${describeTarget(target)} ${state.status === 'failed' ? 'failed' : 'stopped'}: ${stateDetail(state) ?? 'DMS gave no stop reason'}`);
  }
  // A full-load-only replication that loaded everything and stopped has done its job.
  if (isFullLoadOnlyFinished(state) || goal === 'accepted') return done();
  if (state.status !== 'running') return waiting;
  if (goal === 'running' || state.fullLoadFinished || state.migrationType === 'cdc') return done();
  return { ...waiting, status: `running, full load ${state.fullLoadProgressPercent ?? 0}%` };
}

/**
 * Start a replication with the start type DMS requires, and wait for the goal.
 *
 * What we asked DMS is remembered, not re-guessed from a later read: `start` waits for
 * DMS to rest, decides the start type from that state, requests the start and records
 * it in the mark, which the provider framework hands to every later check. From then on
 * the replication is ours: a start under way, and whatever it ends in, is judged against
 * the goal (a failure fails with DMS's stop reason and failure message) and it is never
 * started a second time, whether or not DMS dates the start, and however late the check.
 * A Describe that may still lag the request (the state from before it, undated) is given
 * the read-lag grace.
 *
 * A forward start (create, forward update, reload) is only ever made by `start`: when DMS
 * stays in flux for all of onEvent's time (up to its 10-min timeout), the request fails,
 * saying what DMS showed and that nothing was started. A start made by a check would be
 * remembered by that invocation alone, and a later check could then only re-guess from
 * DMS's dates (which DMS may never stamp for a failed start) and start a failed start again.
 *
 * A rollback's restore never fails for a slow DMS, so when DMS stays in flux through
 * `start`, its checks make the restart (resume-processing only, see replication-plan.ts):
 * at worst a later check resumes again after a resume that failed, which skips nothing and
 * restarts nothing from scratch, and the quiet hand-over bounds it.
 */
export function replicationStart(client: DatabaseMigrationServiceClient, options: ReplicationStartOptions): DmsOperation {
  const { target } = options;
  const startDesire: RunDesire = options.restore ? 'restore' : options.reload ? 'reload' : 'start';
  /** Desire and goal ride in the mark: a check may be built without knowing whether its request rolls back. */
  const desireOf = (mark: OperationMark) => (mark.desire as RunDesire | undefined) ?? startDesire;
  const goalOf = (mark: OperationMark) => (mark.goal as ReplicationGoal | undefined) ?? options.until;
  const subject = `the ${describeTarget(target)} to ${options.restore ? 'run again' : options.until === 'accepted' ? 'start' : options.until === 'running' ? 'run' : 'finish its full load'}`;

  const refusals = new RefusalWatch();
  /** A restart a check of this invocation asked for (a restore only, when `start` could not). */
  let requestedHereAt: number | undefined;
  /** When this invocation first sent a start, answered or not: a retried `start` that then finds one under way made it. */
  let startSentAt: number | undefined;
  let startSentType: StartType | undefined;
  /** A start type this invocation sent whose answer never came (timed out, dropped): that start may have landed. */
  let unanswered: StartType | undefined;
  const current = () => requireReplication(client, target);

  /** When this invocation began deciding: an ask by anyone else after it overtakes a forward start. */
  let invocationBegan = Date.now();
  /** The record of intent, read once per invocation before the first decision (and kept as written since). */
  let record: IntentRecord | undefined;
  let recordRead = false;
  async function history(state: ReplicationState) {
    if (!options.intent) return NO_HISTORY;
    if (!recordRead) record = await intentFor(options.intent, target.arn);
    recordRead = true;
    // DMS shows that it ran although no check of ours saw it (a start judged once accepted, the CLI's without
    // --wait, an assessment's): recorded now, so a later failure is resumed, never started from scratch.
    if (record?.ran === false && dmsShowsItRan(state)) {
      await markRan(target.arn);
      record = { ...record, ran: true };
    }
    return runHistory(record, state);
  }

  /**
   * StartReplication(Task), unless the request no longer wants it. A refusal although DMS showed it at rest is a
   * DmsRefusal, except after an unanswered send of the same start: then it returns as sent (see below).
   */
  async function requestStart(startType: Exclude<StartType, 'none'>, desire: RunDesire, from: string): Promise<void> {
    // A rollback's restart is always wanted; a forward start only while its deployment goes forward.
    const unwanted = desire === 'restore' ? undefined : await options.stillWanted?.();
    if (unwanted) throw new DmsOperationFailed(`Not starting the ${describeTarget(target)}: ${unwanted}`);
    // Recorded before it is sent: every later decision knows we asked, whatever becomes of this invocation.
    if (options.intent) {
      record = await recordAsk(target.arn, { action: startAction(startType, desire), startType, from, by: options.intent.by });
      // A forward start that someone asked something after (a Delete that fenced a cancelled create, a rollback, the CLI) is no longer wanted.
      // A restore gives way only to others' decisions (the CLI, another stack): the rest of its own rollback goes on.
      const since = askedSince(record, options.intent.by, invocationBegan);
      const ownStack = 'stack' in options.intent.by ? options.intent.by.stack : undefined;
      const later = desire === 'restore' && ownStack !== undefined && askingStack(since) === ownStack ? undefined : since;
      if (later) throw new DmsOperationFailed(`Not starting the ${describeTarget(target)}: this request was overtaken (${describeAsk(later)} since it began)`);
    }
    const cdc = {
      ...(startType === 'start-replication' ? { CdcStartTime: options.cdcStartTime, CdcStartPosition: options.cdcStartPosition } : {}),
      ...(options.cdcStopPosition ? { CdcStopPosition: options.cdcStopPosition } : {}),
    };
    const call = target.kind === 'replication-config' ? 'StartReplication' : 'StartReplicationTask';
    startSentAt ??= Date.now();
    startSentType ??= startType;
    try {
      await (target.kind === 'replication-config'
        ? client.send(new StartReplicationCommand({ ReplicationConfigArn: target.arn, StartReplicationType: startType, ...cdc }))
        : client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: target.arn, StartReplicationTaskType: startType, ...cdc })));
    } catch (err) {
      if (isNotFound(err)) await current(); // says it does not exist (or shows what it is now)
      // DMS may refuse it because our earlier send of it landed (a lagging Describe still showed it at rest): the ask stays
      // on record, unrefused, and the start is ours, judged from what DMS shows once the read lag passed.
      if (isInvalidState(err) && unanswered === startType) return;
      if (isInvalidState(err)) {
        // Nothing happened: a later step may ask again (a rollback's restore that DMS refused is not "resumed once").
        if (options.intent) record = await noteRefusal(target.arn, options.intent.by, (err as Error).message);
        throw new DmsRefusal(call, describeTarget(target), (err as Error).message);
      }
      // Unanswered (dropped, timed out, throttled): it may have landed; the caller retries, and a start under way then is ours.
      if (isTransient(err)) {
        if (!isThrottling(err)) unanswered = startType;
        throw err;
      }
      throw apiFailure(call, describeTarget(target), err);
    }
  }

  /** Progress of a start we asked for at `requestedAt` (epoch ms, our clock); once DMS runs it, the record says it ran. */
  async function oursProgress(state: ReplicationState, mark: OperationMark, requestedAt: number): Promise<Progress> {
    if (options.intent && (state.status === 'running' || isFullLoadOnlyFinished(state))) await markRan(target.arn);
    const dated = (state.startDate ?? 0) > Number(mark.acceptAfter ?? 0);
    if (AT_REST.has(state.status) && !dated && Date.now() - requestedAt < graceMs('readLag')) {
      // Not yet visible, or over already and undated: only time tells, and only a little.
      return { done: false, status: state.status, detail: 'start requested; DMS does not show it yet', recheckAt: requestedAt + graceMs('readLag') };
    }
    // It ran and stopped where it was asked to: done, whatever the goal.
    if (options.cdcStopPosition && dated && classifyStop(state).kind === 'at-stop-position') {
      return { done: true, status: state.status, detail: stateDetail(state), attributes: replicationAttributes(state, String(mark.startType)) };
    }
    return goalProgress(target, state, goalOf(mark), String(mark.startType));
  }

  async function check(mark: OperationMark): Promise<Progress> {
    const desire = desireOf(mark);
    const state = await current();
    if (mark.requested === true) return oursProgress(state, mark, Number(mark.requestedAt));
    if (requestedHereAt !== undefined) return oursProgress(state, mark, requestedHereAt);
    if (mark.pending !== true) return goalProgress(target, state, goalOf(mark), 'none'); // nothing was started: judge it as it is
    // A restore whose DMS stayed in flux through `start` (a forward start failed there): the restart falls to a check.
    // A restart an earlier check of this request made is on record (restoreAsked): the step is then `none`, and
    // DMS's state is judged as it is. Never guessed from DMS's start date.
    const step = nextRunStep(state, desire, await history(state));
    if (step.action === 'none') return goalProgress(target, state, goalOf(mark), UNDER_WAY.has(state.status) ? String(mark.startType) : 'none');
    if (step.action === 'refuse') throw new DmsOperationFailed(`The ${describeTarget(target)} ${step.reason}`);
    try {
      if (step.action === 'stop-first') {
        await requestStop(client, target);
        return { done: false, status: state.status, detail: refusals.detail('stopping it first, to reload the target') };
      }
      if (step.action === 'wait') return { done: false, status: state.status, detail: refusals.detail(step.reason) };
      await requestStart(step.startType, desire, state.status);
      refusals.accepted();
      requestedHereAt = Date.now();
      // Only this invocation knows it asked: stay until DMS can show it.
      return { done: false, status: 'start requested', holdUntil: requestedHereAt + graceMs('readLag') };
    } catch (err) {
      if (!(err instanceof DmsRefusal)) throw err;
      return { done: false, status: state.status, ...refusals.refused(err) };
    }
  }

  return {
    subject,
    async start(): Promise<OperationMark> {
      const began = Date.now();
      const deadline = callDeadline();
      // Counted from the request's arrival, as its deadline is: not pushed back by stack reads that rode out throttling, nor by a retried start.
      const arrived = requestArrival() ?? began;
      const restUntil = Math.min(arrived + Math.min(graceMs('restWait'), options.restWaitMs ?? Infinity), deadline === undefined ? Infinity : deadline - START_CALL_RESERVE_MS);
      const handOver: OperationMark = options.handOverAfterMs !== undefined ? { handOverAt: arrived + options.handOverAfterMs } : {};
      const quiet: OperationMark = options.quiet ? { quiet: true, ...handOver } : {};
      let state = await current();
      let stopSent = false;
      const base: OperationMark = { desire: startDesire, goal: options.until, acceptAfter: state.startDate ?? 0, ...quiet };
      invocationBegan = began;
      if (options.intent && startSentAt === undefined) {
        // A replay of this request finds its own ask: it starts nothing twice, answers as the first time
        // did, and acts no more once others asked after it (its operation ended). Retries within this
        // invocation (startSentAt) know what they sent. A first start DMS still shows never run did not land.
        await history(state);
        const asked = askedBy(record, options.intent.by, ['start', 'resume', 'reload', 'restore']);
        const landed = asked !== undefined && asked.refused === undefined && !(asked.startType === 'start-replication' && NEVER_RAN.has(state.status));
        const mine = landed ? asked : undefined;
        const ended = askedBy(record, options.intent.by) !== undefined && overtaken(record, options.intent.by);
        if (ended) return { ...base, startType: mine?.startType ?? 'none', overtaken: true, ...(mine ? { requested: true, requestedAt: mine.at } : {}) };
        if (mine?.startType) return { ...base, startType: mine.startType, requested: true, requestedAt: mine.at };
      }
      /** Reads in a row that DMS throttled (or that failed on something that passes): the wait backs off and the state is the last one read. */
      let failedReads = 0;
      for (;;) {
        const step = failedReads > 0 ? { action: 'wait' as const } : nextRunStep(state, startDesire, await history(state));
        if (step.action === 'none' && startSentAt !== undefined && UNDER_WAY.has(state.status)) {
          // An earlier try's start landed although its answer was lost.
          return { ...base, startType: startSentType ?? 'none', requested: true, requestedAt: startSentAt };
        }
        if (step.action === 'none') return { ...base, startType: 'none', ...(step.reason ? { note: step.reason } : {}) };
        if (step.action === 'refuse') throw new DmsOperationFailed(`The ${describeTarget(target)} ${step.reason}`);
        if (step.action === 'start') {
          try {
            await requestStart(step.startType, startDesire, state.status);
          } catch (err) {
            // A rollback's restore never fails the rollback: a refusal hands the restart to its checks, which ride it out.
            if (startDesire === 'restore' && options.quiet && err instanceof DmsRefusal) return { ...base, startType: 'pending', pending: true };
            throw err;
          }
          return { ...base, startType: step.startType, requested: true, requestedAt: Date.now() };
        }
        if (step.action === 'stop-first') {
          if (options.intent && !stopSent) record = await recordAsk(target.arn, { action: 'reload', from: state.status, by: options.intent.by });
          await requestStop(client, target);
          stopSent = true;
        }
        // Spaced like every other wait (the stack's share of DMS's call budget), backing off while throttled.
        const pause = nextPollDelayMs(Date.now() - began, failedReads, Math.random, { minSpacingMs: options.minSpacingMs });
        if (Date.now() + pause > restUntil) {
          // A forward start is made here or not at all (see above); a restore's checks make it, from DMS at rest.
          if (startDesire !== 'restore') throw new DmsOperationFailed(stillInFluxReason(target, state, Date.now() - began, stopSent));
          return { ...base, startType: 'pending', pending: true };
        }
        await realClock.sleep(pause);
        try {
          state = await current();
          failedReads = 0;
        } catch (err) {
          // A throttled read late in a long wait is retried up to the wait's end, not fatal.
          if (!isThrottling(err) && !isTransient(err)) throw err;
          failedReads++;
        }
      }
    },
    async check(mark): Promise<Progress> {
      if (mark.overtaken === true) {
        // Its operation ended (a later request asked since): report, act no more.
        const state = await describeReplication(client, target);
        return { done: true, status: state?.status ?? 'not-found', detail: 'a later request asked since; this one acts no more', attributes: replicationAttributes(state, String(mark.startType)) };
      }
      if (mark.quiet !== true) return check(mark);
      // A rollback's restart never fails the rollback; it hands back what DMS said.
      try {
        const progress = await check(mark);
        if (progress.done || mark.handOverAt === undefined || Date.now() < Number(mark.handOverAt)) return progress;
        return { ...progress, done: true, detail: `handed to the rollback's cleanup: ${progress.detail ?? progress.status}` };
      } catch (err) {
        if (!(err instanceof DmsOperationFailed)) throw err;
        return { done: true, status: 'not restarted', detail: err.message };
      }
    },
  };
}

/** Waits for a goal without starting anything (the CLI's wait-replication). */
export function replicationWait(client: DatabaseMigrationServiceClient, target: ReplicationTarget, goal: ReplicationGoal): DmsOperation {
  return {
    subject: `the ${describeTarget(target)} to be ${goal === 'accepted' ? 'started' : goal === 'full-load-finished' ? 'done with its full load' : goal}`,
    start: async () => ({}),
    async check() {
      return goalProgress(target, await requireReplication(client, target), goal);
    },
  };
}

/** Reports the replication as it stands, starting nothing and never failing on its state. */
export function currentReplicationStatus(client: DatabaseMigrationServiceClient, target: ReplicationTarget): DmsOperation {
  return {
    subject: `the status of the ${describeTarget(target)}`,
    start: async () => ({}),
    async check() {
      const state = await describeReplication(client, target);
      return { done: true, status: state?.status ?? 'not-found', attributes: replicationAttributes(state) };
    },
  };
}
