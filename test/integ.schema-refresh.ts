/**
 * Integration test (@aws-cdk/integ-tests-alpha): a schema refresh and a replication
 * teardown against DMS resources that already exist in your account.
 *
 * Inputs, as context (`-c endpointArn=...`) or environment variables:
 *
 * | context                  | environment variable           |                                             |
 * | ------------------------ | ------------------------------ | ------------------------------------------- |
 * | `endpointArn`            | `DMS_ENDPOINT_ARN`             | the endpoint whose schemas are refreshed    |
 * | `replicationInstanceArn` | `DMS_REPLICATION_INSTANCE_ARN` | the replication instance that refreshes     |
 * | `replicationConfigArn`   | `DMS_REPLICATION_CONFIG_ARN`   | optional: a DMS Serverless replication that |
 * |                          |                                | is STOPPED when the test stack is destroyed |
 *
 * Without an endpoint ARN the app uses placeholder ARNs for all three, so it synthesizes
 * offline: the committed snapshot (`integ.schema-refresh.ts.snapshot/`) is made that way
 * (`npx projen integ:update`) and checked by `npx projen integ`.
 *
 * Deployed (`npx integ-runner --update-on-failed`), the test stack refreshes the endpoint's
 * schemas; then the assertion stack calls `DescribeRefreshSchemasStatus` and expects
 * `successful`; then both are destroyed, and the teardown (if a config ARN was given)
 * stops that replication first and waits until it is stopped.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { DmsReplicationTeardown, DmsSchemaRefresh } from '../src';

/** The DMS resources the test runs against. */
export interface IntegInputs {
  readonly endpointArn: string;
  readonly replicationInstanceArn: string;
  readonly replicationConfigArn?: string;
}

/** Literal ARNs of resources that do not exist: enough to synthesize, not to deploy. */
export const PLACEHOLDER_INPUTS: Required<IntegInputs> = {
  endpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:INTEGSOURCEENDPOINTPLACEHOLD',
  replicationInstanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:INTEGREPLICATIONINSTANCEPLACE',
  replicationConfigArn: 'arn:aws:dms:us-east-1:123456789012:replication-config:INTEGREPLICATIONCONFIGPLACE',
};

/** Reads the inputs from context, then the environment; placeholders when no endpoint is named. */
export function integInputs(app: App, env: NodeJS.ProcessEnv = process.env): IntegInputs {
  const read = (contextKey: string, envName: string): string | undefined =>
    (app.node.tryGetContext(contextKey) as string | undefined) ?? (env[envName] || undefined);
  const endpointArn = read('endpointArn', 'DMS_ENDPOINT_ARN');
  if (endpointArn === undefined) return PLACEHOLDER_INPUTS;
  const replicationInstanceArn = read('replicationInstanceArn', 'DMS_REPLICATION_INSTANCE_ARN');
  if (replicationInstanceArn === undefined) {
    throw new Error('integ.schema-refresh: with an endpoint ARN, also give the replication instance ARN '
      + '(context replicationInstanceArn or DMS_REPLICATION_INSTANCE_ARN)');
  }
  return { endpointArn, replicationInstanceArn, replicationConfigArn: read('replicationConfigArn', 'DMS_REPLICATION_CONFIG_ARN') };
}

/** The resource types a DmsReplicationTeardown (with its provider) adds to a stack. */
const TEARDOWN_RESOURCE_TYPES = [
  'Custom::DmsReplicationTeardown',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::StepFunctions::StateMachine',
];

/**
 * Builds the test stack, the assertion stack and the IntegTest. Both stacks are pinned
 * to the endpoint's region: the assertion calls DMS in its own stack's region.
 */
export function buildIntegApp(app: App, inputs: IntegInputs): IntegTest {
  const region = inputs.endpointArn.split(':')[3];
  const stack = new Stack(app, 'DmsLifecycleInteg', { env: { region } });

  const refresh = new DmsSchemaRefresh(stack, 'Refresh', {
    endpointArn: inputs.endpointArn,
    replicationInstanceArn: inputs.replicationInstanceArn,
    timeout: Duration.minutes(30),
  });
  new CfnOutput(stack, 'RefreshStatus', { value: refresh.refreshStatus });
  new CfnOutput(stack, 'LastRefreshDate', { value: refresh.lastRefreshDate });

  if (inputs.replicationConfigArn !== undefined) {
    new DmsReplicationTeardown(stack, 'Teardown', {
      replicationConfigArn: inputs.replicationConfigArn,
      timeout: Duration.minutes(30),
    });
  }

  // integ-runner deploys the assertion stack after the test stack; the dependency makes
  // `cdk deploy --all` do the same.
  const assertionStack = new Stack(app, 'DmsLifecycleIntegAssertions', { env: { region } });
  assertionStack.addDependency(stack);

  const integ = new IntegTest(app, 'DmsSchemaRefreshIntegTest', {
    testCases: [stack],
    assertionStack,
    // The snapshot holds placeholder ARNs: deploying it first ("update workflow") cannot
    // work, and leaving it out keeps asset bundles out of the committed snapshot.
    stackUpdateWorkflow: false,
    // Without a config ARN the teardown of the (placeholder) snapshot is left out: not a
    // destructive change of anything deployed, so integ-runner should not fail the run for it.
    allowDestroy: inputs.replicationConfigArn === undefined ? TEARDOWN_RESOURCE_TYPES : undefined,
  });

  // The SDK v3 package name: the assertion handler loads that client and grants
  // `dms:DescribeRefreshSchemasStatus`. ('DatabaseMigrationService' is no SDK name: it
  // would grant `databasemigrationservice:*` and load no client; SDK v2 called it 'DMS'.)
  integ.assertions
    .awsApiCall('@aws-sdk/client-database-migration-service', 'DescribeRefreshSchemasStatus', {
      EndpointArn: inputs.endpointArn,
    })
    .expect(ExpectedResult.objectLike({ RefreshSchemasStatus: { Status: 'successful' } }));

  return integ;
}

/** Context that keeps this machine's paths (stack traces) out of the committed snapshot. */
export const SNAPSHOT_CONTEXT = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
};

if (require.main === module) {
  const app = new App({ context: SNAPSHOT_CONTEXT });
  buildIntegApp(app, integInputs(app));
  app.synth();
}
