/**
 * Short waits that ride out what passes by itself: a refusal in a passing state (an
 * instance being modified), a new IAM grant still propagating, and Describe answers
 * that lag a write for seconds.
 * Tests shorten them through the environment (seconds).
 */
const GRACES = {
  /** How long a refusal (InvalidResourceStateFault with nothing of ours under way) may last. */
  refusal: { defaultMs: 45_000, env: 'DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS' },
  /** How long a start retries transient faults (5xx, dropped connections, timeouts). */
  startRetry: { defaultMs: 20_000, env: 'DMS_LIFECYCLE_START_RETRY_SECONDS' },
  /**
   * How long DMS may deny access through a role, bucket policy or key grant that was just
   * created or widened (IAM propagation): AccessDeniedFault, S3AccessDeniedFault and
   * KMSAccessDeniedFault, and assessment runs that end `error-provisioning`, are retried
   * this long after the first one, then fail in DMS's words.
   */
  iamPropagation: { defaultMs: 60_000, env: 'DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS' },
  /** How long after a request a record identical to the one before it may still be the old one. */
  readLag: { defaultMs: 10_000, env: 'DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS' },
  /**
   * How long a start waits for DMS to rest so that it makes (and records) the start itself;
   * always cut at onEvent's own deadline (its 10-min timeout, less room for the start call).
   */
  restWait: { defaultMs: 10 * 60_000, env: 'DMS_LIFECYCLE_REST_WAIT_SECONDS' },
} as const;

export type GraceKind = keyof typeof GRACES;

/** The grace in milliseconds. */
export function graceMs(kind: GraceKind): number {
  const seconds = Number(process.env[GRACES[kind].env]);
  return process.env[GRACES[kind].env] !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : GRACES[kind].defaultMs;
}

/** The environment variable that sets a grace (for tests and the lifecycle driver). */
export function graceEnv(kind: GraceKind): string {
  return GRACES[kind].env;
}
