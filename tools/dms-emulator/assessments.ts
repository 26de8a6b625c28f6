/**
 * Premigration assessments: a classic task's assessment runs
 * (StartReplicationTaskAssessmentRun, DescribeReplicationTaskAssessmentRuns,
 * DescribeReplicationTaskIndividualAssessments) and a serverless replication's
 * assessment inside StartReplication (PremigrationAssessmentSettings, reported in
 * DescribeReplications' PremigrationAssessmentStatuses). What makes them hard is
 * modelled: runs go starting → provisioning → running → a verdict, one at a time per
 * task; individual results may show only after the run's status changed; a new run may
 * show in no Describe for a while (read lag); a running task, a missing bucket or role is
 * refused; Describe pages (even empty ones) carry a Marker.
 */
import { resourceId } from './arns';
import { nowMs, toEpochSeconds } from './clock';
import { DescribeBehavior, describePage, FilterFields } from './describe-query';
import { DmsError, invalidParameter, invalidResourceState, resourceNotFound } from './dms-error';
import { optionalString, requireString, RequestInput } from './request-input';
import { StoppableResource } from './stopping';

/** How one individual assessment ends; `warning` is shown as its status and counted as a warning. */
export type CheckOutcome = 'passed' | 'failed' | 'error' | 'warning' | 'skipped' | 'cancelled';

/** How the assessments of one task or config go. */
export interface AssessmentBehavior {
  /** From the start until the run's verdict. @default 1500 */
  readonly durationMs?: number;
  /** The individual assessments and how each ends. @default DEFAULT_CHECKS, all passed */
  readonly checks?: Readonly<Record<string, CheckOutcome>>;
  /** The run ends in this status instead of a verdict (e.g. 'error-executing'). */
  readonly runOutcome?: string;
  /** Individual results still show `running` for this long after the run's status changed. @default 0 */
  readonly resultsLagMs?: number;
  /** The run's LastFailureMessage when a check fails or the run ends in error. @default a DMS-like message */
  readonly lastFailureMessage?: string;
  /**
   * For this long after a run is created, no Describe shows it (a read lagging the write): the
   * newest run shown is the one before. The start's own answer carries it at once. @default 0
   */
  readonly describeLagMs?: number;
}

/** Undocumented DMS Serverless behaviours, either way. */
export interface ServerlessAssessmentOptions {
  /** Whether DMS runs an assessment on a start other than start-replication. @default 'runs' */
  readonly onResume?: 'runs' | 'ignored';
  /** Whether DescribeReplicationTaskIndividualAssessments lists a serverless run's checks. @default 'listed' */
  readonly individuals?: 'listed' | 'not-listed';
  /** IncludeOnly / Exclude inside the settings: a space-separated string (as documented) or a JSON array. @default 'string' */
  readonly listFormat?: 'string' | 'array';
  /** The replication's status while the assessment runs. @default its status before (unchanged) */
  readonly statusWhileAssessing?: string;
  /**
   * StopReplication while the assessment of a StartReplication runs: 'refused'
   * (InvalidResourceStateFault; DMS starts the replication if the assessment passes, and a stop
   * is accepted once it is starting), or 'cancels' (the run ends `cancelling`, nothing starts,
   * the replication is back at rest). @default 'refused'
   */
  readonly stopWhileAssessing?: 'refused' | 'cancels';
}

/**
 * IAM propagation: a role, bucket policy or key grant the stack just created may not reach DMS
 * for a while. For `durationMs` after DMS first sees a role, bucket or KMS key in an assessment
 * request, access through it fails: the start answers `fault`, or (`error-provisioning`) DMS
 * accepts the run, which then ends `error-provisioning`. A serverless assessment is affected
 * only when it names a KMS key (DMS Serverless writes to a bucket of its own).
 */
export interface IamPropagationScenario {
  readonly durationMs: number;
  readonly fault: 'S3AccessDeniedFault' | 'KMSAccessDeniedFault' | 'AccessDeniedFault' | 'error-provisioning';
}

