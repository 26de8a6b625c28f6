import { CancelReplicationTaskAssessmentRunCommand, DatabaseMigrationServiceClient, StopReplicationCommand } from '@aws-sdk/client-database-migration-service';
import { serverlessReplication, taskAssessmentRuns } from './assessment-reads';
import { isFinished } from './assessment-verdict';
import { apiFailure, DmsOperationFailed, isInvalidState, isNotFound, quote } from './errors';
import { DmsOperation, Progress } from './operation';
import { describeTarget, ReplicationTarget, UNDER_WAY } from './replication-state';
import { Attribute } from '../../src/private/handler-contract';

/** What the Delete of an assessment the deployment gave up on needs to know. */
export interface AbandonOptions {
  /** Classic task: the run names of this resource begin with this (one name per request); those still under way are cancelled. */
  readonly runNamePrefix: string;
  /**
   * Serverless: asked before each StopReplication. Records our stop (before it is sent) and says
   * whether it is still ours to send: false once someone else asked DMS for something since.
   */
  readonly beforeStop?: () => Promise<boolean>;
}

/**
 * A plain StopReplication of a serverless replication, asked again at every check until DMS shows it
 * stopping: DMS's refusal (while it assesses or starts, which passes) is returned, not thrown.
 * (requestStop, the stops' home for runs and teardowns, would bring describeReplication into the
 * assessment's bundle, the largest of the handlers', against its 64-KB budget.)
 */
export async function askStop(client: DatabaseMigrationServiceClient, target: ReplicationTarget): Promise<string | undefined> {
  return client.send(new StopReplicationCommand({ ReplicationConfigArn: target.arn })).then(() => undefined, (err) => {
    if (isNotFound(err)) return undefined;
    if (!isInvalidState(err)) throw apiFailure('StopReplication', describeTarget(target), err);
    return `DMS StopReplication refused: ${quote((err as Error).message)}`;
  });
}

/** The command that finishes a stop that could not happen within a Delete's timeout. */
export function stopCommand(target: ReplicationTarget): string {
  const option = target.kind === 'replication-config' ? '--replication-config-arn' : '--replication-task-arn';
  return `cdk-dms-lifecycle stop-replication ${option} ${target.arn} --wait`;
}

/**
 * The Delete of an assessment the deployment gave up on (a cancelled create, a timeout, a rollback).
 *
 * A classic task's runs of this resource still under way are cancelled
 * (CancelReplicationTaskAssessmentRun); a task assessment starts nothing else.
 *
 * A serverless assessment's StartReplication is our start: while DMS may still act on it (an
 * assessment under way, which starts the replication if it passes) or acts on it (a replication
 * initializing, provisioning, starting or running), StopReplication is asked at every check,
 * DMS's refusals while it starts are waited through, and the Delete is done once DMS shows the
 * replication at rest with no assessment under way: `stopped` (or `created`, where a stop
 * cancelled the assessment), so CloudFormation can delete the config. A Delete that cannot get
 * there within its timeout fails naming the command that finishes the job.
 */
export function abandonedAssessment(client: DatabaseMigrationServiceClient, target: ReplicationTarget, options: AbandonOptions): DmsOperation {
  const done = (status: string): Progress => ({ done: true, status, attributes: { [Attribute.STATUS]: status } });
  if (target.kind === 'replication-task') {
    return {
      subject: `the assessment runs of the ${describeTarget(target)} to be cancelled`,
      start: async () => ({}),
      async check(): Promise<Progress> {
        const ours = (await taskAssessmentRuns(client, target.arn))
          .filter((r) => (r.AssessmentRunName ?? '').startsWith(options.runNamePrefix) && !isFinished(r.Status ?? ''));
        for (const run of ours) {
          const cancel = new CancelReplicationTaskAssessmentRunCommand({ ReplicationTaskAssessmentRunArn: run.ReplicationTaskAssessmentRunArn });
          await client.send(cancel).catch((err) => {
            // Ended (or gone) meanwhile: nothing left to cancel.
            if (!isInvalidState(err) && !isNotFound(err)) throw apiFailure('CancelReplicationTaskAssessmentRun', `assessment run ${run.AssessmentRunName}`, err);
          });
        }
        return ours.length ? { done: false, status: `cancelling ${ours.map((r) => `${r.AssessmentRunName} (${r.Status})`).join(', ')}` } : done('none under way');
      },
    };
  }
  return {
    subject: `the ${describeTarget(target)} to stop`,
    timeoutAdvice: `Finish the job with \`${stopCommand(target)}\`, then retry the stack operation (or continue the rollback).`,
    start: async () => ({}),
    async check(): Promise<Progress> {
      let found;
      try {
        found = await serverlessReplication(client, target.arn);
      } catch (err) {
        if (err instanceof DmsOperationFailed && err.code === 'ResourceNotFoundFault') return done('not-found');
        throw err;
      }
      const { state, assessments } = found;
      const assessing = assessments.find((a) => !isFinished(a.status));
      if (UNDER_WAY.has(state.status) || assessing) {
        if (options.beforeStop && !(await options.beforeStop())) return done(`${state.status}: someone else asked DMS since`);
        const now = `${state.status}${assessing ? `, assessment ${assessing.status}` : ''}`;
        const refusal = await askStop(client, target);
        return { done: false, status: refusal ? now : `${now}, stop requested`, detail: refusal };
      }
      if (state.status === 'stopping') return { done: false, status: state.status };
      return done(state.status);
    },
  };
}
