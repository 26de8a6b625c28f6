import { DatabaseMigrationServiceClient, StopReplicationCommand, StopReplicationTaskCommand } from '@aws-sdk/client-database-migration-service';
import { apiFailure, isInvalidState, isNotFound } from './errors';
import { DmsOperation, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
import { describeReplication, stateDetail } from './replication-state';
import { Attribute } from '../../src/private/handler-contract';

/** A DMS Serverless replication config or a classic replication task. */
export interface ReplicationTarget {
  readonly kind: 'replication-config' | 'replication-task';
  readonly arn: string;
}

/** How one kind of replication is described, stopped and judged. */
interface ReplicationApi {
  readonly noun: string;
  readonly stopCall: string;
  /** Statuses in which the replication runs or is starting: these need a stop. */
  readonly stoppable: ReadonlySet<string>;
  stop(client: DatabaseMigrationServiceClient, arn: string): Promise<unknown>;
}

const SERVERLESS: ReplicationApi = {
  noun: 'replication config',
  stopCall: 'StopReplication',
  // A config cannot be deleted while its replication runs or starts.
  stoppable: new Set([
    'running',
    'initializing',
    'preparing_metadata_resources',
    'testing_connection',
    'fetching_metadata',
    'calculating_capacity',
    'provisioning_capacity',
    'replication_starting',
  ]),
  stop: (client, arn) => client.send(new StopReplicationCommand({ ReplicationConfigArn: arn })),
};

const TASK: ReplicationApi = {
  noun: 'replication task',
  stopCall: 'StopReplicationTask',
  stoppable: new Set(['running', 'starting']),
  stop: (client, arn) => client.send(new StopReplicationTaskCommand({ ReplicationTaskArn: arn })),
};

function apiFor(target: ReplicationTarget): ReplicationApi {
  return target.kind === 'replication-config' ? SERVERLESS : TASK;
}

/**
 * Stop a replication and wait until it no longer runs. Only ever stops: a
 * replication that is missing, stopped, created, ready or failed is left as it is,
 * `stopping` is waited for, and "is currently not running" counts as stopped, so
 * that a teardown never becomes the reason a stack cannot be deleted. A refusal of
 * the stop while DMS still shows it running is retried for a short grace, then
 * fails with DMS's message.
 */
export function replicationStop(client: DatabaseMigrationServiceClient, target: ReplicationTarget): DmsOperation {
  const api = apiFor(target);
  const subject = `${api.noun} ${target.arn} to stop`;
  const refusals = new RefusalWatch();

  /** One Describe (every page) through the shared reader of replication state. */
  const describe = () => describeReplication(client, target);

  /**
   * Asks for the stop. "Not running" or not found: nothing to stop, the next check
   * tells which. A refusal while Describe still shows it `running` throws DmsRefusal.
   */
  async function stop(): Promise<void> {
    try {
      await api.stop(client, target.arn);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isInvalidState(err)) throw apiFailure(api.stopCall, `${api.noun} ${target.arn}`, err);
      // Refused while it runs: a refusal. Refused while it starts (which can last long): the
      // next check asks again, bounded by the timeout.
      const state = await describe();
      if (state?.status === 'running') throw new DmsRefusal(api.stopCall, `${api.noun} ${target.arn}`, (err as Error).message);
    }
  }

  /** One look, and a stop if it runs. In `start` a refusal throws (the caller retries it); in checks it is watched. */
  async function progressAndStop(inStart: boolean): Promise<Progress> {
    const state = await describe();
    if (!state) return { done: true, status: 'not-found', attributes: { [Attribute.STATUS]: 'not-found' } };
    const detail = stateDetail(state);
    if (api.stoppable.has(state.status)) {
      try {
        await stop();
        refusals.accepted();
      } catch (err) {
        if (inStart || !(err instanceof DmsRefusal)) throw err;
        return { done: false, status: state.status, ...refusals.refused(err) };
      }
      return { done: false, status: state.status, detail: refusals.detail(detail) };
    }
    if (state.status === 'stopping') return { done: false, status: state.status, detail: refusals.detail(detail) };
    return { done: true, status: state.status, attributes: { [Attribute.STATUS]: state.status } };
  }

  return {
    subject,
    async start() {
      await progressAndStop(true);
      return {};
    },
    check: () => progressAndStop(false),
  };
}
