import {
  DatabaseMigrationServiceClient,
  DescribeRefreshSchemasStatusCommand,
  RefreshSchemasCommand,
  RefreshSchemasStatus,
} from '@aws-sdk/client-database-migration-service';
import { connectionTest, ConnectionPair } from './connection-test';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, quote } from './errors';
import { graceMs } from './grace';
import { DmsOperation, OperationMark, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
import { Attribute, ConnectionPreconditionValue } from '../../src/private/handler-contract';

/** How the refresh makes sure the pair has a usable connection first. */
export type ConnectionPrecondition = ConnectionPreconditionValue;

export interface SchemaRefreshOptions extends ConnectionPair {
  readonly connectionPrecondition: ConnectionPrecondition;
}

/** The endpoint's refresh status; undefined when it was never refreshed. */
export async function describeRefresh(
  client: DatabaseMigrationServiceClient,
  endpointArn: string,
): Promise<RefreshSchemasStatus | undefined> {
  try {
    const out = await client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn }));
    // Before any refresh DMS may answer an empty status (or ResourceNotFoundFault, below).
    return out.RefreshSchemasStatus?.Status ? out.RefreshSchemasStatus : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw apiFailure('DescribeRefreshSchemasStatus', `endpoint ${endpointArn}`, err);
  }
}

/**
 * RefreshSchemas. `joined` when a refresh is already running (a refusal that a Describe
 * shows `refreshing`): the caller waits for it and, if it began before our request,
 * starts ours once it is over. Any other refusal throws DmsRefusal with DMS's message.
 */
async function requestRefresh(client: DatabaseMigrationServiceClient, pair: ConnectionPair): Promise<'started' | 'joined'> {
  const subject = `endpoint ${pair.endpointArn} on replication instance ${pair.replicationInstanceArn}`;
  try {
    await client.send(
      new RefreshSchemasCommand({ EndpointArn: pair.endpointArn, ReplicationInstanceArn: pair.replicationInstanceArn }),
    );
    return 'started';
  } catch (err) {
    if (!isInvalidState(err)) throw apiFailure('RefreshSchemas', subject, err);
    if ((await describeRefresh(client, pair.endpointArn))?.Status === 'refreshing') return 'joined';
    throw new DmsRefusal('RefreshSchemas', subject, (err as Error).message);
  }
}

/** Epoch ms of a refresh's start, 0 when there is none. */
function startedAt(status: RefreshSchemasStatus | undefined): number {
  return status?.LastRefreshDate ? new Date(status.LastRefreshDate).getTime() : 0;
}

/** The attributes a finished refresh reports. */
export function refreshAttributes(status: RefreshSchemasStatus | undefined): Record<string, string> {
  return {
    [Attribute.STATUS]: status?.Status ?? 'none',
    [Attribute.LAST_REFRESH_DATE]: status?.LastRefreshDate ? new Date(status.LastRefreshDate).toISOString() : '',
  };
}

/**
 * Refresh the endpoint's schemas and wait until a refresh that DMS dated after our
 * request's "before" is `successful`.
 *
 * Which refresh is ours is decided with DMS's own clock: `start` notes the
 * LastRefreshDate DMS reported before we asked (`acceptAfter`); only a refresh
 * with a later LastRefreshDate counts. So an older `successful` is never taken
 * for ours. If DMS stamps LastRefreshDate when a refresh starts, a refresh already
 * running at our request is waited for and followed by ours; if it stamps it when
 * a refresh ends, such a refresh counts once it ends after our request (DMS does
 * not document which; both end, neither ends early). A refusal is not progress: it
 * is retried for a short grace and then fails with DMS's message. A refresh just
 * requested is not requested again while DMS may not show it yet (read lag).
 * Every check re-derives the phase from DMS (connection → refresh → result), which
 * keeps the operation safe to check late or twice.
 */
export function schemaRefresh(client: DatabaseMigrationServiceClient, options: SchemaRefreshOptions): DmsOperation {
  const connection =
    options.connectionPrecondition === 'none'
      ? undefined
      : connectionTest(client, { ...options, reuseSuccessful: options.connectionPrecondition === 'test-unless-successful' });
  const subject = `the schema refresh of endpoint ${options.endpointArn} on replication instance ${options.replicationInstanceArn}`;

  const refusals = new RefusalWatch();
  let requestedAgainAt: number | undefined;
  return {
    subject,
    async start(): Promise<OperationMark> {
      const acceptAfter = startedAt(await describeRefresh(client, options.endpointArn));
      const connectionMark = connection ? await connection.start() : undefined;
      const mark: OperationMark = { acceptAfter };
      if (connectionMark) mark.connection = JSON.stringify(connectionMark);
      // Without a reusable connection the refresh waits for the test (see check).
      // A refresh of ours may not show at once; one we joined already shows (requestedAt: see check).
      if ((!connection || connectionMark?.reused) && (await requestRefresh(client, options)) === 'started') {
        mark.requestedAt = Date.now();
      }
      return mark;
    },
    async check(mark): Promise<Progress> {
      const status = await describeRefresh(client, options.endpointArn);
      if (status && startedAt(status) > Number(mark.acceptAfter)) return ourRefresh(status);
      if (status?.Status === 'refreshing') {
        return { done: false, status: 'refreshing', detail: refusals.detail('a refresh dated no later than our request is running: ours follows it') };
      }
      if (connection) {
        const tested = await connection.check(mark.connection ? JSON.parse(String(mark.connection)) : {});
        if (!tested.done) {
          return {
            done: false,
            preparing: true,
            status: `connection ${tested.status}`,
            detail: tested.detail ?? 'the refresh starts once the connection test succeeds',
            holdUntil: tested.holdUntil,
            recheckAt: tested.recheckAt,
          };
        }
      }
      // A refresh requested moments ago may not show yet: asking again would only be refused.
      const requestedAt = requestedAgainAt ?? Number(mark.requestedAt ?? 0);
      if (Date.now() < requestedAt + graceMs('readLag')) {
        return { done: false, status: 'refresh requested', detail: refusals.detail('DMS does not show our refresh yet'), holdUntil: requestedAgainAt && requestedAgainAt + graceMs('readLag') };
      }
      try {
        if ((await requestRefresh(client, options)) === 'started') requestedAgainAt = Date.now();
      } catch (err) {
        if (!(err instanceof DmsRefusal)) throw err;
        return { done: false, status: status?.Status ?? 'none', ...refusals.refused(err) };
      }
      refusals.accepted();
      return { done: false, status: 'refresh requested', detail: refusals.detail(), holdUntil: requestedAgainAt && requestedAgainAt + graceMs('readLag') };
    },
  };

  function ourRefresh(status: RefreshSchemasStatus): Progress {
    switch (status.Status) {
      case 'successful':
        return { done: true, status: status.Status, attributes: refreshAttributes(status) };
      case 'failed':
        throw new DmsOperationFailed(
          `Schema refresh failed for endpoint ${options.endpointArn} on replication instance ${options.replicationInstanceArn}: ${quote(status.LastFailureMessage)}`,
        );
      default:
        return { done: false, status: status.Status ?? 'unknown' };
    }
  }
}

/** Reports the endpoint's current refresh status without starting anything. */
export function currentRefreshStatus(client: DatabaseMigrationServiceClient, endpointArn: string): DmsOperation {
  return {
    subject: `the refresh status of endpoint ${endpointArn}`,
    start: async () => ({}),
    async check() {
      const status = await describeRefresh(client, endpointArn);
      return { done: true, status: status?.Status ?? 'none', attributes: refreshAttributes(status) };
    },
  };
}
