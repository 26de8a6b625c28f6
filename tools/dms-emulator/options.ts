import type { ServerlessAssessmentOptions } from './assessments';
import type { RateLimitOptions } from './rate-limit';
import type { MigrationType, RunBehavior } from './replication-run-state';

/** How a {@link DmsEmulator} is started and which undocumented DMS behaviours it imitates. */
export interface DmsEmulatorOptions {
  /**
   * The account's API rate limit: a token bucket shared by every caller; an empty
   * bucket answers ThrottlingException "Rate exceeded" (HTTP 400). false: none.
   * @default DMS's: burst 200, refill 8 per second
   */
  readonly rateLimit?: RateLimitOptions | false;
  /** Port on 127.0.0.1. @default 0, a random free port */
  readonly port?: number;
  /** Region used in ARNs and in {@link DmsEmulator.env}. @default 'us-east-1' */
  readonly region?: string;
  /** Account used in ARNs. @default '123456789012' */
  readonly account?: string;
  /** Added before every response, to exercise client timeouts and slow polls. @default 0 */
  readonly latencyMs?: number;
  /**
   * What DescribeRefreshSchemasStatus answers for an endpoint never refreshed:
   * 'empty' = 200 with RefreshSchemasStatus {EndpointArn} and no Status;
   * 'not-found' = ResourceNotFoundFault.
   * @default 'empty'
   */
  readonly neverRefreshed?: 'empty' | 'not-found';
  /**
   * When true, DescribeConnections, DescribeReplications and DescribeReplicationTasks
   * page over ALL records first (MaxRecords per page) and apply Filters within the
   * page, so a page can be empty but still carry a Marker (tests pagination robustness;
   * DMS does not document which it does).
   * @default false (filter, then page)
   */
  readonly filterAfterPaging?: boolean;
  /**
   * When true, RefreshSchemas answers InvalidResourceStateFault unless the
   * endpoint/instance pair has a `successful` connection.
   * @default false
   */
  readonly requireTestedConnection?: boolean;
  /**
   * When a Describe* call with filters matches nothing: 'not-found' =
   * ResourceNotFoundFault (what real DMS does for DescribeReplicationTasks and
   * DescribeReplications), 'empty' = an empty list.
   * @default 'not-found'
   */
  readonly describeNoMatch?: 'not-found' | 'empty';
  /**
   * When DMS stamps an endpoint's LastRefreshDate (undocumented): 'start' = when the
   * refresh starts (what the CLI example suggests); 'end' = when it ends, so a running
   * refresh shows the previous refresh's date (or none).
   * @default 'start'
   */
  readonly refreshDateStamp?: 'start' | 'end';
  /** How starts go for replications without a behavior of their own (see setRunBehavior). @default RunBehavior's defaults */
  readonly runBehavior?: RunBehavior;
  /** What DMS Serverless does about premigration assessments where its docs are silent. @default see ServerlessAssessmentOptions */
  readonly serverlessAssessments?: ServerlessAssessmentOptions;
}

/** One request the emulator answered. */
export interface EmulatorCall {
  /** Operation name from X-Amz-Target, e.g. 'RefreshSchemas'. */
  readonly operation: string;
  /** The parsed JSON body; undefined when it could not be parsed. */
  readonly input: any;
  /** When the request arrived, epoch milliseconds. */
  readonly at: number;
  /**
   * The error code answered, if the call failed (injected or not); 'ConnectionDropped' when
   * {@link DmsEmulator.dropNext} dropped the connection instead of answering.
   */
  readonly errorCode?: string;
  /** Set when {@link DmsEmulator.delayNext} held the answer back this many ms (beyond `latencyMs`). */
  readonly delayMs?: number;
  /** The region the request was signed for: DMS is regional, so it must be the resource's. */
  readonly signingRegion?: string;
}

/** How an endpoint's schema refreshes go. */
export interface EndpointBehavior {
  /** @default 2000 */
  readonly refreshDurationMs?: number;
  /** @default 'successful' */
  readonly refreshOutcome?: 'successful' | 'failed';
  /** LastFailureMessage of a failed refresh. @default a realistic DMS message */
  readonly refreshFailureMessage?: string;
  /**
   * For this long after a RefreshSchemas, DescribeRefreshSchemasStatus still shows the
   * status from before it (a read that lags the write). @default 0
   */
  readonly describeLagMs?: number;
}

/** A refresh that happened (or is happening) before the test starts. */
export interface PreviousRefresh {
  readonly status: 'successful' | 'failed' | 'refreshing';
  /** It started this long ago; LastRefreshDate is now minus this. */
  readonly ageMs: number;
  /** For 'refreshing': finishes (successful) after this. @default the endpoint's refreshDurationMs minus ageMs */
  readonly remainingMs?: number;
  /** For 'failed'. @default the endpoint's refreshFailureMessage */
  readonly failureMessage?: string;
  /** @default an instance ARN with id 'previous-refresh-instance' */
  readonly replicationInstanceArn?: string;
}

/** How TestConnection goes for one endpoint/instance pair. */
export interface ConnectionBehavior {
  /** @default 1500 */
  readonly testDurationMs?: number;
  /** @default 'successful' */
  readonly outcome?: 'successful' | 'failed';
  /** LastFailureMessage of a failed test. @default a realistic DMS message */
  readonly failureMessage?: string;
  /**
   * For this long after a TestConnection, DescribeConnections still shows the pair's record
   * as it was before (or no record, if there was none). @default 0
   */
  readonly describeLagMs?: number;
}

/** A DMS Serverless replication (identified by its replication config ARN). */
export interface ReplicationOptions {
  /** Current status, e.g. 'running', 'stopped', 'failed', 'preparing_metadata_resources'. */
  readonly status: string;
  /** How long `stopping` lasts. @default 2000 */
  readonly stopDurationMs?: number;
  /** Stays `stopping` forever. @default false */
  readonly neverStops?: boolean;
  /** For this long after a stop or a start, Describe still shows the replication as it was before (a read lagging a write). @default 0 */
  readonly describeLagMs?: number;
  /** StopReason shown now and set when a stop completes. @default 'Stop Reason NORMAL' once stopped */
  readonly stopReason?: string;
  readonly failureMessages?: string[];
  /** @default 'full-load-and-cdc' */
  readonly migrationType?: MigrationType;
  /** How its starts go. @default the emulator's runBehavior */
  readonly behavior?: RunBehavior;
}

/** A replication task (on a replication instance). */
export interface TaskOptions {
  /** Current status, e.g. 'running', 'starting', 'stopped', 'failed'. */
  readonly status: string;
  /** How long `stopping` lasts. @default 2000 */
  readonly stopDurationMs?: number;
  /** Stays `stopping` forever. @default false */
  readonly neverStops?: boolean;
  /** For this long after a stop or a start, Describe still shows the replication as it was before (a read lagging a write). @default 0 */
  readonly describeLagMs?: number;
  /** StopReason shown now and set when a stop completes. @default 'Stop Reason NORMAL' once stopped */
  readonly stopReason?: string;
  readonly lastFailureMessage?: string;
  /** @default 'full-load-and-cdc' */
  readonly migrationType?: MigrationType;
  /** How its starts go. @default the emulator's runBehavior */
  readonly behavior?: RunBehavior;
}
