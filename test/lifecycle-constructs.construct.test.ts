import { App, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DmsConnectionTest, DmsLifecycleProviders, DmsReplicationTeardown } from '../src';
import { dmsStatements, handlerStatements } from './support/dms-policy';

const ENDPOINT = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE';
const INSTANCE = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';
const CONFIG = 'arn:aws:dms:us-east-1:123456789012:replication-config:CONFIG';
const TASK = 'arn:aws:dms:us-east-1:123456789012:task:TASK';

const newStack = () => new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
const statements = (stack: Stack) => dmsStatements(Template.fromStack(stack));

describe('DmsConnectionTest', () => {
  test('synthesizes its custom resource, with TestConnection on the ARNs and DescribeConnections on *', () => {
    const stack = newStack();
    const test = new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE, testTrigger: 'rotated-2026-11' });
    Template.fromStack(stack).hasResourceProperties('Custom::DmsConnectionTest', {
      EndpointArn: ENDPOINT, ReplicationInstanceArn: INSTANCE, TestTrigger: 'rotated-2026-11', TimeoutSeconds: '600', PollIntervalSeconds: Match.absent(),
    });
    expect(statements(stack)).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['dms:TestConnection'], Resource: [ENDPOINT, INSTANCE] },
      { Effect: 'Allow', Action: ['dms:DescribeConnections'], Resource: '*' },
    ]));
    expect(stack.resolve(test.connectionStatus)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Test/), 'Status'] });
  });

  test('rejects ARNs of the wrong type', () => {
    expect(() => new DmsConnectionTest(newStack(), 'T', { endpointArn: TASK, replicationInstanceArn: INSTANCE })).toThrow(
      /endpointArn must be a DMS endpoint ARN .* got the ARN of a replication task/,
    );
  });
});

describe('DmsReplicationTeardown', () => {
  test('needs exactly one of the two ARNs', () => {
    expect(() => new DmsReplicationTeardown(newStack(), 'T', {})).toThrow(/exactly one of replicationConfigArn .* or replicationTaskArn .*; got neither/);
    expect(() => new DmsReplicationTeardown(newStack(), 'T', { replicationConfigArn: CONFIG, replicationTaskArn: TASK })).toThrow(/got both/);
  });

  test('rejects ARNs of the wrong type', () => {
    expect(() => new DmsReplicationTeardown(newStack(), 'T', { replicationConfigArn: TASK })).toThrow(
      /replicationConfigArn must be a DMS replication config ARN such as arn:aws:dms:us-east-1:123456789012:replication-config:/,
    );
    expect(() => new DmsReplicationTeardown(newStack(), 'T', { replicationTaskArn: 'task-1' })).toThrow(/replicationTaskArn must be a DMS replication task ARN/);
  });

  // Both stop actions, whichever kind: an update that removes the last teardown of one kind while one
  // of the other stays changes the shared policy before the removed teardown's Delete needs it.
  const teardownStatements = [
    { Effect: 'Allow', Action: ['dms:StopReplication'], Resource: ['arn:aws:dms:us-east-1:123456789012:replication-config:*'] },
    { Effect: 'Allow', Action: ['dms:StopReplicationTask'], Resource: ['arn:aws:dms:us-east-1:123456789012:task:*'] },
    { Effect: 'Allow', Action: ['dms:DescribeReplicationTasks', 'dms:DescribeReplications'], Resource: '*' },
  ];

  test('a config teardown may stop configs and tasks of its account/region and read its own stack', () => {
    const stack = newStack();
    new DmsReplicationTeardown(stack, 'T', { replicationConfigArn: CONFIG });
    expect(statements(stack)).toEqual(teardownStatements);
    expect(handlerStatements(Template.fromStack(stack))).toContainEqual({
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
      Resource: { Ref: 'AWS::StackId' },
    });
  });

  test('a task teardown grants the same: the policy does not change when the last teardown of one kind goes', () => {
    const stack = newStack();
    new DmsReplicationTeardown(stack, 'T', { replicationTaskArn: TASK, timeout: Duration.minutes(5) });
    expect(statements(stack)).toEqual(teardownStatements);
    Template.fromStack(stack).hasResourceProperties('Custom::DmsReplicationTeardown', { ReplicationTaskArn: TASK, TimeoutSeconds: '300' });
    const both = newStack();
    new DmsReplicationTeardown(both, 'T', { replicationTaskArn: TASK });
    new DmsReplicationTeardown(both, 'C', { replicationConfigArn: CONFIG });
    expect(statements(both)).toEqual(teardownStatements);
  });

  test('forReplicationConfig / forReplicationTask reference the L1 and depend on it, so CloudFormation deletes the teardown first', () => {
    const stack = newStack();
    const config = new dms.CfnReplicationConfig(stack, 'Config', {
      replicationConfigIdentifier: 'c',
      replicationType: 'cdc',
      sourceEndpointArn: ENDPOINT,
      targetEndpointArn: ENDPOINT,
      computeConfig: { maxCapacityUnits: 2 },
      tableMappings: {},
    });
    const task = new dms.CfnReplicationTask(stack, 'Task', {
      migrationType: 'cdc', replicationInstanceArn: INSTANCE, sourceEndpointArn: ENDPOINT, targetEndpointArn: ENDPOINT, tableMappings: '{}',
    });
    DmsReplicationTeardown.forReplicationConfig(stack, 'StopConfig', config);
    DmsReplicationTeardown.forReplicationTask(stack, 'StopTask', task);
    const resources = Template.fromStack(stack).toJSON().Resources;
    const byPrefix = (p: string) => Object.entries(resources).find(([k]) => k.startsWith(p))![1] as any;
    expect(byPrefix('StopConfig')).toMatchObject({ Properties: { ReplicationConfigArn: { Ref: 'Config' } }, DependsOn: ['Config'] });
    expect(byPrefix('StopTask')).toMatchObject({ Properties: { ReplicationTaskArn: { Ref: 'Task' } }, DependsOn: ['Task'] });
  });

  test('a literal ARN with stopBefore gets the dependency', () => {
    const stack = newStack();
    const config = new dms.CfnReplicationConfig(stack, 'Config', {
      replicationConfigIdentifier: 'c',
      replicationType: 'cdc',
      sourceEndpointArn: ENDPOINT,
      targetEndpointArn: ENDPOINT,
      computeConfig: { maxCapacityUnits: 2 },
      tableMappings: {},
    });
    new DmsReplicationTeardown(stack, 'Stop', { replicationConfigArn: CONFIG, stopBefore: [config] });
    Template.fromStack(stack).hasResource('Custom::DmsReplicationTeardown', { DependsOn: ['Config'] });
  });
});

