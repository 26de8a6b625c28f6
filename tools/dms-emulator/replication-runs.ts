/**
 * Running replications: what DMS does between a start and a stop, and the calls
 * CloudFormation makes (create, modify, delete) for serverless replication
 * configs and classic replication tasks. The rules that make a deploy hard are
 * the ones modelled here: a running replication cannot be modified, a modify
 * leaves it `modifying` for a while and a start is refused meanwhile, a start
 * type is refused where DMS refuses it, a full-load-only replication stops by
 * itself once loaded, and a start can fail with a stop reason.
 */
import { ArnBuilder } from './arns';
import { nowMs, toEpochSeconds } from './clock';
import { DmsError, invalidParameter, invalidResourceState, resourceNotFound } from './dms-error';
import { MigrationType, ReplicationRun, RunBehavior, runStopped } from './replication-run-state';
import { optionalString, requireString, RequestInput } from './request-input';
import { StoppableRegistry, StoppableResource } from './stopping';

const DEFAULT_START_MS = 1500;
const DEFAULT_FULL_LOAD_MS = 2000;
const DEFAULT_MODIFY_MS = 1000;
const FULL_LOAD_ONLY_FINISHED = 'Stop Reason FULL_LOAD_ONLY_FINISHED';
const DEFAULT_STOP_AT_POSITION_MS = 500;
/** DMS's CdcStopPosition forms: `server_time:` or `commit_time:` and a time without a zone. */
const STOP_POSITION = /^(server_time|commit_time):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})$/;
/** The stop reasons DMS documents for a stop at a CdcStopPosition. */
const STOPPED_AT = { server_time: 'Stop Reason STOPPED_AT_SERVER_TIME', commit_time: 'Stop Reason STOPPED_AT_COMMIT_TIME' } as const;

/** How the two kinds of replication differ in what they are called and how they start. */
export interface RunnableKind {
  readonly noun: string;
  readonly arnMember: string;
  /** The status of a replication that never ran. */
  readonly neverRunStatus: string;
  /** The start's intermediate statuses, in order, before `running`. */
  readonly startingStatuses: readonly string[];
  /** Create/Modify input members. */
  readonly identifierMember: string;
  readonly typeMember: string;
  readonly settingsMember: string;
  readonly startTypeMember: string;
  readonly itemMember: string;
  arn(arns: ArnBuilder, id: string): string;
}

export const SERVERLESS_RUNS: RunnableKind = {
  noun: 'Replication config',
  arnMember: 'ReplicationConfigArn',
  neverRunStatus: 'created',
  startingStatuses: ['initializing', 'provisioning_capacity', 'replication_starting'],
  identifierMember: 'ReplicationConfigIdentifier',
  typeMember: 'ReplicationType',
  settingsMember: 'ReplicationSettings',
  startTypeMember: 'StartReplicationType',
  itemMember: 'ReplicationConfig',
  arn: (arns, id) => arns.replicationConfig(id),
};

export const TASK_RUNS: RunnableKind = {
  noun: 'Replication Task',
  arnMember: 'ReplicationTaskArn',
  neverRunStatus: 'ready',
  startingStatuses: ['starting'],
  identifierMember: 'ReplicationTaskIdentifier',
  typeMember: 'MigrationType',
  settingsMember: 'ReplicationTaskSettings',
  startTypeMember: 'StartReplicationTaskType',
  itemMember: 'ReplicationTask',
  arn: (arns, id) => arns.replicationTask(id),
};

/** Statuses in which DMS accepts a modify (or a delete); `deprovisioned` only in the 'status' reading of deprovisioning. */
const AT_REST = new Set(['created', 'ready', 'stopped', 'failed', 'deprovisioned']);
const START_TYPES = new Set(['start-replication', 'resume-processing', 'reload-target']);

