import { Duration, Token } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { Construct } from 'constructs';
import { CutoverCriterion } from './cutover-criterion';
import { validateDmsArn } from './private/dms-arn';
import { Attribute, CdcCriterionName, CutoverReadinessProperties } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { formatAllowance, validateAllowance } from './private/load-error-allowance';
import { waitSettings } from './private/wait-settings';
import { DmsWaitOptions } from './wait-options';

/** What counts as ready for cut-over, and how long to wait for it. */
export interface DmsCutoverReadinessOptions extends DmsWaitOptions {
  /**
   * What says CDC has caught up; all of them must hold (not asked of a full-load-only
   * replication). `CutoverCriterion.latencyWindow()` while writes still flow,
   * `CutoverCriterion.drained()` once they are frozen, or both. Not together with
   * `maxSourceLatency`, `maxTargetLatency` or `latencyWindow` (give those to `latencyWindow()`).
   * @default - [CutoverCriterion.latencyWindow()] with `maxSourceLatency`, `maxTargetLatency` and `latencyWindow`
   */
  readonly criteria?: CutoverCriterion[];
  /**
   * The highest `CDCLatencySource` (CloudWatch, `AWS/DMS`) allowed anywhere in `latencyWindow`.
   * @default Duration.seconds(10)
   */
  readonly maxSourceLatency?: Duration;
  /**
   * The highest `CDCLatencyTarget` allowed anywhere in `latencyWindow`.
   * @default Duration.seconds(10)
   */
  readonly maxTargetLatency?: Duration;
  /**
   * How long both latencies must have stayed at or under their maximum, with a data point
   * every minute (DMS publishes none while a replication is idle: that is unknown latency,
   * not zero). From 1 minute to 15 days less 6 minutes: CloudWatch keeps one-minute points
   * for 15 days and the query starts 6 minutes before the window.
   * @default Duration.minutes(5)
   */
  readonly latencyWindow?: Duration;
  /**
   * Full-load conditional-check failures (DMS's `FullLoadCondtnlChkFailedRows`) accepted on
   * tables whose validation is off or waived, keyed `schema.table`; the key `*` accepts that
   * many across all tables not named. Full-load error rows (`FullLoadErrorRows`) are never
   * accepted there.
   * @default - none accepted
   */
  readonly acceptedConditionalCheckFailures?: { [table: string]: number };
  /**
   * Accept tables whatever their validation state (mismatched, suspended, pending, no
   * primary key), for migrations that validate otherwise.
   * @default false
   */
  readonly waiveValidation?: boolean;
  /**
   * Only the tables of these schemas (DMS filters the table statistics by `schema-name`).
   * @default - every table of the replication
   */
  readonly schemaNames?: string[];
  /**
   * Any value; changing it waits for readiness again on the next deploy although nothing
   * else changed.
   * @default - wait when the resource is created or a criterion changes
   */
  readonly checkTrigger?: string;
}

/** Properties of {@link DmsCutoverReadiness}. Give exactly one of the two ARNs. */
export interface DmsCutoverReadinessProps extends DmsCutoverReadinessOptions {
  /**
   * ARN of a DMS Serverless replication config (`DescribeReplicationTableStatistics`).
   * @default - give `replicationTaskArn` instead
   */
  readonly replicationConfigArn?: string;
  /**
   * ARN of a classic replication task (`DescribeTableStatistics`).
   * @default - give `replicationConfigArn` instead
   */
  readonly replicationTaskArn?: string;
}

/**
 * Waits during `cdk deploy` until a running DMS replication is ready for cut-over, so a
 * later stage (or a later stack) switches applications to the target only then:
 * every selected table loaded and none errored; validation `Validated` wherever it is
 * enabled (unless `waiveValidation`; where it is off or waived, no full-load error rows and
 * no more conditional-check failures than accepted); CDC caught up by every one of
 * `criteria` (by default `CDCLatencySource` and `CDCLatencyTarget` at or under their maximum
 * for the whole `latencyWindow`; not asked of a full-load-only replication). It only reads
 * DMS and CloudWatch.
 *
 * On create, and on update when a criterion or `checkTrigger` changes, it checks on the
 * poll schedule until ready; a replication that failed or stopped for good (a FATAL_ERROR,
 * stopped by a user, any stop DMS does not recover from by itself), a table in `Table error`
 * or `schemaNames` that DMS does not report fail the deployment at once in DMS's words, and
 * a timeout's reason names what still held readiness back (for
 * example `sales.items: validation Mismatched records, 3 failed record(s)`). Other
 * updates, and every update during a rollback, look once and succeed. Delete makes no call.
 *
 * CloudFormation gives a custom resource at most an hour: when readiness can take longer
 * (a large full load, validation of big tables), wait in a pipeline step with the CLI
 * (`cdk-dms-lifecycle wait-replication --until cutover-ready`) instead.
 *
 * @example
 * const ready = DmsCutoverReadiness.forReplicationConfig(this, 'ReadyForCutover', replicationConfig, {
 *   maxSourceLatency: Duration.seconds(10),
 *   maxTargetLatency: Duration.seconds(10),
 *   latencyWindow: Duration.minutes(5),
 *   timeout: Duration.minutes(55),
 * });
 * // Once writes on the source are frozen: the backlog drained for 5 minutes.
 * DmsCutoverReadiness.forReplicationConfig(this, 'Drained', replicationConfig, {
 *   criteria: [CutoverCriterion.drained({ window: Duration.minutes(5) })],
 * });
 */
