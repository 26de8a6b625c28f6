import { ArnFormat, CfnOutput, Duration, Stack, StackProps, Stage, StageProps } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { MigrationConfig } from './migration-config';
import { DmsMigrationStack } from './migration-stack';

/** The migration as a pipeline stage. */
export class MigrationStage extends Stage {
  public readonly migration: DmsMigrationStack;

  public constructor(scope: Construct, id: string, props: StageProps & { config: MigrationConfig }) {
    super(scope, id, props);
    this.migration = new DmsMigrationStack(this, 'DmsMigration', { config: props.config });
  }
}

export interface DmsMigrationPipelineStackProps extends StackProps {
  readonly config: MigrationConfig;
  /** CodeConnections connection to the repository. */
  readonly connectionArn: string;
  readonly repository: string;
}

/**
 * The CLI steps run the cdk-dms-lifecycle that `npm ci` installed from the repository's
 * package-lock.json (a dependency on the npm registry, a private registry set in .npmrc,
 * or a tarball checked in as `"cdk-dms-lifecycle": "file:vendor/cdk-dms-lifecycle-<version>.tgz"`).
 * `npx --no-install` fails when it is not installed, rather than download whatever is
 * published under that name.
 */
const CLI = 'npx --no-install cdk-dms-lifecycle';

/**
 * CDK Pipelines gating on the schema refresh: the Migrate stage's stack finishes
 * only after DMS reports the refresh successful, its `post` steps read which refresh
 * it waited for from the stack outputs, and the Cutover stage runs only after them,
 * the last of them waiting until the replication is ready for cut-over. The last
 * stage, after a manual approval, runs the cut-over itself.
 */
