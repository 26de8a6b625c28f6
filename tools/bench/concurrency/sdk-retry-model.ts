/**
 * What one DMS call through our SDK client costs under throttling: the AWS SDK for
 * JavaScript v3 standard retry strategy as configured in lambda/dms/client.ts
 * (maxAttempts 5), with its constants from @smithy/core's util-retry (2026 config):
 * a throttled attempt is retried after random × min(1 s × 2^retry, 20 s), each retry
 * costs 5 of the client's 500 retry tokens, a success gives one back.
 */
import type { RandomSource } from '../../../lambda/dms/poll-schedule';
import type { TokenBucket } from '../../dms-emulator/rate-limit';

export const SDK_MAX_ATTEMPTS = 5;
const THROTTLING_DELAY_BASE_MS = 1_000;
const MAX_RETRY_DELAY_MS = 20_000;
const INITIAL_RETRY_TOKENS = 500;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;
/** Round trip of one HTTPS request to DMS (assumed; it only shifts times a little). */
export const REQUEST_LATENCY_MS = 50;

/** Every attempt that reached DMS: when, by whom, and whether it was throttled. */
export interface CallRecord {
  readonly at: number;
  readonly operation: string;
  readonly throttled: boolean;
}

export interface SimulatedAccount {
  readonly bucket: TokenBucket;
  readonly calls: CallRecord[];
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The SDK's error after its last throttled attempt, shaped like the real one for isThrottling(). */
export function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

/** One SDK client (one Lambda container's): calls DMS, retrying throttled attempts like the SDK. */
export class SimulatedSdkClient {
  private capacity = INITIAL_RETRY_TOKENS;

  constructor(private readonly account: SimulatedAccount, private readonly random: RandomSource) {}

  /** One DMS call; resolves when answered, rejects with ThrottlingException once the SDK gives up. */
  async send(operation: string): Promise<void> {
    let lastCost: number | undefined;
    for (let retry = 0; ; retry++) {
      const admitted = this.account.bucket.take(this.account.now());
      this.account.calls.push({ at: this.account.now(), operation, throttled: !admitted });
      await this.account.sleep(REQUEST_LATENCY_MS);
      if (admitted) {
        this.capacity = Math.min(INITIAL_RETRY_TOKENS, this.capacity + (lastCost ?? NO_RETRY_INCREMENT));
        return;
      }
      if (retry + 1 >= SDK_MAX_ATTEMPTS || this.capacity < THROTTLING_RETRY_COST) throw throttlingError();
      this.capacity -= THROTTLING_RETRY_COST;
      lastCost = THROTTLING_RETRY_COST;
      await this.account.sleep(Math.floor(this.random() * Math.min(THROTTLING_DELAY_BASE_MS * 2 ** retry, MAX_RETRY_DELAY_MS)));
    }
  }
}
