import {
  DatabaseMigrationServiceClient,
  StartReplicationCommand,
  StartReplicationTaskAssessmentRunCommand,
} from '@aws-sdk/client-database-migration-service';
import { askStop } from './assessment-abandon';
import { newest, individualAssessments, runState, ServerlessReplication, serverlessReplication, taskAssessmentRuns } from './assessment-reads';
import { assessmentAttributes, AssessmentRunState, failureOf, isFinished, resultsIncomplete, runIdentity } from './assessment-verdict';
import { apiFailure, DmsOperationFailed, errorCode, isAccessDenied, isInvalidState, NothingStarted, stillDenied } from './errors';
import { graceMs } from './grace';
import { attemptName, attemptOf, retriesProvisioning } from './iam-propagation';
import { recordAsk } from './intent-record';
import { DmsOperation, OperationMark, Progress } from './operation';
import { DmsRefusal, RefusalWatch } from './refusal';
import { lastAskBy, nextRunStep, runHistory } from './replication-plan';
import { IntentAsker, intentFor } from './replication-start';
import { AT_REST, describeTarget, ReplicationTarget, UNDER_WAY } from './replication-state';

/** What an assessment checks and how its outcome is judged, for either kind. */
export interface AssessmentOptions {
  readonly target: ReplicationTarget;
  /** The folder (prefix) for this run's results. */
  readonly resultFolder: string;
  /** SSE_KMS with this key; undefined: SSE_S3. */
  readonly resultKmsKeyArn?: string;
  /** At most one of the two (DMS refuses both). */
  readonly includeOnly?: readonly string[];
  readonly exclude?: readonly string[];
  /** A run that ends `warning` (warnings, or every check skipped) fails too. */
  readonly failOnWarning: boolean;
}

/** A classic task's assessment run: DMS needs a bucket and a role that can write to it. */
export interface TaskAssessmentOptions extends AssessmentOptions {
  readonly resultBucket: string;
  readonly serviceAccessRoleArn: string;
  /** Unique per request (a replayed request gets the same one): finds our run again in any later check. */
  readonly runName: string;
  /** See {@link OtherRunUnderWay}. @default 'wait' */
  readonly otherRunUnderWay?: OtherRunUnderWay;
}

/** A serverless config's assessment is part of its StartReplication. */
export interface ConfigAssessmentOptions extends AssessmentOptions {
  /** Where CDC starts, if this StartReplication is the replication's first. */
  readonly cdcStartTime?: Date;
  readonly cdcStartPosition?: string;
  /**
   * Called right before each StartReplication is sent (our start: it records it in the record
   * of intent); throws when the start must not be sent any more (the deployment gave up on it).
   */
  readonly beforeStart?: (startType: string) => Promise<void>;
  /**
   * Who asks, for the record of intent (intent-record.ts): the start type is chosen with the
   * record's history (a first start that failed, a cut-over), and a failed verdict stops only
   * what this asker's own StartReplication started. Without it, DMS's status alone decides.
   */
  readonly intent?: IntentAsker;
  /** See {@link OtherRunUnderWay}. @default 'wait' */
  readonly otherRunUnderWay?: OtherRunUnderWay;
}

/**
 * A run under way that is not ours (DMS runs one at a time; ours is found by its name or
 * folder, so a replayed request finds its own run): `wait` for it to end, then start ours
 * (the constructs, the CLI's assess --wait), or `refuse`: start nothing and throw
 * NothingStarted (the CLI's assess without --wait, which never takes a verdict it did not ask for).
 */
export type OtherRunUnderWay = 'wait' | 'refuse';

/** The advice of a NothingStarted (only the CLI's assess refuses). */
const NOT_STARTED_ADVICE = 'Run assess again once it ended, or with --wait to start one after it.';

function nothingStarted(reason: string): NothingStarted {
  return new NothingStarted(`No premigration assessment was started: ${reason}. ${NOT_STARTED_ADVICE}`);
}

/** Names the assessment in reasons. */
export function describeAssessment(target: ReplicationTarget): string {
  return `The premigration assessment of the ${describeTarget(target)}`;
}