export class DmsMigrationPipelineStack extends Stack {
  public constructor(scope: Construct, id: string, props: DmsMigrationPipelineStackProps) {
    super(scope, id, props);
    const source = pipelines.CodePipelineSource.connection(props.repository, 'main', { connectionArn: props.connectionArn });
    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      synth: new pipelines.ShellStep('Synth', { input: source, commands: ['npm ci', 'npx --no-install cdk synth'] }),
    });

    // The stage's stack completes only after the refresh; `post` steps run after the stack.
    const migrate = new MigrationStage(this, 'Migrate', { config: props.config });
    const { refreshOutputs, targetEndpoint, instance } = migrate.migration;
    const verify = new pipelines.ShellStep('VerifySchemaRefresh', {
      envFromCfnOutputs: { REFRESH_STATUS: refreshOutputs.refreshStatus, REFRESHED_AT: refreshOutputs.lastRefreshDate },
      commands: ['echo "source schemas refreshed at $REFRESHED_AT: $REFRESH_STATUS"', 'test "$REFRESH_STATUS" = successful'],
    });
    // The same step as a command, for targets whose schemas change outside CloudFormation
    // (the CLI uses the same DMS code as the construct; exit code 1 = DMS failure, 3 = timeout).
    const refreshTarget = new pipelines.CodeBuildStep('RefreshTargetSchemas', {
      input: source,
      // The step's CodeBuild role calls DMS itself: grant it what the CLI needs, on
      // the account's endpoints and instances (a pipeline cannot reference the stage's ARNs).
      rolePolicyStatements: [
        new iam.PolicyStatement({
          actions: ['dms:RefreshSchemas', 'dms:TestConnection'],
          resources: [this.dmsArn('endpoint'), this.dmsArn('rep')],
        }),
        new iam.PolicyStatement({ actions: ['dms:DescribeRefreshSchemasStatus'], resources: [this.dmsArn('endpoint')] }),
        // IAM offers no resource-level scoping for DescribeConnections.
        new iam.PolicyStatement({ actions: ['dms:DescribeConnections'], resources: ['*'] }),
      ],
      envFromCfnOutputs: {
        TARGET_ENDPOINT_ARN: new CfnOutput(migrate.migration, 'TargetEndpointArn', { value: targetEndpoint.ref }),
        REPLICATION_INSTANCE_ARN: new CfnOutput(migrate.migration, 'ReplicationInstanceArn', { value: instance.ref }),
      },
      commands: [
        'npm ci',
        `${CLI} refresh-schemas --endpoint-arn "$TARGET_ENDPOINT_ARN" --replication-instance-arn "$REPLICATION_INSTANCE_ARN" --wait --timeout 30m`,
      ],
    });
    refreshTarget.addStepDependency(verify);
    // The stack's deploy waits only until DMS accepted the serverless start (capacity
    // provisioning can take longer than CloudFormation's hour): this step waits until
    // the replication runs, for up to 4 hours (exit 1 with DMS's stop reason if it fails).
    const waitForReplication = new pipelines.CodeBuildStep('WaitForServerlessReplication', {
      input: source,
      rolePolicyStatements: [
        // IAM offers no resource-level scoping for DescribeReplications.
        new iam.PolicyStatement({ actions: ['dms:DescribeReplications'], resources: ['*'] }),
      ],
      envFromCfnOutputs: {
        REPLICATION_CONFIG_ARN: new CfnOutput(migrate.migration, 'ServerlessReplicationArn', { value: migrate.migration.serverlessRun.replicationArn }),
      },
      commands: ['npm ci', `${CLI} wait-replication --replication-config-arn "$REPLICATION_CONFIG_ARN" --until running --timeout 4h --poll-interval 30s`],
      timeout: Duration.hours(5),
    });
    // Cut-over readiness: every table loaded and validated, CDC caught up (under 10 s for
    // 5 minutes). A step rather than DmsCutoverReadiness in the stack: a large full load and
    // its validation can take longer than CloudFormation's hour. Exit 1 if a table errored,
    // 3 if not ready within 8 hours; either way it prints what held readiness back.
    // Read by this step and by the cut-over stage (outputs are added before addStage synthesizes the stage).
    const cutoverReplicationArn = new CfnOutput(migrate.migration, 'CutoverReplicationArn', { value: migrate.migration.serverlessRun.replicationArn });
    const cutoverReady = new pipelines.CodeBuildStep('WaitForCutoverReadiness', {
      input: source,
      rolePolicyStatements: [
        new iam.PolicyStatement({ actions: ['dms:DescribeReplicationTableStatistics'], resources: [this.dmsArn('replication-config')] }),
        // IAM offers no resource-level scoping for DescribeReplications nor CloudWatch's metric reads.
        new iam.PolicyStatement({ actions: ['dms:DescribeReplications', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'], resources: ['*'] }),
      ],
      envFromCfnOutputs: { REPLICATION_CONFIG_ARN: cutoverReplicationArn },
      commands: [
        'npm ci',
        `${CLI} wait-replication --replication-config-arn "$REPLICATION_CONFIG_ARN" --until cutover-ready --max-source-latency 10s --max-target-latency 10s --latency-window 5m --timeout 8h --poll-interval 1m`
          + ` || { rc=$?; ${CLI} status --replication-config-arn "$REPLICATION_CONFIG_ARN"; exit $rc; }`,
      ],
      timeout: Duration.hours(9),
    });
    cutoverReady.addStepDependency(waitForReplication);
    // Stages added after this one start only once these steps succeeded.
    pipeline.addStage(migrate, { post: [verify, refreshTarget, waitForReplication, cutoverReady] });

    // The last stage: a person stops the writes to the source, stores the UTC time they
    // stopped in the parameter, and approves. The step then waits for readiness again, by
    // the drained criterion (writes are frozen: CDC latency may publish nothing), makes DMS
    // stop CDC at that time plus the skew margin, and prints the final table statistics. It can run for hours (CloudFormation's hour does not apply), and a
    // retry after a failure or a kill goes on from where DMS is.
    const freezeTime = `/${id}/cutover/freeze-time`;
    const cutover = new pipelines.CodeBuildStep('Cutover', {
      input: source,
      rolePolicyStatements: [
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: freezeTime.slice(1) })] }),
        new iam.PolicyStatement({
          actions: ['dms:DescribeReplicationTableStatistics', 'dms:StopReplication', 'dms:StartReplication'],
          resources: [this.dmsArn('replication-config')],
        }),
        // The command's record of the stop position it asks for: the record of intent (docs/durable-intent.md).
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter', 'ssm:PutParameter'],
          resources: [this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'cdk-dms-lifecycle/intent/*' })],
        }),
        // IAM offers no resource-level scoping for DescribeReplications nor CloudWatch's metric reads.
        new iam.PolicyStatement({ actions: ['dms:DescribeReplications', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'], resources: ['*'] }),
      ],
      envFromCfnOutputs: { REPLICATION_CONFIG_ARN: cutoverReplicationArn },
      env: { FREEZE_TIME_PARAMETER: freezeTime },
      commands: [
        'npm ci',
        'FREEZE_TIME=$(aws ssm get-parameter --name "$FREEZE_TIME_PARAMETER" --query Parameter.Value --output text)',
        'npx --no-install cdk-dms-lifecycle cutover --replication-config-arn "$REPLICATION_CONFIG_ARN" --freeze-time "$FREEZE_TIME" --skew-margin 60s --stop-at commit-time --fallback-after 10m --criterion drained --drained-window 5m --timeout 8h --poll-interval 1m',
      ],
      timeout: Duration.hours(9),
    });
    pipeline.addWave('Cutover', {
      pre: [new pipelines.ManualApprovalStep('ApproveCutover', {
        comment: `Stop the writes to the source, put the UTC time they stopped (2026-11-01T22:00:00Z) in SSM parameter ${freezeTime}, then approve.`,
      })],
      post: [cutover],
    });
  }

  /** Every DMS resource of a type in this stack's account and region. */
  private dmsArn(type: 'endpoint' | 'rep' | 'replication-config'): string {
    return this.formatArn({ service: 'dms', resource: type, resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}
