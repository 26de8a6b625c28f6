import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

const keysAllowed = new WeakSet<kms.IKey>();

/**
 * Lets CloudWatch Logs use `key` for the log groups of the key's account and region:
 * the key-policy statement of CloudWatch Logs' documentation ("Encrypt log data in
 * CloudWatch Logs using AWS KMS"). Not limited to our log groups by name: their ARNs
 * depend on the key (KmsKeyId), so naming them in its policy would be a cycle.
 * Added once per key. An imported key's policy cannot be changed: say so at synth.
 */
export function allowLogsToUse(key: kms.IKey, stack: Stack): void {
  if (keysAllowed.has(key)) return;
  keysAllowed.add(key);
  const keyStack = Stack.of(key);
  const added = key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsEncryption',
    principals: [new iam.ServicePrincipal(`logs.${keyStack.region}.amazonaws.com`)],
    actions: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${keyStack.partition}:logs:${keyStack.region}:${keyStack.account}:log-group:*` },
    },
  }));
  if (!added.statementAdded) {
    Annotations.of(stack).addWarningV2('cdk-dms-lifecycle:logEncryptionKeyPolicy',
      `logEncryptionKey ${key.node.path} is imported, so its key policy is not changed here: it must let `
      + 'logs.<region>.amazonaws.com use the key for this account\'s log groups (see "Regulated accounts" in the README)');
  }
}
