import { App, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';

/** A stack with a serverless replication config and a classic task, as construct tests synthesize them. */
export function stackWithConfigAndTask() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const config = new dms.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: 'sales',
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
    targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
    computeConfig: { maxCapacityUnits: 4 },
    tableMappings: { rules: [{ 'rule-type': 'selection' }] },
  });
  const task = new dms.CfnReplicationTask(stack, 'Task', {
    migrationType: 'full-load',
    replicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:I',
    sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
    targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
    tableMappings: '{"rules":[]}',
  });
  return { stack, config, task };
}
