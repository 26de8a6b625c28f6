/**
 * The DMS resources the lifecycle tests of runs and assessments build their stacks from:
 * a serverless replication config and a classic task between the same two endpoints.
 */
import { Stack } from 'aws-cdk-lib';
import * as dmsL1 from 'aws-cdk-lib/aws-dms';

/** ARN prefix of the emulated account's endpoints (append SOURCE, TARGET, MISSING, ...). */
export const EP = 'arn:aws:dms:us-east-1:123456789012:endpoint:';
export const INSTANCE_ARN = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';

/** Table mappings that select every table of one schema; none for '' (which DMS refuses). */
export const rule = (schema: string) => ({
  rules: schema === '' ? [] : [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': schema, 'object-locator': { 'schema-name': schema, 'table-name': '%' }, 'rule-action': 'include' }],
});

/** `<name>-config`, full load and CDC, from SOURCE to TARGET. */
export function replicationConfig(stack: Stack, name: string, schema: string): dmsL1.CfnReplicationConfig {
  return new dmsL1.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: `${name}-config`,
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: `${EP}SOURCE`,
    targetEndpointArn: `${EP}TARGET`,
    computeConfig: { maxCapacityUnits: 4 },
    tableMappings: rule(schema),
  });
}

/** `<name>-task` on the emulated instance, from SOURCE to TARGET. */
export function replicationTask(stack: Stack, name: string, schema: string, migrationType = 'full-load-and-cdc'): dmsL1.CfnReplicationTask {
  return new dmsL1.CfnReplicationTask(stack, 'Task', {
    replicationTaskIdentifier: `${name}-task`,
    migrationType,
    replicationInstanceArn: INSTANCE_ARN,
    sourceEndpointArn: `${EP}SOURCE`,
    targetEndpointArn: `${EP}TARGET`,
    tableMappings: JSON.stringify(rule(schema)),
  });
}
