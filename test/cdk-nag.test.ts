import { App, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DmsConnectionTest, DmsReplicationRun, DmsReplicationTeardown, DmsSchemaRefresh } from '../src';

test('the constructs pass cdk-nag AwsSolutions: every by-design finding is acknowledged with a reason', () => {
  const stack = new Stack(new App(), 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const endpoint = new dms.CfnEndpoint(stack, 'Endpoint', { endpointType: 'source', engineName: 'postgres' });
  const instance = new dms.CfnReplicationInstance(stack, 'Instance', { replicationInstanceClass: 'dms.t3.micro' });
  new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: endpoint.ref, replicationInstanceArn: instance.ref });
  new DmsConnectionTest(stack, 'Test', { endpointArn: endpoint.ref, replicationInstanceArn: instance.ref });
  new DmsReplicationTeardown(stack, 'StopTask', { replicationTaskArn: 'arn:aws:dms:us-east-1:123456789012:task:TASK' });
  new DmsReplicationTeardown(stack, 'StopConfig', { replicationConfigArn: 'arn:aws:dms:us-east-1:123456789012:replication-config:CONFIG' });
  const config = new dms.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: 'nag',
    replicationType: 'cdc',
    sourceEndpointArn: endpoint.ref,
    targetEndpointArn: endpoint.ref,
    computeConfig: { maxCapacityUnits: 2 },
    tableMappings: { rules: [] },
  });
  const task = new dms.CfnReplicationTask(stack, 'Task', {
    migrationType: 'cdc',
    replicationInstanceArn: instance.ref,
    sourceEndpointArn: endpoint.ref,
    targetEndpointArn: endpoint.ref,
    tableMappings: '{"rules":[]}',
  });
  DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config);
  DmsReplicationRun.forReplicationTask(stack, 'RunTask', task);

  const report = new AwsSolutionsChecks().validateScope(stack);
  const ours = report.violations.filter((v) => v.violatingResources.some((r) => !/^(Endpoint|Instance|Config|Task)$/.test(r.resourceLogicalId ?? '')));
  expect(ours.map((v) => v.ruleName)).toEqual([]);
});
