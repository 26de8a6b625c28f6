/**
 * DMS ARN syntax, free of CDK imports so that the CLI bundle can share it
 * (importing aws-cdk-lib would pull the whole library into the bundle).
 */

/** The DMS resource types our props and commands take, as they appear in ARNs. */
export type DmsResourceType = 'endpoint' | 'rep' | 'task' | 'replication-config';

const NOUNS: Record<DmsResourceType, string> = {
  'endpoint': 'endpoint',
  'rep': 'replication instance',
  'task': 'replication task',
  'replication-config': 'replication config',
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
 * What is wrong with `value` as the `expected` kind of DMS ARN, as a message that
 * names `name` (a prop or a flag) and shows a valid value; undefined when it is fine.
 */
export function dmsArnProblem(name: string, value: string, expected: DmsResourceType): string | undefined {
  const parsed = parseDmsArn(value);
  const want = `a DMS ${NOUNS[expected]} ARN such as arn:aws:dms:us-east-1:123456789012:${expected}:ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
  if (!parsed) return `${name} must be ${want}; got "${value}"`;
  if (parsed.resourceType !== expected) {
    const got = NOUNS[parsed.resourceType as DmsResourceType] ?? `"${parsed.resourceType}"`;
    return `${name} must be ${want}; got the ARN of a ${got}: "${value}"`;
  }
  return undefined;
}
