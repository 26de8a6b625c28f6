import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { migrationConfig } from '../../examples/dms-migration/migration-config';
import { DmsMigrationStack } from '../../examples/dms-migration/migration-stack';
import { DmsEmulator } from '../dms-emulator';
import { LifecycleDriver, ProgressEvent, StackOperationResult } from '../lifecycle';
import { DmsWatcher } from './dms-watcher';
import { DemoScenario, emulatedAccount, startReplications } from './emulated-account';

export interface DemoOptions extends Partial<DemoScenario> {
  /** Where the demo prints (default: stdout). */
  readonly write?: (line: string) => void;
}

export interface DemoSummary {
  readonly deploy: StackOperationResult;
  readonly destroy?: StackOperationResult;
  readonly dmsCalls: Record<string, number>;
  /** The orderings the demo is about, each checked from the stack events. */
  readonly checks: Array<{ readonly claim: string; readonly held: boolean }>;
  readonly ok: boolean;
}

const STACK = 'DmsMigration';
/** Types worth a line each; the provider plumbing (roles, functions...) is summarised. */
const SHOWN = /^(AWS::DMS::|Custom::Dms|AWS::CloudFormation::Stack)/;

/**
 * Synthesizes the example app's migration stack, deploys it and tears it down
 * against the local DMS emulator, running the bundled handler assets the way
 * CloudFormation and the provider framework do, and prints the progress.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const scenario: DemoScenario = { refreshMs: 6_000, connectionTestMs: 2_000, stopMs: 4_000, ...options };
  const t0 = Date.now();
  const clock = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;

  write('cdk-dms-lifecycle demo: the example migration stack against a local DMS emulator (no AWS account)');
  write(`${clock()}  synthesizing examples/dms-migration (stack ${STACK})`);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dms-demo-'));
  const app = new App({ outdir });
  new DmsMigrationStack(app, STACK, { env: { account: '123456789012', region: 'us-east-1' }, config: migrationConfig(app.node) });
  const assembly = app.synth();
  const resourceCount = Object.keys(assembly.getStackByName(STACK).template.Resources).length;
  write(`${clock()}  ${resourceCount} resources; DMS refreshes take ${scenario.refreshMs / 1000}s, tests ${scenario.connectionTestMs / 1000}s, stops ${scenario.stopMs / 1000}s`);

  const emulator = await DmsEmulator.start();
  const account = emulatedAccount(emulator, scenario);
  const watcher = new DmsWatcher(emulator, account.created, (subject, status) => write(`${clock()}    DMS  ${subject}: ${status}`));
  const hidden = new Set<string>();
  const progress = (e: ProgressEvent) => {
    if (!SHOWN.test(e.resourceType)) {
      hidden.add(e.logicalId);
      return;
    }
    const reason = e.reason ? `  ${e.reason.split('\n')[0]}` : '';
    write(`${clock()}  ${e.status.padEnd(20)} ${e.logicalId.padEnd(44)} ${e.resourceType}${reason}`);
  };
  const driver = new LifecycleDriver({
    assemblyDir: assembly.directory,
    stackName: STACK,
    env: emulator.env(),
    physicalId: account.physicalId,
    onProgress: progress,
  });
  // The handlers log a JSON line per invocation for CloudWatch; the demo shows the DMS side instead.
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('{"requestType"'))) consoleLog(...args);
  };
  watcher.start();
  try {
    write(`\n${clock()}  == cdk deploy ==`);
    const deploy = await driver.deploy();
    write(`${clock()}  (${hidden.size} provider resources — functions, roles, policies, log group, waiter state machines — not shown)`);
    let destroy: StackOperationResult | undefined;
    if (deploy.status === 'CREATE_COMPLETE') {
      write(`\n${clock()}  the replications are started (as a pipeline step or the console would)`);
      startReplications(emulator, account.created, scenario.stopMs);
      await new Promise((resolve) => setTimeout(resolve, 500));
      write(`\n${clock()}  == cdk destroy ==`);
      destroy = await driver.destroy();
    }
    watcher.stop();
    const dmsCalls: Record<string, number> = {};
    for (const call of emulator.calls) dmsCalls[call.operation] = (dmsCalls[call.operation] ?? 0) + 1;
    const checks = orderingChecks(deploy, destroy);
    const ok = deploy.status === 'CREATE_COMPLETE' && destroy?.status === 'DELETE_COMPLETE' && checks.every((c) => c.held);
    write('\nSummary');
    write(`  deploy:  ${deploy.status} in ${(deploy.elapsedMs / 1000).toFixed(1)}s`);
    if (destroy) write(`  destroy: ${destroy.status} in ${(destroy.elapsedMs / 1000).toFixed(1)}s`);
    for (const f of [...deploy.failures, ...(destroy?.failures ?? [])]) write(`  FAILED ${f.logicalId}: ${f.reason.split('\n')[0]}`);
    write(`  DMS calls: ${Object.entries(dmsCalls).map(([op, count]) => `${op} ×${count}`).join(', ')}`);
    for (const check of checks) write(`  ${check.held ? 'ok  ' : 'FAIL'} ${check.claim}`);
    write(ok ? '  OK' : '  NOT OK');
    return { deploy, destroy, dmsCalls, checks, ok };
  } finally {
    console.log = consoleLog;
    watcher.stop();
    await emulator.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** When `status` happened to the resource of `type` whose logical id starts with `prefix`. */
function at(result: StackOperationResult | undefined, prefix: string, status: string): number {
  const event = result?.events.find((e) => e.logicalId.startsWith(prefix) && e.status === status);
  return event ? event.elapsedMs : NaN;
}

/** The orderings the library promises, read off the stack events (NaN compares false: a missing event fails). */
function orderingChecks(deploy: StackOperationResult, destroy?: StackOperationResult): DemoSummary['checks'] {
  return [
    {
      claim: 'the schema refresh finished before the replication config and task were created',
      held: at(deploy, 'RefreshSource', 'CREATE_COMPLETE') <= Math.min(at(deploy, 'ServerlessReplication', 'CREATE_IN_PROGRESS'), at(deploy, 'ReplicationTask', 'CREATE_IN_PROGRESS')),
    },
    {
      claim: 'the serverless replication was stopped before its config was deleted',
      held: at(destroy, 'StopServerlessReplication', 'DELETE_COMPLETE') <= at(destroy, 'ServerlessReplication', 'DELETE_IN_PROGRESS'),
    },
    {
      claim: 'the replication task was stopped before it was deleted',
      held: at(destroy, 'StopReplicationTask', 'DELETE_COMPLETE') <= at(destroy, 'ReplicationTask', 'DELETE_IN_PROGRESS'),
    },
  ];
}
