import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';

/** Where a {@link ManagedPolicyRole} puts the statements granted to it. */
export interface StatementTarget extends IDependable {
  addStatements(...statements: iam.PolicyStatement[]): void;
}

/**
 * A role whose grants go to a customer managed policy instead of the inline
 * `DefaultPolicy` an `iam.Role` makes: compliance packs (HIPAA Security, NIST
 * 800-53 R5, PCI DSS: IAMNoInlinePolicy) ask for managed policies. Grants made by
 * aws-cdk-lib (log groups, the provider framework's invoke permissions) reach it
 * through `addToPrincipalPolicy` like any role's.
 */
export class ManagedPolicyRole extends iam.Role {
  private target?: StatementTarget;

  public constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  /** Sends this role's grants to `target` (a policy attached to it) instead of a managed policy of its own. */
  public sendGrantsTo(target: StatementTarget): void {
    if (this.target) throw new Error(`${this.node.path}: its grants already go to a policy`);
    this.target = target;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // Made on first use, as the DefaultPolicy is: IAM rejects an empty policy. A child of the
    // role, so that whatever depends on the role (its functions) waits for the policy too.
    this.target ??= new iam.ManagedPolicy(this, 'Policy', {
      roles: [this],
      description: `Permissions of ${this.node.path}`,
    });
    this.target.addStatements(statement);
    return { statementAdded: true, policyDependable: this.target };
  }
}
