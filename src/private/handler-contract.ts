/**
 * The contract between the constructs (which write custom resource properties
 * and handler environment variables) and the Lambda handlers (which read them).
 * Kept in src/ so jsii compiles it and esbuild bundles the same file into the handlers.
 */

/** ResourceProperties of every lifecycle custom resource. CloudFormation passes them as strings. */
export interface LifecycleResourceProperties {
  /** Seconds the handler may wait for DMS, measured from onEvent. */
  readonly TimeoutSeconds: string;
  /** Seconds between two DMS status checks (the user's fixed `pollInterval`); absent: the adaptive schedule. */
  readonly PollIntervalSeconds?: string;
}

export interface SchemaRefreshProperties extends LifecycleResourceProperties {
  readonly EndpointArn: string;
  readonly ReplicationInstanceArn: string;
  /** Any value; a change asks for a new refresh although the ARNs are the same. */
  readonly RefreshTrigger?: string;
  /** One of {@link ConnectionPreconditionMode}. */
  readonly ConnectionPrecondition?: ConnectionPreconditionValue;
}

export interface ConnectionTestProperties extends LifecycleResourceProperties {
  readonly EndpointArn: string;
  readonly ReplicationInstanceArn: string;
  /** Any value; a change asks for a new test although the ARNs are the same. */
  readonly TestTrigger?: string;
}

/**
 * The policies CloudFormation applies to the config or task a run or teardown stops, carried
 * from the template at synth (during an update's cleanup GetTemplate shows the new template,
 * which no longer holds a removed resource's policies). Absent: Delete, as for resources
 * deployed before these properties existed.
 */
export interface ReplicationRetentionProperties {
  /** Delete, Retain, RetainExceptOnCreate or Snapshot. */
  readonly ReplicationDeletionPolicy?: string;
  /** Delete, Retain or Snapshot. */
  readonly ReplicationUpdateReplacePolicy?: string;
}

export interface ReplicationTeardownProperties extends LifecycleResourceProperties, ReplicationRetentionProperties {
  /** Exactly one of ReplicationConfigArn / ReplicationTaskArn is set. */
  readonly ReplicationConfigArn?: string;
  readonly ReplicationTaskArn?: string;
}

/** Properties of the replication run and its pre-update guard (Custom::DmsReplicationRun / Custom::DmsReplicationGuard). */
export interface ReplicationRunProperties extends LifecycleResourceProperties, ReplicationRetentionProperties {
  /** Exactly one of ReplicationConfigArn / ReplicationTaskArn on the run; the guard has neither (it looks the ARN up). */
  readonly ReplicationConfigArn?: string;
  readonly ReplicationTaskArn?: string;
  /** The guard: 'replication-config' or 'replication-task', and the logical id of that resource in the stack. */
  readonly ReplicationKind?: string;
  readonly ReplicationLogicalId?: string;
  /** The config's or task's CloudFormation properties, as JSON: a change means CloudFormation modifies it. */
  readonly ReplicationProperties: string;
  /** One of {@link ReplicationWaitTarget}. */
  readonly WaitFor: string;
  /** ISO 8601; exclusive with CdcStartPosition. */
  readonly CdcStartTime?: string;
  readonly CdcStartPosition?: string;
  /** Any value; a change reloads the target (`reload-target`). */
  readonly ReloadTrigger?: string;
  /** One of {@link ReplicationDesiredStateName}; absent means running (runs deployed before the prop). */
  readonly DesiredState?: string;
}

/**
 * Properties of Custom::DmsPremigrationAssessment. A serverless one carries the config's policies
 * too: its rollback's Delete, which may stop the config, forgets its record of intent if it goes away.
 */
export interface PremigrationAssessmentProperties extends LifecycleResourceProperties, ReplicationRetentionProperties {
  /** Exactly one of ReplicationConfigArn / ReplicationTaskArn. */
  readonly ReplicationConfigArn?: string;
  readonly ReplicationTaskArn?: string;
  /** The config's or task's settings and table mappings, as JSON: a change runs the assessment again. */
  readonly ReplicationProperties: string;
  /** Any value; a change runs the assessment again. */
  readonly AssessmentTrigger?: string;
  /** Classic tasks: where DMS writes the results, and the role it writes them with. */
  readonly ResultBucket?: string;
  readonly ServiceAccessRoleArn?: string;
  /** Folder (prefix) under which each run gets its own folder. */
  readonly ResultFolder: string;
  /** SSE_KMS with this key; absent: SSE_S3. */
  readonly ResultKmsKeyArn?: string;
  /** Individual assessment names, space-separated; at most one of the two. */
  readonly IncludeOnly?: string;
  readonly Exclude?: string;
  /** 'true': a run that ends `warning` fails the deployment too. */
  readonly FailOnWarning?: string;
  /** Serverless: where CDC starts when the assessment's StartReplication is the replication's first start. */
  readonly CdcStartTime?: string;
  readonly CdcStartPosition?: string;
}

