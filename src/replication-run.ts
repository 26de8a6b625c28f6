import { CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { Construct } from 'constructs';
import { Attribute, ReplicationRunProperties, ReplicationRunResourceType } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { retentionProperties } from './private/replication-retention';
import { templateJson } from './private/template-json';
import { waitSettings } from './private/wait-settings';
import { DmsWaitOptions } from './wait-options';

/** What the deployment waits for after DMS was asked to start (or resume) the replication. */
export enum ReplicationWaitFor {
  /**
   * DMS accepted the start. The default: it never waits for DMS Serverless capacity
   * provisioning, which can take longer than CloudFormation's one hour.
   */
  ACCEPTED = 'accepted',
  /** The replication runs (a full-load-only one may also have loaded everything and stopped). */
  RUNNING = 'running',
  /** The full load is finished and CDC goes on (or a full-load-only replication finished). */
  FULL_LOAD_FINISHED = 'full-load-finished',
}

/** Whether the replication should run or stay stopped after a deploy. */
export enum ReplicationDesiredState {
  /**
   * It runs: every deploy that touches the run (or modifies the config or task) starts or
   * resumes it, including one that someone stopped by hand.
   */
  RUNNING = 'running',
  /**
   * It stays stopped: the deploy stops it (and waits until it is stopped), and no later
   * deploy starts or resumes it until this switches back to `RUNNING`.
   */
  STOPPED = 'stopped',
}

/** Options of {@link DmsReplicationRun}. */
export interface DmsReplicationRunOptions extends DmsWaitOptions {
  /**
   * What the deployment waits for after the start. Waits beyond an hour (a large
   * full load, serverless provisioning) belong in a pipeline step:
   * `cdk-dms-lifecycle wait-replication --until …`.
   * @default ReplicationWaitFor.ACCEPTED
   */
  readonly waitFor?: ReplicationWaitFor;
  /**
   * Where change data capture starts on the replication's first run, as an ISO 8601
   * time (for example `2026-11-01T00:00:00Z`). Give this or `cdcStartPosition`, not both.
   * @default - DMS's default: CDC starts when the full load starts
   */
  readonly cdcStartTime?: string;
  /**
   * Where change data capture starts on the first run, as a DMS CDC position (for
   * example a checkpoint or an LSN). Give this or `cdcStartTime`, not both.
   * @default - DMS's default
   */
  readonly cdcStartPosition?: string;
  /**
   * Any value; changing it reloads the target on the next deploy (`reload-target`:
   * the replication is stopped if it runs, then loads every table again).
   * @default - never reload
   */
  readonly reloadTrigger?: string;
  /**
   * Whether the replication runs or stays stopped. `STOPPED` stops it on the next deploy
   * (a create starts nothing) and keeps it stopped through later updates: the guard still
   * stops it before CloudFormation modifies the config or task, and nothing resumes it.
   * Switching back to `RUNNING` resumes it (`resume-processing`; `start-replication` with
   * the CDC start if it never ran). A rollback brings back what was before the update.
   * With `RUNNING`, a replication stopped by hand is resumed by the next deploy that
   * touches the run.
   * @default ReplicationDesiredState.RUNNING
   */
  readonly desiredState?: ReplicationDesiredState;
}

/** Properties of {@link DmsReplicationRun}. Give exactly one of the two. */
export interface DmsReplicationRunProps extends DmsReplicationRunOptions {
  /**
   * A DMS Serverless replication config of this stack.
   * @default - give `replicationTask` instead
   */
  readonly replicationConfig?: dms.CfnReplicationConfig;
  /**
   * A classic replication task of this stack.
   * @default - give `replicationConfig` instead
   */
  readonly replicationTask?: dms.CfnReplicationTask;
}

/**
 * Runs a DMS replication that this stack defines: starts it after CloudFormation
 * created it, stops it before CloudFormation modifies it and resumes it afterwards,
 * brings it back running when an update rolls back, and stops it before
 * CloudFormation deletes it.
 *
 * Two custom resources do this. The *run* references the config or task (so it
 * comes after it on create and before it on delete). The *guard* is one the config
 * or task depends on, whose properties carry the config's or task's properties, so
 * CloudFormation updates it exactly when, and just before, it modifies the config;
 * it finds the ARN among the stack's resources (it cannot reference it: that would
 * be a cycle).
 *
 * Order of events: create — config or task, then run (start with
 * `start-replication`, wait for `waitFor`). Update of the config or task — guard
 * (stop, wait until stopped), config or task (`Modify…`), run (wait out
 * `modifying`, `resume-processing`). Rollback — guard (stop), config or task
 * (modified back), run (resume, if it had been updated), then in the rollback's
 * cleanup the guard starts it again (this covers a modify DMS refused, after which
 * the run got no update). Delete — run (stop, wait), config or task, guard (nothing).
 * With `desiredState: STOPPED` the run stops it (and waits) rather than start it, and
 * nothing starts it again until the desired state is `RUNNING`.
 *
 * A Delete stops only what goes away: a config or task that CloudFormation keeps
 * (DeletionPolicy `Retain`, or UpdateReplacePolicy `Retain` for a replaced one) goes on
 * running after the stack forgets it, except that the rollback of the create (or update)
 * that started it stops what that operation started. The policies are read from the
 * resource at synth, including an `applyRemovalPolicy` made after this construct.
 *
 * @example
 * DmsReplicationRun.forReplicationConfig(this, 'RunSales', replicationConfig, {
 *   waitFor: ReplicationWaitFor.RUNNING,
 * });
 */
export class DmsReplicationRun extends Construct {
  /** Runs a DMS Serverless replication config of this stack. */
  public static forReplicationConfig(
    scope: Construct,
    id: string,
    replicationConfig: dms.CfnReplicationConfig,
    options: DmsReplicationRunOptions = {},
  ): DmsReplicationRun {
    return new DmsReplicationRun(scope, id, { ...options, replicationConfig });
  }

  /** Runs a classic replication task of this stack. */
  public static forReplicationTask(
    scope: Construct,
    id: string,
    replicationTask: dms.CfnReplicationTask,
    options: DmsReplicationRunOptions = {},
  ): DmsReplicationRun {
    return new DmsReplicationRun(scope, id, { ...options, replicationTask });
  }

  /** ARN of the replication config or task. */
  public readonly replicationArn: string;
  /** The replication's status when the deployment finished waiting, e.g. `running`. */
  public readonly status: string;
  /** The start type used: `start-replication`, `resume-processing`, `reload-target`, or `none` (it already ran). */
  public readonly startType: string;
  /** Full-load progress in percent when the deployment finished waiting. */
  public readonly fullLoadProgressPercent: string;
  /** Tables loaded when the deployment finished waiting. */
  public readonly tablesLoaded: string;
  /** Tables that failed to load when the deployment finished waiting. */
  public readonly tablesErrored: string;
  /**
   * Where CDC starts on the first run, for a DmsPremigrationAssessment that gates this run
   * (a serverless assessment's StartReplication is that first run).
   * @internal
   */
  public readonly _cdcStart: Pick<DmsReplicationRunOptions, 'cdcStartTime' | 'cdcStartPosition'>;
  /**
   * Whether the replication runs or stays stopped: a serverless DmsPremigrationAssessment of the
   * same config refuses a STOPPED run (its StartReplication would start the replication).
   * @internal
   */
  public readonly _desiredState: ReplicationDesiredState;

  public constructor(scope: Construct, id: string, props: DmsReplicationRunProps) {
    super(scope, id);
    const { replicationConfig: config, replicationTask: task } = props;
    if ((config === undefined) === (task === undefined)) {
      throw new Error(
        `DmsReplicationRun needs exactly one of replicationConfig (DMS Serverless) or replicationTask (classic task); got ${config === undefined ? 'neither' : 'both'}. `
        + 'For example DmsReplicationRun.forReplicationConfig(this, \'Run\', cfnReplicationConfig)',
      );
    }
    validateCdcStart(props);
    validateDesiredState(props);
    const wait = waitSettings(props, 'replication-run');
    const replication: CfnResource = (config ?? task)!;
    const isConfig = config !== undefined;
    const arn = replication.ref;

    const provider = LifecycleProvider.of(this, 'replication-run');
    // Start and stop on the account and region's configs (or tasks), as the teardown's
    // stop: the policy cannot name the ARN, because the guard (and so the handlers and
    // their policy) comes before the config; the handlers act only on the config's ARN.
    // Both kinds, whichever this one is (as for DmsReplicationTeardown): when an update removes
    // the last run of one kind, the shared policy changes before that run's Delete must stop it.
    provider.grantStop('dms:StartReplication', 'replication-config', arn);
    provider.grantStop('dms:StopReplication', 'replication-config', arn);
    provider.grantStop('dms:StartReplicationTask', 'task', arn);
    provider.grantStop('dms:StopReplicationTask', 'task', arn);
    // IAM offers no resource-level scoping for DescribeReplications and DescribeReplicationTasks.
    provider.grantUnscoped('dms:DescribeReplications', 'dms:DescribeReplicationTasks');
    // What the stack asked DMS to do, read before every start and stop (lambda/dms/intent-record.ts).
    provider.grantIntentRecord(arn);
    // The guard finds the ARN among the stack's resources; a Delete stops only a replication that goes away.
    provider.grantOnStack('cloudformation:ListStackResources');
    provider.grantOnStack('cloudformation:GetTemplate');

    const stack = Stack.of(this);
    const shared = {
      WaitFor: props.waitFor ?? ReplicationWaitFor.ACCEPTED,
      CdcStartTime: props.cdcStartTime,
      CdcStartPosition: props.cdcStartPosition,
      // On both: the run stops or starts by it, the guard's rollback restarts only towards running.
      DesiredState: props.desiredState ?? ReplicationDesiredState.RUNNING,
    };
    const guard = provider.newResource<ReplicationRunProperties>(this, 'Guard', wait, {
      ...shared,
      // The config's or task's own properties: they change exactly when CloudFormation modifies it.
      ReplicationProperties: Lazy.any({ produce: () => templateJson(cloudFormationProperties(replication)) }) as unknown as string,
      ReplicationKind: isConfig ? 'replication-config' : 'replication-task',
      ReplicationLogicalId: stack.getLogicalId(replication),
      // The guard refuses to stop a full-load-only replication mid-load unless a reload is asked for.
      ReloadTrigger: props.reloadTrigger,
    }, ReplicationRunResourceType.GUARD);
    replication.node.addDependency(guard);

    const run = provider.newResource<ReplicationRunProperties>(this, 'Resource', wait, {
      ...shared,
      // The guard's physical id names a digest of those properties: the run updates after every modify.
      ReplicationProperties: guard.ref,
      ReplicationConfigArn: isConfig ? arn : undefined,
      ReplicationTaskArn: isConfig ? undefined : arn,
      ReloadTrigger: props.reloadTrigger,
      // A Delete stops only a replication that goes away (its policies decide when it does not).
      ...retentionProperties(this, { resource: replication }),
    });
    this.replicationArn = arn;
    this._cdcStart = { cdcStartTime: props.cdcStartTime, cdcStartPosition: props.cdcStartPosition };
    this._desiredState = props.desiredState ?? ReplicationDesiredState.RUNNING;
    this.status = run.getAttString(Attribute.STATUS);
    this.startType = run.getAttString(Attribute.START_TYPE);
    this.fullLoadProgressPercent = run.getAttString(Attribute.FULL_LOAD_PROGRESS_PERCENT);
    this.tablesLoaded = run.getAttString(Attribute.TABLES_LOADED);
    this.tablesErrored = run.getAttString(Attribute.TABLES_ERRORED);
  }
}

/** The resource's properties as they go into the template (escape-hatch overrides included). */
function cloudFormationProperties(resource: CfnResource): unknown {
  const stack = Stack.of(resource);
  const rendered = stack.resolve(resource._toCloudFormation()) as { Resources: Record<string, { Properties?: unknown }> };
  return Object.values(rendered.Resources)[0]?.Properties ?? {};
}

function validateDesiredState(props: DmsReplicationRunOptions): void {
  const state = props.desiredState;
  if (state !== undefined && !Object.values(ReplicationDesiredState).includes(state)) {
    throw new Error(
      `DmsReplicationRun's desiredState must be ReplicationDesiredState.RUNNING or ReplicationDesiredState.STOPPED; got "${String(state)}". `
      + 'For example desiredState: ReplicationDesiredState.STOPPED',
    );
  }
}

function validateCdcStart(props: DmsReplicationRunOptions): void {
  if (props.cdcStartTime !== undefined && props.cdcStartPosition !== undefined) {
    throw new Error(
      'DmsReplicationRun takes cdcStartTime or cdcStartPosition, not both (DMS refuses both): for example cdcStartTime: \'2026-11-01T00:00:00Z\'',
    );
  }
  const time = props.cdcStartTime;
  if (time !== undefined && !Token.isUnresolved(time) && (!/^\d{4}-\d{2}-\d{2}T/.test(time) || Number.isNaN(Date.parse(time)))) {
    throw new Error(`cdcStartTime must be an ISO 8601 time such as 2026-11-01T00:00:00Z; got "${time}"`);
  }
}
