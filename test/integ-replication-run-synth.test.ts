/**
 * The replication-run integ app (test/integ.replication-run.ts) offline: what each step
 * deploys and asserts, the hooks that make the update step, and the committed snapshot.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildRunIntegApp, RUN_INTEG, RUN_PLACEHOLDER_INPUTS, RUN_SNAPSHOT_CONTEXT, runIntegInputs, RunIntegInputs, stepRuleName } from './integ.replication-run';

const SNAPSHOT = path.join(__dirname, 'integ.replication-run.ts.snapshot');

function synth(inputs: RunIntegInputs) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'integ-run-synth-')), context: RUN_SNAPSHOT_CONTEXT });
  buildRunIntegApp(app, inputs);
  const assembly = app.synth();
  return {
    test: Template.fromJSON(assembly.getStackByName(RUN_INTEG.testStack).template),
    assertions: assembly.getStackByName(RUN_INTEG.assertionStack).template,
    integManifest: JSON.parse(fs.readFileSync(path.join(assembly.directory, 'integ.json'), 'utf8')),
  };
}

/** The assertion stack's checks: API calls and equality assertions, without the per-synth salt. */
function checks(template: any) {
  const strip = ({ salt, ServiceToken, ...rest }: any) => rest;
  return Object.entries<any>(template.Resources)
    .filter(([, r]) => r.Type.startsWith('Custom::DeployAssert@'))
    .map(([id, r]) => ({ id: r.Type === 'Custom::DeployAssert@AssertEquals' ? id : r.Properties.api, type: r.Type, ...strip(r.Properties) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

const mappingsOf = (t: Template) => Object.values<any>(t.findResources('AWS::DMS::ReplicationConfig'))[0].Properties.TableMappings;

describe('inputs', () => {
  test('placeholders without a source endpoint ARN, at step 1 unless DMS_INTEG_STEP says 2', () => {
    expect(runIntegInputs({})).toEqual(RUN_PLACEHOLDER_INPUTS);
    expect(runIntegInputs({ DMS_INTEG_STEP: '2' })).toEqual({ ...RUN_PLACEHOLDER_INPUTS, step: 2 });
  });

  test('read from the environment; a source without a target, or another step, is an error that says what to give', () => {
    const source = 'arn:aws:dms:eu-west-1:111122223333:endpoint:SRC';
    const target = 'arn:aws:dms:eu-west-1:111122223333:endpoint:TGT';
    expect(runIntegInputs({
      DMS_SOURCE_ENDPOINT_ARN: source, DMS_TARGET_ENDPOINT_ARN: target, DMS_VPC_SECURITY_GROUP_IDS: 'sg-1, sg-2', DMS_INTEG_SCHEMA: 'sales',
    })).toEqual({ sourceEndpointArn: source, targetEndpointArn: target, vpcSecurityGroupIds: ['sg-1', 'sg-2'], schema: 'sales', step: 1 });
    expect(() => runIntegInputs({ DMS_SOURCE_ENDPOINT_ARN: source })).toThrow(/DMS_TARGET_ENDPOINT_ARN/);
    expect(() => runIntegInputs({ DMS_INTEG_STEP: '3' })).toThrow(/DMS_INTEG_STEP must be 1 or 2/);
  });
});

describe('the two steps', () => {
  const step1 = synth(RUN_PLACEHOLDER_INPUTS);
  const step2 = synth({ ...RUN_PLACEHOLDER_INPUTS, step: 2 });

  test('deploy: a serverless config run until running, its ARN an output for the destroy check', () => {
    step1.test.hasResourceProperties('AWS::DMS::ReplicationConfig', { SourceEndpointArn: RUN_PLACEHOLDER_INPUTS.sourceEndpointArn });
    step1.test.resourceCountIs('Custom::DmsReplicationRun', 1);
    step1.test.hasResourceProperties('Custom::DmsReplicationRun', { WaitFor: 'running' });
    step1.test.hasOutput(RUN_INTEG.configOutput, {});
  });

  test('the update changes the table mappings (the step rule) and nothing else of the config', () => {
    const [m1, m2] = [mappingsOf(step1.test), mappingsOf(step2.test)];
    expect(JSON.stringify(m1)).toContain(stepRuleName(1));
    expect(JSON.stringify(m2)).toContain(stepRuleName(2));
    expect(m1).not.toEqual(m2);
    const rest = (t: Template) => {
      const { TableMappings, ...others } = Object.values<any>(t.findResources('AWS::DMS::ReplicationConfig'))[0].Properties;
      return others;
    };
    expect(rest(step2.test)).toEqual(rest(step1.test));
  });

  test('each step asserts DMS\'s status, start type and table mappings, failing the deployment otherwise', () => {
    const expected = (step: 1 | 2) => ({
      [`Step${step}Running`]: '{"$Exact":"running"}',
      [`Step${step}StartType`]: `{"$Exact":"${step === 1 ? 'start-replication' : 'resume-processing'}"}`,
      [`Step${step}TableMappings`]: `{"$StringLike":"${stepRuleName(step)}"}`,
    });
    for (const [step, s] of [[1, step1], [2, step2]] as const) {
      const equals = checks(s.assertions).filter((c) => c.type === 'Custom::DeployAssert@AssertEquals');
      expect(Object.fromEntries(equals.map((c) => [c.id, c.expected]))).toEqual(expected(step));
      expect(equals.every((c) => c.failDeployment === true)).toBe(true);
      const calls = checks(s.assertions).filter((c) => c.type !== 'Custom::DeployAssert@AssertEquals');
      expect(calls.map((c) => c.id)).toEqual(['DescribeReplicationConfigs', 'DescribeReplications']);
      expect(calls.every((c) => c.service === '@aws-sdk/client-database-migration-service')).toBe(true);
    }
  });

  test('integ.json: no update workflow; the hooks run the update step and the destroy check from test/', () => {
    const testCase = step1.integManifest.testCases[`${RUN_INTEG.test}/DefaultTest`];
    expect(testCase).toEqual(expect.objectContaining({
      stacks: [RUN_INTEG.testStack], assertionStack: RUN_INTEG.assertionStack, stackUpdateWorkflow: false,
    }));
    const script = (cmd: string) => cmd.split(' ').find((w) => w.endsWith('.ts'))!;
    for (const [hook, command] of [['postDeploy', 'update'], ['postDestroy', 'verify-destroyed']] as const) {
      expect(testCase.hooks[hook]).toHaveLength(1);
      expect(testCase.hooks[hook][0].split(' ').pop()).toBe(command);
      expect(fs.existsSync(path.join(__dirname, script(testCase.hooks[hook][0])))).toBe(true);
    }
  });

  // integ-runner's snapshot check compares the test stack only: pin the committed assertions to the app's.
  test('the committed snapshot holds the same assertions and hooks (run `npx projen integ:update` if not)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(SNAPSHOT, `${RUN_INTEG.assertionStack}.template.json`), 'utf8'));
    expect(checks(committed)).toEqual(checks(step1.assertions));
    const committedInteg = JSON.parse(fs.readFileSync(path.join(SNAPSHOT, 'integ.json'), 'utf8'));
    expect(committedInteg.testCases).toEqual(step1.integManifest.testCases);
  });
});
