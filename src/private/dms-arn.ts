import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { dmsArnProblem, DmsResourceType, parseDmsArn } from './dms-arn-syntax';

export { parseDmsArn } from './dms-arn-syntax';
export type { DmsResourceType } from './dms-arn-syntax';

/**
 * Checks a literal ARN prop at synth time: a DMS ARN of the expected resource
 * type, in the stack's account when that is known (the handlers' role cannot call
 * DMS in another account; another region is fine, the handlers follow the ARN).
 * Tokens (for example `cfnEndpoint.ref`) are resolved only at deploy time and are
 * not checked.
 */
export function validateDmsArn(scope: IConstruct, prop: string, value: string, expected: DmsResourceType): void {
  if (Token.isUnresolved(value)) return;
  const problem = dmsArnProblem(prop, value, expected);
  if (problem) throw new Error(problem);
  const account = Stack.of(scope).account;
  const arnAccount = parseDmsArn(value)!.account;
  if (!Token.isUnresolved(account) && arnAccount !== account) {
    throw new Error(
      `${prop} is in account ${arnAccount}, but the stack deploys to account ${account}: the handlers can only call DMS in their own account. Deploy the construct in a stack of account ${arnAccount}.`,
    );
  }
}

/** Checks the endpoint / replication instance pair that refreshes and connection tests take. */
export function validateEndpointPair(scope: IConstruct, props: { readonly endpointArn: string; readonly replicationInstanceArn: string }): void {
  validateDmsArn(scope, 'endpointArn', props.endpointArn, 'endpoint');
  validateDmsArn(scope, 'replicationInstanceArn', props.replicationInstanceArn, 'rep');
  const endpoint = Token.isUnresolved(props.endpointArn) ? undefined : parseDmsArn(props.endpointArn);
  const instance = Token.isUnresolved(props.replicationInstanceArn) ? undefined : parseDmsArn(props.replicationInstanceArn);
  if (endpoint && instance && (endpoint.region !== instance.region || endpoint.account !== instance.account)) {
    throw new Error(
      `endpointArn and replicationInstanceArn must be in the same account and region (DMS uses them together); got endpoint ${endpoint.account}/${endpoint.region} and replication instance ${instance.account}/${instance.region}`,
    );
  }
}
