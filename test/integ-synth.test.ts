import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildIntegApp, integInputs, IntegInputs, PLACEHOLDER_INPUTS, SNAPSHOT_CONTEXT } from './integ.schema-refresh';

const SNAPSHOT = path.join(__dirname, 'integ.schema-refresh.ts.snapshot');
const DMS_CLIENT = '@aws-sdk/client-database-migration-service';

/** Synthesizes the integ app into a temporary directory: the two stacks and integ.json. */
function synthIntegApp(inputs: IntegInputs) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'integ-synth-')), context: SNAPSHOT_CONTEXT });
  buildIntegApp(app, inputs);
  const assembly = app.synth();
  const integManifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'integ.json'), 'utf8'));
  return {
    test: Template.fromJSON(assembly.getStackByName('DmsLifecycleInteg').template),
    assertions: Template.fromJSON(assembly.getStackByName('DmsLifecycleIntegAssertions').template),
    stacks: assembly.stacks,
    integManifest,
  };
}

/** The assertion's SDK call, as the assertion stack's custom resource carries it. */
function describeCall(template: any) {
  const calls = Object.values<any>(template.Resources).filter((r) => r.Type.startsWith('Custom::DeployAssert@SdkCall'));
  expect(calls).toHaveLength(1);
  const { service, api, parameters, expected } = calls[0].Properties;
  return { service, api, parameters, expected };
}

describe('integ.schema-refresh app, with placeholder ARNs (the committed snapshot)', () => {
  let synth: ReturnType<typeof synthIntegApp>;
  beforeAll(() => {
    synth = synthIntegApp(PLACEHOLDER_INPUTS);
  });

  test('are what it uses when no endpoint ARN is given', () => {
    expect(integInputs(new App(), {})).toBe(PLACEHOLDER_INPUTS);
  });

  test('the test stack refreshes the endpoint and tears the replication down', () => {
    synth.test.hasResourceProperties('Custom::DmsSchemaRefresh', {
      EndpointArn: PLACEHOLDER_INPUTS.endpointArn,
      ReplicationInstanceArn: PLACEHOLDER_INPUTS.replicationInstanceArn,
    });
    synth.test.resourceCountIs('Custom::DmsReplicationTeardown', 1);
    synth.test.hasResourceProperties('Custom::DmsReplicationTeardown', {
      ReplicationConfigArn: PLACEHOLDER_INPUTS.replicationConfigArn,
    });
    synth.test.hasOutput('RefreshStatus', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'Status'] } });
  });

  test('the assertion stack calls DescribeRefreshSchemasStatus (SDK v3) and expects successful', () => {
    expect(describeCall(synth.assertions.toJSON())).toEqual({
      service: DMS_CLIENT,
      api: 'DescribeRefreshSchemasStatus',
      parameters: { EndpointArn: JSON.stringify(PLACEHOLDER_INPUTS.endpointArn) },
      expected: JSON.stringify({ $ObjectLike: { RefreshSchemasStatus: { Status: 'successful' } } }),
    });
    // The assertion handler may call exactly that, and the IAM prefix is DMS's own.
    synth.assertions.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{
        PolicyDocument: {
          Statement: [{ Action: ['dms:DescribeRefreshSchemasStatus'], Effect: 'Allow', Resource: ['*'] }],
        },
      }],
    });
  });

  test('integ.json names the test case, its assertion stack, and no update workflow', () => {
    expect(synth.integManifest.testCases).toEqual({
      'DmsSchemaRefreshIntegTest/DefaultTest': expect.objectContaining({
        stacks: ['DmsLifecycleInteg'],
        assertionStack: 'DmsLifecycleIntegAssertions',
        stackUpdateWorkflow: false,
      }),
    });
  });

  test('both stacks are pinned to the region of the endpoint ARN', () => {
    expect(synth.stacks.map((s) => s.environment.region)).toEqual(['us-east-1', 'us-east-1']);
  });

  // integ-runner's snapshot check compares the test stacks only, not the assertion stack:
  // pin the committed assertion to the app's.
  test('the committed snapshot holds the same assertion (run `npx projen integ:update` if not)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(SNAPSHOT, 'DmsLifecycleIntegAssertions.template.json'), 'utf8'));
    expect(describeCall(committed)).toEqual(describeCall(synth.assertions.toJSON()));
  });
});

describe('integ.schema-refresh app, with your ARNs', () => {
  const endpointArn = 'arn:aws:dms:eu-west-1:111122223333:endpoint:SOURCEENDPOINT';
  const replicationInstanceArn = 'arn:aws:dms:eu-west-1:111122223333:rep:INSTANCE';
  const replicationConfigArn = 'arn:aws:dms:eu-west-1:111122223333:replication-config:CONFIG';

  test('are read from environment variables', () => {
    const env = {
      DMS_ENDPOINT_ARN: endpointArn,
      DMS_REPLICATION_INSTANCE_ARN: replicationInstanceArn,
      DMS_REPLICATION_CONFIG_ARN: replicationConfigArn,
    };
    expect(integInputs(new App(), env)).toEqual({ endpointArn, replicationInstanceArn, replicationConfigArn });
  });

  test('context wins over the environment; the config ARN is optional', () => {
    const app = new App({ context: { endpointArn, replicationInstanceArn } });
    expect(integInputs(app, { DMS_ENDPOINT_ARN: PLACEHOLDER_INPUTS.endpointArn })).toEqual({
      endpointArn,
      replicationInstanceArn,
      replicationConfigArn: undefined,
    });
  });

  test('an endpoint without a replication instance is an error that names both ways to give it', () => {
    expect(() => integInputs(new App(), { DMS_ENDPOINT_ARN: endpointArn }))
      .toThrow(/replicationInstanceArn or DMS_REPLICATION_INSTANCE_ARN/);
  });

  test('no config ARN: no teardown, and the assertion runs in the endpoint\'s region', () => {
    const synth = synthIntegApp({ endpointArn, replicationInstanceArn });
    synth.test.resourceCountIs('Custom::DmsReplicationTeardown', 0);
    synth.test.hasResourceProperties('Custom::DmsSchemaRefresh', { EndpointArn: endpointArn });
    expect(describeCall(synth.assertions.toJSON()).parameters).toEqual({ EndpointArn: JSON.stringify(endpointArn) });
    expect(synth.stacks.map((s) => s.environment.region)).toEqual(['eu-west-1', 'eu-west-1']);
    // Leaving out the snapshot's (placeholder) teardown is not a destructive change.
    expect(synth.integManifest.testCases['DmsSchemaRefreshIntegTest/DefaultTest'].allowDestroy)
      .toContain('Custom::DmsReplicationTeardown');
  });
});
