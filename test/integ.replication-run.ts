/**
 * Integration test (@aws-cdk/integ-tests-alpha): a DMS Serverless replication run by
 * `DmsReplicationRun` in your account, through deploy, an update of its table mappings
 * and destroy, with assertions on DMS's own status.
 *
 * Inputs, as environment variables (the update step re-runs this app from a hook, so they
 * must be in the environment):
 *
 * | environment variable               |                                                         |
 * | ---------------------------------- | ------------------------------------------------------- |
 * | `DMS_SOURCE_ENDPOINT_ARN`          | the source endpoint (its database ready for CDC)        |
 * | `DMS_TARGET_ENDPOINT_ARN`          | the target endpoint                                     |
 * | `DMS_REPLICATION_SUBNET_GROUP_ID`  | optional: the subnet group of the serverless capacity  |
 * | `DMS_VPC_SECURITY_GROUP_IDS`       | optional: comma-separated security group ids            |
 * | `DMS_INTEG_SCHEMA`                 | optional: the schema replicated (default `%`, all)      |
 *
 * Without a source endpoint ARN the app uses placeholder ARNs, so it synthesizes offline:
 * the committed snapshot (`integ.replication-run.ts.snapshot/`) is made that way
 * (`npx projen integ:update`) and checked by `npx projen integ`.
 *
 * The steps, in one `integ-runner` run (integ-runner 2.197 deploys a test case once, then
 * runs its `postDeploy` hooks, then destroys it; its own "update workflow" deploys the
 * committed snapshot first, which holds placeholders, so it is off):
 * 1. deploy (step 1): the config is created and the run starts it (`start-replication`) and
 *    waits until `running`; the assertion stack then checks, with DescribeReplications and
 *    DescribeReplicationConfigs, that DMS shows it `running`, started with
 *    `start-replication`, with step 1's table mappings;
 * 2. update (the `postDeploy` hook, integ-steps/replication-run-steps.ts `update`): the same
 *    app with `DMS_INTEG_STEP=2` is deployed with `cdk deploy`; step 2 adds a table-mapping
 *    rule, so the guard stops the replication, CloudFormation modifies the config and the run
 *    resumes it; the assertion stack, deployed again (its calls carry a new salt, so they
 *    run again), checks that DMS shows it `running` again, resumed with `resume-processing`
 *    (not started from scratch), with step 2's table mappings;
 * 3. destroy: the run stops the replication so that CloudFormation can delete the config; the
 *    `postDestroy` hook (`verify-destroyed`) checks that DMS no longer has the config.
 * Every assertion fails its deployment when DMS answers otherwise (`failDeployment`), so a
 * miss in the hook's deploy fails the run too.
 */
