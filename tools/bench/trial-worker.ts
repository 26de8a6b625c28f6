/**
 * Child-process entry of one provider trial (bundled to plain JavaScript by the bench).
 *
 * The lifecycle driver runs handler invocations one at a time per process (they swap
 * process.env), and our isComplete holds its invocation for up to 60 s: trials that must
 * overlap in time therefore each get their own process.
 *
 * 'prepare' loads everything (driver, the AWS SDK) and answers 'ready'; 'go' deploys the
 * stack, timing CREATE_COMPLETE of the custom resource, answers 'done' and exits.
 */
import { createRequire } from 'module';
import * as path from 'path';
import { LifecycleDriver } from '../lifecycle';
import { FromWorker, ToWorker, TrialAssignment, TrialOutcome, WARM_UP_PACKAGE } from './trial-protocol';

let trial: TrialAssignment | undefined;
let driver: LifecycleDriver | undefined;
let completeAt: number | undefined;

function send(message: FromWorker, then?: () => void): void {
  process.send!(message, undefined, {}, () => then?.());
}

function prepare(assignment: TrialAssignment): void {
  trial = assignment;
  createRequire(path.join(assignment.runtimeModulesDir, 'warm-up.js'))(WARM_UP_PACKAGE);
  driver = new LifecycleDriver({
    assemblyDir: assignment.assemblyDir,
    stackName: assignment.stackName,
    parameters: assignment.parameters,
    env: assignment.env,
    runtimeModulesDir: assignment.runtimeModulesDir,
    onProgress: (e) => {
      if (e.logicalId === assignment.logicalId && e.status === 'CREATE_COMPLETE') completeAt = Date.now();
    },
  });
  send({ type: 'ready' });
}

async function go(): Promise<void> {
  const deployStartedAt = Date.now();
  const result = await driver!.deploy();
  const outcome: TrialOutcome = {
    status: result.status,
    failures: result.failures,
    deployStartedAt,
    completeAt,
    stats: driver!.stats(trial!.logicalId),
  };
  driver!.dispose();
  send({ type: 'done', outcome }, () => process.exit(0));
}

process.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'prepare') prepare(message.trial);
    else if (message.type === 'go') go().catch((e) => send({ type: 'error', message: String(e?.stack ?? e) }, () => process.exit(1)));
  } catch (e) {
    send({ type: 'error', message: String((e as Error)?.stack ?? e) }, () => process.exit(1));
  }
});
