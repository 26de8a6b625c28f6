import { SSMClient } from '@aws-sdk/client-ssm';
import { boundedByCallDeadline } from './call-budget';

/** Longest wait for one SSM answer (the record of intent is small; SSM answers fast or not at all). */
export const SSM_REQUEST_TIMEOUT_MS = 5_000;

let cached: { key: string; client: SSMClient } | undefined;

/**
 * An SSM client (Parameter Store: the record of intent, see intent-record.ts) reused
 * across invocations, one per region and endpoint override; tests point it at the
 * emulator with AWS_ENDPOINT_URL_SSM. One attempt per send and bounded by the call
 * deadline, as the DMS client: intent-record.ts alone retries.
 */
export function ssmClient(region?: string): SSMClient {
  const key = [region ?? process.env.AWS_REGION ?? '', process.env.AWS_ENDPOINT_URL_SSM ?? process.env.AWS_ENDPOINT_URL ?? ''].join('|');
  if (cached?.key !== key) {
    cached = {
      key,
      client: boundedByCallDeadline(new SSMClient({
        region,
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: SSM_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
      })),
    };
  }
  return cached.client;
}