import { ActualResult, EqualsAssertion, ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import { DmsReplicationRun, ReplicationWaitFor } from '../src';

/** The DMS resources the test runs against, and the step (1: deploy, 2: the update). */
export interface RunIntegInputs {
  readonly sourceEndpointArn: string;
  readonly targetEndpointArn: string;
  readonly replicationSubnetGroupId?: string;
  readonly vpcSecurityGroupIds?: string[];
  readonly schema: string;
  readonly step: 1 | 2;
}

/** Literal ARNs of endpoints that do not exist: enough to synthesize, not to deploy. */
export const RUN_PLACEHOLDER_INPUTS: RunIntegInputs = {
  sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:INTEGRUNSOURCEPLACEHOLDER',
  targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:INTEGRUNTARGETPLACEHOLDER',
  schema: '%',
  step: 1,
};

/** The environment variable the update step sets. */
export const STEP_VARIABLE = 'DMS_INTEG_STEP';

/** Names of the stacks, the test and the config (the hooks find them by these). */
export const RUN_INTEG = {
  testStack: 'DmsRunInteg',
  assertionStack: 'DmsRunIntegAssertions',
  test: 'DmsReplicationRunIntegTest',
  configOutput: 'ReplicationConfigArn',
} as const;

/** Reads the inputs from the environment; placeholders (at the step asked for) when no source endpoint is named. */
export function runIntegInputs(env: NodeJS.ProcessEnv = process.env): RunIntegInputs {
  const stepValue = env[STEP_VARIABLE] || '1';
  if (stepValue !== '1' && stepValue !== '2') {
    throw new Error(`integ.replication-run: ${STEP_VARIABLE} must be 1 or 2, not "${stepValue}"`);
  }
  const step = Number(stepValue) as 1 | 2;
  const sourceEndpointArn = env.DMS_SOURCE_ENDPOINT_ARN || undefined;
  if (sourceEndpointArn === undefined) return { ...RUN_PLACEHOLDER_INPUTS, step };
  const targetEndpointArn = env.DMS_TARGET_ENDPOINT_ARN || undefined;
  if (targetEndpointArn === undefined) {
    throw new Error('integ.replication-run: with a source endpoint ARN, also give the target endpoint ARN (DMS_TARGET_ENDPOINT_ARN)');
  }
  const groups = env.DMS_VPC_SECURITY_GROUP_IDS?.split(',').map((g) => g.trim()).filter(Boolean);
  return {
    sourceEndpointArn,
    targetEndpointArn,
    replicationSubnetGroupId: env.DMS_REPLICATION_SUBNET_GROUP_ID || undefined,
    vpcSecurityGroupIds: groups?.length ? groups : undefined,
    schema: env.DMS_INTEG_SCHEMA || '%',
    step,
  };
}

/** The rule whose name and table differ per step: what makes step 2 an update of the table mappings. */
export function stepRuleName(step: 1 | 2): string {
  return `dms-lifecycle-integ-step-${step}`;
}

/** Table mappings of a step: the schema's tables, less one (absent) table named for the step. */
export function tableMappings(schema: string, step: 1 | 2): object {
  return {
    rules: [
      {
        'rule-type': 'selection',
        'rule-id': '1',
        'rule-name': 'dms-lifecycle-integ-include',
        'object-locator': { 'schema-name': schema, 'table-name': '%' },
        'rule-action': 'include',
      },
      {
        'rule-type': 'selection',
        'rule-id': '2',
        'rule-name': stepRuleName(step),
        'object-locator': { 'schema-name': schema, 'table-name': `dms_lifecycle_integ_step_${step}` },
        'rule-action': 'exclude',
      },
    ],
  };
}

/**
 * Builds the test stack (a serverless replication config and its run), the assertion stack
 * and the IntegTest, for one step. Both stacks are pinned to the source endpoint's region.
 */
export function buildRunIntegApp(app: App, inputs: RunIntegInputs): IntegTest {
  const region = inputs.sourceEndpointArn.split(':')[3];
  const stack = new Stack(app, RUN_INTEG.testStack, { env: { region } });

  const config = new dms.CfnReplicationConfig(stack, 'Replication', {
    replicationConfigIdentifier: 'dms-lifecycle-integ-run',
    replicationType: 'full-load-and-cdc',
    sourceEndpointArn: inputs.sourceEndpointArn,
    targetEndpointArn: inputs.targetEndpointArn,
    computeConfig: {
      maxCapacityUnits: 2,
      multiAz: false,
      replicationSubnetGroupId: inputs.replicationSubnetGroupId,
      vpcSecurityGroupIds: inputs.vpcSecurityGroupIds,
    },
    tableMappings: tableMappings(inputs.schema, inputs.step),
  });
  const run = DmsReplicationRun.forReplicationConfig(stack, 'Run', config, {
    waitFor: ReplicationWaitFor.RUNNING,
    // Serverless capacity may take long to provision; a custom resource has at most an hour.
    timeout: Duration.minutes(55),
  });
  new CfnOutput(stack, RUN_INTEG.configOutput, { value: config.attrReplicationConfigArn });
  new CfnOutput(stack, 'RunStatus', { value: run.status });
  new CfnOutput(stack, 'RunStartType', { value: run.startType });

  const assertionStack = new Stack(app, RUN_INTEG.assertionStack, { env: { region } });
  assertionStack.addDependency(stack);

  const integ = new IntegTest(app, RUN_INTEG.test, {
    testCases: [stack],
    assertionStack,
    // The snapshot holds placeholder ARNs: deploying it first cannot work (see the header).
    stackUpdateWorkflow: false,
    hooks: {
      postDeploy: ['npx ts-node --transpile-only integ-steps/replication-run-steps.ts update'],
      postDestroy: ['npx ts-node --transpile-only integ-steps/replication-run-steps.ts verify-destroyed'],
    },
  });

  const filter = [{ Name: 'replication-config-arn', Values: [config.attrReplicationConfigArn] }];
  const replication = integ.assertions.awsApiCall('@aws-sdk/client-database-migration-service', 'DescribeReplications', { Filters: filter });
  const configs = integ.assertions.awsApiCall('@aws-sdk/client-database-migration-service', 'DescribeReplicationConfigs', { Filters: filter });
  const expect = (id: string, actual: ActualResult, expected: ExpectedResult) =>
    new EqualsAssertion(assertionStack, `Step${inputs.step}${id}`, { actual, expected, failDeployment: true });
  expect('Running', ActualResult.fromAwsApiCall(replication, 'Replications.0.Status'), ExpectedResult.exact('running'));
  // Step 1 started it; step 2 must have resumed it, never started it from scratch.
  expect('StartType', ActualResult.fromAwsApiCall(replication, 'Replications.0.StartReplicationType'),
    ExpectedResult.exact(inputs.step === 1 ? 'start-replication' : 'resume-processing'));
  expect('TableMappings', ActualResult.fromAwsApiCall(configs, 'ReplicationConfigs.0.TableMappings'),
    ExpectedResult.stringLikeRegexp(stepRuleName(inputs.step)));
  return integ;
}

/** Context that keeps this machine's paths (stack traces) out of the committed snapshot. */
export const RUN_SNAPSHOT_CONTEXT = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
};

if (require.main === module) {
  const app = new App({ context: RUN_SNAPSHOT_CONTEXT });
  buildRunIntegApp(app, runIntegInputs());
  app.synth();
}
