import { RemovalPolicy } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { Construct, IConstruct } from 'constructs';
import { validateDmsArn } from './private/dms-arn';
import { ReplicationTeardownProperties } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { replicationResourceOf, retentionProperties } from './private/replication-retention';
import { waitSettings } from './private/wait-settings';
import { DmsWaitOptions } from './wait-options';

/** Properties of {@link DmsReplicationTeardown}. Give exactly one of the two ARNs. */
export interface DmsReplicationTeardownProps extends DmsWaitOptions {
  /**
   * ARN of a DMS Serverless replication config whose replication is stopped
   * (`StopReplication`) before the config is deleted, for example `cfnReplicationConfig.ref`.
   * @default - give `replicationTaskArn` instead
   */
  readonly replicationConfigArn?: string;
  /**
   * ARN of a classic replication task that is stopped (`StopReplicationTask`)
   * before it is deleted, for example `cfnReplicationTask.ref`.
   * @default - give `replicationConfigArn` instead
   */
  readonly replicationTaskArn?: string;
  /**
   * Resources CloudFormation must delete only after the stop, usually the
   * replication config or task itself. A token ARN such as `config.ref` already
   * orders the deletion; list the resource here when you pass a literal ARN.
   * @default - only the order implied by the ARN
   */
  readonly stopBefore?: IConstruct[];
  /**
   * The removal policy of a replication given by a literal or imported ARN.
   *
   * It says what CloudFormation does with the replication when it leaves its stack, for an
   * ARN that is not a `Ref` to a config or task of this app: with `RETAIN` (DeletionPolicy and
   * UpdateReplacePolicy Retain) the teardown never stops it, since it outlives the stack;
   * with `RETAIN_ON_UPDATE_OR_DELETE` (DeletionPolicy RetainExceptOnCreate)
   * it stops it only when the stack operation that created the replication rolls back. For a
   * `Ref` such as `cfnReplicationConfig.ref` the resource's own policies count: leave this out
   * (a different value is refused at synth). `SNAPSHOT` does not apply to DMS.
   * @default - for a `Ref`, the resource's DeletionPolicy and UpdateReplacePolicy; otherwise RemovalPolicy.DESTROY (stopped on every Delete)
   */
  readonly replicationRemovalPolicy?: RemovalPolicy;
}

/**
 * Stops a DMS replication when the stack (or this resource) is deleted, and waits
 * until it is stopped, so CloudFormation can then delete the replication config or
 * task instead of failing on a running replication.
 *
 * Because it references the config or task, CloudFormation deletes this resource
 * first: its Delete calls `StopReplication` (serverless) or `StopReplicationTask`
 * (classic) and waits for `stopped`. A replication that is already stopped, was
 * never started, has failed or no longer exists is left alone; `stopping` is
 * waited for. Create and Update make no DMS call, and nothing is ever deleted or
 * modified: it only stops.
 *
 * A replication CloudFormation keeps is not stopped: one whose DeletionPolicy (or, when an
 * update replaced it, UpdateReplacePolicy) is `Retain` outlives the stack and goes on running;
 * `RetainExceptOnCreate` (the policy or the stack-level flag) keeps it except in the rollback
 * of the operation that created it. The policies are read from the resource at synth; for a
 * literal ARN give `replicationRemovalPolicy`.
 *
 * @example
 * DmsReplicationTeardown.forReplicationConfig(this, 'StopOnDelete', replicationConfig);
 */
export class DmsReplicationTeardown extends Construct {
  /** Stops a DMS Serverless replication config before CloudFormation deletes it. */
  public static forReplicationConfig(
    scope: Construct,
    id: string,
    replicationConfig: dms.CfnReplicationConfig,
    options: DmsWaitOptions = {},
  ): DmsReplicationTeardown {
    return new DmsReplicationTeardown(scope, id, {
      ...options,
      replicationConfigArn: replicationConfig.ref,
      stopBefore: [replicationConfig],
    });
  }

  /** Stops a classic replication task before CloudFormation deletes it. */
  public static forReplicationTask(
    scope: Construct,
    id: string,
    replicationTask: dms.CfnReplicationTask,
    options: DmsWaitOptions = {},
  ): DmsReplicationTeardown {
    return new DmsReplicationTeardown(scope, id, {
      ...options,
      replicationTaskArn: replicationTask.ref,
      stopBefore: [replicationTask],
    });
  }

  /** ARN of the replication config or task this teardown stops. */
  public readonly replicationArn: string;

  public constructor(scope: Construct, id: string, props: DmsReplicationTeardownProps) {
    super(scope, id);
    const { replicationConfigArn: configArn, replicationTaskArn: taskArn } = props;
    if ((configArn === undefined) === (taskArn === undefined)) {
      throw new Error(
        `DmsReplicationTeardown needs exactly one of replicationConfigArn (DMS Serverless) or replicationTaskArn (classic task); got ${configArn === undefined ? 'neither' : 'both'}`,
      );
    }
    if (configArn !== undefined) validateDmsArn(this, 'replicationConfigArn', configArn, 'replication-config');
    if (taskArn !== undefined) validateDmsArn(this, 'replicationTaskArn', taskArn, 'task');
    const wait = waitSettings(props, 'replication-teardown');

    const provider = LifecycleProvider.of(this, 'replication-teardown');
    const arn = (configArn ?? taskArn)!;
    // Both kinds, whichever this one is: when an update removes the last teardown of one kind
    // while one of the other kind stays, the policy changes before the removed teardown's
    // Delete runs, and that Delete must still be allowed to stop its replication.
    provider.grantStop('dms:StopReplication', 'replication-config', arn);
    provider.grantStop('dms:StopReplicationTask', 'task', arn);
    provider.grantIntentRecord(arn);
    // IAM offers no resource-level scoping for DescribeReplications and DescribeReplicationTasks.
    provider.grantUnscoped('dms:DescribeReplications', 'dms:DescribeReplicationTasks');
    // A Delete stops only a replication that goes away: is its ARN still a resource of the stack?
    provider.grantOnStack('cloudformation:ListStackResources');
    provider.grantOnStack('cloudformation:GetTemplate');

    const resource = provider.newResource<ReplicationTeardownProperties>(this, 'Resource', wait, {
      ReplicationConfigArn: configArn,
      ReplicationTaskArn: taskArn,
      // A Delete stops only a replication that goes away (its policies decide when it does not).
      ...retentionProperties(this, { resource: replicationResourceOf(arn), removalPolicy: props.replicationRemovalPolicy }),
    });
    // Deleted before what it stops: dependents are deleted first.
    for (const target of props.stopBefore ?? []) {
      resource.node.addDependency(target);
    }
    this.replicationArn = arn;
  }
}

