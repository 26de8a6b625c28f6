import {
  DatabaseMigrationServiceClient,
  DescribeReplicationsCommand,
  DescribeReplicationTaskAssessmentRunsCommand,
  DescribeReplicationTaskIndividualAssessmentsCommand,
  PremigrationAssessmentStatus,
  Replication,
  ReplicationTaskAssessmentRun,
} from '@aws-sdk/client-database-migration-service';
import { AssessmentRunState, IndividualAssessment, s3Location } from './assessment-verdict';
import { allPages, findInPages } from './describe-pages';
import { apiFailure, DmsOperationFailed, isNotFound } from './errors';
import { ReplicationState } from './replication-state';

const ms = (d: Date | undefined) => (d ? new Date(d).getTime() : undefined);

/** A classic task's assessment run, or a serverless replication's assessment status, in one shape. */
export function runState(run: ReplicationTaskAssessmentRun | PremigrationAssessmentStatus): AssessmentRunState {
  const task = run as ReplicationTaskAssessmentRun;
  const serverless = run as PremigrationAssessmentStatus;
  return {
    arn: task.ReplicationTaskAssessmentRunArn ?? serverless.PremigrationAssessmentRunArn ?? '',
    status: run.Status ?? 'unknown',
    createdAt: ms(task.ReplicationTaskAssessmentRunCreationDate ?? serverless.PremigrationAssessmentRunCreationDate),
    lastFailureMessage: run.LastFailureMessage,
    reportLocation: s3Location(run.ResultLocationBucket, run.ResultLocationFolder),
    folder: run.ResultLocationFolder?.replace(/^\/+|\/+$/g, ''),
    total: run.AssessmentProgress?.IndividualAssessmentCount,
    completed: run.AssessmentProgress?.IndividualAssessmentCompletedCount,
    statistic: run.ResultStatistic,
  };
}

/** Every assessment run of a task, following Marker; none when DMS answers NotFound for the filter. */
export async function taskAssessmentRuns(client: DatabaseMigrationServiceClient, taskArn: string): Promise<ReplicationTaskAssessmentRun[]> {
  try {
    return await allPages(async (marker) => {
      const out = await client.send(new DescribeReplicationTaskAssessmentRunsCommand({
        Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
        Marker: marker,
      }));
      return { items: out.ReplicationTaskAssessmentRuns, marker: out.Marker };
    }).then((runs) => runs.filter((r) => r.ReplicationTaskArn === undefined || r.ReplicationTaskArn === taskArn));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw apiFailure('DescribeReplicationTaskAssessmentRuns', `replication task ${taskArn}`, err);
  }
}

/**
 * The individual assessments of one run, following Marker. None when DMS answers
 * NotFound: it may list a serverless run's checks here or not (undocumented), and a
 * run's checks may not be listed yet.
 */
export async function individualAssessments(client: DatabaseMigrationServiceClient, runArn: string): Promise<IndividualAssessment[]> {
  if (!runArn) return [];
  try {
    const all = await allPages(async (marker) => {
      const out = await client.send(new DescribeReplicationTaskIndividualAssessmentsCommand({
        Filters: [{ Name: 'replication-task-assessment-run-arn', Values: [runArn] }],
        Marker: marker,
      }));
      return { items: out.ReplicationTaskIndividualAssessments, marker: out.Marker };
    });
    return all
      .filter((i) => i.ReplicationTaskAssessmentRunArn === undefined || i.ReplicationTaskAssessmentRunArn === runArn)
      .map((i) => ({ name: i.IndividualAssessmentName ?? '(unnamed)', status: i.Status ?? 'unknown' }));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw apiFailure('DescribeReplicationTaskIndividualAssessments', `assessment run ${runArn}`, err);
  }
}

/** A serverless replication as DescribeReplications shows it, assessment statuses included. */
export interface ServerlessReplication {
  readonly state: Pick<ReplicationState, 'status' | 'stopReason' | 'migrationType' | 'deprovisioning' | 'fullLoadFinished'>;
  readonly assessments: AssessmentRunState[];
}

/** One DescribeReplications (following Marker): the replication's state and its assessments. */
export async function serverlessReplication(client: DatabaseMigrationServiceClient, configArn: string): Promise<ServerlessReplication> {
  let found: Replication | undefined;
  try {
    found = await findInPages(
      async (marker) => {
        const out = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [configArn] }], Marker: marker }));
        return { items: out.Replications, marker: out.Marker };
      },
      (r) => r.ReplicationConfigArn === configArn,
    );
  } catch (err) {
    if (!isNotFound(err)) throw apiFailure('DescribeReplications', `replication config ${configArn}`, err);
  }
  if (!found) throw new DmsOperationFailed(`The replication config ${configArn} does not exist`, 'ResourceNotFoundFault');
  return {
    state: {
      status: found.Status ?? 'unknown',
      stopReason: found.StopReason,
      migrationType: found.ReplicationType,
      deprovisioning: found.ProvisionData?.ProvisionState === 'deprovisioning',
      fullLoadFinished: found.ReplicationStats?.FullLoadProgressPercent === 100,
    },
    assessments: (found.PremigrationAssessmentStatuses ?? []).map(runState),
  };
}

/** The newest of a list of runs by DMS's creation date (the last listed on a tie). */
export function newest<T extends { readonly createdAt?: number }>(runs: readonly T[]): T | undefined {
  return runs.reduce<T | undefined>((best, r) => (best === undefined || (r.createdAt ?? 0) >= (best.createdAt ?? 0) ? r : best), undefined);
}