/** A fresh run state; `everStarted` from the status a test puts the replication in. */
export function newRun(
  status: string,
  kind: RunnableKind,
  migrationType: MigrationType | undefined,
  behavior: RunBehavior | undefined,
): ReplicationRun {
  const everStarted = status !== kind.neverRunStatus;
  // One that ran before loaded its tables a while ago.
  const earlier = everStarted ? nowMs() - 60_000 : undefined;
  return {
    freshStartDate: earlier,
    startDate: earlier,
    fullLoadStartDate: earlier,
    fullLoadFinishDate: earlier && earlier + 30_000,
    migrationType: migrationType ?? 'full-load-and-cdc',
    behavior: behavior ?? {},
    everStarted,
    everRan: everStarted,
    fullLoadDone: everStarted,
    tablesLoaded: everStarted ? behavior?.tables ?? 3 : 0,
    tablesErrored: 0,
  };
}

/** Start / Modify / Create / Delete for one kind, on top of the registry that stops and describes it. */
export class ReplicationRuns<O extends { readonly status: string }> {
  private readonly behaviors = new Map<string, RunBehavior>();

  constructor(
    private readonly kind: RunnableKind,
    private readonly registry: StoppableRegistry<O & { readonly stopDurationMs?: number; readonly describeLagMs?: number }>,
    private readonly arns: ArnBuilder,
    private readonly defaultBehavior: RunBehavior,
    private readonly wire: (record: StoppableResource<O>) => object,
  ) {}

  /** How starts of the replication with this ARN go, including one CloudFormation creates later. */
  setBehavior(arn: string, behavior: RunBehavior): void {
    this.behaviors.set(arn, { ...this.behaviors.get(arn), ...behavior });
    const record = this.registry.record(arn);
    if (record?.run) record.run.behavior = { ...record.run.behavior, ...behavior };
    // How long its next stop lasts, and how long Describe lags it, for one that exists already.
    if (record && (behavior.stopDurationMs !== undefined || behavior.describeLagMs !== undefined)) {
      const { stopDurationMs, describeLagMs } = behavior;
      (record as { options: O }).options = {
        ...record.options,
        ...(stopDurationMs !== undefined ? { stopDurationMs } : {}),
        ...(describeLagMs !== undefined ? { describeLagMs } : {}),
      };
    }
  }

  /**
   * DMS deprovisions a stopped serverless replication's capacity (about 48 hours after the
   * stop): `deprovisioning` for `durationMs`, then `deprovisioned`, shown as the run's
   * behavior `deprovisionReading` says.
   */
  deprovision(arn: string, durationMs: number): void {
    const record = this.registry.record(arn);
    if (!record?.run) throw new Error(`no replication ${arn}`);
    const run = record.run;
    const at = nowMs();
    run.deprovisionedAt = at + durationMs;
    run.deprovisioned = true;
    if (run.behavior.deprovisionReading === 'status') {
      record.status = 'deprovisioning';
      record.pending = { dueAtMs: at + durationMs, apply: () => { record.status = 'deprovisioned'; } };
    }
  }

  /** The ARN CloudFormation gets for an identifier: its letters and digits, upper-cased. */
  arnFor(identifier: string): string {
    return this.kind.arn(this.arns, identifier.toUpperCase().replace(/[^A-Z0-9]/g, ''));
  }

  create(input: RequestInput): object {
    const identifier = requireString(input, this.kind.identifierMember);
    const arn = this.arnFor(identifier);
    if (this.registry.record(arn)) {
      throw new DmsError('ResourceAlreadyExistsFault', `${this.kind.noun} with identifier ${identifier} already exists`);
    }
    const migrationType = migrationTypeOf(requireString(input, this.kind.typeMember));
    const tableMappings = tableMappingsOf(input);
    const behavior = { ...this.defaultBehavior, ...this.behaviors.get(arn) };
    const options = { status: this.kind.neverRunStatus, stopDurationMs: behavior.stopDurationMs, describeLagMs: behavior.describeLagMs };
    this.registry.add(arn, options as O & { stopDurationMs?: number; describeLagMs?: number });
    const record = this.registry.record(arn)!;
    record.run = newRun(this.kind.neverRunStatus, this.kind, migrationType, behavior);
    record.run.tableMappings = tableMappings;
    record.run.settings = optionalString(input, this.kind.settingsMember);
    if (behavior.createDurationMs) {
      record.status = 'creating';
      record.pending = { dueAtMs: nowMs() + behavior.createDurationMs, apply: () => { record.status = this.kind.neverRunStatus; } };
    }
    return { [this.kind.itemMember]: this.wire(record) };
  }

