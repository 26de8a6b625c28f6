import { Token } from 'aws-cdk-lib';

/** The DMS resource types our props take, as they appear in ARNs. */
export type DmsResourceType = 'endpoint' | 'rep' | 'task' | 'replication-config';

const NOUNS: Record<DmsResourceType, string> = {
  'endpoint': 'endpoint',
  'rep': 'replication instance',
  'task': 'replication task',
  'replication-config': 'replication config',
};

const EXAMPLES: Record<DmsResourceType, string> = {
  'endpoint': 'arn:aws:dms:us-east-1:123456789012:endpoint:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'rep': 'arn:aws:dms:us-east-1:123456789012:rep:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'task': 'arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  'replication-config': 'arn:aws:dms:us-east-1:123456789012:replication-config:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
};

const DMS_ARN = /^arn:(aws[a-z-]*):dms:([a-z0-9-]+):(\d{12}):([a-z-]+):([A-Za-z0-9-]+)$/;

/** A literal DMS ARN taken apart. */
export interface ParsedDmsArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resourceType: string;
}

/** Parses a literal DMS ARN, or returns undefined when it is not one. */
export function parseDmsArn(arn: string): ParsedDmsArn | undefined {
  const m = DMS_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], account: m[3], resourceType: m[4] } : undefined;
}

/**
 * Checks a literal ARN prop at synth time: a DMS ARN of the expected resource
 * type. Tokens (for example `cfnEndpoint.ref`) are resolved only at deploy time
 * and are not checked.
 */
export function validateDmsArn(prop: string, value: string, expected: DmsResourceType): void {
  if (Token.isUnresolved(value)) return;
  const parsed = parseDmsArn(value);
  const want = `a DMS ${NOUNS[expected]} ARN such as ${EXAMPLES[expected]}`;
  if (!parsed) {
    throw new Error(`${prop} must be ${want} (or a token such as a CfnResource's ref); got "${value}"`);
  }
  if (parsed.resourceType !== expected) {
    const got = NOUNS[parsed.resourceType as DmsResourceType] ?? `"${parsed.resourceType}"`;
    throw new Error(`${prop} must be ${want}; got the ARN of a ${got}: "${value}"`);
  }
}
