import { DmsOperationFailed, quote } from './errors';
import { Attribute } from '../../src/private/handler-contract';

/**
 * What DMS reports about one premigration assessment run, for either kind: a classic
 * task's ReplicationTaskAssessmentRun or a serverless replication's
 * PremigrationAssessmentStatus. Counts are DMS's ResultStatistic, when it gives one.
 */
export interface AssessmentRunState {
  readonly arn: string;
  readonly status: string;
  /** Epoch ms of DMS's creation date, when it gives one. */
  readonly createdAt?: number;
  readonly lastFailureMessage?: string;
  /** `s3://bucket/folder/`, when DMS names the bucket. */
  readonly reportLocation?: string;
  /** The results folder as DMS shows it, without leading or trailing slashes: a serverless run's identity (its request fixes it). */
  readonly folder?: string;
  /** IndividualAssessmentCount / …CompletedCount. */
  readonly total?: number;
  readonly completed?: number;
  readonly statistic?: Partial<Record<ResultCount, number>>;
}

/** One individual assessment: its name and DMS status. */
export interface IndividualAssessment {
  readonly name: string;
  readonly status: string;
}

export type ResultCount = 'Passed' | 'Failed' | 'Warning' | 'Error' | 'Skipped' | 'Cancelled';

/** Run statuses after which DMS does nothing more (`warning` also covers "all skipped"). */
const FINISHED = new Set(['passed', 'failed', 'warning', 'error-provisioning', 'error-executing', 'invalid state', 'cancelling', 'deleting']);
/** Run statuses that end the assessment without a verdict on the checks. */
const BROKEN = new Set(['error-provisioning', 'error-executing', 'invalid state', 'cancelling', 'deleting']);
/** Individual statuses of a check still under way. */
const INDIVIDUAL_UNDER_WAY = new Set(['pending', 'running']);
/** Individual statuses that fail the gate whatever the run's status says. */
const INDIVIDUAL_FAILING = new Set(['failed', 'error']);
/** Individual statuses that say nothing is wrong. */
const INDIVIDUAL_FINE = new Set(['passed']);

export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

/**
 * True while DMS's individual results may still be catching up with a finished run:
 * some are pending or running, or fewer are listed than the run counts. DMS writes the
 * run's status and the individual results separately, so one may show before the other.
 */
export function resultsIncomplete(run: AssessmentRunState, individuals: readonly IndividualAssessment[]): boolean {
  if (individuals.some((i) => INDIVIDUAL_UNDER_WAY.has(i.status))) return true;
  return run.total !== undefined && individuals.length > 0 && individuals.length < run.total;
}

/** Counts by result: DMS's ResultStatistic where it has one, else counted from the individual assessments. */
export function resultCounts(run: AssessmentRunState, individuals: readonly IndividualAssessment[]): Record<ResultCount, number> {
  const counted = (status: string) => individuals.filter((i) => i.status === status).length;
  const pick = (key: ResultCount) => run.statistic?.[key] ?? counted(key.toLowerCase());
  return { Passed: pick('Passed'), Failed: pick('Failed'), Warning: pick('Warning'), Error: pick('Error'), Skipped: pick('Skipped'), Cancelled: pick('Cancelled') };
}

/** The attributes a pipeline reads: status, counts by result, report location, run ARN. */
export function assessmentAttributes(run: AssessmentRunState | undefined, individuals: readonly IndividualAssessment[] = []): Record<string, string> {
  const counts = run ? resultCounts(run, individuals) : undefined;
  return {
    [Attribute.STATUS]: run?.status ?? 'none',
    [Attribute.ASSESSMENT_RUN_ARN]: run?.arn ?? '',
    [Attribute.REPORT_LOCATION]: run?.reportLocation ?? '',
    [Attribute.PASSED_COUNT]: String(counts?.Passed ?? 0),
    [Attribute.FAILED_COUNT]: String(counts?.Failed ?? 0),
    [Attribute.WARNING_COUNT]: String(counts?.Warning ?? 0),
    [Attribute.ERROR_COUNT]: String(counts?.Error ?? 0),
    [Attribute.SKIPPED_COUNT]: String(counts?.Skipped ?? 0),
    [Attribute.CANCELLED_COUNT]: String(counts?.Cancelled ?? 0),
  };
}

/** Names a run's creation date (DMS's clock) in the CLI's output; `wait-assessment --created-after` takes it back. */
export const ASSESSMENT_RUN_CREATION_DATE = 'AssessmentRunCreationDate';

/** Which run this is, as DMS names it: its status, ARN and DMS's creation date (ISO 8601, ms); what assess prints. */
export function runIdentity(run: AssessmentRunState): Record<string, string> {
  return {
    [Attribute.STATUS]: run.status,
    [Attribute.ASSESSMENT_RUN_ARN]: run.arn,
    [ASSESSMENT_RUN_CREATION_DATE]: run.createdAt !== undefined ? new Date(run.createdAt).toISOString() : '',
  };
}

/** Why a finished run fails the gate, or undefined when it passes. */
export function failureOf(
  subject: string,
  run: AssessmentRunState,
  individuals: readonly IndividualAssessment[],
  failOnWarning: boolean,
): DmsOperationFailed | undefined {
  const failing = individuals.filter((i) => INDIVIDUAL_FAILING.has(i.status));
  const report = `report: ${run.reportLocation ?? '(DMS named no S3 location)'}`;
  const dmsSays = run.lastFailureMessage ? `; DMS: ${quote(run.lastFailureMessage)}` : '';
  if (BROKEN.has(run.status)) {
    return new DmsOperationFailed(`${subject} ended ${run.status} without a verdict on every check${dmsSays}; ${report}`);
  }
  if (run.status === 'failed' || failing.length > 0) {
    const named = failing.length > 0 ? `: ${listChecks(failing)}` : ' (DMS lists none of them)';
    return new DmsOperationFailed(`${subject} failed: ${failing.length || resultCounts(run, individuals).Failed} of ${individuals.length || run.total || '?'} checks failed${named}; ${report}${dmsSays}`);
  }
  if (run.status === 'warning' && failOnWarning) {
    const flagged = individuals.filter((i) => !INDIVIDUAL_FINE.has(i.status));
    const allSkipped = individuals.length > 0 && individuals.every((i) => i.status === 'skipped');
    const what = allSkipped ? 'every check was skipped' : `${resultCounts(run, individuals).Warning} warning(s)`;
    return new DmsOperationFailed(`${subject} ended warning (${what}) and failOnWarning is set${flagged.length ? `: ${listChecks(flagged)}` : ''}; ${report}${dmsSays}`);
  }
  return undefined;
}

/** `name (status), …`, the failing ones first; cut short with a count so the reason stays small. */
function listChecks(checks: readonly IndividualAssessment[], max = 8): string {
  const shown = checks.slice(0, max).map((c) => `${c.name} (${c.status})`).join(', ');
  return checks.length > max ? `${shown} and ${checks.length - max} more` : shown;
}

/** `s3://bucket/folder/` for a bucket and an optional folder. */
export function s3Location(bucket: string | undefined, folder: string | undefined): string | undefined {
  if (!bucket) return undefined;
  const path = (folder ?? '').replace(/^\/+|\/+$/g, '');
  return `s3://${bucket}/${path ? `${path}/` : ''}`;
}
