import {
  Connection,
  DatabaseMigrationServiceClient,
  DescribeConnectionsCommand,
  TestConnectionCommand,
} from '@aws-sdk/client-database-migration-service';
import { findInPages } from './describe-pages';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, quote } from './errors';
import { graceMs } from './grace';
import { DmsOperation, OperationMark, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
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
  return findInPages<Connection>(
    async (marker) => {
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
        if (isNotFound(err)) return { Connections: [] as Connection[], Marker: undefined };
        throw apiFailure('DescribeConnections', describePair(pair), err);
      });
      return { items: page.Connections, marker: page.Marker };
    },
    (c) => c.EndpointArn === pair.endpointArn && c.ReplicationInstanceArn === pair.replicationInstanceArn,
  );
}

/**
 * Asks for a test. `joined` when one is already running for the pair (a refusal that a
 * Describe shows `testing`): that test's outcome is the answer. Any other refusal
 * (an instance being modified, an endpoint being deleted) throws DmsRefusal.
 */
async function requestTest(client: DatabaseMigrationServiceClient, pair: ConnectionPair): Promise<'started' | 'joined'> {
  try {
    await client.send(
      new TestConnectionCommand({ EndpointArn: pair.endpointArn, ReplicationInstanceArn: pair.replicationInstanceArn }),
    );
    return 'started';
  } catch (err) {
    if (!isInvalidState(err)) throw apiFailure('TestConnection', describePair(pair), err);
    if ((await findConnection(client, pair))?.Status === 'testing') return 'joined';
    throw new DmsRefusal('TestConnection', describePair(pair), (err as Error).message);
  }
}

/** A record as a comparable value: a connection record has no timestamp, only these. */
function recordKey(connection: Connection | undefined): string {
  return connection ? `${connection.Status}|${connection.LastFailureMessage ?? ''}` : 'missing';
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
 *
 * Only a test this operation started, or one running when it asked, decides: a
 * refusal is retried and then fails with DMS's message (never taken as progress),
 * and because a Describe may still show the record from before our request for a
 * few seconds (and a record has no timestamp), a record identical to the one seen
 * before the request decides only once `testing` was seen since, or the read-lag
 * grace has passed. The mark carries the record before and the request time, so
 * checks stay stateless across invocations; within one, `testing` seen and
 * refusals are remembered.
 */
export function connectionTest(client: DatabaseMigrationServiceClient, options: ConnectionTestOptions): DmsOperation {
  const pair: ConnectionPair = options;
  const refusals = new RefusalWatch();
  let seenTesting = false;
  let requestedAgainAt: number | undefined;
  let beforeAgain: string | undefined;
  return {
    subject: `the connection test between ${describePair(pair)}`,
    async start(): Promise<OperationMark> {
      const before = await findConnection(client, pair);
      if (options.reuseSuccessful && before?.Status === 'successful') return { reused: true };
      const joined = (await requestTest(client, pair)) === 'joined';
      return { reused: false, joined, before: recordKey(before), requestedAt: Date.now() };
    },
    async check(mark) {
      const connection = await findConnection(client, pair);
      const status = connection?.Status ?? 'missing';
      if (status === 'testing') seenTesting = true;
      // The record from before the last request of ours (the mark's, or this invocation's re-test).
      const before = requestedAgainAt !== undefined ? beforeAgain : mark.before;
      const requestedAt = requestedAgainAt ?? Number(mark.requestedAt ?? 0);
      // A reused record was not tested by us, unless this invocation tested it again.
      const ourRequest = requestedAgainAt !== undefined || !mark.reused;
      if (ourRequest && !seenTesting && recordKey(connection) === before && Date.now() < requestedAt + graceMs('readLag')) {
        return { done: false, status: `${status}, from before our test`, detail: refusals.detail('DMS does not show our test yet'), holdUntil: holdAfterRetest() };
      }
      // A record that vanished or is being deleted cannot pass: test again.
      if (status === 'missing' || status === 'deleting') {
        try {
          await requestTest(client, pair);
          refusals.accepted();
          requestedAgainAt = Date.now();
          beforeAgain = recordKey(connection);
          seenTesting = false;
        } catch (err) {
          if (!(err instanceof DmsRefusal)) throw err;
          return { done: false, status, ...refusals.refused(err) };
        }
      }
      const progress = connectionProgress(pair, connection);
      return { ...progress, detail: refusals.detail(progress.detail), holdUntil: holdAfterRetest() };
    },
  };

  /** Only this invocation knows of its re-test: it stays until the re-test can show. */
  function holdAfterRetest(): number | undefined {
    return requestedAgainAt === undefined ? undefined : requestedAgainAt + graceMs('readLag');
  }
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
