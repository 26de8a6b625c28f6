import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CutoverOutcome, demoCutover, stoppedAtOrAfter } from './cutover-demo';
import { DmsWatcher } from './dms-watcher';
import { DemoScenario, emulatedAccount } from './emulated-account';
import { migrationConfig } from '../../examples/dms-migration/migration-config';
import { DmsMigrationStack } from '../../examples/dms-migration/migration-stack';
import { intentParameterName } from '../../lambda/dms/intent-record';
import { CheckOutcome, DEFAULT_CHECKS, DmsEmulator } from '../dms-emulator';
import { dmsResourceTypes, LifecycleDriver, ProgressEvent, StackOperationResult } from '../lifecycle';

export interface DemoOptions extends Partial<DemoScenario> {
  /** Where the demo prints (default: stdout). */
  readonly write?: (line: string) => void;
}

/** One `cdk deploy` / `cdk destroy` of the demo, and whether the replications ran at its end. */
export interface DemoPhase {
  readonly name: string;
  readonly result: StackOperationResult;
  /** Both replications were running (or, after destroy, gone) once the phase was over. */
  readonly replicationsAsExpected: boolean;
}

export interface DemoSummary {
  readonly phases: DemoPhase[];
  readonly dmsCalls: Record<string, number>;
  /** The orderings the demo is about, each checked from the stack events (and the cut-over from DMS's calls). */
  readonly checks: Array<{ readonly claim: string; readonly held: boolean }>;
  /** The cut-over of each replication, before the destroy. */
  readonly cutovers: CutoverOutcome[];
  readonly ok: boolean;
}

const STACK = 'DmsMigration';
/** Types worth a line each; the provider plumbing (roles, functions...) is summarised. */
const SHOWN = /^(AWS::DMS::|Custom::Dms|AWS::CloudFormation::Stack)/;
/** What each phase must end with. */
const EXPECTED: Record<string, string> = {
  'deploy': 'CREATE_COMPLETE',
  'update': 'UPDATE_COMPLETE',
  'failed assessment': 'UPDATE_ROLLBACK_COMPLETE',
  'failed update': 'UPDATE_ROLLBACK_COMPLETE',
  'destroy': 'DELETE_COMPLETE',
};

/** The example app's migration stack, synthesized with `schemas` as the replicated source schemas. */
function synthesize(schemas: string[]): { dir: string; template: any; cleanup: () => void } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dms-demo-'));
  const app = new App({ outdir });
  const env = { account: '123456789012', region: 'us-east-1' };
  new DmsMigrationStack(app, STACK, { env, config: { ...migrationConfig(app.node), schemas } });
  const assembly = app.synth();
  const cleanup = () => fs.rmSync(outdir, { recursive: true, force: true });
  return { dir: assembly.directory, template: assembly.getStackByName(STACK).template, cleanup };
}