/** Properties of Custom::DmsCutoverReadiness. */
export interface CutoverReadinessProperties extends LifecycleResourceProperties {
  /** Exactly one of ReplicationConfigArn / ReplicationTaskArn is set. */
  readonly ReplicationConfigArn?: string;
  readonly ReplicationTaskArn?: string;
  /**
   * The CDC criteria, comma-separated values of {@link CdcCriterionName}; absent: the latency
   * window alone (resources deployed before the drained criterion).
   */
  readonly CdcCriteria?: string;
  /** With the latency window (absent otherwise). */
  readonly MaxSourceLatencySeconds?: string;
  readonly MaxTargetLatencySeconds?: string;
  readonly LatencyWindowSeconds?: string;
  /** With the drained criterion (absent otherwise). */
  readonly DrainedWindowSeconds?: string;
  /** Accepted full-load conditional-check failures, `schema.table=N,*=N` (src/private/load-error-allowance.ts); absent: none. */
  readonly AcceptedConditionalCheckFailures?: string;
  /** 'true' or 'false'. */
  readonly WaiveValidation: string;
  /** Schema names, comma-separated; absent: every table. */
  readonly SchemaNames?: string;
  /** Any value; a change asks for the readiness wait again. */
  readonly CheckTrigger?: string;
}

/** Codes of what holds cut-over readiness back (README "Cut-over readiness" explains each). */
export const NotReadyReason = {
  NO_TABLES: 'no-tables',
  LOADING: 'loading',
  TABLE_ERROR: 'table-error',
  TABLE_CANCELLED: 'table-cancelled',
  VALIDATION_PENDING: 'validation-pending',
  VALIDATION_MISMATCHED: 'validation-mismatched',
  VALIDATION_SUSPENDED: 'validation-suspended',
  NO_PRIMARY_KEY: 'no-primary-key',
  VALIDATION_ERROR: 'validation-error',
  REPLICATION_NOT_RUNNING: 'replication-not-running',
  LATENCY_OVER_THRESHOLD: 'latency-over-threshold',
  LATENCY_UNKNOWN: 'latency-unknown',
  BACKLOG_NOT_DRAINED: 'backlog-not-drained',
  BACKLOG_UNKNOWN: 'backlog-unknown',
  TABLE_DOES_NOT_EXIST: 'table-does-not-exist',
  LOAD_ERRORS: 'load-errors',
  /** Stopped with a reason DMS restarts it from by itself: waited for. */
  REPLICATION_RECOVERING: 'replication-recovering',
  /** Failed, or stopped for good: fails the wait at once. */
  REPLICATION_STOPPED: 'replication-stopped',
} as const;

/** The CDC criteria of cut-over readiness, by name (construct property and CLI `--criterion`). */
export const CdcCriterionName = {
  /** CDCLatencySource and CDCLatencyTarget at or under their maximum over a window: while writes still flow. */
  LATENCY_WINDOW: 'latency-window',
  /** The CDC backlog metrics at zero over a window: once writes are frozen. */
  DRAINED: 'drained',
} as const;

/** A value of {@link CdcCriterionName}. */
export type CdcCriterionNameValue = (typeof CdcCriterionName)[keyof typeof CdcCriterionName];

/** A value of {@link NotReadyReason}. */
export type NotReadyReasonValue = (typeof NotReadyReason)[keyof typeof NotReadyReason];

/** Cut-over readiness defaults, shared by the construct and the CLI. */
export const DefaultReadiness = {
  MAX_LATENCY_SECONDS: 10,
  LATENCY_WINDOW_SECONDS: 5 * 60,
  DRAINED_WINDOW_SECONDS: 5 * 60,
} as const;