describe('options users expect', () => {
  test('stack tags reach the shared provider\'s functions, roles, log group and waiter', () => {
    const stack = newStack();
    Tags.of(stack).add('team', 'data-platform');
    new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Logs::LogGroup', 'AWS::StepFunctions::StateMachine']) {
      const resources = Object.values(template.findResources(type)) as any[];
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(JSON.stringify(r.Properties.Tags)).toContain('data-platform');
    }
  });

  test('log retention and removal policy are set per stack', () => {
    const stack = newStack();
    DmsLifecycleProviders.configure(stack, { logRetention: logs.RetentionDays.ONE_YEAR, logRemovalPolicy: RemovalPolicy.RETAIN });
    new DmsReplicationTeardown(stack, 'T', { replicationTaskArn: TASK });
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
  });
});

test('the waiter logs ALL events to its own /aws/vendedlogs/states/ group (no account-wide resource-policy growth)', () => {
  const stack = newStack();
  new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
  const template = Template.fromStack(stack);
  const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
  // The name ends with the stack's UUID: a RETAINed group never blocks the same stack deployed again.
  const waiter = groups.find(([, g]: any) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/vendedlogs/states/'));
  expect(waiter).toBeDefined();
  expect(waiter![1].Properties.LogGroupName).toEqual({
    'Fn::Join': ['', ['/aws/vendedlogs/states/Stack-DmsConnectionTestProvider-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
  });
  template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
    LoggingConfiguration: {
      Level: 'ALL',
      IncludeExecutionData: false,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [waiter![0], 'Arn'] } } }],
    },
  });
});

describe('the stack\'s DMS call budget', () => {
  const handlerEnvs = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
    .map((fn: any) => fn.Properties.Environment?.Variables)
    .filter((vars: any) => vars?.DMS_LIFECYCLE_STACK_RESOURCES !== undefined);

  test('every handler learns how many lifecycle resources the stack holds (all kinds) and the calls per second they share', () => {
    const stack = newStack();
    DmsLifecycleProviders.configure(stack, { dmsCallsPerSecond: 2 });
    new DmsConnectionTest(stack, 'A', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    new DmsConnectionTest(stack, 'B', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    new DmsReplicationTeardown(stack, 'C', { replicationConfigArn: CONFIG });
    const envs = handlerEnvs(stack);
    expect(envs).toHaveLength(4); // onEvent and isComplete of two kinds
    for (const vars of envs) expect(vars).toMatchObject({ DMS_LIFECYCLE_STACK_RESOURCES: '3', DMS_LIFECYCLE_CALLS_PER_SECOND: '2' });
  });

  test('defaults to 4 calls per second; onEvent may spread its start over a minute, and retry a throttled start for 90 s, wait up to 5 min for a replication to rest (a run makes and records its own start), so it gets 10 minutes; isComplete 2 (poll budget + a refusal\'s grace)', () => {
    const stack = newStack();
    new DmsConnectionTest(stack, 'A', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    expect(handlerEnvs(stack)[0]).toMatchObject({ DMS_LIFECYCLE_STACK_RESOURCES: '1', DMS_LIFECYCLE_CALLS_PER_SECOND: '4' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Timeout: 600 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Timeout: 120 });
  });

  test('a budget of 0 is refused with the prop and an example', () => {
    const stack = newStack();
    DmsLifecycleProviders.configure(stack, { dmsCallsPerSecond: 0 });
    expect(() => new DmsConnectionTest(stack, 'A', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE }))
      .toThrow(/dmsCallsPerSecond must be a number above 0 \(for example 4/);
  });
});
