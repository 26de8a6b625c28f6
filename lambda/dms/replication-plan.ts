/**
 * What a replication run does next: the one home of the run's decisions, shared by
 * the run, its guard and the CLI. Pure: it sees DMS's state and what the deploy wants,
 * never the stack or the clock, so every invocation that asks gets the same answer.
 *
 * A new desire (issue 21's "stay stopped", say) is a new {@link RunDesire} and a branch
 * in {@link nextRunStep}; the start, wait and judging code around it stays as it is.
 */
import type { AskedBy, IntentAction, IntentAsk, IntentRecord } from './intent-record';
import { AT_REST, isFullLoadOnlyFinished, NEVER_RAN, ReplicationState, UNDER_WAY } from './replication-state';

/**
 * What the record of intent (intent-record.ts) adds to DMS's state for the next step. Without
 * a record (a stack deployed before it, or a record of another stack) all are false, and the
 * step is decided from DMS's status alone, as before the record existed.
 */
export interface RunHistory {
  /** Our first start (`start-replication`) never reached `running`: it has never run. */
  readonly neverRan: boolean;
  /** What DMS shows failed is our forward resume, made right after our stop of the running replication: a rollback resumes it once. */
  readonly failedByOurResume: boolean;
  /** A rollback asked DMS to resume it and DMS did not refuse: once is enough; later steps judge it. */
  readonly restoreAsked: boolean;
  /**
   * The last ask on record is a cut-over's stop (the CLI's `cutover`): it was cut over, or is being cut over.
   * Nothing has started it since (the guard and a stop record nothing for a replication at rest).
   */
  readonly cutOver?: boolean;
  /** The last ask on record is a stop by the CLI: someone's decision, newer than the deploy; a rollback leaves it stopped. */
  readonly stoppedByCli?: boolean;
}

/** Why a deploy starts nothing after a cut-over. */
export const CUT_OVER = 'was cut over (the CLI\'s cutover stopped it at a stop position), so this deploy does not start or resume it. '
  + 'Set its run\'s desiredState to STOPPED to keep it stopped, start it with the CLI\'s start-replication if it is to run again, '
  + 'or set reloadTrigger to load the target again';

/** Why a rollback does not resume a replication the CLI stopped. */
export const STOPPED_BY_CLI = 'was stopped by the CLI since the deploy began (a newer decision than the deploy\'s), so the rollback leaves it stopped';

/** Why a full-load-only replication that stopped mid-load is not started again without reloadTrigger. */
export const FULL_LOAD_NOT_RESUMABLE = 'is full-load only and its load did not finish: DMS cannot resume it (resume-processing is not applicable to full-load), '
  + 'and a reload-target is made only when reloadTrigger changes. Set reloadTrigger to load the target again';

export const NO_HISTORY: RunHistory = { neverRan: false, failedByOurResume: false, restoreAsked: false };

/**
 * DMS's own evidence that a replication ran, which wins over a record that missed it (a start judged
 * once accepted, then stopped by someone before a check of ours saw it running): running now, or a
 * full load it began, loaded tables or finished. A CDC-only replication has no full load: DMS may
 * show its progress as 100 % although it never ran, so only `running` counts for it.
 */
export function dmsShowsItRan(state: ReplicationState): boolean {
  if (state.status === 'running') return true;
  if (state.migrationType === 'cdc') return false;
  return state.fullLoadFinished || state.fullLoadStarted === true || (state.tablesLoaded ?? 0) > 0;
}

/** The history of a replication as its record and DMS's state tell it. */
export function runHistory(record: IntentRecord | undefined, state: ReplicationState): RunHistory {
  if (!record) return NO_HISTORY;
  const asks = record.asks.filter((a) => a.refused === undefined); // a refused request changed nothing
  const last = asks[asks.length - 1];
  const before = asks[asks.length - 2];
  return {
    neverRan: record.ran === false && !dmsShowsItRan(state),
    // Only a stack's stop is ours to undo: a stop by the CLI was someone's decision to keep it stopped.
    failedByOurResume: state.status === 'failed' && last?.action === 'resume' && before?.action === 'stop' && 'stack' in before.by && UNDER_WAY.has(before.from ?? ''),
    restoreAsked: last?.action === 'restore' && last.refused === undefined,
    // A cut-over stops a replication that ran: one DMS shows never run is a new resource under a reused ARN (ResourceIdentifier).
    cutOver: last?.action === 'cutover-stop' && !NEVER_RAN.has(state.status),
    stoppedByCli: last?.action === 'stop' && 'cli' in last.by,
  };
}

/**
 * What the deploy wants of the replication:
 * - `start`: a forward create or update: start it (as DMS requires) and wait for the goal;
 * - `reload`: the same, loading the target again (`reload-target`, stopping it first);
 * - `restore`: a rollback: make it run again as before the update, nothing more. It never
 *   reloads, never starts one that never ran (it did not run before) or that failed
 *   (a failure during this deploy is reported, not retried), and never waits for a load.
 */
export type RunDesire = 'start' | 'reload' | 'restore';

/** The DMS start types; `none` when nothing had to be started. */
export type StartType = 'start-replication' | 'resume-processing' | 'reload-target' | 'none';