/** A few of DMS's individual assessments for a PostgreSQL source. */
export const DEFAULT_CHECKS: Readonly<Record<string, CheckOutcome>> = {
  'unsupported-data-types-in-source': 'passed',
  'full-lob-not-nullable-at-target': 'passed',
  'table-with-lob-but-without-primary-key-or-unique-constraint': 'passed',
  'postgres-check-wal-level': 'passed',
  'postgres-check-replication-slots-count': 'passed',
};

const ACTIVE = new Set(['starting', 'provisioning', 'running']);
const AT_REST = new Set(['created', 'ready', 'stopped', 'failed']);

interface AssessmentRecord {
  readonly arn: string;
  readonly name: string;
  readonly kind: 'task' | 'config';
  readonly targetArn: string;
  readonly createdAt: number;
  readonly behavior: AssessmentBehavior;
  readonly checks: ReadonlyArray<readonly [string, CheckOutcome]>;
  readonly location: Record<string, unknown>;
  /** Serverless: what starts the replication once the assessment lets it. */
  release?: (passed: boolean) => void;
  /** Serverless: puts the replication back as it was before the start (a cancelled assessment). */
  restore?: () => void;
  /** When the run was cancelled (CancelReplicationTaskAssessmentRun, or a serverless stop): it shows `cancelling` from then on. */
  cancelledAt?: number;
}

/** The part of the emulator the assessments look at and act on. */
export interface AssessmentHost {
  task(arn: string): StoppableResource<unknown> | undefined;
  replication(arn: string): StoppableResource<unknown> | undefined;
  /** StartReplication without assessment settings (validates and starts). */
  startReplication(input: RequestInput): object;
  arn(type: string, id: string): string;
}