  modify(input: RequestInput): object {
    const record = this.find(input);
    if (!AT_REST.has(record.status)) {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} cannot be modified while it is ${record.status === 'modifying' ? 'being modified' : 'running'} (status ${record.status})`);
    }
    const run = record.run!;
    if (input.TableMappings !== undefined) run.tableMappings = tableMappingsOf(input);
    if (input[this.kind.typeMember] !== undefined) run.migrationType = migrationTypeOf(requireString(input, this.kind.typeMember));
    if (input[this.kind.settingsMember] !== undefined) run.settings = optionalString(input, this.kind.settingsMember);
    const restStatus = record.status;
    record.status = 'modifying';
    record.pending = {
      dueAtMs: nowMs() + (run.behavior.modifyDurationMs ?? DEFAULT_MODIFY_MS),
      apply: () => {
        record.status = restStatus;
      },
    };
    return { [this.kind.itemMember]: this.wire(record) };
  }

  delete(input: RequestInput): object {
    const record = this.find(input);
    if (!AT_REST.has(record.status)) {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} cannot be deleted while it is in status ${record.status}`);
    }
    this.registry.remove(record.arn);
    return { [this.kind.itemMember]: { ...this.wire(record), Status: 'deleting' } };
  }

  start(input: RequestInput): object {
    const record = this.find(input);
    const run = record.run!;
    const startType = requireString(input, this.kind.startTypeMember);
    if (!START_TYPES.has(startType)) {
      throw invalidParameter(`${this.kind.startTypeMember} must be one of start-replication, resume-processing, reload-target; got ${startType}`);
    }
    const cdcStartTime = input.CdcStartTime;
    const cdcStartPosition = optionalString(input, 'CdcStartPosition');
    const cdcStopPosition = optionalString(input, 'CdcStopPosition');
    if (cdcStopPosition !== undefined && !STOP_POSITION.test(cdcStopPosition)) {
      throw invalidParameter(`Invalid CdcStopPosition ${cdcStopPosition}: use server_time:YYYY-MM-DDThh:mm:ss or commit_time:YYYY-MM-DDThh:mm:ss`);
    }
    if (cdcStopPosition !== undefined && run.migrationType === 'full-load') {
      throw invalidParameter(`${this.kind.noun} ${record.arn} is full-load only: a CdcStopPosition needs CDC`);
    }
    if (cdcStartTime !== undefined && cdcStartPosition !== undefined) {
      throw new DmsError('InvalidParameterCombinationException', 'CdcStartTime and CdcStartPosition cannot be specified together');
    }
    if (record.status === 'modifying' || record.status === 'creating') {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} is in ${record.status.toUpperCase()} state and cannot start`);
    }
    if (!AT_REST.has(record.status)) {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} cannot be started: it is ${record.status}`);
    }
    const now = nowMs();
    if ((run.deprovisionedAt !== undefined && now < run.deprovisionedAt) || record.status === 'deprovisioning') {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} cannot be started while its capacity is being deprovisioned`);
    }
    if (startType === 'start-replication' && run.everRan) {
      throw invalidResourceState(
        `${this.kind.noun} ${record.arn} has already been started: start-replication is only valid for the first run; use resume-processing or reload-target`,
      );
    }
    if (startType === 'resume-processing' && run.migrationType === 'full-load') {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} is full-load only: resume-processing is not applicable to full-load; use reload-target`);
    }
    const resumeBeforeFirstRun = startType === 'resume-processing' && run.everStarted && !run.everRan;
    if (resumeBeforeFirstRun && run.behavior.failedFirstStart === 'refuses-resume') {
      throw invalidResourceState(`${this.kind.noun} ${record.arn} has not run successfully yet: resume-processing is not valid before its first run; use start-replication`);
    }
    // The other reading: resumed from now, so CDC skips every change since the intended start.
    const cdcFrom = resumeBeforeFirstRun ? toEpochSeconds(now) : cdcStartTime;
    this.begin(record, startType, now, typeof cdcFrom === 'number' ? cdcFrom * 1000 : undefined, cdcStartPosition, cdcStopPosition);
    return { [this.kind.itemMember === 'ReplicationConfig' ? 'Replication' : 'ReplicationTask']: this.wire(record) };
  }

  private begin(
    record: StoppableResource<O>,
    startType: string,
    now: number,
    cdcStartTime: number | undefined,
    cdcStartPosition: string | undefined,
    cdcStopPosition: string | undefined,
  ): void {
    const run = record.run!;
    const b = run.behavior;
    // A Describe may lag the start: it shows the replication as it was, dates included.
    const lagMs = (record.options as { describeLagMs?: number }).describeLagMs ?? 0;
    record.lagging = lagMs > 0 ? { status: record.status, stopReason: record.stopReason, run: { ...run }, untilMs: now + lagMs } : undefined;
    const fresh = startType !== 'resume-processing' || !run.everStarted;
    const stamp = b.startDateStamp ?? 'request';
    const datedAtRequest = stamp !== 'running';
    run.everStarted = true;
    run.startType = startType;
    if (datedAtRequest && (fresh || stamp === 'request')) run.startDate = now;
    run.stopDate = undefined;
    run.deprovisionedAt = undefined;
    run.deprovisioned = undefined;
    run.failureMessages = undefined;
    run.cdcStartTime = cdcStartTime;
    run.cdcStartPosition = cdcStartPosition;
    run.cdcStopPosition = cdcStopPosition;
    record.stopReason = undefined;
    if (fresh) {
      if (datedAtRequest) run.freshStartDate = now;
      run.fullLoadDone = run.migrationType === 'cdc';
      run.tablesLoaded = 0;
      run.tablesErrored = 0;
      run.fullLoadStartDate = undefined;
      run.fullLoadFinishDate = undefined;
    }
    const startMs = b.startDurationMs ?? DEFAULT_START_MS;
    const steps = this.kind.startingStatuses;
    const chain = (i: number): void => {
      if (i < steps.length) {
        record.status = steps[i];
        record.pending = { dueAtMs: now + (startMs * (i + 1)) / steps.length, apply: () => chain(i + 1) };
        return;
      }
      if (b.outcome === 'fails') {
        record.status = 'failed';
        record.stopReason = b.failureStopReason ?? 'Stop Reason FATAL_ERROR';
        run.stopDate = now + startMs;
        run.failureMessages = [b.failureMessage ?? 'Last Error ODBC general error. Task error notification received from subtask 0, thread 0 [reptask/replicationtask.c:2883] [1022502] Failed to connect to the source database'];
        return;
      }
      record.status = 'running';
      run.everRan = true;
      if (!datedAtRequest) {
        // Dated only now that it runs: a start that failed before this never was.
        run.startDate = now + startMs;
        if (fresh) run.freshStartDate = now + startMs;
      }
      if (run.fullLoadDone) {
        this.stopAtPosition(record, now + startMs);
        return;
      }
      const loadStart = now + startMs;
      const loaded = loadStart + (b.fullLoadDurationMs ?? DEFAULT_FULL_LOAD_MS);
      run.fullLoadStartDate = loadStart;
      record.pending = {
        dueAtMs: loaded,
        apply: () => {
          this.finishFullLoad(record, loaded);
          if (record.status === 'running') this.stopAtPosition(record, loaded);
        },
      };
    };
    chain(0);
  }

  /**
   * CDC runs from `from` on; with a CdcStopPosition it stops once it gets there: a server
   * time when DMS's clock reaches it, a commit time when it reads a commit at or after it
   * (never, if the source's writes stopped before it).
   */
  private stopAtPosition(record: StoppableResource<O>, from: number): void {
    const run = record.run!;
    const position = run.cdcStopPosition && STOP_POSITION.exec(run.cdcStopPosition);
    if (!position) return;
    const kind = position[1] as keyof typeof STOPPED_AT;
    const at = Date.parse(`${position[2]}Z`);
    const idle = run.behavior.sourceWritesStopAt;
    if (kind === 'commit_time' && idle !== undefined && idle <= at) return; // no commit will ever reach it
    const stopsAt = Math.max(at, from) + (run.behavior.stopAtPositionMs ?? DEFAULT_STOP_AT_POSITION_MS);
    record.pending = {
      dueAtMs: stopsAt,
      apply: () => {
        record.status = 'stopped';
        record.stopReason = STOPPED_AT[kind];
        runStopped(run, stopsAt);
        if (run.behavior.stopPositionAfterStop === 'cleared') run.cdcStopPosition = undefined;
      },
    };
  }

  private finishFullLoad(record: StoppableResource<O>, at: number): void {
    const run = record.run!;
    const tables = run.behavior.tables ?? 3;
    run.tablesErrored = Math.min(tables, run.behavior.tablesErrored ?? 0);
    run.tablesLoaded = tables - run.tablesErrored;
    run.fullLoadDone = true;
    run.fullLoadFinishDate = at;
    if (run.migrationType === 'full-load') {
      record.status = 'stopped';
      record.stopReason = FULL_LOAD_ONLY_FINISHED;
      run.stopDate = run.fullLoadFinishDate;
    }
  }

  private find(input: RequestInput): StoppableResource<O> {
    const arn = requireString(input, this.kind.arnMember);
    const record = this.registry.record(arn);
    if (!record) throw resourceNotFound(`${this.kind.noun} ${arn} not found`);
    return record;
  }
}