/** A finished run's verdict, once its individual results are in (or stopped catching up): undefined while they catch up. */
class Verdicts {
  private lagSince: number | undefined;

  public constructor(
    private readonly client: DatabaseMigrationServiceClient,
    private readonly subject: string,
    private readonly failOnWarning: boolean,
  ) {}

  /** Progress of a run: not done while it runs or its results lag; throws its failure; done when it passes. */
  public async judge(
    run: AssessmentRunState,
    onFailure?: (failure: DmsOperationFailed) => Promise<Progress | undefined>,
    subject = this.subject,
  ): Promise<Progress> {
    if (!isFinished(run.status)) return { done: false, status: runningStatus(run), attributes: runIdentity(run) };
    const individuals = await individualAssessments(this.client, run.arn);
    if (resultsIncomplete(run, individuals)) {
      // DMS shows a run's status before all its individual results: wait for them for a while, in this invocation.
      const now = Date.now();
      this.lagSince ??= now;
      const until = this.lagSince + graceMs('readLag');
      if (now < until) return { done: false, status: `${run.status}, individual results not all in yet`, holdUntil: until, attributes: runIdentity(run) };
    }
    const failure = failureOf(subject, run, individuals, this.failOnWarning);
    if (failure) {
      const pending = await onFailure?.(failure);
      if (pending) return pending;
      throw failure;
    }
    return { done: true, status: run.status, attributes: assessmentAttributes(run, individuals) };
  }
}

function runningStatus(run: AssessmentRunState): string {
  return run.total ? `${run.status} (${run.completed ?? 0} of ${run.total} checks done)` : run.status;
}

/** Another assessment of the task runs: DMS refuses a second one, so ours starts after it. */
class AssessmentBusy extends Error {
  public constructor(public readonly other: AssessmentRunState & { readonly name: string }) {
    super(`assessment run ${other.name} is ${other.status}`);
  }
}

/** The watches of one invocation's checks, and when a check of it last asked DMS. */
class CheckAsks {
  public readonly refusals = new RefusalWatch();
  public requestedAt: number | undefined;
  /** Since when this invocation's asks were denied (IAM propagation), if they are. */
  private deniedSince: number | undefined;

  /**
   * Asks DMS from a check: waits on another run (`waiting`), rides out refusals (shown as
   * `refusedStatus`) and access denials (IAM propagation); the progress of a request made is
   * `status`, with what `made` knows of it (the run DMS's answer named, or that it is not shown yet).
   */
  public async ask(
    request: () => Promise<void>,
    status: string,
    refusedStatus: string,
    waiting: (other: AssessmentRunState & { name: string }) => Progress,
    made: () => Partial<Progress>,
  ): Promise<Progress> {
    try {
      await request();
      this.refusals.accepted();
      this.deniedSince = undefined;
      this.requestedAt = Date.now();
      return { done: false, status, holdUntil: this.requestedAt + graceMs('readLag'), ...made() };
    } catch (err) {
      if (err instanceof AssessmentBusy) return waiting(err.other);
      if (err instanceof DmsRefusal) return { done: false, status: refusedStatus, ...this.refusals.refused(err) };
      if (!(err instanceof DmsOperationFailed && isAccessDenied(err))) throw err;
      // Ridden out for the IAM propagation grace since the first denial, looked at again soon, in this invocation.
      const now = Date.now();
      const until = (this.deniedSince ??= now) + graceMs('iamPropagation');
      if (now >= until) throw stillDenied(err, now - this.deniedSince);
      return { done: false, status: 'access denied', detail: err.message, recheckAt: now + 5_000, holdUntil: until + 5_000 };
    }
  }
}

