/**
 * The properties of the DMS resources whose change makes CloudFormation replace the resource
 * (a new physical id) rather than modify it ("Update requires: Replacement" in the
 * CloudFormation resource reference). Shared by the guard (which leaves a replaced replication
 * alone) and the lifecycle driver (which replaces the resource as CloudFormation does).
 */
export const REPLACED_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  'AWS::DMS::ReplicationConfig': ['ResourceIdentifier'],
  'AWS::DMS::ReplicationTask': ['ReplicationInstanceArn', 'ResourceIdentifier', 'SourceEndpointArn', 'TargetEndpointArn'],
};

/** Whether going from `before` to `after` (template properties of `resourceType`) replaces the resource. */
export function replacesResource(resourceType: string, before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return (REPLACED_ON_CHANGE[resourceType] ?? []).some((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}