/** One step towards the desire, for the replication as DMS shows it now. */
export type RunStep =
  /** DMS is in flux (modifying, creating, stopping, deprovisioning): it refuses a start now; ask again once it rests. */
  | { readonly action: 'wait'; readonly reason: string }
  /** A reload of a running replication: stop it first. */
  | { readonly action: 'stop-first' }
  /** Start it now, with this start type. */
  | { readonly action: 'start'; readonly startType: Exclude<StartType, 'none'> }
  /** Nothing the desire may do: the request fails with this reason (a reload nobody asked for). */
  | { readonly action: 'refuse'; readonly reason: string }
  /** Nothing to start: it runs (or is on its way), or there is nothing the desire may start. */
  | { readonly action: 'none'; readonly reason?: string };

/**
 * The next step. The start type is chosen only from a replication at rest (created,
 * ready, stopped, failed, no capacity being deprovisioned), so one that DMS shows
 * `modifying` or `creating` and that never ran still gets `start-replication` (with its
 * CDC start) once it rests. Callers ask again right before every start request.
 */
export function nextRunStep(state: ReplicationState, desire: RunDesire, history: RunHistory = NO_HISTORY): RunStep {
  if (desire === 'reload' && state.status === 'running') return { action: 'stop-first' };
  if (UNDER_WAY.has(state.status)) {
    // A reload waits for a start under way to reach `running`, then stops it.
    return desire === 'reload' ? { action: 'wait', reason: `${state.status}: it is stopped for the reload once it runs` } : { action: 'none' };
  }
  if (!AT_REST.has(state.status) || state.deprovisioning) {
    const what = state.deprovisioning ? 'capacity is being deprovisioned' : `it is ${state.status}`;
    return { action: 'wait', reason: `DMS refuses a start while ${what}; it starts after` };
  }
  const neverRan = NEVER_RAN.has(state.status) || history.neverRan;
  // A first run is start-replication, with the user's CDC start, whatever the desire.
  if (desire === 'reload') return { action: 'start', startType: neverRan ? 'start-replication' : 'reload-target' };
  if (isFullLoadOnlyFinished(state)) return { action: 'none', reason: 'its full load finished' };
  // A reload is asked for (reloadTrigger changed); a start or a rollback's resume would silently undo the cut-over.
  if (history.cutOver) return desire === 'restore' ? { action: 'none', reason: CUT_OVER } : { action: 'refuse', reason: CUT_OVER };
  if (desire === 'restore') {
    if (history.restoreAsked) return { action: 'none', reason: 'the rollback resumed it once already' };
    if (history.stoppedByCli && !UNDER_WAY.has(state.status)) return { action: 'none', reason: STOPPED_BY_CLI };
    if (neverRan) return { action: 'none', reason: 'it never ran, so it did not run before the update' };
    if (state.status === 'failed' && !history.failedByOurResume) return { action: 'none', reason: 'it failed before the update; a rollback does not start a failed replication again' };
    if (state.migrationType === 'full-load') return { action: 'none', reason: 'a rollback does not reload a full-load-only replication' };
  }
  if (neverRan) return { action: 'start', startType: 'start-replication' };
  // DMS cannot resume a full-load-only replication that stopped before it finished, and a reload is only ever asked for.
  if (state.migrationType === 'full-load') return { action: 'refuse', reason: FULL_LOAD_NOT_RESUMABLE };
  return { action: 'start', startType: 'resume-processing' };
}

/**
 * Whether the newest ask on record that DMS did not refuse is one of these `actions`, made by
 * `resource` of `stackId`: what a rollback undoes is its own stack's step, read back from the
 * record, and only while nobody (the CLI, another resource or stack) asked anything since.
 * Never decided from DMS's start or stop dates or the stack's LastUpdatedTime: DMS documents
 * neither against CloudFormation's clock, and neither says who asked. Without a record (a stack
 * deployed before it) the answer is false: a rollback then undoes nothing.
 */
export function lastAskWas(record: IntentRecord | undefined, stackId: string, resource: string, actions: readonly IntentAction[]): boolean {
  const last = lastHonouredAsk(record);
  return last !== undefined && 'stack' in last.by && last.by.stack === stackId && last.by.resource === resource && actions.includes(last.action);
}

/** The newest ask on record that DMS did not refuse (a refused request changed nothing). */
function lastHonouredAsk(record: IntentRecord | undefined): IntentAsk | undefined {
  const honoured = (record?.asks ?? []).filter((a) => a.refused === undefined);
  return honoured[honoured.length - 1];
}

/** What a run asks when it starts a replication. */
export const RUN_STARTS: readonly IntentAction[] = ['start', 'resume', 'reload'];

/**
 * Whether a run whose desired state is *stopped* stops the replication now. A forward create
 * or update stops it (whatever ran it: a previous deploy, or a start by hand). A rollback
 * to *stopped* (of an update that switched it to running) stops it only when the rolled-back
 * update's run started it (`startedByRolledBack`: its start is the last ask on record) and
 * DMS shows it under way; one that ran before, or that someone started since, is left running.
 */
export function stopsForStayStopped(state: ReplicationState, rollback: boolean, startedByRolledBack: boolean): boolean {
  if (!rollback) return true;
  return startedByRolledBack && UNDER_WAY.has(state.status);
}

/**
 * Whether the newest ask on record that DMS did not refuse is one of these `actions`, made by
 * exactly `by` (one request of a stack's resource, or one CLI invocation): {@link lastAskWas}'s
 * rule for one asker. A serverless assessment whose verdict failed stops only what its own
 * StartReplication started, never a start someone asked since.
 */
export function lastAskBy(record: IntentRecord | undefined, by: AskedBy, actions: readonly IntentAction[]): boolean {
  const last = lastHonouredAsk(record);
  return last !== undefined && JSON.stringify(last.by) === JSON.stringify(by) && actions.includes(last.action);
}