export class Assessments {
  private readonly records: AssessmentRecord[] = [];
  private readonly behaviors = new Map<string, AssessmentBehavior>();
  private readonly missingBuckets = new Set<string>();
  private readonly missingRoles = new Set<string>();
  private counter = 0;
  private propagation: IamPropagationScenario | undefined;
  /** When DMS first saw each role, bucket and key in an assessment request. */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly host: AssessmentHost,
    private readonly paging: Pick<DescribeBehavior, 'filterAfterPaging' | 'noMatch'>,
    private serverless: ServerlessAssessmentOptions,
  ) {}

  /** Changes the serverless readings from now on (unset fields keep their value). */
  setServerlessOptions(options: ServerlessAssessmentOptions): void {
    this.serverless = { ...this.serverless, ...options };
  }

  /** CancelReplicationTaskAssessmentRun: a run under way ends `cancelling`; DMS refuses to cancel one that ended. */
  cancelTaskRun(input: RequestInput): object {
    const arn = requireString(input, 'ReplicationTaskAssessmentRunArn');
    const record = this.records.find((r) => r.kind === 'task' && r.arn === arn);
    if (!record) throw resourceNotFound(`Assessment run ${arn} not found`);
    const status = this.status(record);
    if (!ACTIVE.has(status)) throw invalidResourceState(`Assessment run ${record.name} is ${status} and cannot be cancelled`);
    record.cancelledAt = nowMs();
    return { ReplicationTaskAssessmentRun: this.taskRunWire(record) };
  }

  /**
   * What StopReplication does to an assessment of the config under way (see stopWhileAssessing):
   * true when it cancelled one (the stop is then answered here); throws when DMS refuses.
   */
  stopServerless(configArn: string): boolean {
    const active = this.records.find((r) => r.kind === 'config' && r.targetArn === configArn && r.release && ACTIVE.has(this.status(r)));
    if (!active) return false;
    if ((this.serverless.stopWhileAssessing ?? 'refused') === 'refused') {
      throw invalidResourceState(`Replication config ${resourceId(configArn)} cannot be stopped while its premigration assessment is ${this.status(active)}`);
    }
    active.cancelledAt = nowMs();
    active.release = undefined;
    active.restore?.();
    return true;
  }

  /** How assessments of the task or config with this ARN go (unset fields keep their value). */
  setBehavior(arn: string, behavior: AssessmentBehavior): void {
    this.behaviors.set(arn, { ...this.behaviors.get(arn), ...behavior });
  }

  /** StartReplicationTaskAssessmentRun naming this bucket answers S3ResourceNotFoundFault. */
  forgetBucket(name: string): void {
    this.missingBuckets.add(name);
  }

  /** StartReplicationTaskAssessmentRun naming this role answers AccessDeniedFault. */
  forgetRole(arn: string): void {
    this.missingRoles.add(arn);
  }

  /** IAM propagation faults from now on (undefined: none); names seen before count from when they were first seen. */
  setIamPropagation(scenario: IamPropagationScenario | undefined): void {
    this.propagation = scenario;
  }

  /**
   * The propagation fault a request naming these (role, bucket, key) suffers now, if any:
   * thrown for a refusal, returned for `error-provisioning` (the run's failure message).
   */
  private propagating(names: ReadonlyArray<string | undefined>): string | undefined {
    const now = nowMs();
    const fresh = names.filter((n): n is string => !!n).filter((n) => {
      if (!this.firstSeen.has(n)) this.firstSeen.set(n, now);
      return this.propagation !== undefined && now < this.firstSeen.get(n)! + this.propagation.durationMs;
    });
    if (!this.propagation || !fresh.length) return undefined;
    const [role, bucket, key] = names;
    const message = this.propagation.fault === 'KMSAccessDeniedFault' || (!role && !bucket)
      ? `DMS cannot use the KMS key ${key ?? fresh[0]}: User: dms.amazonaws.com is not authorized to perform: kms:GenerateDataKey`
      : this.propagation.fault === 'AccessDeniedFault'
        ? `The IAM role ${role} does not exist or cannot be assumed by dms.amazonaws.com`
        : `Access Denied: the role ${role ?? 'of DMS'} cannot write to the S3 bucket ${bucket ?? fresh[0]}`;
    if (this.propagation.fault === 'error-provisioning') return `Failed to provision the premigration assessment: ${message}`;
    throw new DmsError(this.propagation.fault, message);
  }

  /** Applies what finished assessments do to their replications (a serverless start). */
  settle(now = nowMs()): void {
    for (const record of this.records) {
      if (record.release && now >= record.createdAt + this.duration(record)) {
        const release = record.release;
        record.release = undefined;
        release(!['failed', 'error-provisioning', 'error-executing', 'invalid state', 'cancelling', 'deleting'].includes(this.status(record, now)));
      }
    }
  }

  startTaskRun(input: RequestInput): object {
    const taskArn = requireString(input, 'ReplicationTaskArn');
    const name = requireString(input, 'AssessmentRunName');
    const bucket = requireString(input, 'ResultLocationBucket');
    const role = requireString(input, 'ServiceAccessRoleArn');
    const task = this.host.task(taskArn);
    if (!task) throw resourceNotFound(`Replication Task ${taskArn} not found`);
    this.checkLists(input.IncludeOnly, input.Exclude, false);
    if (this.records.some((r) => r.targetArn === taskArn && r.name === name)) {
      throw new DmsError('ResourceAlreadyExistsFault', `An assessment run named ${name} already exists for task ${resourceId(taskArn)}`);
    }
    if (!AT_REST.has(task.status)) {
      throw invalidResourceState(`Replication task ${resourceId(taskArn)} is ${task.status === 'modifying' ? 'being modified' : task.status}: a premigration assessment run cannot start until it is stopped`);
    }
    const active = this.records.find((r) => r.targetArn === taskArn && ACTIVE.has(this.status(r)));
    if (active) throw invalidResourceState(`Assessment run ${active.name} of task ${resourceId(taskArn)} is still ${this.status(active)}; only one assessment run can run at a time`);
    if (this.missingRoles.has(role)) throw new DmsError('AccessDeniedFault', `The IAM role ${role} does not exist or cannot be assumed by dms.amazonaws.com`);
    if (this.missingBuckets.has(bucket)) throw new DmsError('S3ResourceNotFoundFault', `The specified bucket does not exist: ${bucket}`);
    const denied = this.propagating([role, bucket, optionalString(input, 'ResultKmsKeyArn')]);
    const record = this.add('task', taskArn, name, input, {
      ServiceAccessRoleArn: role,
      ResultLocationBucket: bucket,
      ResultLocationFolder: optionalString(input, 'ResultLocationFolder'),
      ResultEncryptionMode: optionalString(input, 'ResultEncryptionMode'),
      ResultKmsKeyArn: optionalString(input, 'ResultKmsKeyArn'),
    }, denied);
    return { ReplicationTaskAssessmentRun: this.taskRunWire(record) };
  }

  /**
   * StartReplication with PremigrationAssessmentSettings: DMS validates the start, runs the
   * assessment, and starts the replication only if it passes (FailOnAssessmentFailure, the
   * default) or whatever it found (false).
   */
  startServerless(input: RequestInput): object {
    const configArn = requireString(input, 'ReplicationConfigArn');
    const raw = optionalString(input, 'PremigrationAssessmentSettings');
    const { PremigrationAssessmentSettings: _, ...plain } = input;
    if (raw === undefined) return this.host.startReplication(plain);
    let settings: Record<string, unknown>;
    try {
      settings = JSON.parse(raw);
    } catch {
      throw invalidParameter('PremigrationAssessmentSettings is not a valid JSON document');
    }
    this.checkLists(settings.IncludeOnly, settings.Exclude, true);
    const active = this.records.find((r) => r.targetArn === configArn && ACTIVE.has(this.status(r)));
    if (active) throw invalidResourceState(`A premigration assessment of replication config ${resourceId(configArn)} is still ${this.status(active)}`);
    const record = this.host.replication(configArn);
    if (!record) throw resourceNotFound(`Replication config ${configArn} not found`);
    if (this.serverless.onResume === 'ignored' && requireString(input, 'StartReplicationType') !== 'start-replication') {
      return this.host.startReplication(plain);
    }
    const denied = typeof settings.ResultKmsKeyArn === 'string' ? this.propagating([undefined, undefined, settings.ResultKmsKeyArn]) : undefined;
    // Validate the start as DMS would, then undo it: the replication starts after the assessment.
    const before = { status: record.status, stopReason: record.stopReason, pending: record.pending, run: record.run && { ...record.run } };
    this.host.startReplication(plain);
    Object.assign(record, before);
    const failOnFailure = settings.FailOnAssessmentFailure !== false;
    const assessment = this.add('config', configArn, `serverless-${++this.counter}`, { IncludeOnly: settings.IncludeOnly, Exclude: settings.Exclude }, {
      FailOnAssessmentFailure: failOnFailure,
      ResultLocationBucket: `dms-serverless-premigration-results-${resourceId(configArn).toLowerCase()}`,
      ResultLocationFolder: settings.ResultLocationFolder,
      ResultEncryptionMode: settings.ResultEncryptionMode,
      ResultKmsKeyArn: settings.ResultKmsKeyArn,
    }, denied);
    if (this.serverless.statusWhileAssessing) record.status = this.serverless.statusWhileAssessing;
    assessment.restore = () => Object.assign(record, { status: before.status });
    assessment.release = (passed) => {
      Object.assign(record, { status: before.status });
      if (!passed && failOnFailure) return;
      try {
        this.host.startReplication(plain);
      } catch (err) {
        // Whatever call settles this must not fail for it: DMS leaves the replication as it is and says why.
        assessment.location.LastFailureMessage = `The replication did not start after the assessment: ${(err as Error).message}`;
      }
    };
    const statuses = [this.serverlessWire(assessment)];
    return { Replication: { ReplicationConfigArn: configArn, Status: record.status, PremigrationAssessmentStatuses: statuses } };
  }

  describeTaskRuns(input: RequestInput): object {
    const now = nowMs();
    const fields: FilterFields<AssessmentRecord> = {
      'replication-task-assessment-run-arn': (r) => r.arn,
      'replication-task-arn': (r) => r.targetArn,
      'status': (r) => this.status(r, now),
    };
    const page = describePage(this.records.filter((r) => r.kind === 'task' && this.visible(r, now)), input, fields, { ...this.paging, noMatchMessage: 'No assessment runs found' });
    return { ReplicationTaskAssessmentRuns: page.items.map((r) => this.taskRunWire(r, now)), Marker: page.marker };
  }

  describeIndividuals(input: RequestInput): object {
    const now = nowMs();
    const listed = this.records.filter((r) => this.visible(r, now) && (r.kind === 'task' || this.serverless.individuals !== 'not-listed'));
    const individuals = listed.flatMap((r) => r.checks.map(([name], i) => ({ record: r, name, i })));
    const fields: FilterFields<(typeof individuals)[number]> = {
      'replication-task-assessment-run-arn': (x) => x.record.arn,
      'replication-task-arn': (x) => (x.record.kind === 'task' ? x.record.targetArn : undefined),
      'status': (x) => this.individualStatus(x.record, x.i, now),
    };
    const page = describePage(individuals, input, fields, { ...this.paging, noMatchMessage: 'No individual assessments found' });
    return {
      ReplicationTaskIndividualAssessments: page.items.map((x) => ({
        ReplicationTaskIndividualAssessmentArn: `${x.record.arn.replace(':assessment-run:', ':individual-assessment:')}-${x.i + 1}`,
        ReplicationTaskAssessmentRunArn: x.record.arn,
        IndividualAssessmentName: x.name,
        Status: this.individualStatus(x.record, x.i, now),
        ReplicationTaskIndividualAssessmentStartDate: toEpochSeconds(x.record.createdAt + this.duration(x.record) * 0.3),
      })),
      Marker: page.marker,
    };
  }

  /** Adds PremigrationAssessmentStatuses to DescribeReplications' answer. */
  decorateReplications(output: { Replications?: Array<Record<string, unknown>> }): object {
    const now = nowMs();
    for (const r of output.Replications ?? []) {
      const mine = this.records.filter((a) => a.kind === 'config' && a.targetArn === r.ReplicationConfigArn && this.visible(a, now));
      if (mine.length) r.PremigrationAssessmentStatuses = mine.map((a) => this.serverlessWire(a, now));
    }
    return output;
  }

  /** The run's status now, or undefined (for tests). */
  runStatus(arn: string): string | undefined {
    const record = this.records.find((r) => r.arn === arn);
    return record && this.status(record);
  }

  /** The runs of a task or config, oldest first: ARN, name and status (for tests). */
  runsOf(targetArn: string): Array<{ arn: string; name: string; status: string; folder?: string }> {
    return this.records.filter((r) => r.targetArn === targetArn).map((r) => ({
      arn: r.arn, name: r.name, status: this.status(r), folder: r.location.ResultLocationFolder as string | undefined,
    }));
  }

  /** `provisioningFailure`: the run ends error-provisioning with this message (IAM propagation). */
  private add(kind: 'task' | 'config', targetArn: string, name: string, input: RequestInput, location: Record<string, unknown>, provisioningFailure?: string): AssessmentRecord {
    const behavior = { ...this.behaviors.get(targetArn), ...(provisioningFailure ? { runOutcome: 'error-provisioning', lastFailureMessage: provisioningFailure } : {}) };
    const all = Object.entries(behavior.checks ?? DEFAULT_CHECKS);
    const include = listOf(input.IncludeOnly);
    const exclude = listOf(input.Exclude);
    const checks = all.filter(([n]) => (include.length ? include.includes(n) : !exclude.includes(n)));
    const id = `${resourceId(targetArn)}${String(++this.counter).padStart(4, '0')}`;
    const record: AssessmentRecord = { arn: this.host.arn('assessment-run', id), name, kind, targetArn, createdAt: nowMs(), behavior, checks, location };
    this.records.push(record);
    return record;
  }

  private checkLists(includeOnly: unknown, exclude: unknown, inSettings: boolean): void {
    const given = (v: unknown) => v !== undefined && v !== null && (Array.isArray(v) ? v.length > 0 : v !== '');
    if (given(includeOnly) && given(exclude)) throw new DmsError('InvalidParameterCombinationException', 'IncludeOnly and Exclude cannot be specified together');
    // Inside StartReplication's settings the lists have one form (which, DMS does not say); the task run's are arrays.
    for (const [name, value] of [['IncludeOnly', includeOnly], ['Exclude', exclude]] as const) {
      if (!given(value) || !inSettings) continue;
      const format = this.serverless.listFormat ?? 'string';
      if ((format === 'array') !== Array.isArray(value)) {
        throw invalidParameter(`${name} must be ${format === 'array' ? 'a list of assessment names' : 'a space-separated string of assessment names'}`);
      }
    }
  }

  /** Whether a Describe shows the run yet (see AssessmentBehavior.describeLagMs). */
  private visible(record: AssessmentRecord, now: number): boolean {
    return now >= record.createdAt + (record.behavior.describeLagMs ?? 0);
  }

  private duration(record: AssessmentRecord): number {
    return record.behavior.durationMs ?? 1500;
  }

  /** When check i ends (true time), and when its result shows (after the lag). */
  private checkEnd(record: AssessmentRecord, i: number): number {
    const d = this.duration(record);
    return record.createdAt + d * 0.3 + (d * 0.7 * (i + 1)) / Math.max(1, record.checks.length);
  }

  private status(record: AssessmentRecord, now = nowMs()): string {
    if (record.cancelledAt !== undefined && now >= record.cancelledAt) return 'cancelling';
    const t = now - record.createdAt;
    const d = this.duration(record);
    if (t < d * 0.1) return 'starting';
    if (t < d * 0.3) return 'provisioning';
    if (t < d) return 'running';
    if (record.behavior.runOutcome) return record.behavior.runOutcome;
    const outcomes = record.checks.map(([, o]) => o);
    if (outcomes.includes('failed')) return 'failed';
    if (outcomes.includes('warning') || (outcomes.length > 0 && outcomes.every((o) => o === 'skipped'))) return 'warning';
    return 'passed';
  }

  private individualStatus(record: AssessmentRecord, i: number, now: number): string {
    const d = this.duration(record);
    if (now < record.createdAt + d * 0.3) return 'pending';
    const shows = this.checkEnd(record, i) + (record.behavior.resultsLagMs ?? 0);
    if (record.behavior.runOutcome && now >= record.createdAt + d) return now < shows ? 'running' : 'error';
    return now < shows ? 'running' : record.checks[i][1];
  }

  private common(record: AssessmentRecord, now = nowMs()): Record<string, unknown> {
    const status = this.status(record, now);
    const done = record.checks.filter((_, i) => now >= this.checkEnd(record, i)).length;
    const finished = !ACTIVE.has(status);
    const count = (o: CheckOutcome) => record.checks.filter(([, x]) => x === o).length;
    const failing = record.checks.some(([, o]) => o === 'failed' || o === 'error') || record.behavior.runOutcome;
    return {
      Status: status,
      AssessmentProgress: {
        IndividualAssessmentCount: record.checks.length,
        IndividualAssessmentCompletedCount: Math.min(done, record.checks.length),
      },
      ...(finished && failing ? { LastFailureMessage: record.behavior.lastFailureMessage ?? 'One or more individual assessments failed. See the assessment report in Amazon S3.' } : {}),
      ...(finished ? {
        ResultStatistic: { Passed: count('passed'), Failed: count('failed'), Error: count('error'), Warning: count('warning'), Cancelled: count('cancelled'), Skipped: count('skipped') },
      } : {}),
      ...record.location,
    };
  }

  private taskRunWire(record: AssessmentRecord, now = nowMs()): object {
    // Latest among the runs a reader sees (the start's answer sees its own run).
    const latest = this.records.filter((r) => r.targetArn === record.targetArn && (r === record || this.visible(r, now))).pop() === record;
    const { FailOnAssessmentFailure: _, ...rest } = this.common(record, now);
    return {
      ReplicationTaskAssessmentRunArn: record.arn,
      ReplicationTaskArn: record.targetArn,
      ReplicationTaskAssessmentRunCreationDate: toEpochSeconds(record.createdAt),
      AssessmentRunName: record.name,
      IsLatestTaskAssessmentRun: latest,
      ...rest,
    };
  }

  private serverlessWire(record: AssessmentRecord, now = nowMs()): object {
    const { ServiceAccessRoleArn: _, ...rest } = this.common(record, now);
    return { PremigrationAssessmentRunArn: record.arn, PremigrationAssessmentRunCreationDate: toEpochSeconds(record.createdAt), ...rest };
  }
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}
