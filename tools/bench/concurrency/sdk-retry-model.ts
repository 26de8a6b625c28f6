/**
 * What one DMS call through an SDK client costs under throttling: the AWS SDK for
 * JavaScript v3 standard retry strategy with `maxAttempts` as the client is configured
 * (ours: DMS_SDK_MAX_ATTEMPTS from lambda/dms/client.ts, one attempt), with its constants
 * from @smithy/core's util-retry (2026 config): a throttled attempt is retried after
 * random × min(1 s × 2^retry, 20 s), each retry costs 5 of the client's 500 retry tokens,
 * a success gives one back.
 */
import { DMS_SDK_MAX_ATTEMPTS } from '../../../lambda/dms/client';
import type { RandomSource } from '../../../lambda/dms/poll-schedule';
import type { TokenBucket } from '../../dms-emulator/rate-limit';

/** Our client's attempts per send, read from the client itself. */
export const SDK_MAX_ATTEMPTS = DMS_SDK_MAX_ATTEMPTS;
/**
 * The plain Provider baseline's handler: the SDK's retries at maxAttempts 5 (as our client
 * had before it left retries to our layer alone), so its rows stay comparable.
 */
export const PLAIN_SDK_MAX_ATTEMPTS = 5;
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
  /** Which check made it (numbered per account), for the calls a check costs; undefined for starts. */
  readonly check?: number;
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

  constructor(
    private readonly account: SimulatedAccount,
    private readonly random: RandomSource,
    private readonly maxAttempts: number = SDK_MAX_ATTEMPTS,
  ) {}

  /** One DMS call (of check number `check`, if a check makes it); resolves when answered, rejects with ThrottlingException once the SDK gives up. */
  async send(operation: string, check?: number): Promise<void> {
    let lastCost: number | undefined;
    for (let retry = 0; ; retry++) {
      const admitted = this.account.bucket.take(this.account.now());
      this.account.calls.push({ at: this.account.now(), operation, throttled: !admitted, ...(check === undefined ? {} : { check }) });
      await this.account.sleep(REQUEST_LATENCY_MS);
      if (admitted) {
        this.capacity = Math.min(INITIAL_RETRY_TOKENS, this.capacity + (lastCost ?? NO_RETRY_INCREMENT));
        return;
      }
      if (retry + 1 >= this.maxAttempts || this.capacity < THROTTLING_RETRY_COST) throw throttlingError();
      this.capacity -= THROTTLING_RETRY_COST;
      lastCost = THROTTLING_RETRY_COST;
      await this.account.sleep(Math.floor(this.random() * Math.min(THROTTLING_DELAY_BASE_MS * 2 ** retry, MAX_RETRY_DELAY_MS)));
    }
  }
}
