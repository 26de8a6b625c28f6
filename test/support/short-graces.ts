/**
 * Short graces (seconds) for the run's lifecycle suites, so that they do not wait out the
 * production ones (lambda/dms/grace.ts): a refusal, a lagging read, one invocation's DMS budget.
 */
export const RUN_SUITE_GRACES = {
  DMS_LIFECYCLE_REFUSAL_GRACE_SECONDS: '3',
  DMS_LIFECYCLE_READ_LAG_GRACE_SECONDS: '2',
  DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '2',
} as const;
