import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DmsPremigrationAssessment, DmsReplicationRun, ReplicationDesiredState } from '../src';

function stackWith() {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const task = new dms.CfnReplicationTask(stack, 'Task', {
    migrationType: 'full-load-and-cdc',
    replicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:I',
    sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
    targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
    tableMappings: '{"rules":[]}',
  });
  const config = new dms.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: 'c',
    replicationType: 'cdc',
    sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
    targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
    computeConfig: { maxCapacityUnits: 2 },
    tableMappings: { rules: [] },
  });
  return { stack, task, config };
}

const assessments = (stack: Stack) => Template.fromStack(stack).findResources('Custom::DmsPremigrationAssessment');

describe('synth-time errors name the prop and show an example', () => {
  test('includeOnly and exclude together', () => {
    const { stack, task } = stackWith();
    expect(() => DmsPremigrationAssessment.forReplicationTask(stack, 'A', task, { includeOnly: ['a'], exclude: ['b'] }))
      .toThrow(/takes includeOnly or exclude, not both \(DMS refuses both together\): for example exclude: \['full-lob-not-nullable-at-target'\]/);
  });
  test('neither or both of the config and the task', () => {
    const { stack, task, config } = stackWith();
    expect(() => new DmsPremigrationAssessment(stack, 'A', {})).toThrow(/exactly one of replicationConfig .* or replicationTask .*; got neither/);
    expect(() => new DmsPremigrationAssessment(stack, 'B', { replicationConfig: config, replicationTask: task })).toThrow(/got both/);
  });
  test('a bucket or role for a serverless config, whose results go to a bucket DMS manages', () => {
    const { stack, config } = stackWith();
    expect(() => DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config, { resultBucket: s3.Bucket.fromBucketName(stack, 'B', 'my-bucket') }))
      .toThrow(/takes no resultBucket: DMS Serverless writes assessment results to a bucket it manages/);
  });
  test('an assessment name with a space, a bad folder, a run of another replication', () => {
    const { stack, task, config } = stackWith();
    expect(() => DmsPremigrationAssessment.forReplicationTask(stack, 'A', task, { exclude: ['two names'] })).toThrow(/exclude takes DMS's individual assessment names, .*got "two names"/);
    expect(() => DmsPremigrationAssessment.forReplicationTask(stack, 'B', task, { resultFolder: 'a b' })).toThrow(/resultFolder must be an S3 key prefix/);
    const assessment = DmsPremigrationAssessment.forReplicationTask(stack, 'C', task);
    expect(() => assessment.gate(DmsReplicationRun.forReplicationConfig(stack, 'Run', config))).toThrow(/assesses another replication than S\/Run runs/);
  });
});

test('a task: a created bucket (SSE-S3, public access blocked, SSL only, lifecycle rule) and a DMS role the handlers may pass', () => {
  const { stack, task } = stackWith();
  DmsPremigrationAssessment.forReplicationTask(stack, 'A', task, { exclude: ['full-lob-not-nullable-at-target'], failOnWarning: true });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
  template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'dms.amazonaws.com' } })] } });
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    Description: 'DmsLifecycleAccess',
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['dms:StartReplicationTaskAssessmentRun'], Resource: [{ Ref: 'Task' }] }), Match.objectLike({ Action: 'iam:PassRole' })]) },
  });
  const [props] = Object.values(assessments(stack)).map((r: any) => r.Properties);
  expect(props).toMatchObject({ ReplicationTaskArn: { Ref: 'Task' }, ResultFolder: 'premigration-assessments', Exclude: 'full-lob-not-nullable-at-target', FailOnWarning: 'true' });
  expect(JSON.parse(props.ReplicationProperties)).toEqual({
    TableMappings: '{"rules":[]}',
    MigrationType: 'full-load-and-cdc',
    SourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
    TargetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
  });
});

