import {
  Connection,
  DatabaseMigrationServiceClient,
  DescribeConnectionsCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, quote } from './errors';
import { DmsOperation, Progress } from './operation';
import { Attribute } from '../../src/private/handler-contract';

export interface ConnectionPair {
  readonly endpointArn: string;
  readonly replicationInstanceArn: string;
}

export interface ConnectionTestOptions extends ConnectionPair {
  /**
   * Take a `successful` record as it is instead of testing again. A connection
   * record carries no timestamp, so "successful" may be old; callers choose.
   */
  readonly reuseSuccessful: boolean;
}

/** Names the pair in reasons. */
export function describePair(pair: ConnectionPair): string {
  return `endpoint ${pair.endpointArn} and replication instance ${pair.replicationInstanceArn}`;
}

/**
 * The connection record of one endpoint/instance pair, or undefined.
 * Filters on both ARNs and follows `Marker`: DMS may hand back pages (even empty
 * ones) before the page that holds the record.
 */
export async function findConnection(
  client: DatabaseMigrationServiceClient,
  pair: ConnectionPair,
): Promise<Connection | undefined> {
  let marker: string | undefined;
  do {
    const page = await client.send(
      new DescribeConnectionsCommand({
        Filters: [
          { Name: 'endpoint-arn', Values: [pair.endpointArn] },
          { Name: 'replication-instance-arn', Values: [pair.replicationInstanceArn] },
        ],
        MaxRecords: 100,
        Marker: marker,
      }),
    ).catch((err) => {
      // DMS answers ResourceNotFoundFault when no record matches the filters.
      if (isNotFound(err)) return { Connections: [], Marker: undefined };
      throw apiFailure('DescribeConnections', describePair(pair), err);
    });
    const found = page.Connections?.find(
      (c) => c.EndpointArn === pair.endpointArn && c.ReplicationInstanceArn === pair.replicationInstanceArn,
    );
    if (found) return found;
    marker = page.Marker;
  } while (marker);
  return undefined;
}

/** Starts a test; a test already running for the pair is simply waited for. */
async function requestTest(client: DatabaseMigrationServiceClient, pair: ConnectionPair): Promise<void> {
  try {
    await client.send(
      new TestConnectionCommand({ EndpointArn: pair.endpointArn, ReplicationInstanceArn: pair.replicationInstanceArn }),
    );
  } catch (err) {
    if (isInvalidState(err)) return; // already testing (or being deleted): the next check tells
    throw apiFailure('TestConnection', describePair(pair), err);
  }
}

/** Interprets one connection record; throws when the test failed. */
function connectionProgress(pair: ConnectionPair, connection: Connection | undefined): Progress {
  const status = connection?.Status ?? 'missing';
  if (status === 'successful') return { done: true, status, attributes: { [Attribute.STATUS]: status } };
  if (status === 'failed') {
    throw new DmsOperationFailed(
      `Connection test failed between ${describePair(pair)}: ${quote(connection?.LastFailureMessage)}`,
    );
  }
  return { done: false, status };
}

/**
 * TestConnection, then DescribeConnections until `successful` or `failed`.
 * The mark records whether a `successful` record was reused without a test.
 */
export function connectionTest(client: DatabaseMigrationServiceClient, options: ConnectionTestOptions): DmsOperation {
  const pair: ConnectionPair = options;
  return {
    subject: `the connection test between ${describePair(pair)}`,
    async start() {
      if (options.reuseSuccessful) {
        const existing = await findConnection(client, pair);
        if (existing?.Status === 'successful') return { reused: true };
      }
      await requestTest(client, pair);
      return { reused: false };
    },
    async check() {
      const connection = await findConnection(client, pair);
      const progress = connectionProgress(pair, connection);
      // A record that vanished or is being deleted cannot pass: test again.
      if (progress.status === 'missing' || progress.status === 'deleting') await requestTest(client, pair);
      return progress;
    },
  };
}

/** Reports the pair's connection record as it stands, without testing. */
export function currentConnectionStatus(client: DatabaseMigrationServiceClient, pair: ConnectionPair): DmsOperation {
  return {
    subject: `the connection status between ${describePair(pair)}`,
    start: async () => ({}),
    async check() {
      const status = (await findConnection(client, pair))?.Status ?? 'missing';
      return { done: true, status, attributes: { [Attribute.STATUS]: status } };
    },
  };
}
