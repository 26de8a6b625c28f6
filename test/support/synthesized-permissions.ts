import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DmsConnectionTest, DmsCutoverReadiness, DmsLifecycleProviders, DmsPremigrationAssessment,
  DmsReplicationRun, DmsReplicationTeardown, DmsSchemaRefresh,
} from '../../src';

/** One IAM action a synthesized stack grants: to which roles, and whether on `*` anywhere. */
export interface Grant {
  readonly action: string;
  readonly roles: Set<string>;
  onStar: boolean;
}

/** A construct built with some of its options; `when` names them as the permissions tables do. */
export interface PermissionCase {
  readonly construct: string;
  readonly when: readonly string[];
  readonly build: (stack: Stack) => void;
}

const ARN = (type: string, id: string) => `arn:aws:dms:us-east-1:123456789012:${type}:${id}`;
const ENDPOINT = ARN('endpoint', 'SOURCE');
const INSTANCE = ARN('rep', 'INSTANCE');

/** Which role a policy resource belongs to, from the logical ids the constructs give them. */
function roleOf(logicalId: string, type: string): string {
  if (type === 'AWS::KMS::Key') return 'key policy';
  if (/ProviderDmsAccess/.test(logicalId)) return 'handler';
  if (/ProviderFramework(OnEvent|Waiter)Role/.test(logicalId)) return 'framework';
  if (/waiterstatemachineRole/.test(logicalId)) return 'state machine';
  if (/ServiceRole/.test(logicalId)) return 'service role';
  throw new Error(`a policy of an unknown role: ${logicalId} (${type}); name it in docs/permissions.md and here`);
}

/** Every action granted by the stack's IAM policies, and by key policies to CloudWatch Logs. */
export function grantsOf(build: (stack: Stack) => void): Map<string, Grant> {
  const stack = new Stack(new App(), 'Permissions', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
  const grants = new Map<string, Grant>();
  for (const [id, r] of Object.entries(resources)) {
    const documents: any[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') documents.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') documents.push(...(r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument));
    if (r.Type === 'AWS::KMS::Key') {
      // Only what the key policy lets CloudWatch Logs do: the rest is the account's own default statement.
      documents.push({ Statement: r.Properties.KeyPolicy.Statement.filter((st: any) => JSON.stringify(st.Principal ?? {}).includes('logs.')) });
    }
    for (const st of documents.flatMap((d) => d.Statement)) {
      if (st.Effect !== 'Allow') continue;
      for (const action of [st.Action].flat()) {
        const grant = grants.get(action) ?? { action, roles: new Set<string>(), onStar: false };
        grant.roles.add(roleOf(id, r.Type));
        grant.onStar ||= [st.Resource].flat().includes('*');
        grants.set(action, grant);
      }
    }
  }
  return grants;
}

function config(stack: Stack): dms.CfnReplicationConfig {
  return new dms.CfnReplicationConfig(stack, 'Config', {
    replicationConfigIdentifier: 'sales',
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: ENDPOINT,
    targetEndpointArn: ARN('endpoint', 'TARGET'),
    tableMappings: { rules: [] },
    computeConfig: { maxCapacityUnits: 2 },
  });
}

function task(stack: Stack): dms.CfnReplicationTask {
  return new dms.CfnReplicationTask(stack, 'Task', {
    migrationType: 'full-load-and-cdc',
    replicationInstanceArn: INSTANCE,
    sourceEndpointArn: ENDPOINT,
    targetEndpointArn: ARN('endpoint', 'TARGET'),
    tableMappings: '{"rules":[]}',
  });
}

const refresh = (stack: Stack) => { new DmsSchemaRefresh(stack, 'Refresh', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE }); };

/** The constructs, each with and without the options that change what its roles may do. */
export const PERMISSION_CASES: readonly PermissionCase[] = [
  { construct: 'Every construct', when: [], build: refresh },
  {
    construct: 'Every construct',
    when: ['vpc'],
    build: (stack) => {
      DmsLifecycleProviders.configure(stack, { vpc: new ec2.Vpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false }) });
      refresh(stack);
    },
  },
  {
    construct: 'Every construct',
    when: ['logEncryptionKey'],
    build: (stack) => {
      DmsLifecycleProviders.configure(stack, { logEncryptionKey: new kms.Key(stack, 'LogKey') });
      refresh(stack);
    },
  },
  { construct: 'DmsSchemaRefresh', when: [], build: refresh },
  { construct: 'DmsConnectionTest', when: [], build: (stack) => { new DmsConnectionTest(stack, 'Test', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE }); } },
  { construct: 'DmsReplicationRun', when: ['config'], build: (stack) => { DmsReplicationRun.forReplicationConfig(stack, 'Run', config(stack)); } },
  { construct: 'DmsReplicationRun', when: ['task'], build: (stack) => { DmsReplicationRun.forReplicationTask(stack, 'Run', task(stack)); } },
  { construct: 'DmsReplicationTeardown', when: ['config'], build: (stack) => { DmsReplicationTeardown.forReplicationConfig(stack, 'Stop', config(stack)); } },
  { construct: 'DmsReplicationTeardown', when: ['task'], build: (stack) => { DmsReplicationTeardown.forReplicationTask(stack, 'Stop', task(stack)); } },
  { construct: 'DmsCutoverReadiness', when: ['config'], build: (stack) => { DmsCutoverReadiness.forReplicationConfig(stack, 'Ready', config(stack)); } },
  { construct: 'DmsCutoverReadiness', when: ['task'], build: (stack) => { DmsCutoverReadiness.forReplicationTask(stack, 'Ready', task(stack)); } },
  { construct: 'DmsPremigrationAssessment', when: ['config'], build: (stack) => { DmsPremigrationAssessment.forReplicationConfig(stack, 'Assess', config(stack)); } },
  { construct: 'DmsPremigrationAssessment', when: ['task', 'created role'], build: (stack) => { DmsPremigrationAssessment.forReplicationTask(stack, 'Assess', task(stack)); } },
  {
    construct: 'DmsPremigrationAssessment',
    when: ['task', 'created role', 'resultEncryptionKey'],
    build: (stack) => { DmsPremigrationAssessment.forReplicationTask(stack, 'Assess', task(stack), { resultEncryptionKey: new kms.Key(stack, 'ResultKey') }); },
  },
  {
    construct: 'DmsPremigrationAssessment',
    when: ['task'],
    build: (stack) => {
      DmsPremigrationAssessment.forReplicationTask(stack, 'Assess', task(stack), {
        resultBucket: s3.Bucket.fromBucketName(stack, 'Results', 'my-assessment-results'),
        serviceRole: iam.Role.fromRoleArn(stack, 'DmsRole', 'arn:aws:iam::123456789012:role/dms-assessments'),
      });
    },
  },
];
