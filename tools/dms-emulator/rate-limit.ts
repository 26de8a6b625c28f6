/**
 * DMS's API request throttling: one token bucket per account and region, shared by
 * every caller (DMS quotas page: 200 requests at most, refilled at 8 per second).
 * A call that finds the bucket empty is answered ThrottlingException ("Rate exceeded",
 * HTTP 400), which the SDK retries by itself. Calls and throttled calls are counted
 * per caller, so a test or the bench can tell the library's share from the others'.
 */

/** The bucket's size and refill. */
export interface RateLimitOptions {
  /** Calls that may come at once after a quiet spell. @default 200 */
  readonly burst?: number;
  /** Calls per second the bucket regains. @default 8 */
  readonly refillPerSecond?: number;
}

/** DMS's own figures. */
export const DMS_API_RATE: Required<RateLimitOptions> = { burst: 200, refillPerSecond: 8 };

/** What one caller asked for and how much of it was throttled. */
export interface CallerCounts {
  calls: number;
  throttled: number;
}

/** A token bucket on an explicit clock (epoch or simulated milliseconds), so it serves the emulator and the bench alike. */
export class TokenBucket {
  readonly burst: number;
  readonly refillPerSecond: number;
  private tokens: number;
  private updatedAt: number | undefined;

  constructor(options: RateLimitOptions = {}) {
    this.burst = options.burst ?? DMS_API_RATE.burst;
    this.refillPerSecond = options.refillPerSecond ?? DMS_API_RATE.refillPerSecond;
    if (!(this.burst >= 1) || !(this.refillPerSecond > 0) || !Number.isFinite(this.burst) || !Number.isFinite(this.refillPerSecond)) {
      throw new Error(`rate limit needs burst >= 1 and refillPerSecond > 0, got ${JSON.stringify(options)}`);
    }
    this.tokens = this.burst;
  }

  /** Takes one token at time `atMs`; false when the bucket is empty (the call is throttled). */
  take(atMs: number): boolean {
    this.refill(atMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens left at `atMs` (fractions included). */
  available(atMs: number): number {
    this.refill(atMs);
    return this.tokens;
  }

  private refill(atMs: number): void {
    if (this.updatedAt !== undefined && atMs > this.updatedAt) {
      this.tokens = Math.min(this.burst, this.tokens + ((atMs - this.updatedAt) / 1000) * this.refillPerSecond);
    }
    this.updatedAt = Math.max(this.updatedAt ?? atMs, atMs);
  }
}

/** The account's bucket plus per-caller counts. */
export class AccountRateLimit {
  private readonly bucket: TokenBucket;
  private readonly counts = new Map<string, CallerCounts>();

  constructor(options: RateLimitOptions = {}) {
    this.bucket = new TokenBucket(options);
  }

  /** Counts a call by `caller` at `atMs`; false when DMS would throttle it. */
  admit(caller: string, atMs: number): boolean {
    const admitted = this.bucket.take(atMs);
    const counts = this.counts.get(caller) ?? { calls: 0, throttled: 0 };
    counts.calls += 1;
    if (!admitted) counts.throttled += 1;
    this.counts.set(caller, counts);
    return admitted;
  }

  /** Calls and throttled calls per caller so far (a copy). */
  callers(): Record<string, CallerCounts> {
    return Object.fromEntries([...this.counts].map(([caller, c]) => [caller, { ...c }]));
  }

  /** Forgets the counts (the bucket keeps its level). */
  resetCounts(): void {
    this.counts.clear();
  }
}

/**
 * Who is calling: the access key id of the SigV4 `Authorization` header
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`), 'anonymous' for an unsigned call.
 */
export function callerOf(authorization: string | undefined): string {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? 'anonymous';
}