test('the user\'s bucket and role: nothing created, the role passed', () => {
  const { stack, task } = stackWith();
  DmsPremigrationAssessment.forReplicationTask(stack, 'A', task, {
    resultBucket: s3.Bucket.fromBucketName(stack, 'B', 'my-assessments'),
    serviceRole: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::123456789012:role/dms-assessments'),
  });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::S3::Bucket', 0);
  expect(Object.values(assessments(stack))[0]).toMatchObject({ Properties: { ResultBucket: 'my-assessments', ServiceAccessRoleArn: 'arn:aws:iam::123456789012:role/dms-assessments' } });
});

test('gate: the run (not its guard) depends on the assessment; a serverless assessment starts with the run\'s CDC start', () => {
  const { stack, config } = stackWith();
  const assessment = DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config);
  assessment.gate(DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { cdcStartPosition: 'checkpoint:V1#27#mysql-bin-changelog.157832:1975:-1:2002:677883278264080:mysql-bin-changelog.157832:1876#0#0#*#0#93' }));
  const template = Template.fromStack(stack);
  const [assessmentId] = Object.keys(assessments(stack));
  const runs = template.findResources('Custom::DmsReplicationRun');
  const [runId] = Object.keys(runs);
  expect(runs[runId].DependsOn).toContain(assessmentId);
  expect(template.findResources('Custom::DmsReplicationGuard')[Object.keys(template.findResources('Custom::DmsReplicationGuard'))[0]].DependsOn ?? []).not.toContain(assessmentId);
  expect(assessments(stack)[assessmentId].Properties).toMatchObject({ ReplicationConfigArn: { Ref: 'Config' }, CdcStartPosition: expect.stringMatching(/^checkpoint:/) });
  template.resourceCountIs('AWS::S3::Bucket', 0);
});

describe('a serverless assessment never goes with a run whose desiredState is STOPPED (its passing StartReplication would start it)', () => {
  const refusal = /S\/A assesses a DMS Serverless config whose run S\/Run has desiredState STOPPED\. DMS assesses a serverless config only inside StartReplication, .* Instead: add the assessment .* in the deploy that switches the run to ReplicationDesiredState\.RUNNING.*or assess a classic replication task/;

  test('gate() refuses it at once', () => {
    const { stack, config } = stackWith();
    const assessment = DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config);
    expect(() => assessment.gate(DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { desiredState: ReplicationDesiredState.STOPPED }))).toThrow(refusal);
  });

  test('paired by a dependency instead of gate(), or not at all: synth refuses it', () => {
    const { stack, config } = stackWith();
    const assessment = DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config);
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { desiredState: ReplicationDesiredState.STOPPED }).node.addDependency(assessment);
    expect(() => Template.fromStack(stack)).toThrow(refusal);
  });

  test('a run created before the assessment: synth refuses it too', () => {
    const { stack, config } = stackWith();
    DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { desiredState: ReplicationDesiredState.STOPPED });
    DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config);
    expect(() => Template.fromStack(stack)).toThrow(refusal);
  });

  test('RUNNING, a STOPPED run of another config, and a classic task\'s assessment (it starts nothing) stay allowed', () => {
    const { stack, config, task } = stackWith();
    DmsPremigrationAssessment.forReplicationConfig(stack, 'A', config).gate(DmsReplicationRun.forReplicationConfig(stack, 'Run', config));
    const other = new dms.CfnReplicationConfig(stack, 'Other', {
      replicationConfigIdentifier: 'other',
      replicationType: 'cdc',
      sourceEndpointArn: config.sourceEndpointArn,
      targetEndpointArn: config.targetEndpointArn,
      computeConfig: { maxCapacityUnits: 2 },
      tableMappings: { rules: [] },
    });
    DmsReplicationRun.forReplicationConfig(stack, 'OtherRun', other, { desiredState: ReplicationDesiredState.STOPPED });
    DmsPremigrationAssessment.forReplicationTask(stack, 'TaskA', task).gate(DmsReplicationRun.forReplicationTask(stack, 'TaskRun', task, { desiredState: ReplicationDesiredState.STOPPED }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
