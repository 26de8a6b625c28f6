/**
 * The AWS limits and the project's own targets the bench (and test/bench-structure.test.ts)
 * checks against, in one place.
 */

/** CloudFormation: resources per stack. */
export const MAX_STACK_RESOURCES = 500;

/**
 * CloudFormation: a template uploaded to S3 may be 1 MB. Taken as 10^6 bytes, the stricter
 * reading, and compared with the template file as `cdk synth` writes it (indented JSON).
 */
export const MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * IAM: the inline policies of one role may total 10,240 characters, whitespace not counted.
 * Compared with compact JSON (no whitespace), all characters ASCII, so bytes = characters.
 */
export const MAX_ROLE_INLINE_POLICY_BYTES = 10_240;

/** IAM: a customer managed policy may have 6,144 characters, whitespace not counted. */
export const MAX_MANAGED_POLICY_BYTES = 6_144;

/**
 * Target: each handler bundle (one per provider kind) stays this small. 64 KB since the record
 * of intent (issue 26): it took the replication-run bundle from 47.7 KB to 59.4 KB.
 */
export const MAX_BUNDLE_BYTES = 64 * 1024;

/** Target: median time from DMS finishing a refresh to CloudFormation seeing CREATE_COMPLETE. */
export const MAX_MEDIAN_DETECTION_LATENCY_MS = 2_000;

/** Target: provider-framework round trips (isComplete invocations) per minute of waiting. */
export const MAX_ROUND_TRIPS_PER_MINUTE = 2;

/** Target: the library's sustained DMS calls per second with 200 waits at once: half of DMS's refill rate of 8. */
export const MAX_SUSTAINED_CALLS_PER_SECOND = 4;

/** Target: throttled calls, as a share of all the library's calls, with 200 waits at once. */
export const MAX_THROTTLED_SHARE = 0.05;

/** Target: one wait alone sees the end of a refresh of up to a minute within this (median)… */
export const MAX_SHORT_WAIT_MEDIAN_LATENCY_MS = 2_000;

/** …and of a longer one within this share of the refresh's duration (median). */
export const MAX_LONG_WAIT_LATENCY_SHARE = 0.05;
