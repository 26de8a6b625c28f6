/**
 * cdk-nag over a stack with all five construct kinds: AwsSolutions, HIPAA Security, NIST 800-53 R5
 * and PCI DSS 3.2.1. What is by design is acknowledged inside the constructs with a reason;
 * what the user decides (VPC placement, log encryption) stays visible until configured.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  DmsConnectionTest,
  DmsCutoverReadiness,
  DmsLifecycleProviderSettings,
  DmsLifecycleProviders,
  DmsPremigrationAssessment,
  DmsReplicationRun,
  DmsReplicationTeardown,
  DmsSchemaRefresh,
} from '../src';

const PACKS: Array<() => NagPack> = [
  () => new AwsSolutionsChecks(),
  () => new HIPAASecurityChecks(),
  () => new NIST80053R5Checks(),
  () => new PCIDSS321Checks(),
];
/** The test's own resources (the DMS resources, the VPC, the key): not the library's. */
const USERS = /^Nag\/(Endpoint|Instance|Config|Task|Vpc|Key)(\/|$)/;

function buildStack(settings?: (stack: Stack) => DmsLifecycleProviderSettings): Stack {
  const stack = new Stack(new App(), 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  if (settings) DmsLifecycleProviders.configure(stack, settings(stack));
  const endpoint = new dms.CfnEndpoint(stack, 'Endpoint', { endpointType: 'source', engineName: 'postgres' });
  const instance = new dms.CfnReplicationInstance(stack, 'Instance', { replicationInstanceClass: 'dms.t3.micro', publiclyAccessible: false });
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
  DmsCutoverReadiness.forReplicationConfig(stack, 'ReadyConfig', config);
  DmsCutoverReadiness.forReplicationTask(stack, 'ReadyTask', task);
  return stack;
}

/** Unacknowledged findings on the library's resources: rule → construct paths. */
function findingsOnOurs(stack: Stack): Record<string, string[]> {
  const findings: Record<string, string[]> = {};
  for (const pack of PACKS) {
    for (const violation of pack().validateScope(stack).violations) {
      const paths = violation.violatingResources.map((r) => r.constructPath!).filter((p) => !USERS.test(p));
      if (paths.length > 0) findings[violation.ruleName] = [...(findings[violation.ruleName] ?? []), ...paths].sort();
    }
  }
  return findings;
}

const pathsOf = (stack: Stack, type: new (...args: any[]) => IConstruct) =>
  stack.node.findAll().filter((c) => c instanceof type).map((c) => c.node.path).sort();

test('without options, only LambdaInsideVPC and CloudWatchLogGroupEncrypted remain, on every function and log group', () => {
  const stack = buildStack();
  const functions = pathsOf(stack, lambda.CfnFunction);
  const logGroups = pathsOf(stack, logs.CfnLogGroup);
  expect(functions).toHaveLength(25); // 5 kinds × (2 handlers + 3 framework functions)
  expect(logGroups).toHaveLength(10); // 5 kinds × (handlers + waiter)
  expect(findingsOnOurs(stack)).toEqual({
    'HIPAA.Security-LambdaInsideVPC': functions,
    'HIPAA.Security-CloudWatchLogGroupEncrypted': logGroups,
    'NIST.800.53.R5-LambdaInsideVPC': functions,
    'NIST.800.53.R5-CloudWatchLogGroupEncrypted': logGroups,
    'PCI.DSS.321-LambdaInsideVPC': functions,
    'PCI.DSS.321-CloudWatchLogGroupEncrypted': logGroups,
  });
});

test('with vpc and logEncryptionKey, no finding of ours is left under any of the four packs', () => {
  const stack = buildStack((s) => ({
    vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
    logEncryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }),
  }));
  expect(findingsOnOurs(stack)).toEqual({});
});

test('with the user\'s security groups and reserved concurrency too, still none', () => {
  const stack = buildStack((s) => {
    const vpc = ec2.Vpc.fromVpcAttributes(s, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] });
    return {
      vpc,
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'Vpc/HandlerSg', 'sg-1')],
      logEncryptionKey: kms.Key.fromKeyArn(s, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      reservedConcurrentExecutions: 2,
    };
  });
  expect(findingsOnOurs(stack)).toEqual({});
});

describe('DmsPremigrationAssessment', () => {
  /** A stack with the provider settings that leave no finding, and the assessments `build` adds. */
  function assessmentStack(build: (stack: Stack, config: dms.CfnReplicationConfig, task: dms.CfnReplicationTask) => void): Stack {
    const stack = buildStack((s) => ({
      vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
      logEncryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }),
    }));
    build(stack, stack.node.findChild('Config') as dms.CfnReplicationConfig, stack.node.findChild('Task') as dms.CfnReplicationTask);
    return stack;
  }

  test('with the bucket and role it creates (SSE-S3 or SSE-KMS), no finding of ours under any of the four packs', () => {
    const stack = assessmentStack((s, config, task) => {
      DmsPremigrationAssessment.forReplicationTask(s, 'AssessTask', task);
      DmsPremigrationAssessment.forReplicationConfig(s, 'AssessConfig', config);
      DmsPremigrationAssessment.forReplicationTask(s, 'AssessTaskKms', task, { resultEncryptionKey: s.node.findChild('Key') as kms.Key });
    });
    expect(pathsOf(stack, s3.CfnBucket)).toHaveLength(2);
    expect(findingsOnOurs(stack)).toEqual({});
  });

  test('with the user\'s bucket, key and role, still none', () => {
    const stack = assessmentStack((s, _config, task) => {
      DmsPremigrationAssessment.forReplicationTask(s, 'AssessTask', task, {
        resultBucket: s3.Bucket.fromBucketName(s, 'UserBucket', 'my-assessments'),
        resultEncryptionKey: kms.Key.fromKeyArn(s, 'UserKey', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        serviceRole: iam.Role.fromRoleArn(s, 'UserRole', 'arn:aws:iam::123456789012:role/dms-assessments'),
      });
    });
    expect(pathsOf(stack, s3.CfnBucket)).toEqual([]);
    expect(findingsOnOurs(stack)).toEqual({});
  });
});
