import { Token } from 'aws-cdk-lib';
import { dmsArnProblem, DmsResourceType } from './dms-arn-syntax';

export { parseDmsArn } from './dms-arn-syntax';
export type { DmsResourceType } from './dms-arn-syntax';

/**
 * Checks a literal ARN prop at synth time: a DMS ARN of the expected resource
 * type. Tokens (for example `cfnEndpoint.ref`) are resolved only at deploy time
 * and are not checked.
 */
export function validateDmsArn(prop: string, value: string, expected: DmsResourceType): void {
  if (Token.isUnresolved(value)) return;
  const problem = dmsArnProblem(prop, value, expected);
  if (problem) throw new Error(problem);
}

/** Checks the endpoint / replication instance pair that refreshes and connection tests take. */
export function validateEndpointPair(props: { readonly endpointArn: string; readonly replicationInstanceArn: string }): void {
  validateDmsArn('endpointArn', props.endpointArn, 'endpoint');
  validateDmsArn('replicationInstanceArn', props.replicationInstanceArn, 'rep');
}
