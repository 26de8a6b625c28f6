import { Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import { DmsReplicationRun, ReplicationDesiredState, ReplicationWaitFor } from '../src';
import { stackWithConfigAndTask } from './support/config-and-task-stack';
import { handlerStatements } from './support/dms-policy';


const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type));

test('the guard comes before the config and carries its properties; the run references the config', () => {
  const { stack, config } = stackWithConfigAndTask();
  DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { waitFor: ReplicationWaitFor.RUNNING, cdcStartTime: '2026-11-01T00:00:00Z' });
  const t = Template.fromStack(stack);
  const [[guardId, guard]] = resourcesOf(t, 'Custom::DmsReplicationGuard');
  const [[, run]] = resourcesOf(t, 'Custom::DmsReplicationRun');
  expect(t.toJSON().Resources.Config.DependsOn).toEqual([guardId]);
  expect(guard.Properties).toMatchObject({ ReplicationKind: 'replication-config', ReplicationLogicalId: 'Config', WaitFor: 'running' });
  expect(JSON.parse(guard.Properties.ReplicationProperties)).toEqual(t.toJSON().Resources.Config.Properties);
  expect(run.Properties).toMatchObject({
    ReplicationConfigArn: { Ref: 'Config' },
    ReplicationProperties: { Ref: guardId },
    WaitFor: 'running',
    CdcStartTime: '2026-11-01T00:00:00Z',
  });
});

test('references in the config\'s properties stay references in the guard\'s copy (an endpoint replaced modifies the config)', () => {
  const { stack, config } = stackWithConfigAndTask();
  const source = new dms.CfnEndpoint(stack, 'Source', { endpointType: 'source', engineName: 'postgres' });
  config.sourceEndpointArn = source.ref;
  DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
  const [[, guard]] = resourcesOf(Template.fromStack(stack), 'Custom::DmsReplicationGuard');
  const parts = guard.Properties.ReplicationProperties['Fn::Join'][1];
  expect(parts).toContainEqual({ Ref: 'Source' });
  const text = parts.map((p: any) => (typeof p === 'string' ? p : 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE')).join('');
  expect(JSON.parse(text).SourceEndpointArn).toBe('arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE');
});

test('escape-hatch overrides of the config reach the guard, so the guard updates whenever the config does', () => {
  const { stack, config } = stackWithConfigAndTask();
  config.addPropertyOverride('ReplicationSettings', { Logging: { EnableLogging: true } });
  DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
  const [[, guard]] = resourcesOf(Template.fromStack(stack), 'Custom::DmsReplicationGuard');
  expect(JSON.parse(guard.Properties.ReplicationProperties).ReplicationSettings).toEqual({ Logging: { EnableLogging: true } });
});

test('by default it waits only until DMS accepted the start', () => {
  const { stack, task } = stackWithConfigAndTask();
  DmsReplicationRun.forReplicationTask(stack, 'Run', task);
  Template.fromStack(stack).hasResourceProperties('Custom::DmsReplicationRun', { WaitFor: 'accepted', ReplicationTaskArn: { Ref: 'Task' }, TimeoutSeconds: '1800' });
});

test('the desired state reaches the run and the guard; RUNNING by default', () => {
  const { stack, config, task } = stackWithConfigAndTask();
  DmsReplicationRun.forReplicationConfig(stack, 'Stopped', config, { desiredState: ReplicationDesiredState.STOPPED });
  DmsReplicationRun.forReplicationTask(stack, 'Plain', task);
  const t = Template.fromStack(stack);
  const desired = (type: string) => Object.fromEntries(resourcesOf(t, type).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties.DesiredState]));
  expect(desired('Custom::DmsReplicationRun')).toEqual({ Stopped: 'stopped', Plain: 'running' });
  expect(desired('Custom::DmsReplicationGuard')).toEqual({ StoppedGuard: 'stopped', PlainGuard: 'running' });
});

test('attributes are the run\'s Data: status, start type and full-load progress', () => {
  const { stack, task } = stackWithConfigAndTask();
  const run = DmsReplicationRun.forReplicationTask(stack, 'Run', task);
  const id = resourcesOf(Template.fromStack(stack), 'Custom::DmsReplicationRun')[0][0];
  expect(stack.resolve(run.status)).toEqual({ 'Fn::GetAtt': [id, 'Status'] });
  expect(stack.resolve(run.startType)).toEqual({ 'Fn::GetAtt': [id, 'StartType'] });
  expect(stack.resolve(run.fullLoadProgressPercent)).toEqual({ 'Fn::GetAtt': [id, 'FullLoadProgressPercent'] });
  expect(stack.resolve(run.tablesLoaded)).toEqual({ 'Fn::GetAtt': [id, 'TablesLoaded'] });
  expect(stack.resolve(run.tablesErrored)).toEqual({ 'Fn::GetAtt': [id, 'TablesErrored'] });
  expect(stack.resolve(run.replicationArn)).toEqual({ Ref: 'Task' });
});