export class DmsCutoverReadiness extends Construct {
  /** Waits for a DMS Serverless replication config to be ready for cut-over. */
  public static forReplicationConfig(
    scope: Construct,
    id: string,
    replicationConfig: dms.CfnReplicationConfig,
    options: DmsCutoverReadinessOptions = {},
  ): DmsCutoverReadiness {
    return new DmsCutoverReadiness(scope, id, { ...options, replicationConfigArn: replicationConfig.ref });
  }

  /** Waits for a classic replication task to be ready for cut-over. */
  public static forReplicationTask(
    scope: Construct,
    id: string,
    replicationTask: dms.CfnReplicationTask,
    options: DmsCutoverReadinessOptions = {},
  ): DmsCutoverReadiness {
    return new DmsCutoverReadiness(scope, id, { ...options, replicationTaskArn: replicationTask.ref });
  }

  /** ARN of the replication config or task this waits for. */
  public readonly replicationArn: string;
  /** `ready` once the deployment found the replication ready. */
  public readonly readinessStatus: string;
  /** How many tables DMS reported (within `schemaNames`). */
  public readonly tablesTotal: string;

  public constructor(scope: Construct, id: string, props: DmsCutoverReadinessProps) {
    super(scope, id);
    const { replicationConfigArn: configArn, replicationTaskArn: taskArn } = props;
    if ((configArn === undefined) === (taskArn === undefined)) {
      throw new Error(
        `DmsCutoverReadiness needs exactly one of replicationConfigArn (DMS Serverless) or replicationTaskArn (classic task); got ${configArn === undefined ? 'neither' : 'both'}`,
      );
    }
    if (configArn !== undefined) validateDmsArn(this, 'replicationConfigArn', configArn, 'replication-config');
    if (taskArn !== undefined) validateDmsArn(this, 'replicationTaskArn', taskArn, 'task');
    const wait = waitSettings(props, 'cutover-readiness');
    const criteria = cdcCriteria(props);
    if (props.acceptedConditionalCheckFailures !== undefined && !Token.isUnresolved(props.acceptedConditionalCheckFailures)) {
      validateAllowance('acceptedConditionalCheckFailures', props.acceptedConditionalCheckFailures);
    }
    const schemas = props.schemaNames ?? [];
    for (const schema of schemas) {
      if (!Token.isUnresolved(schema) && (schema.trim() === '' || schema.includes(','))) {
        throw new Error(`schemaNames must be schema names without commas, for example ['sales', 'billing']; got ${JSON.stringify(schema)}`);
      }
    }

    const provider = LifecycleProvider.of(this, 'cutover-readiness');
    if (configArn !== undefined) provider.grant(['dms:DescribeReplicationTableStatistics'], 'replication-config', configArn);
    if (taskArn !== undefined) provider.grant(['dms:DescribeTableStatistics'], 'task', taskArn);
    // IAM scopes none of these to a resource: DMS's Describe* lists and CloudWatch's metric reads.
    provider.grantUnscoped('dms:DescribeReplications', 'dms:DescribeReplicationTasks', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics');

    const resource = provider.newResource<CutoverReadinessProperties>(this, 'Resource', wait, {
      ReplicationConfigArn: configArn,
      ReplicationTaskArn: taskArn,
      // Only the latency window (the default) names none: templates from before the drained criterion stay as they were.
      CdcCriteria: criteria.length === 1 && criteria[0].name === CdcCriterionName.LATENCY_WINDOW ? undefined : criteria.map((c) => c.name).join(','),
      ...Object.assign({}, ...criteria.map((c) => c._properties)),
      WaiveValidation: String(props.waiveValidation ?? false),
      SchemaNames: schemas.length ? schemas.join(',') : undefined,
      AcceptedConditionalCheckFailures: props.acceptedConditionalCheckFailures && formatAllowance(props.acceptedConditionalCheckFailures),
      CheckTrigger: props.checkTrigger,
    });
    this.replicationArn = (configArn ?? taskArn)!;
    this.readinessStatus = resource.getAttString(Attribute.STATUS);
    this.tablesTotal = resource.getAttString(Attribute.TABLES_TOTAL);
  }
}

/** The CDC criteria: `criteria`, or the latency window from the flat props; errors that name the prop. */
function cdcCriteria(props: DmsCutoverReadinessOptions): CutoverCriterion[] {
  if (props.criteria === undefined) {
    const { maxSourceLatency, maxTargetLatency, latencyWindow: window } = props;
    return [CutoverCriterion.latencyWindow({ maxSourceLatency, maxTargetLatency, window })];
  }
  const flat = (['maxSourceLatency', 'maxTargetLatency', 'latencyWindow'] as const).find((p) => props[p] !== undefined);
  if (flat) {
    throw new Error(`${flat} cannot be given together with criteria: pass it to CutoverCriterion.latencyWindow({ ... }) instead`);
  }
  if (props.criteria.length === 0) {
    throw new Error('criteria must hold at least one criterion, for example [CutoverCriterion.drained()]');
  }
  const names = props.criteria.map((c) => c.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`criteria holds ${twice} twice; give each criterion at most once`);
  return props.criteria;
}
