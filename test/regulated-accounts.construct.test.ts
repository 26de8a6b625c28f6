/**
 * The options for regulated accounts (DmsLifecycleProviders.configure): network placement of
 * every function, log encryption, reserved concurrency, managed policies and permissions
 * boundaries, as synthesized.
 */
import { App, PermissionsBoundary, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DmsConnectionTest, DmsLifecycleProviderSettings, DmsLifecycleProviders, DmsReplicationTeardown, DmsSchemaRefresh } from '../src';

const ENDPOINT = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE';
const INSTANCE = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';
const TASK = 'arn:aws:dms:us-east-1:123456789012:task:TASK';
const ENI_ACTIONS = [
  'ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses',
];

const newStack = () => new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
const importedVpc = (stack: Stack) => ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
  vpcId: 'vpc-1',
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
  isolatedSubnetIds: ['subnet-isolated-a', 'subnet-isolated-b'],
});

/** A stack with all three kinds, configured by `settings`. */
function allKinds(settings: (stack: Stack) => DmsLifecycleProviderSettings): Template {
  const stack = newStack();
  DmsLifecycleProviders.configure(stack, settings(stack));
  new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
  new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
  new DmsReplicationTeardown(stack, 'Stop', { replicationTaskArn: TASK });
  return Template.fromStack(stack);
}

const resourcesOf = (template: Template, type: string) => Object.values<any>(template.findResources(type));

describe('vpc, vpcSubnets, securityGroups', () => {
  test('every function (ours and the framework\'s) runs in the chosen subnets with one HTTPS-only security group for the stack', () => {
    const template = allKinds((stack) => ({ vpc: importedVpc(stack), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }));
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(15);
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const groupId = { 'Fn::GetAtt': [Object.keys(groups)[0], 'GroupId'] };
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: ['subnet-isolated-a', 'subnet-isolated-b'], SecurityGroupIds: [groupId] });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-1',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('without vpcSubnets, the VPC\'s private subnets', () => {
    const template = allKinds((stack) => ({ vpc: importedVpc(stack) }));
    for (const fn of resourcesOf(template, 'AWS::Lambda::Function')) {
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(['subnet-private-a', 'subnet-private-b']);
    }
  });

  test('the user\'s security groups replace ours', () => {
    const template = allKinds((stack) => ({
      vpc: importedVpc(stack),
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123')],
    }));
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    for (const fn of resourcesOf(template, 'AWS::Lambda::Function')) expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual(['sg-0123']);
  });

  test('each role may manage the functions\' network interfaces, through its managed policy, and every function waits for that policy', () => {
    const template = allKinds((stack) => ({ vpc: importedVpc(stack) }));
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } } });
    expect(Object.keys(roles)).toHaveLength(9);
    for (const roleId of Object.keys(roles)) {
      const attached = Object.entries<any>(policies).filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
      expect(attached).toHaveLength(1);
      expect(attached[0][1].Properties.PolicyDocument.Statement).toContainEqual({ Effect: 'Allow', Action: ENI_ACTIONS, Resource: '*' });
      for (const fn of Object.values<any>(template.findResources('AWS::Lambda::Function', { Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } } }))) {
        expect(fn.DependsOn).toContain(attached[0][0]);
      }
    }
    // No AWS managed policy (AWSLambdaVPCAccessExecutionRole would be one).
    for (const role of Object.values<any>(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('without vpc, no VPC configuration, security group or network-interface grant', () => {
    const template = allKinds(() => ({}));
    for (const fn of resourcesOf(template, 'AWS::Lambda::Function')) expect(fn.Properties.VpcConfig).toBeUndefined();
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ec2:CreateNetworkInterface');
  });
});

describe('logEncryptionKey', () => {
  test('encrypts all six log groups and lets CloudWatch Logs of the region use the key, once', () => {
    let keyId = '';
    const template = allKinds((stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
      return { logEncryptionKey: key };
    });
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(6);
    for (const group of logGroups) expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const keyPolicy = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    const logsStatements = keyPolicy.filter((st: any) => st.Principal?.Service === 'logs.us-east-1.amazonaws.com');
    expect(logsStatements).toEqual([{
      Sid: 'AllowCloudWatchLogsEncryption',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] } } },
    }]);
  });

  test('an imported key is used as it is, with a synth warning that its policy must allow CloudWatch Logs', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    DmsLifecycleProviders.configure(stack, { logEncryptionKey: key });
    new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
    const template = Template.fromStack(stack);
    for (const group of resourcesOf(template, 'AWS::Logs::LogGroup')) expect(group.Properties.KmsKeyId).toBe(key.keyArn);
    Annotations.fromStack(stack).hasWarning('/Stack', Match.stringLikeRegexp('logEncryptionKey .* is imported.*logs\\.<region>\\.amazonaws\\.com'));
  });
});