test('least privilege: start and stop on the account/region\'s configs and tasks, describe on *, stack reads on the stack only', () => {
  const { stack, config } = stackWithConfigAndTask();
  DmsReplicationRun.forReplicationConfig(stack, 'Run', config);
  const statements = handlerStatements(Template.fromStack(stack));
  // Both kinds, whichever this run is: removing the last run of one kind must not take away its Delete's stop.
  expect(statements).toEqual(expect.arrayContaining([
    { Effect: 'Allow', Action: ['dms:StartReplication'], Resource: ['arn:aws:dms:us-east-1:123456789012:replication-config:*'] },
    { Effect: 'Allow', Action: ['dms:StopReplication'], Resource: ['arn:aws:dms:us-east-1:123456789012:replication-config:*'] },
    { Effect: 'Allow', Action: ['dms:StartReplicationTask'], Resource: ['arn:aws:dms:us-east-1:123456789012:task:*'] },
    { Effect: 'Allow', Action: ['dms:StopReplicationTask'], Resource: ['arn:aws:dms:us-east-1:123456789012:task:*'] },
    {
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
      Resource: { Ref: 'AWS::StackId' },
    },
    { Effect: 'Allow', Action: ['dms:DescribeReplicationTasks', 'dms:DescribeReplications'], Resource: '*' },
    // The records of intent: one parameter path, whatever the number of runs.
    {
      Effect: 'Allow',
      Action: ['ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:PutParameter'],
      Resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/cdk-dms-lifecycle/intent/*',
    },
  ]));
  expect(statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('ssm:'))).map((st) => st.Resource))
    .toEqual(['arn:aws:ssm:us-east-1:123456789012:parameter/cdk-dms-lifecycle/intent/*']);
  expect(JSON.stringify(statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('dms:'))))).not.toMatch(/Modify|Delete|Create/);
});

test('two runs share one provider', () => {
  const { stack, config, task } = stackWithConfigAndTask();
  DmsReplicationRun.forReplicationConfig(stack, 'RunConfig', config);
  DmsReplicationRun.forReplicationTask(stack, 'RunTask', task);
  Template.fromStack(stack).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  Template.fromStack(stack).hasResourceProperties('Custom::DmsReplicationGuard', { ReplicationKind: 'replication-task', ReplicationLogicalId: 'Task' });
  Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 5);
  expect(handlerStatements(Template.fromStack(stack))).toContainEqual(
    { Effect: 'Allow', Action: ['dms:StartReplicationTask'], Resource: ['arn:aws:dms:us-east-1:123456789012:task:*'] },
  );
});

describe('bad input fails at synth time, naming the prop and showing an example', () => {
  test.each([
    [{}, /exactly one of replicationConfig .* or replicationTask .*; got neither\. For example DmsReplicationRun\.forReplicationConfig/],
    [{ both: true }, /got both/],
    [
      { cdcStartTime: '2026-11-01T00:00:00Z', cdcStartPosition: 'checkpoint:V1' },
      /cdcStartTime or cdcStartPosition, not both .*for example cdcStartTime: '2026-11-01T00:00:00Z'/,
    ],
    [{ cdcStartTime: 'yesterday' }, /cdcStartTime must be an ISO 8601 time such as 2026-11-01T00:00:00Z; got "yesterday"/],
    [{ desiredState: 'paused' }, /desiredState must be ReplicationDesiredState\.RUNNING or ReplicationDesiredState\.STOPPED; got "paused"\. For example desiredState: ReplicationDesiredState\.STOPPED/],
  ])('%j', (input: any, error) => {
    const { stack, config, task } = stackWithConfigAndTask();
    const { both, ...options } = input;
    const none = Object.keys(input).length === 0;
    const targets = both ? { replicationConfig: config, replicationTask: task } : none ? {} : { replicationConfig: config };
    expect(() => new DmsReplicationRun(stack, 'Run', { ...targets, ...options })).toThrow(error);
  });
});