/** The statistics and run fields of a replication as Describe* shows them (epoch seconds). */
export function runWire(run: ReplicationRun | undefined, status: string): Record<string, unknown> {
  if (!run) return {};
  const now = nowMs();
  const tables = run.behavior.tables ?? 3;
  const loading = status === 'running' && !run.fullLoadDone && run.fullLoadStartDate !== undefined;
  const progress = run.fullLoadDone
    ? 100
    : loading ? Math.min(99, Math.floor(((now - run.fullLoadStartDate!) / (run.behavior.fullLoadDurationMs ?? DEFAULT_FULL_LOAD_MS)) * 100)) : 0;
  const loaded = run.fullLoadDone ? run.tablesLoaded : Math.floor((progress / 100) * tables);
  const date = (ms: number | undefined) => (ms === undefined ? undefined : toEpochSeconds(ms));
  return {
    stats: {
      FullLoadProgressPercent: progress,
      ElapsedTimeMillis: run.startDate !== undefined ? (run.stopDate ?? now) - run.startDate : 0,
      TablesLoaded: loaded,
      TablesLoading: loading ? Math.min(1, tables - loaded) : 0,
      TablesQueued: loading ? Math.max(0, tables - loaded - 1) : 0,
      TablesErrored: run.tablesErrored,
      FreshStartDate: date(run.freshStartDate),
      StartDate: date(run.startDate),
      StopDate: date(run.stopDate),
      FullLoadStartDate: date(run.fullLoadStartDate),
      FullLoadFinishDate: date(run.fullLoadFinishDate),
    },
    migrationType: run.migrationType,
    startType: run.startType,
    startDate: date(run.startDate),
    deprovisioning: run.deprovisionedAt !== undefined && now < run.deprovisionedAt,
    deprovisioned: run.deprovisioned === true,
    deprovisionTime: date(run.deprovisionedAt),
    failureMessages: run.failureMessages,
    tableMappings: run.tableMappings,
    cdcStopPosition: run.cdcStopPosition,
  };
}

function migrationTypeOf(value: string): MigrationType {
  if (value === 'full-load' || value === 'cdc' || value === 'full-load-and-cdc') return value;
  throw invalidParameter(`Invalid migration type ${value}: must be full-load, cdc or full-load-and-cdc`);
}

/** Table mappings must be a JSON document with at least one rule. */
function tableMappingsOf(input: RequestInput): string {
  const raw = requireString(input, 'TableMappings');
  let rules: unknown;
  try {
    rules = (JSON.parse(raw) as { rules?: unknown }).rules;
  } catch {
    throw invalidParameter('Invalid table mappings: not a JSON document');
  }
  if (!Array.isArray(rules) || rules.length === 0) throw invalidParameter('Invalid table mappings: at least one rule is required');
  return raw;
}
