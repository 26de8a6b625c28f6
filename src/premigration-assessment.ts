import { CfnOutput, CfnResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assessmentResultBucket, assessmentServiceRole } from './private/assessment-resources';
import { Attribute, PremigrationAssessmentProperties } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { resourceRetentionProperties } from './private/replication-retention';
import { templateJson } from './private/template-json';
import { waitSettings } from './private/wait-settings';
import { DmsReplicationRun, ReplicationDesiredState } from './replication-run';
import { DmsWaitOptions } from './wait-options';

/** Options of {@link DmsPremigrationAssessment}. */
export interface DmsPremigrationAssessmentOptions extends DmsWaitOptions {
  /**
   * Run only these individual assessments (DMS's API names, for example
   * `['unsupported-data-types-in-source', 'postgres-check-wal-level']`). Not together
   * with `exclude`: DMS refuses both.
   * @default - every assessment DMS finds applicable
   */
  readonly includeOnly?: string[];
  /**
   * Run every applicable assessment except these (DMS's API names). Not together with `includeOnly`.
   * @default - none excluded
   */
  readonly exclude?: string[];
  /**
   * Also fail the deployment when the run ends `warning` (at least one warning, or
   * every check skipped). A `failed` check always fails it.
   * @default false
   */
  readonly failOnWarning?: boolean;
  /**
   * Any value; changing it runs the assessment again on the next deploy (for example
   * after a source database change the template does not see).
   * @default - run on create and when the settings or table mappings change
   */
  readonly assessmentTrigger?: string;
  /**
   * Classic tasks: the bucket DMS writes the results to. DMS Serverless always writes
   * to a bucket it manages, so this is refused for a replication config.
   * @default - a bucket is created: encrypted, public access blocked, SSL only, versioned, results expire after `resultRetention`
   */
  readonly resultBucket?: s3.IBucket;
  /**
   * The folder (key prefix) for the results; each run writes under its own subfolder.
   * @default 'premigration-assessments'
   */
  readonly resultFolder?: string;
  /**
   * A KMS key DMS encrypts the results with (SSE-KMS); the created bucket uses it as its default too.
   * @default - SSE-S3
   */
  readonly resultEncryptionKey?: kms.IKey;
  /**
   * Classic tasks: the role DMS assumes to write the results. It must trust
   * `dms.amazonaws.com` and may write to the bucket's folder (and use the key).
   * @default - a role is created with just that
   */
  readonly serviceRole?: iam.IRole;
  /**
   * How long the created bucket keeps results (its lifecycle rule).
   * @default Duration.days(90)
   */
  readonly resultRetention?: Duration;
}

/** Properties of {@link DmsPremigrationAssessment}. Give exactly one of the two. */
export interface DmsPremigrationAssessmentProps extends DmsPremigrationAssessmentOptions {
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

/** Options of {@link DmsPremigrationAssessment.addOutputs}. */
export interface PremigrationAssessmentOutputOptions {
  /**
   * Export names prefix, for stacks that import the values with `Fn.importValue`.
   * @default - outputs are not exported
   */
  readonly exportNamePrefix?: string;
}

/** Stack outputs made by {@link DmsPremigrationAssessment.addOutputs}. */
export interface PremigrationAssessmentOutputs {
  /** The run's status (`passed`, or `warning` without failOnWarning). */
  readonly status: CfnOutput;
  /** The S3 location of the report. */
  readonly reportLocation: CfnOutput;
}

/**
 * Runs a DMS premigration assessment during `cdk deploy` and fails the deployment
 * when a check fails (or warns, with `failOnWarning`), naming the failing checks, their
 * DMS status and the S3 location of the report.
 *
 * It runs on create, and again when the config's or task's settings or table mappings
 * change, when `includeOnly`/`exclude` change, or when `assessmentTrigger` changes.
 *
 * - Classic task: `StartReplicationTaskAssessmentRun` with a bucket and service role
 *   (created, or yours), then waits for the run and its individual assessments.
 * - Serverless config: DMS assesses only as part of `StartReplication`. The assessment
 *   calls it with `FailOnAssessmentFailure`, so DMS starts the replication only if the
 *   assessment passes, with the start type DMS requires (`start-replication` only for
 *   a replication that never ran). A paired `DmsReplicationRun` then finds it running
 *   and starts nothing twice. A running replication is never stopped for an assessment.
 *   An assessment the deployment did not start (console, CLI) is never its verdict.
 *
 * Right after the stack created the role, bucket policy or key grant, access denials (and
 * runs that end `error-provisioning`) are retried for a minute while IAM propagates. When the
 * stack rolls back (a cancelled create, a timeout, a later failure), the assessment's Delete
 * stops what its serverless `StartReplication` started, so CloudFormation can delete the
 * config, and cancels a task's runs still under way. See docs/premigration-assessment.md.
 *
 * Pair it with the run in one line, `assessment.gate(run)`: the run starts only after
 * the assessment passed (and, for a serverless config, the assessment's start uses the
 * run's CDC start).
 *
 * @example
 * const assessment = DmsPremigrationAssessment.forReplicationTask(this, 'Assess', task, {
 *   exclude: ['full-lob-not-nullable-at-target'],
 * });
 * assessment.gate(DmsReplicationRun.forReplicationTask(this, 'Run', task));
 */
export class DmsPremigrationAssessment extends Construct {
  /** Assesses a DMS Serverless replication config of this stack (DMS starts it if the assessment passes). */
  public static forReplicationConfig(
    scope: Construct,
    id: string,
    replicationConfig: dms.CfnReplicationConfig,
    options: DmsPremigrationAssessmentOptions = {},
  ): DmsPremigrationAssessment {
    return new DmsPremigrationAssessment(scope, id, { ...options, replicationConfig });
  }

