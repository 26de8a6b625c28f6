import { Annotations, CfnResource, Lazy, Reference, RemovalPolicy, Stack, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ReplicationRetentionProperties } from './handler-contract';

/** The two DMS resource types whose replication a run or teardown stops. */
const REPLICATION_TYPES = new Set(['AWS::DMS::ReplicationConfig', 'AWS::DMS::ReplicationTask']);

/** A config's or task's DeletionPolicy and UpdateReplacePolicy, as CloudFormation reads them. */
export interface RetentionPolicies {
  readonly deletion: string;
  readonly updateReplace: string;
}

/** What CloudFormation does without a policy. */
const DELETE: RetentionPolicies = { deletion: 'Delete', updateReplace: 'Delete' };

/**
 * The config or task of this stack (or app) an ARN refers to: a `Ref` to an
 * `AWS::DMS::ReplicationConfig` / `ReplicationTask`. Undefined for a literal or imported ARN.
 */
export function replicationResourceOf(arn: string): CfnResource | undefined {
  const token = Tokenization.reverseCompleteString(arn);
  const target = token && Reference.isReference(token) ? token.target : undefined;
  return target && CfnResource.isCfnResource(target) && REPLICATION_TYPES.has(target.cfnResourceType) ? target : undefined;
}

/** The policies as they go into the template: escape-hatch overrides and later `applyRemovalPolicy` calls included. */
export function templatePolicies(resource: CfnResource): RetentionPolicies {
  type Rendered = { Resources: Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
  const rendered = Stack.of(resource).resolve(resource._toCloudFormation()) as Rendered;
  const entry = Object.values(rendered.Resources)[0] ?? {};
  return { deletion: entry.DeletionPolicy ?? DELETE.deletion, updateReplace: entry.UpdateReplacePolicy ?? DELETE.updateReplace };
}

/** The policies a RemovalPolicy gives a CloudFormation resource (as CfnResource.applyRemovalPolicy sets them). */
export function removalPolicyPolicies(policy: RemovalPolicy): RetentionPolicies {
  switch (policy) {
    case RemovalPolicy.RETAIN: return { deletion: 'Retain', updateReplace: 'Retain' };
    case RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE: return { deletion: 'RetainExceptOnCreate', updateReplace: 'Retain' };
    case RemovalPolicy.DESTROY: return DELETE;
    default:
      throw new Error(`replicationRemovalPolicy ${String(policy)} does not apply to a DMS replication: give RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY`);
  }
}

/** Where the policies of the replication come from: its resource in the app, or the user's prop for a literal ARN. */
export interface RetentionSource {
  readonly resource?: CfnResource;
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The resource properties that carry the replication's policies to the handlers, resolved at
 * synth (a policy set after the construct was created counts): during an update's cleanup
 * GetTemplate shows the new template, which no longer holds a removed resource's policy.
 * Also checks, once the app is built, that a `removalPolicy` given for a resource of the app
 * agrees with it, and warns when the replication would outlive its replacement.
 */
export function retentionProperties(scope: IConstruct, source: RetentionSource): ReplicationRetentionProperties {
  const given = source.removalPolicy === undefined ? undefined : removalPolicyPolicies(source.removalPolicy);
  const policies = (): RetentionPolicies => (source.resource ? templatePolicies(source.resource) : given ?? DELETE);
  scope.node.addValidation({
    validate: () => {
      const actual = policies();
      if (source.resource && given && (given.deletion !== actual.deletion || given.updateReplace !== actual.updateReplace)) {
        return [
          `replicationRemovalPolicy RemovalPolicy.${source.removalPolicy} gives DeletionPolicy ${given.deletion} and UpdateReplacePolicy ${given.updateReplace}, `
          + `but ${source.resource.node.path} has DeletionPolicy ${actual.deletion} and UpdateReplacePolicy ${actual.updateReplace}: `
          + 'CloudFormation follows the resource. Set the policy on the resource (applyRemovalPolicy) and leave replicationRemovalPolicy out.',
        ];
      }
      if (actual.updateReplace === 'Retain') {
        Annotations.of(scope).addWarningV2('cdk-dms-lifecycle:retainedReplacement',
          `${source.resource?.node.path ?? 'The replication'} has UpdateReplacePolicy Retain: when an update replaces it, CloudFormation keeps the old one, `
          + 'and nothing of this construct stops it. The old replication goes on running and writing to its target, the same target the new one '
          + 'loads and writes to. Stop it yourself (cdk-dms-lifecycle stop-replication --wait) or use UpdateReplacePolicy Delete. See docs/retained-replications.md.');
      }
      return [];
    },
  });
  return asProperties(policies);
}

/** The policies of a config or task of the app as properties, without the checks (the run and teardown of it make those). */
export function resourceRetentionProperties(resource: CfnResource): ReplicationRetentionProperties {
  return asProperties(() => templatePolicies(resource));
}

function asProperties(policies: () => RetentionPolicies): ReplicationRetentionProperties {
  return {
    ReplicationDeletionPolicy: Lazy.string({ produce: () => policies().deletion }),
    ReplicationUpdateReplacePolicy: Lazy.string({ produce: () => policies().updateReplace }),
  };
}
