import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseArguments } from '../cli/arguments';
import { migrationConfig } from '../examples/dms-migration/migration-config';
import { DmsMigrationStack } from '../examples/dms-migration/migration-stack';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'dms-migration');

describe('the example app synthesizes offline with the real aws-cdk CLI', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-synth-'));
    execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], { cwd: EXAMPLE, stdio: 'pipe', timeout: 120_000 });
  }, 150_000);
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const template = (file: string) => JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));

  test('the migration stack has the lifecycle resources', () => {
    const resources = Object.values(template('DmsMigration.template.json').Resources) as any[];
    const count = (type: string) => resources.filter((r) => r.Type === type).length;
    expect(count('Custom::DmsConnectionTest')).toBe(2);
    expect(count('Custom::DmsSchemaRefresh')).toBe(1);
    expect(count('Custom::DmsReplicationRun')).toBe(2);
    expect(count('Custom::DmsReplicationGuard')).toBe(2);
    expect(count('Custom::DmsPremigrationAssessment')).toBe(2);
    expect(count('AWS::DMS::ReplicationConfig')).toBe(1);
    expect(count('AWS::DMS::ReplicationTask')).toBe(1);
  });

  test('the pipeline stage carries the migration stack and its refresh outputs for the post steps', () => {
    const stageDir = 'assembly-DmsMigrationPipeline-Migrate';
    const stageTemplate = fs.readdirSync(path.join(outdir, stageDir)).find((f) => /DmsMigration.*\.template\.json$/.test(f))!;
    const stage = template(path.join(stageDir, stageTemplate));
    expect(Object.keys(stage.Outputs)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^RefreshSourceRefreshStatus/),
      expect.stringMatching(/^RefreshSourceLastRefreshDate/),
    ]));
    const pipeline = JSON.stringify(template('DmsMigrationPipeline.template.json'));
    expect(pipeline).toContain('VerifySchemaRefresh');
    expect(pipeline).toContain('cdk-dms-lifecycle refresh-schemas');
    expect(pipeline).toContain('cdk-dms-lifecycle wait-replication --replication-config-arn');
    expect(pipeline).toContain('WaitForCutoverReadiness');
    expect(pipeline).toContain('--until cutover-ready --max-source-latency 10s');
  });

  test('every CLI step runs the package the build installed (npx --no-install), never one npx would download', () => {
    const projects = Object.values(template('DmsMigrationPipeline.template.json').Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::CodeBuild::Project');
    const commands = projects.map((p) => p.Properties.Source.BuildSpec).filter((b): b is string => typeof b === 'string')
      .flatMap((b) => JSON.parse(b).phases.build.commands as string[]);
    const cliCalls = commands.flatMap((c) => c.match(/npx(?: [-\w]+)* cdk-dms-lifecycle/g) ?? []);
    expect(cliCalls.length).toBeGreaterThanOrEqual(3);
    expect(new Set(cliCalls)).toEqual(new Set(['npx --no-install cdk-dms-lifecycle']));
  });

  test('the last stage is the cut-over: a manual approval, then the cutover command with the freeze time from SSM, ready by the drained criterion', () => {
    const resources = Object.values(template('DmsMigrationPipeline.template.json').Resources as Record<string, any>);
    const stages = resources.find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!.Properties.Stages as any[];
    const last = stages[stages.length - 1];
    expect(last.Name).toBe('Cutover');
    const actions = [...last.Actions].sort((a: any, b: any) => a.RunOrder - b.RunOrder);
    expect(actions.map((a: any) => [a.ActionTypeId.Category, a.ActionTypeId.Provider])).toEqual([['Approval', 'Manual'], ['Build', 'CodeBuild']]);
    const spec = resources.filter((r) => r.Type === 'AWS::CodeBuild::Project').map((p) => p.Properties.Source.BuildSpec)
      .find((b): b is string => typeof b === 'string' && b.includes('cdk-dms-lifecycle cutover'))!;
    const commands = JSON.parse(spec).phases.build.commands as string[];
    expect(commands).toEqual(expect.arrayContaining([
      expect.stringMatching(/^FREEZE_TIME=\$\(aws ssm get-parameter --name "\$FREEZE_TIME_PARAMETER"/),
      expect.stringMatching(/^npx --no-install cdk-dms-lifecycle cutover --replication-config-arn "\$REPLICATION_CONFIG_ARN" --freeze-time "\$FREEZE_TIME" --skew-margin 60s/),
    ]));
    // The command line parses as the CLI reads it.
    const line = commands.find((c) => c.includes('cdk-dms-lifecycle cutover'))!.replace(/"\$REPLICATION_CONFIG_ARN"/, 'arn:aws:dms:us-east-1:123456789012:replication-config:X').replace(/"\$FREEZE_TIME"/, '2026-11-01T22:00:00Z');
    const parsed = parseArguments(line.split(' ').slice(3));
    expect(parsed).toMatchObject({ kind: 'run', command: { name: 'cutover', stopAt: 'commit_time', skewMarginMs: 60_000, fallbackAfterMs: 600_000, wait: { timeoutMs: 8 * 3600_000 } } });
    // Writes are frozen before the approval: the drained criterion, not a latency window that may read nothing.
    expect(parsed).toMatchObject({ command: { readiness: { drained: { windowMs: 5 * 60_000 } } } });
    expect((parsed as any).command.readiness.latency).toBeUndefined();
  });

  test('the cut-over step prints the status when the wait fails, and keeps the wait\'s exit code (1 errored, 3 timed out)', () => {
    const projects = Object.values(template('DmsMigrationPipeline.template.json').Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::CodeBuild::Project');
    const specs = projects.map((p) => p.Properties.Source.BuildSpec).filter((b): b is string => typeof b === 'string' && b.includes('cutover-ready'));
    expect(specs).toHaveLength(1);
    const command = (JSON.parse(specs[0]).phases.build.commands as string[]).find((c) => c.includes('--until cutover-ready'))!;
    // An npx that fails the wait with the given code and prints a line for status.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-npx-'));
    fs.writeFileSync(path.join(bin, 'npx'), '#!/bin/sh\n[ "$1 $2" = "--no-install cdk-dms-lifecycle" ] || exit 99\ncase "$3" in wait-replication) exit "$WAIT_RC";; status) echo status-printed;; esac\n', { mode: 0o755 });
    try {
      for (const rc of [1, 3]) {
        const run = spawnSync('sh', ['-c', command], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, WAIT_RC: String(rc) }, encoding: 'utf8' });
        expect({ status: run.status, stdout: run.stdout }).toEqual({ status: rc, stdout: 'status-printed\n' });
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

test('in the example, the replications depend on the refresh, the target test and their guards; the runs on the replications', () => {
  const app = new App();
  const stack = new DmsMigrationStack(app, 'DmsMigration', { config: migrationConfig(app.node) });
  const t = Template.fromStack(stack).toJSON().Resources;
  const id = (prefix: string) => Object.keys(t).find((k) => k.startsWith(prefix))!;
  expect(t.ServerlessReplication.DependsOn).toEqual(expect.arrayContaining([id('RefreshSource'), id('TestTarget'), id('RunServerlessReplicationGuard')]));
  expect(t.ReplicationTask.DependsOn).toEqual(expect.arrayContaining([id('RefreshSource'), id('TestTarget'), id('RunReplicationTaskGuard')]));
  expect(t[id('RefreshSource')].DependsOn).toEqual(expect.arrayContaining([id('TestSource')]));
  const run = (prefix: string) => Object.keys(t).find((k) => k.startsWith(prefix) && t[k].Type === 'Custom::DmsReplicationRun')!;
  expect(t[run('RunServerlessReplication')].Properties.ReplicationConfigArn).toEqual({ Ref: 'ServerlessReplication' });
  expect(t[run('RunReplicationTask')].Properties.ReplicationTaskArn).toEqual({ Ref: 'ReplicationTask' });
  // Each run starts only after its assessment passed.
  expect(t[run('RunServerlessReplication')].DependsOn).toEqual(expect.arrayContaining([id('AssessServerlessReplication')]));
  expect(t[run('RunReplicationTask')].DependsOn).toEqual(expect.arrayContaining([id('AssessReplicationTask')]));
});

test('the example places the lifecycle handlers in the migration\'s subnets and encrypts their logs when vpcId is given', () => {
  const app = new App();
  const config = migrationConfig(app.node);
  const t = Template.fromStack(new DmsMigrationStack(app, 'DmsMigration', { config }));
  const functions = Object.values<any>(t.findResources('AWS::Lambda::Function'));
  expect(functions.length).toBeGreaterThan(0);
  for (const fn of functions) expect(fn.Properties.VpcConfig.SubnetIds).toEqual(config.subnetIds);
  for (const group of Object.values<any>(t.findResources('AWS::Logs::LogGroup'))) expect(group.Properties.KmsKeyId).toBeDefined();

  const withoutVpc = Template.fromStack(new DmsMigrationStack(new App(), 'DmsMigration', { config: { ...config, vpcId: undefined } }));
  for (const fn of Object.values<any>(withoutVpc.findResources('AWS::Lambda::Function'))) expect(fn.Properties.VpcConfig).toBeUndefined();
});
