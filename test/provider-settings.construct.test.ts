/**
 * DmsLifecycleProviders.configure(): one call per stack, made before the stack's first
 * lifecycle construct; a nested stack without a call of its own takes its parent's.
 */
import { App, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DmsConnectionTest, DmsLifecycleProviders, DmsSchemaRefresh } from '../src';

const ENDPOINT = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE';
const INSTANCE = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';
const newStack = (app = new App(), id = 'Stack') => new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
const refresh = (scope: Stack, id = 'Refresh') => new DmsSchemaRefresh(scope, id, { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
const runtimes = (stack: Stack) => Object.values<any>(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
  .filter((fn) => /^index\./.test(fn.Properties.Handler)).map((fn) => fn.Properties.Runtime);

describe('a second configure() call for the same stack', () => {
  test('throws, naming both calls\' settings and showing the one call to write instead', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    DmsLifecycleProviders.configure(stack, { runtime: lambda.Runtime.NODEJS_22_X, logRetention: logs.RetentionDays.ONE_WEEK });
    let message = '';
    try {
      DmsLifecycleProviders.configure(vpc, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dmsCallsPerSecond: 2 });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('DmsLifecycleProviders.configure() is called a second time for stack Stack');
    expect(message).toContain('first call: { runtime: lambda.Runtime.NODEJS_22_X, logRetention: logs.RetentionDays.ONE_WEEK }');
    expect(message).toContain('second call: { vpc: <Stack/Vpc>, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dmsCallsPerSecond: 2 }');
    expect(message).toContain(
      'DmsLifecycleProviders.configure(stack, { runtime: lambda.Runtime.NODEJS_22_X, logRetention: logs.RetentionDays.ONE_WEEK, '
      + 'vpc: <Stack/Vpc>, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, dmsCallsPerSecond: 2 })',
    );
  });

  test('a setting both calls give differently is shown with both values to choose from; the first call\'s settings stay', () => {
    const stack = newStack();
    DmsLifecycleProviders.configure(stack, { logRemovalPolicy: RemovalPolicy.RETAIN, runtime: lambda.Runtime.NODEJS_22_X });
    expect(() => DmsLifecycleProviders.configure(stack, { logRemovalPolicy: RemovalPolicy.DESTROY, reservedConcurrentExecutions: 3 })).toThrow(
      'DmsLifecycleProviders.configure(stack, { logRemovalPolicy: RemovalPolicy.RETAIN /* or RemovalPolicy.DESTROY: choose one */, '
      + 'runtime: lambda.Runtime.NODEJS_22_X, reservedConcurrentExecutions: 3 })',
    );
    refresh(stack);
    expect(runtimes(stack)).toEqual(['nodejs22.x', 'nodejs22.x']);
  });

  test('even an identical one throws: one call per stack, wherever it is made from', () => {
    const stack = newStack();
    DmsLifecycleProviders.configure(stack, { dmsCallsPerSecond: 2 });
    expect(() => DmsLifecycleProviders.configure(stack, { dmsCallsPerSecond: 2 })).toThrow(/called a second time for stack Stack/);
  });

  test('two stacks of one app take one call each', () => {
    const app = new App();
    const a = newStack(app, 'A');
    const b = newStack(app, 'B');
    DmsLifecycleProviders.configure(a, { runtime: lambda.Runtime.NODEJS_22_X });
    DmsLifecycleProviders.configure(b, { runtime: lambda.Runtime.NODEJS_20_X });
    refresh(a);
    refresh(b);
    expect(runtimes(a)).toEqual(['nodejs22.x', 'nodejs22.x']);
    expect(runtimes(b)).toEqual(['nodejs20.x', 'nodejs20.x']);
  });
});

describe('configure() after a construct', () => {
  test('throws, naming the provider already built with other settings', () => {
    const stack = newStack();
    new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    expect(() => DmsLifecycleProviders.configure(stack, { runtime: lambda.Runtime.NODEJS_22_X })).toThrow(
      /must be called before the first DMS lifecycle construct of stack Stack: Stack\/DmsConnectionTestProvider was already built without this call's settings; move the call \(\{ runtime: lambda.Runtime.NODEJS_22_X \}\) above that construct/,
    );
  });
});

describe('nested stacks', () => {
  test('a nested stack without a call of its own takes its parent\'s settings', () => {
    const parent = newStack();
    DmsLifecycleProviders.configure(parent, { runtime: lambda.Runtime.NODEJS_22_X });
    const nested = new NestedStack(parent, 'Nested');
    refresh(nested);
    expect(runtimes(nested)).toEqual(['nodejs22.x', 'nodejs22.x']);
  });

  test('a nested stack is a stack of its own: its one call is its first, and a second throws', () => {
    const parent = newStack();
    DmsLifecycleProviders.configure(parent, { runtime: lambda.Runtime.NODEJS_22_X });
    const nested = new NestedStack(parent, 'Nested');
    DmsLifecycleProviders.configure(nested, { runtime: lambda.Runtime.NODEJS_20_X });
    expect(() => DmsLifecycleProviders.configure(nested, { dmsCallsPerSecond: 1 })).toThrow(/called a second time for stack Stack\/Nested/);
    refresh(nested);
    refresh(parent);
    expect(runtimes(nested)).toEqual(['nodejs20.x', 'nodejs20.x']);
    expect(runtimes(parent)).toEqual(['nodejs22.x', 'nodejs22.x']);
  });

  test('the parent\'s call after a construct of a nested stack took the defaults throws, naming it', () => {
    const parent = newStack();
    refresh(new NestedStack(parent, 'Nested'));
    expect(() => DmsLifecycleProviders.configure(parent, { runtime: lambda.Runtime.NODEJS_22_X })).toThrow(
      /before the first DMS lifecycle construct of stack Stack: Stack\/Nested\/DmsSchemaRefreshProvider was already built/,
    );
  });
});
