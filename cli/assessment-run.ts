import { randomBytes } from 'node:crypto';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { AssessCommand, WaitAssessmentCommand } from './arguments';
import { cliAsker } from './cli-asker';
import { assessmentWait, configAssessment, DmsOperation, recordAsk, taskAssessment } from '../lambda/dms';

/**
 * The operation of `assess` (the constructs' assessment, started from a pipeline step) or
 * `wait-assessment` (the same verdict, starting nothing).
 */
export function assessmentRun(client: DatabaseMigrationServiceClient, command: AssessCommand | WaitAssessmentCommand): DmsOperation {
  if (command.name === 'wait-assessment') {
    return assessmentWait(client, command.target, { ...command.run, failOnWarning: command.failOnWarning });
  }
  // Unique per invocation, as DMS wants run names; each run gets its own results folder.
  const runName = `cli-${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}-${randomBytes(3).toString('hex')}`;
  const options = {
    target: command.target,
    resultFolder: `${command.resultFolder}/${runName}`,
    resultKmsKeyArn: command.resultKmsKeyArn,
    includeOnly: command.includeOnly,
    exclude: command.exclude,
    failOnWarning: command.failOnWarning,
    // With --wait, a run under way is waited for and ours starts after it; without, nothing starts (exit 5):
    // never join a run this command did not start, whose verdict is not its own.
    otherRunUnderWay: command.wait ? 'wait' as const : 'refuse' as const,
  };
  if (command.target.kind === 'replication-task') {
    return taskAssessment(client, { ...options, runName, resultBucket: command.resultBucket!, serviceAccessRoleArn: command.serviceRoleArn! });
  }
  // A serverless assessment's StartReplication starts the replication: decided from the record and recorded before it is sent, as every start.
  const asker = cliAsker(command.name);
  const target = command.target;
  return configAssessment(client, {
    ...options,
    cdcStartTime: command.cdcStartTime,
    cdcStartPosition: command.cdcStartPosition,
    beforeStart: async (startType) => { await recordAsk(target.arn, { action: 'assessment-start', startType, by: asker.by }); },
    intent: asker,
  });
}
