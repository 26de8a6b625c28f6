import { Aws, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { DmsResourceType, parseDmsArn } from './dms-arn';
import { ManagedPolicyRole, StatementTarget } from './managed-policy-role';

/**
 * Up to this many ARNs of one resource type are listed one by one; beyond it the
 * statement names every ARN of that type in the account and region instead, so the
 * policy stays under IAM's 6,144-character limit of a managed policy however many
 * instances share it (and stops changing, which also avoids IAM propagation races
 * on later updates). test/bench-structure.test.ts measures the worst case.
 */
export const MAX_LISTED_ARNS = 10;

interface Grant {
  readonly actions: string[];
  readonly resourceType: DmsResourceType;
  readonly arn: string;
  /** Name every resource of the type in the ARN's account and region, however few. */
  readonly wholeType?: boolean;
}

/** Description of the policy, by which tests and tools find it. */
export const DMS_POLICY_DESCRIPTION = 'DmsLifecycleAccess';

/**
 * The customer managed policy of a shared provider role (managed, not inline: the
 * HIPAA Security, NIST 800-53 R5 and PCI DSS packs ask for it). DMS grants are
 * collected as instances are added and rendered once at synth time, grouped by
 * action set; the role's other grants (its log group, network interfaces) are
 * fixed statements added alongside.
 */
export class BoundedDmsPolicy extends Construct implements StatementTarget {
  public readonly policy: iam.CfnManagedPolicy;
  private readonly grants: Grant[] = [];
  private readonly unscoped = new Set<string>();
  /** Non-DMS grants: actions per resource (keyed by its resolved form). */
  private readonly fixed = new Map<string, { resource: string; actions: Set<string> }>();
  private readonly statements: iam.PolicyStatement[] = [];

  public constructor(scope: Construct, id: string, role: ManagedPolicyRole) {
    super(scope, id);
    // Not 'Resource': that logical id was the inline AWS::IAM::Policy of earlier versions, and
    // CloudFormation refuses to change a resource's type in place.
    this.policy = new iam.CfnManagedPolicy(this, 'ManagedPolicy', {
      description: DMS_POLICY_DESCRIPTION,
      roles: [role.roleName],
      policyDocument: Lazy.any({ produce: () => this.render() }),
    });
    role.sendGrantsTo(this);
  }

  /** Adds statements as they are (what aws-cdk-lib grants the role). */
  public addStatements(...statements: iam.PolicyStatement[]): void {
    this.statements.push(...statements);
  }

  /** Allows `actions` on one ARN of the given DMS resource type. */
  public grant(actions: string[], resourceType: DmsResourceType, arn: string): void {
    this.grants.push({ actions: [...actions].sort(), resourceType, arn });
  }

  /**
   * Allows `actions` on every resource of `resourceType` in the account and region
   * of `arn`: for calls that must keep working on a resource after it left the
   * template (the shared policy is updated before CloudFormation deletes it).
   */
  public grantWholeType(actions: string[], resourceType: DmsResourceType, arn: string): void {
    this.grants.push({ actions: [...actions].sort(), resourceType, arn, wholeType: true });
  }

  /** Allows `actions` on `*`, for DMS calls IAM cannot scope to a resource. */
  public grantUnscoped(...actions: string[]): void {
    actions.forEach((a) => this.unscoped.add(a));
  }

  /** Allows a non-DMS call on one resource (for example the stack itself). */
  public grantOn(action: string, resource: string): void {
    const key = JSON.stringify(Stack.of(this).resolve(resource));
    const entry = this.fixed.get(key) ?? { resource, actions: new Set<string>() };
    entry.actions.add(action);
    this.fixed.set(key, entry);
  }

  private render(): any {
    const byActions = new Map<string, Grant[]>();
    for (const g of this.grants) {
      const key = g.actions.join(',');
      byActions.set(key, [...(byActions.get(key) ?? []), g]);
    }
    const statements: any[] = [];
    for (const [key, grants] of byActions) {
      statements.push({ Effect: 'Allow', Action: key.split(','), Resource: this.resources(grants) });
    }
    // One statement per resource (the stack), however many reads of it.
    for (const { resource, actions } of this.fixed.values()) {
      const sorted = [...actions].sort();
      statements.push({ Effect: 'Allow', Action: sorted.length === 1 ? sorted[0] : sorted, Resource: resource });
    }
    if (this.unscoped.size > 0) {
      statements.push({ Effect: 'Allow', Action: [...this.unscoped].sort(), Resource: '*' });
    }
    statements.push(...this.statements.map((s) => s.toStatementJson()));
    return { Version: '2012-10-17', Statement: statements };
  }

  private resources(grants: Grant[]): string[] {
    const out: string[] = [];
    for (const type of new Set(grants.map((g) => g.resourceType))) {
      const ofType = grants.filter((g) => g.resourceType === type);
      const arns = [...new Set(ofType.map((g) => g.arn))];
      const listed = arns.length <= MAX_LISTED_ARNS && !ofType.some((g) => g.wholeType);
      out.push(...(listed ? arns : this.wildcards(type, arns)));
    }
    return out;
  }

  /** One `…:<type>:*` ARN per account/region the ARNs live in. */
  private wildcards(type: DmsResourceType, arns: string[]): string[] {
    return [...new Set(arns.map((arn) => this.wildcardFor(type, arn)))];
  }

  /**
   * `arn:<partition>:dms:<region>:<account>:<type>:*` for the account and region of
   * `arn` (a literal), or of the stack (a token). Literal where the stack's
   * environment is known, so that the string can be named, e.g. in a cdk-nag
   * acknowledgment.
   */
  public wildcardFor(type: DmsResourceType, arn: string): string {
    const parsed = Token.isUnresolved(arn) ? undefined : parseDmsArn(arn);
    if (parsed) return `arn:${parsed.partition}:dms:${parsed.region}:${parsed.account}:${type}:*`;
    const stack = Stack.of(this);
    const region = stack.region;
    const partition = Token.isUnresolved(region) ? Aws.PARTITION : RegionInfo.get(region).partition ?? Aws.PARTITION;
    return `arn:${partition}:dms:${region}:${stack.account}:${type}:*`;
  }
}
