import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ConnectionPrecondition, DmsLifecycleProviders, DmsSchemaRefresh } from '../src';
import { dmsPolicyDocuments } from './support/dms-policy';
import { ConnectionPreconditionMode } from '../src/private/handler-contract';

const ENDPOINT = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE';
const INSTANCE = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
}

function dmsPolicy(template: Template): any {
  const documents = dmsPolicyDocuments(template);
  expect(documents).toHaveLength(1);
  return documents[0];
}

describe('DmsSchemaRefresh', () => {
  test('synthesizes a custom resource with the ARNs, timing and service timeout', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', {
      endpointArn: ENDPOINT,
      replicationInstanceArn: INSTANCE,
      timeout: Duration.minutes(10),
      pollInterval: Duration.seconds(5),
      refreshTrigger: 'v2',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::DmsSchemaRefresh', {
      EndpointArn: ENDPOINT,
      ReplicationInstanceArn: INSTANCE,
      RefreshTrigger: 'v2',
      TimeoutSeconds: '600',
      PollIntervalSeconds: '5',
      ConnectionPrecondition: 'test-unless-successful',
      ServiceTimeout: '660',
    });
  });

  test('accepts tokens such as CfnEndpoint.ref and exposes status and date attributes', () => {
    const stack = newStack();
    const endpoint = new dms.CfnEndpoint(stack, 'Endpoint', { endpointType: 'source', engineName: 'postgres' });
    const instance = new dms.CfnReplicationInstance(stack, 'Instance', { replicationInstanceClass: 'dms.t3.micro' });
    const refresh = new DmsSchemaRefresh(stack, 'Refresh', {
      endpointArn: endpoint.ref,
      replicationInstanceArn: instance.ref,
    });
    expect(stack.resolve(refresh.refreshStatus)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Refresh/), 'Status'] });
    expect(stack.resolve(refresh.lastRefreshDate)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Refresh/), 'LastRefreshDate'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::DmsSchemaRefresh', {
      EndpointArn: { Ref: stack.getLogicalId(endpoint) },
      ReplicationInstanceArn: { Ref: stack.getLogicalId(instance) },
    });
  });

  test('every instance in a stack shares one provider: each extra instance adds only its custom resource', () => {
    const counts: number[] = [];
    for (const n of [1, 2, 3]) {
      const stack = newStack();
      for (let i = 0; i < n; i++) {
        new DmsSchemaRefresh(stack, `Refresh${i}`, {
          endpointArn: `arn:aws:dms:us-east-1:123456789012:endpoint:E${i}`,
          replicationInstanceArn: INSTANCE,
        });
      }
      const resources = Template.fromStack(stack).toJSON().Resources;
      counts.push(Object.keys(resources).length);
      expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Function').length).toBe(5);
      expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::StepFunctions::StateMachine').length).toBe(1);
    }
    expect(counts[1] - counts[0]).toBe(1);
    expect(counts[2] - counts[1]).toBe(1);
  });

  test('grants RefreshSchemas and DescribeRefreshSchemasStatus on the ARNs only, never on *', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', {
      endpointArn: ENDPOINT,
      replicationInstanceArn: INSTANCE,
      connectionPrecondition: ConnectionPrecondition.NONE,
    });
    const doc = dmsPolicy(Template.fromStack(stack));
    expect(doc.Statement).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: ['dms:RefreshSchemas'], Resource: [ENDPOINT, INSTANCE] },
        { Effect: 'Allow', Action: ['dms:DescribeRefreshSchemasStatus'], Resource: [ENDPOINT] },
      ]),
    );
    expect(JSON.stringify(doc)).not.toContain('"*"');
  });

  test('the connection precondition adds TestConnection on the ARNs and DescribeConnections on *', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    const doc = dmsPolicy(Template.fromStack(stack));
    expect(doc.Statement).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: ['dms:TestConnection'], Resource: [ENDPOINT, INSTANCE] },
        { Effect: 'Allow', Action: ['dms:DescribeConnections'], Resource: '*' },
      ]),
    );
  });

  test('the shared policy stays bounded: many endpoints collapse to an account/region-scoped ARN', () => {
    const stack = newStack();
    for (let i = 0; i < 200; i++) {
      new DmsSchemaRefresh(stack, `Refresh${i}`, {
        endpointArn: `arn:aws:dms:us-east-1:123456789012:endpoint:ENDPOINT${i}`,
        replicationInstanceArn: INSTANCE,
      });
    }
    const doc = dmsPolicy(Template.fromStack(stack));
    expect(JSON.stringify(doc).length).toBeLessThan(2000);
    expect(doc.Statement).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Action: ['dms:DescribeRefreshSchemasStatus'],
          Resource: ['arn:aws:dms:us-east-1:123456789012:endpoint:*'],
        },
      ]),
    );
  });

  test('handlers are the bundled assets on the newest Node.js runtime, overridable per stack', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.isComplete',
      Runtime: 'nodejs24.x',
      Timeout: 120,
      Environment: { Variables: { DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '60' } },
    });

    const other = newStack();
    DmsLifecycleProviders.configure(other, { runtime: lambda.Runtime.NODEJS_22_X });
    new DmsSchemaRefresh(other, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    Template.fromStack(other).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Runtime: 'nodejs22.x' });
    expect(() => DmsLifecycleProviders.configure(other, {})).toThrow(/called a second time for stack Stack/);
  });

  test('the waiter polls isComplete every second (each isComplete polls DMS itself)', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(Object.values(machines)[0].Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":1');
    expect(definition).toContain('\\"MaxAttempts\\":3600');
  });

  test('handler and framework logs go to an explicit log group with retention', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    template.allResourcesProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: Match.anyValue() } });
  });

  test('the enum values are the ones the handler understands', () => {
    expect(Object.values(ConnectionPrecondition).sort()).toEqual(Object.values(ConnectionPreconditionMode).sort());
  });

  test('an ARN in another region is accepted (the handlers call DMS in the ARN\'s region)', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', {
      endpointArn: 'arn:aws:dms:eu-west-1:123456789012:endpoint:E',
      replicationInstanceArn: 'arn:aws:dms:eu-west-1:123456789012:rep:I',
    });
    Template.fromStack(stack).hasResourceProperties('Custom::DmsSchemaRefresh', { EndpointArn: 'arn:aws:dms:eu-west-1:123456789012:endpoint:E' });
  });

  test('a 1-hour timeout keeps its deadline inside CloudFormation\'s ServiceTimeout', () => {
    const stack = newStack();
    new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE, timeout: Duration.hours(1) });
    Template.fromStack(stack).hasResourceProperties('Custom::DmsSchemaRefresh', { TimeoutSeconds: '3540', ServiceTimeout: '3600' });
  });
});
