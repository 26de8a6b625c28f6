import { CfnResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';

const HIPAA_NIST_PCI = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/**
 * The bucket a classic task's assessment results go to: encrypted (SSE-KMS with the key,
 * else SSE-S3), public access blocked, SSL only, bucket-owner objects, versioned, results
 * (and old versions) expiring after `retention`. Kept on stack deletion (the reports may
 * be evidence); the findings that are by design are acknowledged with reasons.
 */
export function assessmentResultBucket(
  scope: Construct,
  options: { readonly key?: kms.IKey; readonly retention: Duration; readonly folder: string },
): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'ResultBucket', {
    encryption: options.key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: options.key,
    bucketKeyEnabled: options.key ? true : undefined,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{
      id: 'ExpireAssessmentResults',
      expiration: options.retention,
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
  });
  const reports = 'it holds premigration assessment reports (checks of the databases, not their data), written only by the DMS service role';
  Validations.of(bucket).acknowledge(
    { id: 'AwsSolutions-S1', reason: `no server access logs: ${reports}; every write is in CloudTrail` },
    ...HIPAA_NIST_PCI.flatMap((pack) => [
      { id: `${pack}-S3BucketLoggingEnabled`, reason: `no server access logs: ${reports}; every write is in CloudTrail` },
      { id: `${pack}-S3BucketReplicationEnabled`, reason: `not replicated: ${reports}, and they expire by the bucket's lifecycle rule` },
      ...(options.key ? [] : [{ id: `${pack}-S3DefaultEncryptionKMS`, reason: 'SSE-S3 encrypts the reports; give resultEncryptionKey for SSE-KMS' }]),
    ]),
  );
  return bucket;
}

/**
 * The role DMS assumes to write a task's assessment results: the bucket's folder (and
 * the key), nothing else; a customer managed policy, as the compliance packs ask.
 */
export function assessmentServiceRole(
  scope: Construct,
  options: { readonly bucket: s3.IBucket; readonly folder: string; readonly key?: kms.IKey },
): iam.IRole {
  const role = new ManagedPolicyRole(scope, 'ServiceRole', {
    assumedBy: new iam.ServicePrincipal('dms.amazonaws.com'),
    description: 'Lets DMS write premigration assessment results',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:PutObjectTagging'],
    resources: [options.bucket.arnForObjects(`${options.folder}/*`)],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket', 's3:GetBucketLocation'],
    resources: [options.bucket.bucketArn],
  }));
  options.key?.grantEncryptDecrypt(role);
  const stack = Stack.of(scope);
  const bucketResource = options.bucket.node.defaultChild;
  const objects = bucketResource instanceof CfnResource
    ? `<${stack.resolve(stack.getLogicalId(bucketResource))}.Arn>/${options.folder}/*`
    : undefined;
  Validations.of(role).acknowledge(
    ...(objects ? [{
      id: `AwsSolutions-IAM5[Resource::${objects}]`,
      reason: 'DMS writes each run\'s results under its own subfolder, named when the run starts: the role may write objects under the assessment folder only',
    }] : []),
    ...(options.key ? ['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'the results\' key only: aws-cdk-lib\'s grantEncryptDecrypt, which DMS needs to write SSE-KMS objects',
    })) : []),
  );
  return role;
}
