import { DatabaseMigrationServiceClient, StopReplicationCommand, StopReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { apiFailure, isInvalidState, isNotFound } from './errors';
import { graceMs } from './grace';
import { askedBy, AskedBy, IntentAction, overtaken, readIntent, recordAsk } from './intent-record';
import { DmsOperation, OperationMark, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
import { describeReplication, ReplicationTarget, stateDetail, UNDER_WAY } from './replication-state';
import { Attribute } from '../../src/private/handler-contract';

/** The stop call of each kind, and how reasons name it. */
const STOP = {
  'replication-config': {
    noun: 'replication config',
    call: 'StopReplication',
    send: (client: DatabaseMigrationServiceClient, arn: string) => client.send(new StopReplicationCommand({ ReplicationConfigArn: arn })),
  },
  'replication-task': {
    noun: 'replication task',
    call: 'StopReplicationTask',
    send: (client: DatabaseMigrationServiceClient, arn: string) => client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn })),
  },
} as const;

/**
 * Asks DMS to stop the replication. "Not running" or not found: nothing to stop (a
 * Describe tells which). Refused while DMS shows it `running`: DmsRefusal. Refused while
 * it is still starting (which can last long): nothing now, the caller asks again.
 */
export async function requestStop(client: DatabaseMigrationServiceClient, target: ReplicationTarget): Promise<void> {
  const stop = STOP[target.kind];
  try {
    await stop.send(client, target.arn);
  } catch (err) {
    if (isNotFound(err)) return;
    if (!isInvalidState(err)) throw apiFailure(stop.call, `${stop.noun} ${target.arn}`, err);
    const state = await describeReplication(client, target);
    if (state?.status === 'running') throw new DmsRefusal(stop.call, `${stop.noun} ${target.arn}`, (err as Error).message);
  }
}

/**
 * Stop a replication and wait until it no longer runs. Only ever stops: a
 * replication that is missing, stopped, created, ready or failed is left as it is,
 * `stopping` is waited for, and "is currently not running" counts as stopped, so
 * that a teardown never becomes the reason a stack cannot be deleted. A refusal of
 * the stop while DMS still shows it running is retried for a short grace, then
 * fails with DMS's message; with `refusalEndsWait` (a rollback, where nothing may
 * need the stop) it ends the wait instead, and the next step meets DMS's own refusal
 * if it did. The mark says whether `start` asked DMS to stop (`stopRequested`).
 */
export function replicationStop(
  client: DatabaseMigrationServiceClient,
  target: ReplicationTarget,
  options: {
    readonly refusalEndsWait?: boolean;
    /** Who asks, for the record of intent (intent-record.ts): written before the first stop request of each invocation. */
    readonly intent?: { readonly by: AskedBy; readonly action?: IntentAction };
  } = {},
): DmsOperation {
  const subject = `${STOP[target.kind].noun} ${target.arn} to stop`;
  const refusals = new RefusalWatch();
  let recorded = false;
  /** When DMS accepted this request's last stop (epoch ms), in this invocation or, through the mark, an earlier one. */
  let acceptedAt: number | undefined;

  /** One look, and a stop if it runs. In `start` a refusal throws (the caller retries it); in checks it is watched. */
  async function progressAndStop(inStart: boolean): Promise<Progress & { stopRequested?: boolean }> {
    const state = await describeReplication(client, target);
    if (!state) return { done: true, status: 'not-found', attributes: { [Attribute.STATUS]: 'not-found' } };
    const detail = stateDetail(state);
    if (UNDER_WAY.has(state.status) && acceptedAt !== undefined && Date.now() - acceptedAt < graceMs('readLag')) {
      // DMS took our stop moments ago and a lagging Describe does not show it yet: another stop would only be refused.
      return { done: false, status: state.status, detail: 'stop requested; DMS does not show it yet', recheckAt: acceptedAt + graceMs('readLag') };
    }
    if (UNDER_WAY.has(state.status)) {
      if (options.intent && !recorded) {
        await recordAsk(target.arn, { action: options.intent.action ?? 'stop', from: state.status, by: options.intent.by });
        recorded = true;
      }
      try {
        await requestStop(client, target);
        refusals.accepted();
        acceptedAt = Date.now();
      } catch (err) {
        if (!(err instanceof DmsRefusal)) throw err;
        if (options.refusalEndsWait) return { done: true, status: `${state.status}, stop refused`, detail: err.detail, attributes: { [Attribute.STATUS]: state.status } };
        if (inStart) throw err;
        return { done: false, status: state.status, ...refusals.refused(err) };
      }
      return { done: false, status: state.status, detail: refusals.detail(detail), stopRequested: true };
    }
    if (state.status === 'stopping') return { done: false, status: state.status, detail: refusals.detail(detail) };
    return { done: true, status: state.status, attributes: { [Attribute.STATUS]: state.status } };
  }

  return {
    subject,
    async start(): Promise<OperationMark> {
      if (options.intent) {
        // A replay of a request whose operation ended (others asked since) stops nothing any more.
        const record = await readIntent(target.arn);
        if (askedBy(record, options.intent.by) && overtaken(record, options.intent.by)) return { overtaken: true };
      }
      const progress = await progressAndStop(true);
      return progress.stopRequested ? { stopRequested: true, ...(acceptedAt !== undefined ? { stopAcceptedAt: acceptedAt } : {}) } : {};
    },
    async check(mark) {
      if (typeof mark.stopAcceptedAt === 'number') acceptedAt ??= mark.stopAcceptedAt;
      if (mark.overtaken !== true) return progressAndStop(false);
      const state = await describeReplication(client, target);
      return { done: true, status: state?.status ?? 'not-found', detail: 'a later request asked since; this one acts no more', attributes: { [Attribute.STATUS]: state?.status ?? 'not-found' } };
    },
  };
}
