import { CliCommand, CUTOVER_READY, CutoverCommand, StatusCommand } from './arguments';
import { assessmentRun } from './assessment-run';
import { cliAsker } from './cli-asker';
import {
  cloudWatchClient,
  connectionTest,
  cutoverReadiness,
  dmsClient,
  DmsOperation,
  replicationStart,
  replicationStop,
  replicationWait,
  schemaRefresh,
} from '../lambda/dms';

/**
 * The DMS operation a command runs: the same ones the Lambda handlers run, so
 * the CLI and the constructs share every status rule and error message.
 */
export function operationFor(command: Exclude<CliCommand, StatusCommand | CutoverCommand>): DmsOperation {
  const client = dmsClient(command.region);
  switch (command.name) {
    case 'refresh-schemas':
      return schemaRefresh(client, {
        endpointArn: command.endpointArn,
        replicationInstanceArn: command.replicationInstanceArn,
        connectionPrecondition: command.connectionPrecondition,
      });
    case 'test-connection':
      // Asked for by name, a test is always run: an old `successful` record proves little.
      return connectionTest(client, {
        endpointArn: command.endpointArn,
        replicationInstanceArn: command.replicationInstanceArn,
        reuseSuccessful: false,
      });
    // Starts and stops are recorded before they are sent, so a later deploy's decisions see them.
    case 'stop-replication':
      return replicationStop(client, command.target, { intent: cliAsker(command.name) });
    case 'start-replication':
      return replicationStart(client, {
        target: command.target,
        until: command.until,
        reload: command.reload,
        cdcStartTime: command.cdcStartTime,
        cdcStartPosition: command.cdcStartPosition,
        intent: cliAsker(command.name),
      });
    case 'wait-replication':
      if (command.until === CUTOVER_READY) {
        return cutoverReadiness({ dms: client, cloudWatch: cloudWatchClient(command.region) }, command.target, command.readiness!);
      }
      return replicationWait(client, command.target, command.until);
    case 'assess':
    case 'wait-assessment':
      return assessmentRun(client, command);
  }
}