/**
 * A classic task's premigration assessment: StartReplicationTaskAssessmentRun, then
 * DescribeReplicationTaskAssessmentRuns until the run finishes and
 * DescribeReplicationTaskIndividualAssessments for its checks.
 *
 * Our run is found by its name, which the request fixes: every check, in any invocation,
 * finds it again, and a replayed or retried request joins it (DMS answers
 * ResourceAlreadyExistsFault). A run of someone else's that is under way is waited for,
 * then ours starts. Right after the stack created the role, bucket policy or key grant, DMS
 * may deny access while IAM propagates: a denied start is retried under the same name, and a
 * run that ends `error-provisioning` is followed by another (`<name>-2`, `-3`…), for the
 * IAM propagation grace; then DMS's words fail the gate. Other refusals (a running task, a
 * task being modified) are ridden out for the refusal grace, then fail with DMS's message;
 * a missing bucket fails at once with DMS's error.
 */
export function taskAssessment(client: DatabaseMigrationServiceClient, options: TaskAssessmentOptions): DmsOperation {
  const { target, runName } = options;
  const subject = describeAssessment(target);
  const verdicts = new Verdicts(client, `${subject} (${runName})`, options.failOnWarning);
  /** Our latest run as DMS's answer to its start showed it: a Describe may not show it yet. */
  let answered: AssessmentRunState | undefined;

  async function request(attempt: number): Promise<void> {
    try {
      const out = await client.send(new StartReplicationTaskAssessmentRunCommand({
        ReplicationTaskArn: target.arn,
        AssessmentRunName: attemptName(runName, attempt),
        ServiceAccessRoleArn: options.serviceAccessRoleArn,
        ResultLocationBucket: options.resultBucket,
        ResultLocationFolder: attemptName(options.resultFolder, attempt),
        ResultEncryptionMode: options.resultKmsKeyArn ? 'SSE_KMS' : 'SSE_S3',
        ResultKmsKeyArn: options.resultKmsKeyArn,
        IncludeOnly: options.includeOnly?.length ? [...options.includeOnly] : undefined,
        Exclude: options.exclude?.length ? [...options.exclude] : undefined,
      }));
      if (out.ReplicationTaskAssessmentRun?.ReplicationTaskAssessmentRunArn) answered = runState(out.ReplicationTaskAssessmentRun);
    } catch (err) {
      if (errorCode(err) === 'ResourceAlreadyExistsFault') return; // our name: this request's run exists
      if (!isInvalidState(err)) throw apiFailure('StartReplicationTaskAssessmentRun', describeTarget(target), err);
      const other = (await taskAssessmentRuns(client, target.arn)).find((r) => attemptOf(runName, r.AssessmentRunName ?? '') === undefined && !isFinished(r.Status ?? ''));
      if (other) throw new AssessmentBusy({ ...runState(other), name: other.AssessmentRunName ?? other.ReplicationTaskAssessmentRunArn ?? '?' });
      throw new DmsRefusal('StartReplicationTaskAssessmentRun', describeTarget(target), (err as Error).message);
    }
  }

  const asks = new CheckAsks();
  const waiting = (other: { name: string; status: string }): Progress => ({ done: false, status: `waiting for assessment run ${other.name} (${other.status}) to end` });
  /** Until DMS shows our run, its identity is what the start's answer named; without one, nothing to name yet. */
  const asAnswered = (): Partial<Progress> => (answered ? { attributes: runIdentity(answered) } : { preparing: true });
  const requestFromCheck = (attempt: number, status: string) => asks.ask(() => request(attempt), status, 'refused', waiting, asAnswered);

  return {
    subject,
    async start(): Promise<OperationMark> {
      try {
        await request(0);
        return { runName, requestedAt: Date.now() };
      } catch (err) {
        if (!(err instanceof AssessmentBusy)) throw err;
        if (options.otherRunUnderWay === 'refuse') {
          throw nothingStarted(`assessment run ${err.other.name} of the ${describeTarget(target)} is ${err.other.status}, and DMS runs one at a time`);
        }
        return { runName, requestedAt: 0 };
      }
    },
    async check(mark): Promise<Progress> {
      const runs = await taskAssessmentRuns(client, target.arn);
      const ours = runs
        .map((r) => ({ run: runState(r), name: r.AssessmentRunName ?? '', attempt: attemptOf(runName, r.AssessmentRunName ?? '') }))
        .filter((r): r is typeof r & { attempt: number } => r.attempt !== undefined)
        .sort((a, b) => a.attempt - b.attempt);
      const latest = ours[ours.length - 1];
      if (latest) {
        // DMS could not provision the run, maybe because the role or bucket policy had not reached it yet: one more, by name.
        if (retriesProvisioning(latest.run.status, ours[0].run.createdAt ?? Number(mark.requestedAt ?? 0))) {
          return requestFromCheck(latest.attempt + 1, `${latest.run.status}; asked again as ${attemptName(runName, latest.attempt + 1)}`);
        }
        return verdicts.judge(latest.run, undefined, `${subject} (${latest.name})`);
      }
      const requestedAt = asks.requestedAt ?? Number(mark.requestedAt ?? 0);
      // A Describe may not show a run for a few seconds after DMS accepted it: the start's answer named it.
      if (requestedAt && Date.now() < requestedAt + graceMs('readLag')) {
        return {
          done: false,
          status: 'requested',
          detail: asks.refusals.detail('DMS does not show the assessment run yet'),
          holdUntil: requestedAt + graceMs('readLag'),
          ...asAnswered(),
        };
      }
      // DMS runs one assessment of a task at a time: wait for another one without asking.
      const other = runs.find((r) => !isFinished(r.Status ?? ''));
      if (other) return waiting({ name: other.AssessmentRunName ?? '?', status: other.Status ?? '?' });
      return requestFromCheck(0, 'requested');
    },
  };
}