  /** Assesses a classic replication task of this stack. */
  public static forReplicationTask(
    scope: Construct,
    id: string,
    replicationTask: dms.CfnReplicationTask,
    options: DmsPremigrationAssessmentOptions = {},
  ): DmsPremigrationAssessment {
    return new DmsPremigrationAssessment(scope, id, { ...options, replicationTask });
  }

  /** ARN of the replication config or task. */
  public readonly replicationArn: string;
  /** The run's status when the deployment finished waiting: `passed`, or `warning` (without failOnWarning). */
  public readonly status: string;
  /** ARN of the assessment run the deployment waited for. */
  public readonly assessmentRunArn: string;
  /** Where the report is, as `s3://bucket/folder/`. */
  public readonly reportLocation: string;
  /** Individual assessments that passed. */
  public readonly passedCount: string;
  /** Individual assessments that failed (0 once deployed). */
  public readonly failedCount: string;
  /** Warnings DMS counted. */
  public readonly warningCount: string;
  /** Individual assessments that ended in error (0 once deployed). */
  public readonly errorCount: string;
  /** Individual assessments DMS skipped. */
  public readonly skippedCount: string;
  /** Individual assessments that were cancelled. */
  public readonly cancelledCount: string;
  /** Classic tasks: the bucket DMS writes the results to (created, or yours). */
  public readonly resultBucket?: s3.IBucket;
  /** Classic tasks: the role DMS writes the results with (created, or yours). */
  public readonly serviceRole?: iam.IRole;

  private readonly isConfig: boolean;
  private gatedRun?: DmsReplicationRun;

