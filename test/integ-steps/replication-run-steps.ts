/**
 * The hooks of test/integ.replication-run.ts, run by integ-runner from test/ against your
 * account (never in the offline snapshot check):
 *
 * - `update` (postDeploy): deploys the same app at step 2 (`DMS_INTEG_STEP=2`: new table
 *   mappings) with the `cdk` CLI, the test stack first, then the assertion stack without
 *   rollback, so a failed assertion (`failDeployment`) shows DMS's answer and fails the run.
 * - `verify-destroyed` (postDestroy): DMS no longer has the replication config of the
 *   deploy (its ARN is in the step's outputs file), i.e. the run stopped it and
 *   CloudFormation could delete it.
 *
 * Exits non-zero on any failure: integ-runner then fails the test.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DatabaseMigrationServiceClient, DescribeReplicationConfigsCommand } from '@aws-sdk/client-database-migration-service';
import { RUN_INTEG, STEP_VARIABLE } from '../integ.replication-run';

const TEST_DIR = path.resolve(__dirname, '..');
const OUT_DIR = path.join(TEST_DIR, 'cdk-integ.out.replication-run-step-2');
const OUTPUTS_FILE = path.join(OUT_DIR, 'outputs.json');
const APP = `npx ts-node --transpile-only ${path.join(TEST_DIR, 'integ.replication-run.ts')}`;

function cdk(args: string[]): void {
  const result = spawnSync('npx', ['cdk', ...args, '--app', APP, '--output', OUT_DIR, '--require-approval', 'never'], {
    cwd: TEST_DIR,
    stdio: 'inherit',
    env: { ...process.env, [STEP_VARIABLE]: '2' },
  });
  if (result.status !== 0) throw new Error(`cdk ${args.join(' ')} exited ${result.status ?? result.signal}`);
}

function update(): void {
  cdk(['deploy', RUN_INTEG.testStack, '--exclusively', '--outputs-file', OUTPUTS_FILE]);
  cdk(['deploy', RUN_INTEG.assertionStack, '--exclusively', '--no-rollback']);
}

async function verifyDestroyed(): Promise<void> {
  if (!fs.existsSync(OUTPUTS_FILE)) throw new Error(`no ${OUTPUTS_FILE}: the update step did not deploy, so there is no config ARN to check`);
  const outputs = JSON.parse(fs.readFileSync(OUTPUTS_FILE, 'utf8'));
  const arn: string = outputs[RUN_INTEG.testStack][RUN_INTEG.configOutput];
  const client = new DatabaseMigrationServiceClient({ region: arn.split(':')[3] });
  const found = await client.send(new DescribeReplicationConfigsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }))
    .then((r) => r.ReplicationConfigs ?? [], (err) => {
      if ((err as Error).name === 'ResourceNotFoundFault') return [];
      throw err;
    });
  if (found.length) throw new Error(`DMS still has replication config ${arn} after destroy`);
  console.log(`DMS no longer has replication config ${arn}`);
}

async function main(command: string | undefined): Promise<void> {
  if (command === 'update') update();
  else if (command === 'verify-destroyed') await verifyDestroyed();
  else throw new Error('usage: replication-run-steps.ts update | verify-destroyed');
}

main(process.argv[2]).catch((err) => {
  console.error(`integ.replication-run: ${(err as Error).message}`);
  process.exit(1);
});
