import { DatabaseMigrationServiceClient, StartReplicationCommand, StartReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound } from './errors';
import { DmsOperation, OperationMark, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
import { AT_REST, describeReplication, describeTarget, isFullLoadOnlyFinished, NEVER_RAN, ReplicationState, ReplicationTarget, requireReplication, stateDetail, UNDER_WAY } from './replication-state';
import { requestStop } from './replication-stop';
import { Attribute, ReplicationWaitTargetValue } from '../../src/private/handler-contract';

/** What a start or a wait waits for; `stopped` only for waits (the CLI). */
export type ReplicationGoal = ReplicationWaitTargetValue | 'stopped';

export interface ReplicationStartOptions {
  readonly target: ReplicationTarget;
  readonly until: ReplicationWaitTargetValue;
  /** Load the target again (`reload-target`), stopping a running replication first. */
  readonly reload?: boolean;
  /** Where CDC starts, on a replication's first run (exclusive with cdcStartPosition). */
  readonly cdcStartTime?: Date;
  readonly cdcStartPosition?: string;
}

/** The DMS start types; `none` when nothing had to be started (already running, or a full load already finished). */
export type StartType = 'start-replication' | 'resume-processing' | 'reload-target' | 'none';

/**
 * The start type DMS requires for the replication as it is: `start-replication`
 * for one that never ran, `resume-processing` otherwise, `reload-target` when asked
 * (or for a full-load-only one that was stopped before it finished: DMS cannot
 * resume those). `none` when it runs already or a full-load-only one has finished.
 */
export function chooseStartType(state: ReplicationState, reload: boolean): StartType {
  if (reload) return 'reload-target';
  if (UNDER_WAY.has(state.status) || isFullLoadOnlyFinished(state)) return 'none';
  if (NEVER_RAN.has(state.status)) return 'start-replication';
  return state.migrationType === 'full-load' ? 'reload-target' : 'resume-processing';
}

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
 * Which run is ours is told by DMS's own clock, as with refreshes: `start` notes the
 * StartDate DMS reported before we asked, and only a later one counts. Until then
 * every check re-derives what to do from DMS: wait while it is `modifying`,
 * `stopping` or deprovisioning (DMS refuses a start meanwhile), stop it first for a
 * reload, and (re)request the start once it rests. So a full-load-only replication
 * that started, loaded and stopped before the first check has succeeded, and a
 * check may run late or twice.
 */
export function replicationStart(client: DatabaseMigrationServiceClient, options: ReplicationStartOptions): DmsOperation {
  const { target } = options;
  const subject = `the ${describeTarget(target)} to ${options.until === 'accepted' ? 'start' : options.until === 'running' ? 'run' : 'finish its full load'}`;

  const refusals = new RefusalWatch();
  /** A start this invocation asked for (the mark only knows the one asked for in `start`). */
  let requestedHere = false;
  const current = () => requireReplication(client, target);

  /**
   * Moves a replication that is not ours yet one step towards our start; the progress to
   * report. A refusal while DMS shows it at rest (or running, for a reload's stop) throws
   * DmsRefusal: `start` lets its caller retry it, checks watch it.
   */
  async function advance(state: ReplicationState, startType: StartType): Promise<Progress> {
    if (state.status === 'running' && startType === 'reload-target') {
      await requestStop(client, target);
      return { done: false, status: state.status, detail: refusals.detail('stopping it first, to reload the target') };
    }
    if (!AT_REST.has(state.status) || state.deprovisioning) {
      const what = state.deprovisioning ? 'capacity deprovisioning' : state.status;
      return { done: false, status: state.deprovisioning ? `${state.status}, deprovisioning` : state.status, detail: `DMS refuses a start while ${what}; it starts after` };
    }
    await requestStart(startType);
    refusals.accepted();
    requestedHere = true;
    return { done: false, status: 'start requested' };
  }

  /** StartReplication(Task): a refusal although DMS showed it at rest is a refusal, not progress. */
  async function requestStart(startType: StartType): Promise<void> {
    const cdc = startType === 'start-replication'
      ? { CdcStartTime: options.cdcStartTime, CdcStartPosition: options.cdcStartPosition }
      : {};
    const call = target.kind === 'replication-config' ? 'StartReplication' : 'StartReplicationTask';
    try {
      await (target.kind === 'replication-config'
        ? client.send(new StartReplicationCommand({ ReplicationConfigArn: target.arn, StartReplicationType: startType, ...cdc }))
        : client.send(new StartReplicationTaskCommand({ ReplicationTaskArn: target.arn, StartReplicationTaskType: startType as 'start-replication', ...cdc })));
    } catch (err) {
      if (isNotFound(err)) await current(); // says it does not exist (or shows what it is now)
      if (isInvalidState(err)) throw new DmsRefusal(call, describeTarget(target), (err as Error).message);
      throw apiFailure(call, describeTarget(target), err);
    }
  }

  return {
    subject,
    async start(): Promise<OperationMark> {
      const state = await current();
      const startType = chooseStartType(state, options.reload ?? false);
      const requested = startType !== 'none' && (await advance(state, startType)).status === 'start requested';
      return { startType, acceptAfter: state.startDate ?? 0, requested };
    },
    async check(mark): Promise<Progress> {
      const state = await current();
      const startType = String(mark.startType) as StartType;
      // Ours once DMS dates a start after our request, or once a start is under way: one we
      // asked for (DMS may date it only later), or any, unless we must reload first.
      const underWay = UNDER_WAY.has(state.status) && (mark.requested === true || requestedHere || startType !== 'reload-target');
      const ours = startType === 'none' || (state.startDate ?? 0) > Number(mark.acceptAfter) || underWay;
      if (ours) return goalProgress(target, state, options.until, startType);
      try {
        return await advance(state, startType);
      } catch (err) {
        if (!(err instanceof DmsRefusal)) throw err;
        return { done: false, status: state.status, ...refusals.refused(err) };
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