/**
 * The premigration assessment settings of StartReplication, as a JSON string. DMS documents
 * IncludeOnly and Exclude as "space-separated lists" inside it; `asArrays` sends JSON arrays,
 * for a DMS that reads them so (undocumented: the call is retried that way once refused).
 */
export function premigrationAssessmentSettings(options: AssessmentOptions, asArrays = false): string {
  const list = (names?: readonly string[]) => (names?.length ? (asArrays ? [...names] : names.join(' ')) : undefined);
  return JSON.stringify({
    ResultLocationFolder: options.resultFolder,
    ResultEncryptionMode: options.resultKmsKeyArn ? 'SSE_KMS' : 'SSE_S3',
    ResultKmsKeyArn: options.resultKmsKeyArn,
    IncludeOnly: list(options.includeOnly),
    Exclude: list(options.exclude),
    // DMS starts the replication only if the assessment passes.
    FailOnAssessmentFailure: true,
  });
}

/**
 * A serverless config's premigration assessment: DMS runs it as part of StartReplication
 * (with `FailOnAssessmentFailure`, so DMS starts the replication only if it passes) and
 * reports it in DescribeReplications' PremigrationAssessmentStatuses.
 *
 * The start type is the run's, from DMS's state and the record of intent (`start-replication`
 * only if it never ran, with the CDC start given; `resume-processing` otherwise; none after a
 * cut-over, which fails), so a passing assessment starts or resumes it without skipping
 * changes, and DmsReplicationRun then finds it under way and starts nothing twice. A running
 * replication is not stopped for an assessment: that fails with advice.
 *
 * Ours is the assessment whose results folder is the one this request fixed (a replayed
 * request joins it). One that this request did not start (the console, the CLI with other
 * checks, an earlier deployment) is never taken as the verdict: it is waited for; if it
 * then started the replication, the gate fails saying so and leaves it running (nothing of
 * ours stops someone else's start); otherwise ours runs. A denied start is retried while IAM
 * may propagate, and a run that ends `error-provisioning` is followed by another (folder
 * `<folder>-2`, `-3`…) for the IAM propagation grace. A verdict that fails while DMS started
 * the replication anyway (a warning, with failOnWarning) stops it first (only our own start,
 * the last ask on record), then fails. If DMS ran the replication without showing an
 * assessment (it may not assess on a resume: undocumented), that fails too, saying so.
 */
