/**
 * The state a replication's starts, loads and modifies change (replication-runs.ts drives it),
 * kept apart so that stopping.ts can end a run without depending on the operations that start one.
 */

/** How starts of one replication go. */
export interface RunBehavior {
  /** From the accepted start until `running`. @default 1500 */
  readonly startDurationMs?: number;
  /** From `running` until the full load is finished. @default 2000 */
  readonly fullLoadDurationMs?: number;
  /** Tables in the full load. @default 3 */
  readonly tables?: number;
  /** Of those, how many end errored. @default 0 */
  readonly tablesErrored?: number;
  /** 'fails': the start ends `failed` (after startDurationMs) with a stop reason and failure message. @default 'runs' */
  readonly outcome?: 'runs' | 'fails';
  /** StopReason of a failed start. @default 'Stop Reason FATAL_ERROR' */
  readonly failureStopReason?: string;
  /** Failure message of a failed start. @default a realistic DMS message */
  readonly failureMessage?: string;
  /** How long `modifying` lasts after a modify. @default 1000 */
  readonly modifyDurationMs?: number;
  /** Serverless: how long capacity is deprovisioned after a stop (a start is refused meanwhile). @default 0 */
  readonly deprovisionMs?: number;
  /**
   * Serverless: where DMS shows capacity it deprovisions (after a stop, or ~48 h later), which
   * DMS does not document: 'provision-data' = Status stays `stopped`, ProvisionData.ProvisionState
   * reads `deprovisioning` then `deprovisioned` (with ReplicationDeprovisionTime); 'status' =
   * Status itself reads `deprovisioning`, then `deprovisioned`. @default 'provision-data'
   */
  readonly deprovisionReading?: 'provision-data' | 'status';
  /**
   * What DMS does with `resume-processing` of a replication whose only start failed before it
   * ever ran, which DMS does not document: 'resumes-from-now' = accepts it, and CDC starts
   * from now (the changes since the intended CDC start are skipped); 'refuses-resume' = refuses
   * it until a first run succeeded. Either way `start-replication` stays valid until it ran.
   * @default 'resumes-from-now'
   */
  readonly failedFirstStart?: 'resumes-from-now' | 'refuses-resume';
  /** For a replication CloudFormation creates: how long `stopping` lasts. @default 2000 */
  readonly stopDurationMs?: number;
  /**
   * For a replication CloudFormation creates: for this long after a stop or a start, Describe
   * still shows it as it was before (a read lagging a write). @default 0
   */
  readonly describeLagMs?: number;
  /**
   * When DMS dates a start (StartDate, FreshStartDate, a task's ReplicationTaskStartDate),
   * which DMS does not document: 'request' = the moment it accepts the start (a start that
   * then fails keeps that date); 'running' = when the replication reaches `running`, so a
   * start that fails before it is never dated; 'fresh-only' = as 'request', but a `resume-processing`
   * keeps the date of the last fresh start (DMS documents a serverless StartDate only as "scheduled").
   * @default 'request'
   */
  readonly startDateStamp?: 'request' | 'running' | 'fresh-only';
  /**
   * For a replication CloudFormation creates: how long it shows `creating` before it rests
   * as never run (`created` / `ready`); DMS refuses a start meanwhile. @default 0
   */
  readonly createDurationMs?: number;
  /**
   * The source's writes stop at this time (epoch ms): it commits nothing from then on, so a
   * `commit_time:` CdcStopPosition at or after it is never reached (DMS does not document
   * what it does on an idle source; this is the reading where it waits for a commit).
   * Unset: commits keep flowing, and a commit time is reached once the clock passes it.
   */
  readonly sourceWritesStopAt?: number;
  /**
   * What Describe shows as CdcStopPosition once the replication stopped at it (undocumented):
   * 'kept' = the position it stopped at; 'cleared' = none. @default 'kept'
   */
  readonly stopPositionAfterStop?: 'kept' | 'cleared';
  /** How long after reaching its CdcStopPosition the replication shows `stopped`. @default 500 */
  readonly stopAtPositionMs?: number;
}

export type MigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

/** The part of a replication's state that starts, loads and modifies change. */
export interface ReplicationRun {
  migrationType: MigrationType;
  behavior: RunBehavior;
  /** Whether it was ever started. */
  everStarted: boolean;
  /** Whether it ever reached `running` (DMS refuses `start-replication` afterwards). */
  everRan: boolean;
  startType?: string;
  freshStartDate?: number;
  startDate?: number;
  stopDate?: number;
  fullLoadStartDate?: number;
  fullLoadFinishDate?: number;
  /** Full load done in an earlier run: `resume-processing` goes straight on with CDC. */
  fullLoadDone: boolean;
  tablesLoaded: number;
  tablesErrored: number;
  deprovisionedAt?: number;
  /** Serverless: capacity was deprovisioned (or is being) at `deprovisionedAt` (ReplicationDeprovisionTime). */
  deprovisioned?: boolean;
  tableMappings?: string;
  settings?: string;
  cdcStartTime?: number;
  cdcStartPosition?: string;
  /** The CdcStopPosition of the latest start, as Describe shows it. */
  cdcStopPosition?: string;
  failureMessages?: string[];
}

/** Called when a stop completes: the stop date, and serverless capacity going away. */
export function runStopped(run: ReplicationRun, at: number): void {
  run.stopDate = at;
  if (run.behavior.deprovisionMs) {
    run.deprovisionedAt = at + run.behavior.deprovisionMs;
    run.deprovisioned = true;
  }
}