/**
 * Synthesizes the example app's migration stack and takes it through a deploy, an
 * update of the replications' table mappings, an update that DMS refuses (rolled
 * back) and a destroy, against the local DMS emulator, running the bundled handler
 * assets the way CloudFormation and the provider framework do, and prints the progress.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const scenario: DemoScenario = { refreshMs: 6_000, connectionTestMs: 2_000, stopMs: 4_000, startMs: 4_000, modifyMs: 2_000, ...options };
  const t0 = Date.now();
  const clock = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;

  write('cdk-dms-lifecycle demo: the example migration stack against a local DMS emulator (no AWS account)');
  write(`${clock()}  synthesizing examples/dms-migration (stack ${STACK})`);
  const apps = {
    initial: synthesize(['sales']),
    more: synthesize(['sales', 'billing']),
    unready: synthesize(['sales', 'billing', 'legacy']),
    refused: synthesize([]),
  };
  const resourceCount = Object.keys(apps.initial.template.Resources).length;
  write(`${clock()}  ${resourceCount} resources; DMS refreshes take ${scenario.refreshMs / 1000}s, tests ${scenario.connectionTestMs / 1000}s, `
    + `starts ${scenario.startMs / 1000}s, stops ${scenario.stopMs / 1000}s, modifies ${scenario.modifyMs / 1000}s`);

  const emulator = await DmsEmulator.start({
    runBehavior: {
      startDurationMs: scenario.startMs,
      fullLoadDurationMs: scenario.startMs,
      stopDurationMs: scenario.stopMs,
      modifyDurationMs: scenario.modifyMs,
    },
  });
  const account = emulatedAccount(emulator, scenario, apps.initial.template);
  const replications = [...account.created.replicationConfigs, ...account.created.replicationTasks];
  // Premigration assessments take a while, as in DMS; their checks pass until the demo says otherwise.
  const assessWith = (checks?: Record<string, CheckOutcome>) =>
    replications.forEach((arn) => emulator.setAssessmentBehavior(arn, { durationMs: scenario.startMs, checks }));
  assessWith();
  const watcher = new DmsWatcher(emulator, account.created, (subject, status) => write(`${clock()}    DMS  ${subject}: ${status}`));
  const hidden = new Set<string>();
  const progress = (e: ProgressEvent) => {
    if (!SHOWN.test(e.resourceType)) {
      hidden.add(e.logicalId);
      return;
    }
    const reason = e.reason ? `  ${e.reason.split('\n')[0].slice(0, 140)}` : '';
    // What DMS did before this event is printed before it, whatever the watcher's timer says.
    watcher.poll();
    write(`${clock()}  ${e.status.padEnd(20)} ${e.logicalId.padEnd(44)} ${e.resourceType}${reason}`);
  };
  const driver = new LifecycleDriver({
    assemblyDir: apps.initial.dir,
    stackName: STACK,
    env: emulator.env(),
    physicalId: account.physicalId,
    resourceTypes: dmsResourceTypes(emulator),
    onProgress: progress,
  });
  /** Whether every replication is running within a few seconds (serverless: the deploy waits only until DMS accepted the start). */
  const allRunning = async () => {
    for (const until = Date.now() + scenario.startMs + scenario.modifyMs + 5_000; Date.now() < until; await sleep(250)) {
      if (replications.every((arn) => emulator.replicationRun(arn)?.Status === 'running')) return true;
    }
    return false;
  };
  // The handlers log a JSON line per invocation for CloudWatch; the demo shows the DMS side instead.
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].startsWith('{"requestType"'))) consoleLog(...args);
  };
  watcher.start();
  const phases: DemoPhase[] = [];
  const cutovers: CutoverOutcome[] = [];
  const phase = async (name: string, title: string, run: () => Promise<StackOperationResult>, expectRunning: boolean) => {
    write(`\n${clock()}  == ${title} ==`);
    const result = await run();
    const replicationsAsExpected = expectRunning ? await allRunning() : replications.every((arn) => emulator.replicationRun(arn) === undefined);
    phases.push({ name, result, replicationsAsExpected });
    write(`${clock()}  ${result.status}; replications ${replications.map((arn) => emulator.replicationRun(arn)?.Status ?? 'deleted').join(', ')}`);
    return result.status === EXPECTED[name];
  };
  try {
    const deployed = await phase('deploy', 'cdk deploy (premigration assessments pass, then DmsReplicationRun starts the replications)', () => driver.deploy(), true);
    write(`${clock()}  (${hidden.size} provider resources — functions, roles, policies, log group, waiter state machines — not shown)`);
    if (deployed) {
      await phase('update', 'cdk deploy: the table mappings of both replications also select schema billing (stop → modify → assess → resume)', () => driver.update(apps.more.dir), true);
      // Schema legacy has LOB columns without primary keys, and the source lost its logical replication setting.
      assessWith({ ...DEFAULT_CHECKS, 'table-with-lob-but-without-primary-key-or-unique-constraint': 'failed', 'postgres-check-wal-level': 'failed' });
      await phase('failed assessment', 'cdk deploy: schema legacy too, whose premigration assessment fails (the update rolls back, the checks named)',
        () => driver.update(apps.unready.dir), true);
      assessWith();
      await phase('failed update', 'cdk deploy: table mappings that DMS refuses (the update fails and rolls back)', () => driver.update(apps.refused.dir), true);
      write(`\n${clock()}  == cut-over: writes stop, then cdk-dms-lifecycle cutover stops each replication at a CDC stop position after the freeze ==`);
      cutovers.push(...(await demoCutover(emulator, replications, write, clock)).map((c) => ({ ...c, verified: stoppedAtOrAfter(emulator, c) })));
      await phase('destroy', 'cdk destroy', () => driver.destroy(), false);
    }
    watcher.stop();
    const dmsCalls: Record<string, number> = {};
    for (const call of emulator.calls) dmsCalls[call.operation] = (dmsCalls[call.operation] ?? 0) + 1;
    const checks = [
      ...orderingChecks(phases, emulator.calls.map((c) => ({ operation: c.operation, input: c.input }))),
      ...cutoverChecks(cutovers, emulator),
    ];
    const ended = (name: string) => phases.find((p) => p.name === name)?.result.status;
    const ok = Object.keys(EXPECTED).every((name) => ended(name) === EXPECTED[name]) && checks.every((c) => c.held);
    write('\nSummary');
    for (const p of phases) write(`  ${`${p.name}:`.padEnd(15)} ${p.result.status} in ${(p.result.elapsedMs / 1000).toFixed(1)}s`);
    for (const p of phases) for (const f of p.result.failures) write(`  (${p.name}) failed ${f.logicalId}: ${f.reason.split('\n')[0].slice(0, 600)}`);
    write(`  DMS calls: ${Object.entries(dmsCalls).map(([op, count]) => `${op} ×${count}`).join(', ')}`);
    for (const check of checks) write(`  ${check.held ? 'ok  ' : 'FAIL'} ${check.claim}`);
    write(ok ? '  OK' : '  NOT OK');
    return { phases, dmsCalls, checks, cutovers, ok };
  } finally {
    console.log = consoleLog;
    watcher.stop();
    await emulator.close();
    Object.values(apps).forEach((a) => a.cleanup());
  }
}