  public constructor(scope: Construct, id: string, props: DmsPremigrationAssessmentProps) {
    super(scope, id);
    const { replicationConfig: config, replicationTask: task } = props;
    if ((config === undefined) === (task === undefined)) {
      throw new Error(
        `DmsPremigrationAssessment needs exactly one of replicationConfig (DMS Serverless) or replicationTask (classic task); got ${config === undefined ? 'neither' : 'both'}. `
        + 'For example DmsPremigrationAssessment.forReplicationTask(this, \'Assess\', cfnReplicationTask)',
      );
    }
    validateChecks(props);
    this.isConfig = config !== undefined;
    if (this.isConfig && (props.resultBucket || props.serviceRole)) {
      throw new Error(
        `DmsPremigrationAssessment of a replication config takes no ${props.resultBucket ? 'resultBucket' : 'serviceRole'}: DMS Serverless writes `
        + 'assessment results to a bucket it manages. Give resultFolder and resultEncryptionKey only, for example { resultFolder: \'assessments\' }',
      );
    }
    const folder = (props.resultFolder ?? 'premigration-assessments').replace(/^\/+|\/+$/g, '');
    if (!Token.isUnresolved(folder) && !/^[A-Za-z0-9!_.*'()\/-]+$/.test(folder)) {
      throw new Error(`resultFolder must be an S3 key prefix of letters, digits and !_.*'()/- (for example 'premigration-assessments'); got "${props.resultFolder}"`);
    }
    const wait = waitSettings(props, 'premigration-assessment');
    const replication: CfnResource = (config ?? task)!;
    const arn = replication.ref;
    const key = props.resultEncryptionKey;

    const provider = LifecycleProvider.of(this, 'premigration-assessment');
    provider.grantUnscoped('dms:DescribeReplicationTaskIndividualAssessments');
    let bucketName: string | undefined;
    let roleArn: string | undefined;
    if (this.isConfig) {
      provider.grant(['dms:StartReplication', 'dms:StopReplication'], 'replication-config', arn);
      provider.grantUnscoped('dms:DescribeReplications');
      // The assessment's StartReplication is recorded before it is sent; a rollback's Delete reads it.
      provider.grantIntentRecord(arn);
      // That Delete forgets the record only if the config goes away: is it still a resource of the stack?
      provider.grantOnStack('cloudformation:ListStackResources');
      provider.grantOnStack('cloudformation:GetTemplate');
      if (key) key.grantEncryptDecrypt(new iam.ServicePrincipal('dms.amazonaws.com'));
    } else {
      const bucket = props.resultBucket ?? assessmentResultBucket(this, { key, retention: props.resultRetention ?? Duration.days(90), folder });
      const role = props.serviceRole ?? assessmentServiceRole(this, { bucket, folder, key });
      provider.grant(['dms:StartReplicationTaskAssessmentRun'], 'task', arn);
      // A run's ARN is DMS's to choose: a Delete cancels only the runs named for its resource.
      provider.grantUnscoped('dms:DescribeReplicationTaskAssessmentRuns', 'dms:CancelReplicationTaskAssessmentRun');
      provider.grantOn('iam:PassRole', role.roleArn);
      this.resultBucket = bucket;
      this.serviceRole = role;
      bucketName = bucket.bucketName;
      roleArn = role.roleArn;
    }

    const resource = provider.newResource<PremigrationAssessmentProperties>(this, 'Resource', wait, {
      ReplicationConfigArn: this.isConfig ? arn : undefined,
      ReplicationTaskArn: this.isConfig ? undefined : arn,
      // Settings and table mappings: their change (CloudFormation modifies the config or task) runs it again.
      ReplicationProperties: Lazy.any({ produce: () => templateJson(assessedProperties(replication)) }) as unknown as string,
      AssessmentTrigger: props.assessmentTrigger,
      ResultBucket: bucketName,
      ServiceAccessRoleArn: roleArn,
      ResultFolder: folder,
      ResultKmsKeyArn: key?.keyArn,
      IncludeOnly: props.includeOnly?.join(' '),
      Exclude: props.exclude?.join(' '),
      FailOnWarning: props.failOnWarning ? 'true' : undefined,
      CdcStartTime: Lazy.string({ produce: () => this.gatedRun?._cdcStart.cdcStartTime }),
      CdcStartPosition: Lazy.string({ produce: () => this.gatedRun?._cdcStart.cdcStartPosition }),
      ...(this.isConfig ? resourceRetentionProperties(replication) : {}),
    });
    // The DMS writes need the role's policy (and the bucket) in place before the run starts.
    if (this.serviceRole) resource.node.addDependency(this.serviceRole);
    // However they are paired (gate, a dependency, none): checked once the whole app is built.
    if (this.isConfig) this.node.addValidation({ validate: () => this.stoppedRunsOfConfig().map((run) => this.startsStoppedRun(run)) });

    this.replicationArn = arn;
    this.status = resource.getAttString(Attribute.STATUS);
    this.assessmentRunArn = resource.getAttString(Attribute.ASSESSMENT_RUN_ARN);
    this.reportLocation = resource.getAttString(Attribute.REPORT_LOCATION);
    this.passedCount = resource.getAttString(Attribute.PASSED_COUNT);
    this.failedCount = resource.getAttString(Attribute.FAILED_COUNT);
    this.warningCount = resource.getAttString(Attribute.WARNING_COUNT);
    this.errorCount = resource.getAttString(Attribute.ERROR_COUNT);
    this.skippedCount = resource.getAttString(Attribute.SKIPPED_COUNT);
    this.cancelledCount = resource.getAttString(Attribute.CANCELLED_COUNT);
  }

  /**
   * Makes `run` wait for this assessment: CloudFormation starts (or resumes) the
   * replication only after the assessment passed, and a failed assessment fails the
   * deployment before the run. For a serverless config, the assessment's own start
   * (DMS starts the replication when it passes) takes the run's `cdcStartTime` /
   * `cdcStartPosition`, and the run then finds the replication under way.
   */
  public gate(run: DmsReplicationRun): void {
    if (this.gatedRun && this.gatedRun !== run) {
      throw new Error(`${this.node.path} already gates ${this.gatedRun.node.path}: one assessment gates one DmsReplicationRun`);
    }
    if (run.replicationArn !== this.replicationArn) {
      throw new Error(`${this.node.path} assesses another replication than ${run.node.path} runs: gate the run of the same config or task`);
    }
    if (this.isConfig && run._desiredState === ReplicationDesiredState.STOPPED) throw new Error(this.startsStoppedRun(run));
    this.gatedRun = run;
    // The run's custom resource only: its guard comes before the config, which this assessment follows.
    run.node.findChild('Resource').node.addDependency(this);
  }

  /** The DmsReplicationRuns of the app that keep this assessment's config stopped. */
  private stoppedRunsOfConfig(): DmsReplicationRun[] {
    return this.node.root.node.findAll()
      .filter((c): c is DmsReplicationRun => c instanceof DmsReplicationRun)
      .filter((run) => run.replicationArn === this.replicationArn && run._desiredState === ReplicationDesiredState.STOPPED);
  }

  /** Why a serverless assessment cannot go with a STOPPED run, and what to do instead. */
  private startsStoppedRun(run: DmsReplicationRun): string {
    return `${this.node.path} assesses a DMS Serverless config whose run ${run.node.path} has desiredState STOPPED. `
      + 'DMS assesses a serverless config only inside StartReplication, and an assessment that passes starts the replication, '
      + 'so the assessment would run a replication that is to stay stopped. Instead: add the assessment (and gate the run) '
      + 'in the deploy that switches the run to ReplicationDesiredState.RUNNING, where it assesses and starts in one step; '
      + 'or assess a classic replication task (DmsPremigrationAssessment.forReplicationTask), whose assessment starts nothing.';
  }

  /** Adds stack outputs with the status and the report location, for a pipeline step that reads them. */
  public addOutputs(options: PremigrationAssessmentOutputOptions = {}): PremigrationAssessmentOutputs {
    const prefix = options.exportNamePrefix;
    return {
      status: new CfnOutput(this, 'Status', {
        value: this.status,
        description: `Premigration assessment status of ${this.node.path}`,
        exportName: prefix ? `${prefix}AssessmentStatus` : undefined,
      }),
      reportLocation: new CfnOutput(this, 'ReportLocation', {
        value: this.reportLocation,
        description: `S3 location of the premigration assessment report of ${this.node.path}`,
        exportName: prefix ? `${prefix}AssessmentReportLocation` : undefined,
      }),
    };
  }
}

/** The properties whose change makes CloudFormation modify what an assessment looked at. */
const ASSESSED = ['TableMappings', 'ReplicationSettings', 'ReplicationTaskSettings', 'SupplementalSettings', 'MigrationType', 'ReplicationType', 'SourceEndpointArn', 'TargetEndpointArn'];

/** The config's or task's assessed properties as they go into the template (escape-hatch overrides included). */
function assessedProperties(resource: CfnResource): unknown {
  const stack = Stack.of(resource);
  const rendered = stack.resolve(resource._toCloudFormation()) as { Resources: Record<string, { Properties?: Record<string, unknown> }> };
  const properties = Object.values(rendered.Resources)[0]?.Properties ?? {};
  return Object.fromEntries(ASSESSED.filter((name) => properties[name] !== undefined).map((name) => [name, properties[name]]));
}

function validateChecks(props: DmsPremigrationAssessmentOptions): void {
  if (props.includeOnly?.length && props.exclude?.length) {
    throw new Error(
      'DmsPremigrationAssessment takes includeOnly or exclude, not both (DMS refuses both together): for example '
      + 'exclude: [\'full-lob-not-nullable-at-target\'] runs every other applicable assessment',
    );
  }
  for (const [prop, names] of [['includeOnly', props.includeOnly], ['exclude', props.exclude]] as const) {
    const bad = (names ?? []).find((n) => !Token.isUnresolved(n) && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(n));
    if (bad !== undefined) {
      throw new Error(`${prop} takes DMS's individual assessment names, such as 'unsupported-data-types-in-source'; got "${bad}"`);
    }
  }
}