test('reservedConcurrentExecutions applies to all five functions of each kind', () => {
  const template = allKinds(() => ({ reservedConcurrentExecutions: 3 }));
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  expect(functions.map((fn) => fn.Properties.ReservedConcurrentExecutions)).toEqual(Array(15).fill(3));
});

test('every role\'s grants are in customer managed policies, except the inline one the framework gives its waiter state machine', () => {
  const template = allKinds((stack) => ({ vpc: importedVpc(stack) }));
  const inline = template.findResources('AWS::IAM::Policy');
  expect(Object.keys(inline)).toHaveLength(3);
  for (const id of Object.keys(inline)) expect(id).toMatch(/waiterstatemachineRoleDefaultPolicy/);
  // 3 kinds × (the handler role's DMS policy + one per framework role)
  template.resourceCountIs('AWS::IAM::ManagedPolicy', 9);
});

const BOUNDARY_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::123456789012:policy/dms-lifecycle-boundary']] };

test.each<[string, (app: App) => Stack]>([
  ['iam.PermissionsBoundary.of(stack).apply()', (app) => {
    const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
    iam.PermissionsBoundary.of(stack).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'dms-lifecycle-boundary'));
    return stack;
  }],
  ['the stack\'s permissionsBoundary', (app) => new Stack(app, 'Stack', {
    env: { account: '123456789012', region: 'us-east-1' },
    permissionsBoundary: PermissionsBoundary.fromName('dms-lifecycle-boundary'),
  })],
])('%s reaches every role the library creates', (_label, newBoundedStack) => {
  const stack = newBoundedStack(new App());
  DmsLifecycleProviders.configure(stack, { vpc: importedVpc(stack) });
  new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
  new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE });
  new DmsReplicationTeardown(stack, 'Stop', { replicationTaskArn: TASK });
  const roles = resourcesOf(Template.fromStack(stack), 'AWS::IAM::Role');
  expect(roles).toHaveLength(12); // 3 kinds × (handler, 2 framework, waiter state machine)
  for (const role of roles) expect(stack.resolve(role.Properties.PermissionsBoundary)).toEqual(BOUNDARY_ARN);
});

describe('configure() rejects contradictory settings, naming the prop with an example', () => {
  test.each<[string, (stack: Stack) => DmsLifecycleProviderSettings, RegExp]>([
    ['vpcSubnets without vpc', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /vpcSubnets requires vpc, for example \{ vpc, vpcSubnets: /],
    ['securityGroups without vpc', (s) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-1')] }), /securityGroups requires vpc, for example/],
    ['an empty securityGroups', (s) => ({ vpc: importedVpc(s), securityGroups: [] }), /securityGroups is empty.*for example \{ vpc, securityGroups: /],
    ['reservedConcurrentExecutions of 0', () => ({ reservedConcurrentExecutions: 0 }), /reservedConcurrentExecutions must be a whole number of at least 1, for example .*got 0/],
    ['a fractional reservedConcurrentExecutions', () => ({ reservedConcurrentExecutions: 1.5 }), /reservedConcurrentExecutions must be a whole number.*got 1.5/],
  ])('%s', (_label, settings, message) => {
    const stack = newStack();
    expect(() => DmsLifecycleProviders.configure(stack, settings(stack))).toThrow(message);
  });
});

test('the DMS policy, now managed, has a logical id of its own: CloudFormation cannot change the type of the former inline policy in place', () => {
  const template = allKinds(() => ({}));
  const ids = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'DmsLifecycleAccess' } }));
  expect(ids).toHaveLength(3);
  // The inline AWS::IAM::Policy of earlier versions was <Kind>ProviderDmsAccess<hash> (path …/DmsAccess/Resource).
  for (const id of ids) expect(id).toMatch(/^Dms\w+ProviderDmsAccessManagedPolicy[0-9A-F]{8}$/);
});