/**
 * The cut-over's promises, read off what DMS was asked and what it reports: the record before
 * the stop, the stop before the resume with the position, and a stop at or after freeze + margin.
 * (Checked before the destroy deletes the replications: see demoCutover's outcomes.)
 */
function cutoverChecks(cutovers: CutoverOutcome[], emulator: DmsEmulator): DemoSummary['checks'] {
  const calls = (arn: string) => emulator.calls
    .filter((c) => c.input?.Name === intentParameterName(arn) || JSON.stringify(c.input ?? {}).includes(arn)).map((c) => c.operation);
  const ordered = (arn: string) => {
    const ops = calls(arn);
    // The record of intent's write (the cut-over's stop positions) comes first.
    const tag = ops.indexOf('PutParameter');
    const stop = ops.findIndex((op, i) => i > tag && /^StopReplication/.test(op));
    const resume = ops.findIndex((op, i) => i > stop && /^StartReplication/.test(op));
    return tag >= 0 && stop > tag && resume > stop;
  };
  return [
    {
      claim: 'the cut-over recorded its stop position, then stopped each replication, then resumed it with CdcStopPosition',
      held: cutovers.length === 2 && cutovers.every((c) => ordered(c.arn)),
    },
    {
      claim: 'each replication stopped where DMS says STOPPED_AT_*_TIME, at a stop position at or after the freeze time plus the margin',
      held: cutovers.length === 2 && cutovers.every((c) => c.verified),
    },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * When `status` happened to the resource whose logical id starts with `prefix` (not its
 * guard, unless the prefix names it); NaN when it did not, so a comparison with it fails.
 */
function at(result: StackOperationResult | undefined, prefix: string, status: string): number {
  const named = (id: string) => id.startsWith(prefix) && (prefix.includes('Guard') || !id.includes('Guard'));
  const event = result?.events.find((e) => named(e.logicalId) && e.status === status);
  return event ? event.elapsedMs : NaN;
}

/** The orderings the library promises, read off the stack events (NaN compares false: a missing event fails). */
function orderingChecks(phases: DemoPhase[], calls: Array<{ operation: string; input: any }>): DemoSummary['checks'] {
  const get = (name: string) => phases.find((p) => p.name === name);
  const deploy = get('deploy')?.result;
  const update = get('update')?.result;
  const failed = get('failed update');
  const destroy = get('destroy')?.result;
  const pairs = [['ServerlessReplication', 'RunServerlessReplication'], ['ReplicationTask', 'RunReplicationTask']];
  const every = (test: (resource: string, run: string) => boolean) => pairs.every(([resource, run]) => test(resource, run));
  return [
    {
      claim: 'the schema refresh finished before the replication config and task were created',
      held: at(deploy, 'RefreshSource', 'CREATE_COMPLETE') <= Math.min(at(deploy, 'ServerlessReplication', 'CREATE_IN_PROGRESS'), at(deploy, 'ReplicationTask', 'CREATE_IN_PROGRESS')),
    },
    {
      claim: 'the replication was started after deploy',
      held: every((resource, run) => at(deploy, resource, 'CREATE_COMPLETE') <= at(deploy, run, 'CREATE_IN_PROGRESS'))
        && calls.filter((c) => /^StartReplication/.test(c.operation) && /start-replication/.test(JSON.stringify(c.input))).length === 2
        && get('deploy')?.replicationsAsExpected === true,
    },
    {
      claim: 'the premigration assessment passed before the replication started',
      held: every((resource, run) => at(deploy, `Assess${resource}`, 'CREATE_COMPLETE') <= at(deploy, run, 'CREATE_IN_PROGRESS')),
    },
    {
      claim: 'a failing premigration assessment stopped the deploy, naming the failed checks, and the replications ran again after the rollback',
      held: get('failed assessment')?.result.status === 'UPDATE_ROLLBACK_COMPLETE'
        && (get('failed assessment')?.result.failures ?? []).some((f) => /checks failed: .*postgres-check-wal-level \(failed\)/.test(f.reason) && /report: s3:\/\//.test(f.reason))
        && get('failed assessment')?.replicationsAsExpected === true,
    },
    {
      claim: 'the replication was stopped before its update',
      held: every((resource, run) => at(update, `${run}Guard`, 'UPDATE_COMPLETE') <= at(update, resource, 'UPDATE_IN_PROGRESS')),
    },
    {
      claim: 'the replication was running again after the update',
      held: every((resource, run) => at(update, resource, 'UPDATE_COMPLETE') <= at(update, run, 'UPDATE_COMPLETE')) && get('update')?.replicationsAsExpected === true,
    },
    {
      claim: 'the replication was running again after the rolled-back update',
      held: failed?.result.status === 'UPDATE_ROLLBACK_COMPLETE' && failed.replicationsAsExpected,
    },
    {
      claim: 'the replication was stopped before its config or task was deleted',
      held: every((resource, run) => at(destroy, run, 'DELETE_COMPLETE') <= at(destroy, resource, 'DELETE_IN_PROGRESS')) && get('destroy')?.replicationsAsExpected === true,
    },
  ];
}
