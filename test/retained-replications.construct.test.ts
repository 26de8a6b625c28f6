import { CfnDeletionPolicy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DmsReplicationRun, DmsReplicationTeardown } from '../src';
import { stackWithConfigAndTask } from './support/config-and-task-stack';


const propertiesOf = (stack: Stack, type: string) => Object.values(Template.fromStack(stack).findResources(type)).map((r) => r.Properties);
const LITERAL = 'arn:aws:dms:us-east-1:123456789012:replication-config:LITERAL';

describe('runs and teardowns carry the policies of the config or task they stop', () => {
  test('none set: Delete, as CloudFormation', () => {
    const { stack, config } = stackWithConfigAndTask();
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
    DmsReplicationTeardown.forReplicationConfig(stack, 'Teardown', config);
    for (const type of ['Custom::DmsReplicationRun', 'Custom::DmsReplicationTeardown']) {
      expect(propertiesOf(stack, type)[0]).toMatchObject({ ReplicationDeletionPolicy: 'Delete', ReplicationUpdateReplacePolicy: 'Delete' });
    }
  });

  test('a policy applied after the run and teardown were created counts (RETAIN on the task)', () => {
    const { stack, task } = stackWithConfigAndTask();
    DmsReplicationRun.forReplicationTask(stack, 'Run', task);
    new DmsReplicationTeardown(stack, 'Teardown', { replicationTaskArn: task.ref });
    task.applyRemovalPolicy(RemovalPolicy.RETAIN);
    for (const type of ['Custom::DmsReplicationRun', 'Custom::DmsReplicationTeardown']) {
      expect(propertiesOf(stack, type)[0]).toMatchObject({ ReplicationDeletionPolicy: 'Retain', ReplicationUpdateReplacePolicy: 'Retain' });
    }
  });

  test('RetainExceptOnCreate, and an escape-hatch override', () => {
    const { stack, config } = stackWithConfigAndTask();
    config.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    config.addOverride('UpdateReplacePolicy', 'Retain');
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
    expect(propertiesOf(stack, 'Custom::DmsReplicationRun')[0]).toMatchObject({ ReplicationDeletionPolicy: 'RetainExceptOnCreate', ReplicationUpdateReplacePolicy: 'Retain' });
  });

  test('a literal ARN: Delete, or what replicationRemovalPolicy says', () => {
    const { stack } = stackWithConfigAndTask();
    new DmsReplicationTeardown(stack, 'Plain', { replicationConfigArn: LITERAL });
    new DmsReplicationTeardown(stack, 'Kept', { replicationConfigArn: LITERAL, replicationRemovalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    expect(propertiesOf(stack, 'Custom::DmsReplicationTeardown')).toEqual([
      expect.objectContaining({ ReplicationDeletionPolicy: 'Delete', ReplicationUpdateReplacePolicy: 'Delete' }),
      expect.objectContaining({ ReplicationDeletionPolicy: 'RetainExceptOnCreate', ReplicationUpdateReplacePolicy: 'Retain' }),
    ]);
  });
});

describe('synth-time errors and warnings', () => {
  test('replicationRemovalPolicy that contradicts the resource\'s own policies is refused', () => {
    const { stack, config } = stackWithConfigAndTask();
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: config.ref, replicationRemovalPolicy: RemovalPolicy.RETAIN });
    expect(() => Template.fromStack(stack)).toThrow(
      /replicationRemovalPolicy RemovalPolicy\.retain gives DeletionPolicy Retain and UpdateReplacePolicy Retain, but Stack\/Config has DeletionPolicy Delete and UpdateReplacePolicy Delete: CloudFormation follows the resource\. Set the policy on the resource \(applyRemovalPolicy\)/,
    );
  });

  test('replicationRemovalPolicy that agrees with the resource is accepted', () => {
    const { stack, config } = stackWithConfigAndTask();
    config.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: config.ref, replicationRemovalPolicy: RemovalPolicy.RETAIN });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('SNAPSHOT does not apply to DMS', () => {
    const { stack } = stackWithConfigAndTask();
    expect(() => new DmsReplicationTeardown(stack, 'Teardown', { replicationConfigArn: LITERAL, replicationRemovalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/replicationRemovalPolicy snapshot does not apply to a DMS replication: give RemovalPolicy\.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY/);
  });

  test('UpdateReplacePolicy Retain warns, on the run and on the teardown, that the old replication keeps writing to the same target', () => {
    const { stack, config, task } = stackWithConfigAndTask();
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
    DmsReplicationTeardown.forReplicationTask(stack, 'Teardown', task);
    config.applyRemovalPolicy(RemovalPolicy.RETAIN);
    task.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    const warning = (path: string, resource: string) => Annotations.fromStack(stack).hasWarning(path, Match.stringLikeRegexp(
      `^${resource} has UpdateReplacePolicy Retain: when an update replaces it, CloudFormation keeps the old one, .*The old replication goes on running and writing to its target, the same target the new one loads and writes to.*\\[ack: cdk-dms-lifecycle:retainedReplacement\\]`,
    ));
    warning('/Stack/Run', 'Stack/Config');
    warning('/Stack/Teardown', 'Stack/Task');
  });

  test('no warning without UpdateReplacePolicy Retain', () => {
    const { stack, config } = stackWithConfigAndTask();
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
    config.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('UpdateReplacePolicy Retain'));
  });
});
