import {
  DatabaseMigrationServiceClient,
  DescribeReplicationsCommand,
  DescribeReplicationTasksCommand,
  ReplicationStats,
  ReplicationTaskStats,
} from '@aws-sdk/client-database-migration-service';
import { findInPages } from './describe-pages';
import { apiFailure, DmsOperationFailed, isNotFound, quote } from './errors';
import { classifyStop } from './stop-reason';

/** A DMS Serverless replication config or a classic replication task. */
export interface ReplicationTarget {
  readonly kind: 'replication-config' | 'replication-task';
  readonly arn: string;
}

/** What DMS says about a running (or resting) replication, for either kind. */
export interface ReplicationState {
  readonly status: string;
  /** ReplicationConfigIdentifier / ReplicationTaskIdentifier: the name the user gave it. */
  readonly identifier?: string;
  readonly stopReason?: string;
  /** Serverless FailureMessages joined, or a task's LastFailureMessage. */
  readonly failureMessage?: string;
  /** full-load, cdc or full-load-and-cdc. */
  readonly migrationType?: string;
  /** Epoch ms of the latest start DMS accepted (its own clock); undefined if it never ran. */
  readonly startDate?: number;
  /** Epoch ms of the latest stop DMS recorded (its own clock), if any. */
  readonly stopDate?: number;
  /** True once the full load finished (DMS's FullLoadFinishDate is at or after the last fresh start, or progress is 100 %). */
  readonly fullLoadFinished: boolean;
  readonly fullLoadProgressPercent?: number;
  /** DMS dated a full load's start (FullLoadStartDate): the replication ran, whether or not a check of ours saw it running. */
  readonly fullLoadStarted?: boolean;
  readonly tablesLoaded?: number;
  readonly tablesErrored?: number;
  /** Serverless: capacity still being deprovisioned after a stop (a start waits for it). */
  readonly deprovisioning: boolean;
  /** The CdcStopPosition DMS holds (of the latest start), if any. */
  readonly cdcStopPosition?: string;
}

/**
 * Statuses in which a replication runs or is on its way there (both kinds: a task
 * `starting`, a serverless replication through its provisioning steps). A config
 * cannot be deleted, and a start is not needed, in any of them.
 */
export const UNDER_WAY: ReadonlySet<string> = new Set([
  'running', 'starting', 'initializing', 'preparing_metadata_resources', 'testing_connection',
  'fetching_metadata', 'calculating_capacity', 'provisioning_capacity', 'replication_starting',
]);

/** Statuses of a replication that never ran: serverless `created`, task `ready`. */
export const NEVER_RAN = new Set(['created', 'ready']);
/**
 * Statuses from which DMS accepts a start or a modify. `deprovisioned`: a stopped serverless
 * replication whose capacity DMS released (about 48 h after the stop), where DMS shows that in
 * Status (it may show it in ProvisionData instead); `deprovisioning` is in flux, waited for.
 */
export const AT_REST = new Set(['created', 'ready', 'stopped', 'failed', 'deprovisioned']);
/** Whether a full-load-only replication stopped because it loaded everything (stop-reason.ts). */
export function isFullLoadOnlyFinished(state: ReplicationState): boolean {
  return classifyStop(state).kind === 'full-load-finished';
}

/** Names the replication in reasons: "replication config arn:…" / "replication task arn:…". */
export function describeTarget(target: ReplicationTarget): string {
  return `${target.kind === 'replication-config' ? 'replication config' : 'replication task'} ${target.arn}`;
}

/** Stop reason and failure messages, quoted for a reason or a timeout detail. */
export function stateDetail(state: Pick<ReplicationState, 'stopReason' | 'failureMessage'>): string | undefined {
  return [
    state.stopReason ? `stop reason: ${quote(state.stopReason)}` : '',
    state.failureMessage ? `failure messages: ${quote(state.failureMessage)}` : '',
  ].filter(Boolean).join('; ') || undefined;
}

const ms = (d: Date | undefined) => (d ? new Date(d).getTime() : undefined);

function fromStats(stats: ReplicationStats | ReplicationTaskStats | undefined) {
  // A resumed run keeps the full load of the run that loaded it: count from the last fresh start.
  const finish = ms(stats?.FullLoadFinishDate);
  const fresh = ms(stats?.FreshStartDate) ?? ms(stats?.StartDate);
  return {
    fullLoadFinished: (finish !== undefined && (fresh === undefined || finish >= fresh)) || stats?.FullLoadProgressPercent === 100,
    fullLoadProgressPercent: stats?.FullLoadProgressPercent,
    fullLoadStarted: ms(stats?.FullLoadStartDate) !== undefined,
    tablesLoaded: stats?.TablesLoaded,
    tablesErrored: stats?.TablesErrored,
  };
}

/** The replication's state, following Marker; undefined when DMS does not know it (never created, or deleted). */
export async function describeReplication(client: DatabaseMigrationServiceClient, target: ReplicationTarget): Promise<ReplicationState | undefined> {
  try {
    if (target.kind === 'replication-config') {
      const r = await findInPages(
        async (marker) => {
          const out = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [target.arn] }], Marker: marker }));
          return { items: out.Replications, marker: out.Marker };
        },
        (x) => x.ReplicationConfigArn === target.arn,
      );
      if (!r) return undefined;
      const startDate = ms(r.ReplicationStats?.StartDate);
      return {
        status: r.Status ?? 'unknown',
        identifier: r.ReplicationConfigIdentifier,
        stopReason: r.StopReason,
        failureMessage: r.FailureMessages?.join(' | '),
        migrationType: r.ReplicationType,
        startDate,
        stopDate: ms(r.ReplicationStats?.StopDate),
        deprovisioning: r.ProvisionData?.ProvisionState === 'deprovisioning' || r.Status === 'deprovisioning',
        cdcStopPosition: r.CdcStopPosition || undefined,
        ...fromStats(r.ReplicationStats),
      };
    }
    const t = await findInPages(
      async (marker) => {
        const out = await client.send(
          new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [target.arn] }], WithoutSettings: true, Marker: marker }),
        );
        return { items: out.ReplicationTasks, marker: out.Marker };
      },
      (x) => x.ReplicationTaskArn === target.arn,
    );
    if (!t) return undefined;
    const startDate = ms(t.ReplicationTaskStats?.StartDate) ?? ms(t.ReplicationTaskStartDate);
    return {
      status: t.Status ?? 'unknown',
      identifier: t.ReplicationTaskIdentifier,
      stopReason: t.StopReason,
      failureMessage: t.LastFailureMessage,
      migrationType: t.MigrationType,
      startDate,
      stopDate: ms(t.ReplicationTaskStats?.StopDate),
      deprovisioning: false,
      cdcStopPosition: t.CdcStopPosition || undefined,
      ...fromStats(t.ReplicationTaskStats),
    };
  } catch (err) {
    if (isNotFound(err)) return undefined; // DMS answers NotFound when the filter matches nothing
    throw apiFailure(target.kind === 'replication-config' ? 'DescribeReplications' : 'DescribeReplicationTasks', target.arn, err);
  }
}

/** The replication's state; fails with a reason when DMS does not know it. */
export async function requireReplication(client: DatabaseMigrationServiceClient, target: ReplicationTarget): Promise<ReplicationState> {
  const state = await describeReplication(client, target);
  if (!state) throw new DmsOperationFailed(`The ${describeTarget(target)} does not exist`, 'ResourceNotFoundFault');
  return state;
}