export function configAssessment(client: DatabaseMigrationServiceClient, options: ConfigAssessmentOptions): DmsOperation {
  const { target } = options;
  const subject = describeAssessment(target);
  const verdicts = new Verdicts(client, subject, options.failOnWarning);
  const refuse = options.otherRunUnderWay === 'refuse';
  const folder = options.resultFolder.replace(/^\/+|\/+$/g, '');

  /** Our attempts, the first first; and a run under way that is not ours. */
  const attemptsIn = (assessments: readonly AssessmentRunState[]) => assessments
    .map((run) => ({ run, attempt: attemptOf(folder, run.folder ?? '') }))
    .filter((r): r is { run: AssessmentRunState; attempt: number } => r.attempt !== undefined)
    .sort((a, b) => a.attempt - b.attempt);
  const foreignUnderWay = (assessments: readonly AssessmentRunState[]) => assessments.find((a) => attemptOf(folder, a.folder ?? '') === undefined && !isFinished(a.status));

  async function request(state: ServerlessReplication['state'], attempt: number): Promise<void> {
    // The start type DMS requires and the record allows (the one home of that choice); called only for a replication at rest.
    const step = nextRunStep(state, 'start', runHistory(await intentFor(options.intent, target.arn), state));
    if (step.action === 'refuse') throw new DmsOperationFailed(`The ${describeTarget(target)} ${step.reason}`);
    if (step.action !== 'start') {
      throw new DmsOperationFailed(`DMS Serverless assesses only within StartReplication, and the ${describeTarget(target)} has nothing to start: ${'reason' in step ? step.reason : step.action}`);
    }
    const startType = step.startType;
    const cdc = startType === 'start-replication' ? { CdcStartTime: options.cdcStartTime, CdcStartPosition: options.cdcStartPosition } : {};
    const settings = { ...options, resultFolder: attemptName(folder, attempt) };
    await options.beforeStart?.(startType);
    const send = (asArrays: boolean) => client.send(new StartReplicationCommand({
      ReplicationConfigArn: target.arn,
      StartReplicationType: startType,
      PremigrationAssessmentSettings: premigrationAssessmentSettings(settings, asArrays),
      ...cdc,
    }));
    try {
      await send(false).catch((err) => {
        const listsRefused = /InvalidParameter/.test(errorCode(err) ?? '') && /IncludeOnly|Exclude/.test((err as Error).message);
        if (listsRefused && (options.includeOnly?.length || options.exclude?.length)) return send(true);
        throw err;
      });
    } catch (err) {
      if (!isInvalidState(err)) throw apiFailure('StartReplication', describeTarget(target), err);
      // Someone else's assessment may have begun since we looked: DMS runs one at a time.
      const other = foreignUnderWay((await serverlessReplication(client, target.arn)).assessments);
      if (other) throw new AssessmentBusy({ ...other, name: other.arn });
      throw new DmsRefusal('StartReplication', describeTarget(target), (err as Error).message);
    }
  }

  /**
   * Whether a failed verdict stops what DMS shows under way: only while our own StartReplication
   * (or our stop of it, asked again until DMS takes it) is the last ask on record; the stop is
   * recorded before it is sent. A start asked since (the CLI's, after DMS started nothing) is not ours.
   */
  async function oursToStop(from: string): Promise<boolean> {
    if (!options.intent) return true;
    const { by } = options.intent;
    const record = await intentFor(options.intent, target.arn);
    if (lastAskBy(record, by, ['stop'])) return true;
    return lastAskBy(record, by, ['assessment-start']) && lastAskBy(await recordAsk(target.arn, { action: 'stop', from, by }), by, ['stop']);
  }

  const waitingFor = (other: AssessmentRunState): Progress => ({
    done: false,
    status: `waiting for premigration assessment ${other.arn} (${other.status}) to end: this request did not start it`,
  });
  const asks = new CheckAsks();
  // Until DMS shows it, there is no run to name: the CLI without --wait waits for it (preparing).
  const notShown = (): Partial<Progress> => ({ preparing: true });
  const requestFromCheck = (state: ServerlessReplication['state'], attempt: number, status: string) => asks.ask(() => request(state, attempt), status, state.status, waitingFor, notShown);

  /**
   * Why a replication under way cannot be assessed now: started by an assessment this request
   * waited for (seen under way at its start, or created since), or simply running.
   */
  function underWay(status: string, assessments: readonly AssessmentRunState[], mark: OperationMark): DmsOperationFailed {
    const latest = newest(assessments);
    const waitedFor = latest && (latest.arn === mark.foreign || (mark.since !== undefined && (latest.createdAt ?? 0) >= Number(mark.since)));
    if (latest && waitedFor && isFinished(latest.status)) {
      return new DmsOperationFailed(
        `The premigration assessment ${latest.arn} of the ${describeTarget(target)}, which this deployment did not start, started the replication: `
        + 'it is left running, without a verdict of this gate. Stop it (cdk-dms-lifecycle stop-replication --wait) and deploy again to assess it.',
      );
    }
    // A running replication is not stopped for an assessment.
    return new DmsOperationFailed(
      `The ${describeTarget(target)} is ${status}, and DMS Serverless assesses only within StartReplication: stop it first (cdk-dms-lifecycle stop-replication), then deploy again.`,
    );
  }

  return {
    subject,
    async start(): Promise<OperationMark> {
      const since = Date.now();
      const { state, assessments } = await serverlessReplication(client, target.arn);
      // Ours exists: this request, replayed.
      if (attemptsIn(assessments).length) return { requestedAt: since, since };
      const foreign = foreignUnderWay(assessments);
      if (foreign && refuse) throw nothingStarted(`premigration assessment ${foreign.arn} of the ${describeTarget(target)} is ${foreign.status}, and DMS runs one at a time`);
      if (foreign) return { requestedAt: 0, since, foreign: foreign.arn };
      if (UNDER_WAY.has(state.status)) throw underWay(state.status, assessments, { since });
      if (!AT_REST.has(state.status) || state.deprovisioning) {
        if (refuse) {
          throw nothingStarted(`the ${describeTarget(target)} is ${state.status}${state.deprovisioning ? ', deprovisioning' : ''}, and DMS refuses a start (which runs the assessment) until it is at rest`);
        }
        return { requestedAt: 0, since };
      }
      try {
        await request(state, 0);
      } catch (err) {
        if (!(err instanceof AssessmentBusy)) throw err;
        if (refuse) throw nothingStarted(`premigration assessment ${err.other.arn} of the ${describeTarget(target)} is ${err.other.status}, and DMS runs one at a time`);
        return { requestedAt: 0, since, foreign: err.other.arn };
      }
      return { requestedAt: Date.now(), since };
    },
    async check(mark): Promise<Progress> {
      const { state, assessments } = await serverlessReplication(client, target.arn);
      const attempts = attemptsIn(assessments);
      const latest = attempts[attempts.length - 1];
      if (latest) {
        // DMS could not provision it (a key grant still propagating?) and started nothing: one more, in the next folder.
        if (retriesProvisioning(latest.run.status, attempts[0].run.createdAt) && AT_REST.has(state.status) && !state.deprovisioning) {
          return requestFromCheck(state, latest.attempt + 1, `${latest.run.status}; asked again`);
        }
        return verdicts.judge(latest.run, async () => {
          // DMS started it although the gate fails (a warning): stop it before failing, so nothing runs unassessed.
          if (UNDER_WAY.has(state.status) && await oursToStop(state.status)) {
            await askStop(client, target);
            return { done: false, status: `${state.status}, stopping what DMS started before failing` };
          }
          return state.status === 'stopping' ? { done: false, status: 'stopping what DMS started before failing' } : undefined;
        });
      }
      const requestedAt = asks.requestedAt ?? Number(mark.requestedAt ?? 0);
      if (requestedAt) {
        const lagOver = Date.now() >= requestedAt + graceMs('readLag');
        if (lagOver && state.status === 'running') {
          throw new DmsOperationFailed(`DMS started the ${describeTarget(target)} without a premigration assessment (none newer than the request); stop it if it must not run unassessed.`);
        }
        return { done: false, status: `${state.status}, assessment not shown yet`, holdUntil: lagOver ? undefined : requestedAt + graceMs('readLag'), ...notShown() };
      }
      // Someone else's assessment is never our verdict: wait for it to end.
      const foreign = foreignUnderWay(assessments);
      if (foreign) return waitingFor(foreign);
      if (UNDER_WAY.has(state.status)) throw underWay(state.status, assessments, mark);
      // Not at rest yet: DMS refuses a start until it is.
      if (!AT_REST.has(state.status) || state.deprovisioning) {
        return { done: false, status: state.deprovisioning ? `${state.status}, deprovisioning` : state.status, detail: 'DMS refuses a start meanwhile' };
      }
      return requestFromCheck(state, 0, 'requested');
    },
  };
}