/** The two custom resource types the replication-run provider serves. */
export const ReplicationRunResourceType = {
  /** Starts the replication after create, resumes it after an update, stops it on delete. */
  RUN: 'Custom::DmsReplicationRun',
  /** Stops the replication before CloudFormation modifies the config or task. */
  GUARD: 'Custom::DmsReplicationGuard',
} as const;

/** Whether the replication should run or stay stopped. */
export const ReplicationDesiredStateName = {
  RUNNING: 'running',
  STOPPED: 'stopped',
} as const;

/** What a start waits for. */
export const ReplicationWaitTarget = {
  /** DMS accepted the start. */
  ACCEPTED: 'accepted',
  /** The replication is running (a full-load-only one may also have finished). */
  RUNNING: 'running',
  /** The full load is finished and CDC goes on (or a full-load-only one finished). */
  FULL_LOAD_FINISHED: 'full-load-finished',
} as const;

/** A value of {@link ReplicationWaitTarget}. */
export type ReplicationWaitTargetValue = (typeof ReplicationWaitTarget)[keyof typeof ReplicationWaitTarget];

/** How a schema refresh makes sure its endpoint/instance pair has a usable connection. */
export const ConnectionPreconditionMode = {
  /** Reuse a `successful` connection record; test otherwise. */
  TEST_UNLESS_SUCCESSFUL: 'test-unless-successful',
  /** Always run TestConnection before the refresh. */
  ALWAYS_TEST: 'always-test',
  /** Do not look at the connection at all. */
  NONE: 'none',
} as const;

/** A value of {@link ConnectionPreconditionMode}. */
export type ConnectionPreconditionValue = (typeof ConnectionPreconditionMode)[keyof typeof ConnectionPreconditionMode];

/** Environment variables of the handler functions. */
export const HandlerEnv = {
  /** Longest time, in seconds, that one isComplete invocation keeps polling DMS before it hands back to the waiter. */
  POLL_BUDGET_SECONDS: 'DMS_LIFECYCLE_POLL_BUDGET_SECONDS',
  /** Lifecycle custom resources in the stack (all kinds), each counted once per DMS call its check makes: the share of the budget one check may use. */
  STACK_RESOURCES: 'DMS_LIFECYCLE_STACK_RESOURCES',
  /** DMS calls per second that the stack's lifecycle resources may make together. */
  CALLS_PER_SECOND: 'DMS_LIFECYCLE_CALLS_PER_SECOND',
} as const;

/** Attribute names (Data keys) the handlers return. */
export const Attribute = {
  STATUS: 'Status',
  LAST_REFRESH_DATE: 'LastRefreshDate',
  START_TYPE: 'StartType',
  FULL_LOAD_PROGRESS_PERCENT: 'FullLoadProgressPercent',
  TABLES_LOADED: 'TablesLoaded',
  TABLES_ERRORED: 'TablesErrored',
  ASSESSMENT_RUN_ARN: 'AssessmentRunArn',
  REPORT_LOCATION: 'ReportLocation',
  PASSED_COUNT: 'PassedCount',
  FAILED_COUNT: 'FailedCount',
  WARNING_COUNT: 'WarningCount',
  ERROR_COUNT: 'ErrorCount',
  SKIPPED_COUNT: 'SkippedCount',
  CANCELLED_COUNT: 'CancelledCount',
  TABLES_TOTAL: 'TablesTotal',
  TABLES_READY: 'TablesReady',
  MAX_CDC_LATENCY_SOURCE_SECONDS: 'MaxCdcLatencySourceSeconds',
  MAX_CDC_LATENCY_TARGET_SECONDS: 'MaxCdcLatencyTargetSeconds',
} as const;

/** Default waits, shared by the constructs and the CLI: seconds per kind, and the stack's DMS call budget. */
export const DefaultWait = {
  TIMEOUT_SECONDS: {
    'schema-refresh': 30 * 60,
    'connection-test': 10 * 60,
    'replication-teardown': 30 * 60,
    'replication-run': 30 * 60,
    'cutover-readiness': 30 * 60,
    'premigration-assessment': 45 * 60,
  },
  /** Half of DMS's API refill rate (8 per second per account and region); the rest is left to the account's other callers. */
  CALLS_PER_SECOND: 4,
} as const;

/**
 * The SSM Parameter Store path under which the handlers keep one record of intent per DMS
 * resource (lambda/dms/intent-record.ts); the providers' SSM permissions name only this path.
 */
export const INTENT_PARAMETER_PATH = '/cdk-dms-lifecycle/intent/';
