import { Template } from 'aws-cdk-lib/assertions';
import { DMS_POLICY_DESCRIPTION } from '../../src/private/bounded-dms-policy';

/** The documents of the handler roles' managed policies (one per provider kind). */
export function dmsPolicyDocuments(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: DMS_POLICY_DESCRIPTION } });
  return Object.values(policies).map((p: any) => p.Properties.PolicyDocument);
}

/** Every statement of those policies: DMS, the rollback check, the log group and (in a VPC) network interfaces. */
export function handlerStatements(template: Template): Array<{ Effect: string; Action: string | string[]; Resource: any }> {
  return dmsPolicyDocuments(template).flatMap((doc) => doc.Statement);
}

/** Only the statements that grant DMS actions. */
export function dmsStatements(template: Template): Array<{ Effect: string; Action: string | string[]; Resource: any }> {
  return handlerStatements(template).filter((st) => [st.Action].flat().some((a) => a.startsWith('dms:')));
}