/** The latest assessment of the task or config as it stands: starts nothing, fails on nothing (a rollback's report). */
export function currentAssessmentStatus(client: DatabaseMigrationServiceClient, target: ReplicationTarget): DmsOperation {
  return {
    subject: `the premigration assessment status of the ${describeTarget(target)}`,
    start: async () => ({}),
    async check() {
      const run = await latestAssessment(client, target);
      return { done: true, status: run?.status ?? 'none', attributes: assessmentAttributes(run) };
    },
  };
}

/** The task's or config's newest assessment run, if any. */
export async function latestAssessment(client: DatabaseMigrationServiceClient, target: ReplicationTarget): Promise<AssessmentRunState | undefined> {
  if (target.kind === 'replication-config') return newest((await serverlessReplication(client, target.arn)).assessments);
  return newest((await taskAssessmentRuns(client, target.arn)).map(runState));
}

/** The one run wait-assessment judges: by its ARN, or the oldest DMS created at or after a time (DMS's clock). */
export type AssessmentRunChoice =
  | { readonly runArn: string }
  | { readonly createdAfter: number };

/**
 * Waits for one assessment run to finish and judges it, starting nothing (the CLI's
 * wait-assessment): the run with `runArn`, or the oldest run DMS created at or after
 * `createdAfter` (the creation time assess printed). Never the newest run as such: within
 * DMS's read lag that can be the previous run, whose verdict is not ours. A run not shown
 * is waited for during the read lag, then fails naming the newest run DMS shows.
 */
