import { Aws, Lazy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DmsResourceType, parseDmsArn } from './dms-arn';

/**
 * Up to this many ARNs of one resource type are listed one by one; beyond it the
 * statement names every ARN of that type in the account and region instead, so the
 * policy stays far under IAM's 10,240-byte limit however many instances share it
 * (and stops changing, which also avoids IAM propagation races on later updates).
 */
export const MAX_LISTED_ARNS = 10;

interface Grant {
  readonly actions: string[];
  readonly resourceType: DmsResourceType;
  readonly arn: string;
}

/**
 * The inline policy of a shared provider role. Grants are collected as instances
 * are added and rendered once at synth time, grouped by action set.
 */
export class BoundedDmsPolicy extends Construct {
  public readonly policy: iam.CfnPolicy;
  private readonly grants: Grant[] = [];
  private readonly unscoped = new Set<string>();

  public constructor(scope: Construct, id: string, role: iam.IRole) {
    super(scope, id);
    this.policy = new iam.CfnPolicy(this, 'Resource', {
      policyName: 'DmsLifecycleAccess',
      roles: [role.roleName],
      policyDocument: Lazy.any({ produce: () => this.render() }),
    });
  }

  /** Allows `actions` on one ARN of the given DMS resource type. */
  public grant(actions: string[], resourceType: DmsResourceType, arn: string): void {
    this.grants.push({ actions: [...actions].sort(), resourceType, arn });
  }

  /** Allows `actions` on `*`, for DMS calls IAM cannot scope to a resource. */
  public grantUnscoped(...actions: string[]): void {
    actions.forEach((a) => this.unscoped.add(a));
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
    if (this.unscoped.size > 0) {
      statements.push({ Effect: 'Allow', Action: [...this.unscoped].sort(), Resource: '*' });
    }
    return { Version: '2012-10-17', Statement: statements };
  }

  private resources(grants: Grant[]): string[] {
    const out: string[] = [];
    for (const type of new Set(grants.map((g) => g.resourceType))) {
      const arns = [...new Set(grants.filter((g) => g.resourceType === type).map((g) => g.arn))];
      out.push(...(arns.length <= MAX_LISTED_ARNS ? arns : this.wildcards(type, arns)));
    }
    return out;
  }

  /** One `…:<type>:*` ARN per account/region the ARNs live in (tokens: the stack's). */
  private wildcards(type: DmsResourceType, arns: string[]): string[] {
    const scopes = new Set<string>();
    for (const arn of arns) {
      const parsed = Token.isUnresolved(arn) ? undefined : parseDmsArn(arn);
      scopes.add(parsed ? `arn:${parsed.partition}:dms:${parsed.region}:${parsed.account}` : '');
    }
    return [...scopes].map((s) =>
      s ? `${s}:${type}:*` : `arn:${Aws.PARTITION}:dms:${Aws.REGION}:${Aws.ACCOUNT_ID}:${type}:*`,
    );
  }
}
