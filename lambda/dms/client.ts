import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { boundedByCallDeadline } from './call-budget';
import { parseDmsArn } from '../../src/private/dms-arn-syntax';

/** Longest wait for one DMS answer; tests shorten it with DMS_LIFECYCLE_REQUEST_TIMEOUT_MS. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The DMS client's request timeout: the longest one DMS call (a StartReplication, say) takes before we give up on its answer. */
export function dmsRequestTimeoutMs(): number {
  const ms = Number(process.env.DMS_LIFECYCLE_REQUEST_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_REQUEST_TIMEOUT_MS;
}

let cached: { key: string; client: DatabaseMigrationServiceClient } | undefined;

/** Attempts per DMS send (the bench's concurrency model reads it too): one retry layer, ours. */
export const DMS_SDK_MAX_ATTEMPTS = 1;

/**
 * A DMS client reused across invocations of a warm Lambda (or calls of the CLI).
 * Keyed on region and endpoint override so that tests pointing at different
 * emulators never share a client. One attempt per send: throttling and other transient
 * faults are retried by our own layer alone (the start's backoff, the wait's throttled
 * backoff, the next check), so one check in a throttled account costs one call of the
 * account's budget, not the SDK's five inside each of ours.
 */
export function dmsClient(region?: string): DatabaseMigrationServiceClient {
  const key = [
    region ?? process.env.AWS_REGION ?? '',
    process.env.AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE ?? process.env.AWS_ENDPOINT_URL ?? '',
    dmsRequestTimeoutMs(),
  ].join('|');
  if (cached?.key !== key) {
    cached = {
      key,
      client: boundedByCallDeadline(new DatabaseMigrationServiceClient({
        region,
        // One retry layer: ours (see above).
        maxAttempts: DMS_SDK_MAX_ATTEMPTS,
        // Without a request timeout a hung call would end as Lambda's own "Task timed out".
        requestHandler: { connectionTimeout: 3_000, requestTimeout: dmsRequestTimeoutMs(), throwOnRequestTimeout: true },
      })),
    };
  }
  return cached.client;
}

/**
 * The client for the region a DMS resource lives in: DMS APIs are regional, and a
 * literal ARN may name another region than the one the handler runs in.
 */
export function dmsClientFor(arn: string): DatabaseMigrationServiceClient {
  return dmsClient(parseDmsArn(arn)?.region);
}

let cachedCloudWatch: { key: string; client: CloudWatchClient } | undefined;

/**
 * A CloudWatch client (CDC latency metrics), reused like the DMS client and bounded by
 * the same call deadline; tests point it at the emulator with AWS_ENDPOINT_URL_CLOUDWATCH.
 * One attempt per send, as for DMS: throttling and CloudWatch's internal errors are retried
 * by our own layer alone (the wait's backoff between checks, retryRead for a single look).
 */
export function cloudWatchClient(region?: string): CloudWatchClient {
  const key = [region ?? process.env.AWS_REGION ?? '', process.env.AWS_ENDPOINT_URL_CLOUDWATCH ?? process.env.AWS_ENDPOINT_URL ?? '', dmsRequestTimeoutMs()].join('|');
  if (cachedCloudWatch?.key !== key) {
    cachedCloudWatch = {
      key,
      client: boundedByCallDeadline(new CloudWatchClient({
        region,
        // One retry layer: ours (see above).
        maxAttempts: DMS_SDK_MAX_ATTEMPTS,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: dmsRequestTimeoutMs(), throwOnRequestTimeout: true },
      })),
    };
  }
  return cachedCloudWatch.client;
}