export function assessmentWait(
  client: DatabaseMigrationServiceClient,
  target: ReplicationTarget,
  options: AssessmentRunChoice & { readonly failOnWarning: boolean },
): DmsOperation {
  const subject = describeAssessment(target);
  const verdicts = new Verdicts(client, subject, options.failOnWarning);
  const named = 'runArn' in options
    ? `premigration assessment run ${options.runArn} of the ${describeTarget(target)}`
    : `premigration assessment of the ${describeTarget(target)} created at or after ${new Date(options.createdAfter).toISOString()}`;
  let firstLook: number | undefined;
  return {
    subject: `${subject.charAt(0).toLowerCase()}${subject.slice(1)} to finish`,
    start: async () => ({}),
    async check(): Promise<Progress> {
      const runs = target.kind === 'replication-config'
        ? (await serverlessReplication(client, target.arn)).assessments
        : (await taskAssessmentRuns(client, target.arn)).map(runState);
      const run = 'runArn' in options
        ? runs.find((r) => r.arn === options.runArn)
        : oldest(runs.filter((r) => r.createdAt !== undefined && r.createdAt >= options.createdAfter));
      if (run) return verdicts.judge(run);
      const now = Date.now();
      firstLook ??= now;
      if (now < firstLook + graceMs('readLag')) {
        return { done: false, status: 'not shown yet', detail: `DMS does not show the ${named} yet`, holdUntil: firstLook + graceMs('readLag') };
      }
      const latest = newest(runs);
      const shown = latest ? ` (the newest it shows, ${latest.arn}, was created at ${latest.createdAt !== undefined ? new Date(latest.createdAt).toISOString() : 'an unknown time'})` : '';
      throw new DmsOperationFailed(`DMS shows no ${named}${shown}`, 'ResourceNotFoundFault');
    },
  };
}

/** The oldest of a list of runs by DMS's creation date. */
function oldest<T extends { readonly createdAt?: number }>(runs: readonly T[]): T | undefined {
  return runs.reduce<T | undefined>((best, r) => (best === undefined || (r.createdAt ?? 0) < (best.createdAt ?? 0) ? r : best), undefined);
}
