import {
  DatabaseMigrationServiceClient,
  DescribeRefreshSchemasStatusCommand,
  RefreshSchemasCommand,
  RefreshSchemasStatus,
} from '@aws-sdk/client-database-migration-service';
import { connectionTest, ConnectionPair } from './connection-test';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, quote } from './errors';
import { DmsOperation, OperationMark, Progress } from './operation';
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
 * RefreshSchemas. A refresh already running is not an error: the caller waits for
 * it and, because it began before our request, starts ours once it is over.
 */
async function requestRefresh(client: DatabaseMigrationServiceClient, pair: ConnectionPair): Promise<void> {
  try {
    await client.send(
      new RefreshSchemasCommand({ EndpointArn: pair.endpointArn, ReplicationInstanceArn: pair.replicationInstanceArn }),
    );
  } catch (err) {
    if (isInvalidState(err)) return;
    throw apiFailure('RefreshSchemas', `endpoint ${pair.endpointArn} on replication instance ${pair.replicationInstanceArn}`, err);
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
 * Refresh the endpoint's schemas and wait until a refresh that began no earlier
 * than our request is `successful`.
 *
 * Which refresh is ours is decided with DMS's own clock: `start` notes the
 * LastRefreshDate DMS reported before we asked (`acceptAfter`); only a refresh
 * with a later LastRefreshDate counts. So an older `successful` is never taken
 * for ours, and a refresh that was already running is waited for and followed by
 * ours. Every check re-derives the phase from DMS (connection → refresh →
 * result), which keeps the operation safe to check late or twice.
 */
export function schemaRefresh(client: DatabaseMigrationServiceClient, options: SchemaRefreshOptions): DmsOperation {
  const connection =
    options.connectionPrecondition === 'none'
      ? undefined
      : connectionTest(client, { ...options, reuseSuccessful: options.connectionPrecondition === 'test-unless-successful' });
  const subject = `the schema refresh of endpoint ${options.endpointArn} on replication instance ${options.replicationInstanceArn}`;

  return {
    subject,
    async start(): Promise<OperationMark> {
      const acceptAfter = startedAt(await describeRefresh(client, options.endpointArn));
      const connectionMark = connection ? await connection.start() : undefined;
      // Without a reusable connection the refresh waits for the test (see check).
      if (!connection || connectionMark?.reused) await requestRefresh(client, options);
      return { acceptAfter };
    },
    async check(mark): Promise<Progress> {
      const status = await describeRefresh(client, options.endpointArn);
      if (status && startedAt(status) > Number(mark.acceptAfter)) return ourRefresh(status);
      if (status?.Status === 'refreshing') {
        return { done: false, status: 'refreshing', detail: 'an earlier refresh is still running; ours starts after it' };
      }
      if (connection) {
        const tested = await connection.check({});
        if (!tested.done) {
          return { done: false, preparing: true, status: `connection ${tested.status}`, detail: 'the refresh starts once the connection test succeeds' };
        }
      }
      await requestRefresh(client, options);
      return { done: false, status: 'refresh requested' };
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
