/**
 * The bench's provider trials report a trial worker that dies with its own words: the
 * error it printed and the end of its output, not only an exit code (issue 22: on a fresh
 * clone a worker that could not resolve the AWS SDK died as "exited (1) before reporting").
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runProviderTrials } from '../tools/bench/provider-trials';
import type { TrialStack } from '../tools/bench/trial-stacks';

test('a trial worker that dies before reporting is reported with its error and the tail of its output', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-worker-'));
  const workerFile = path.join(dir, 'dying-worker.js');
  fs.writeFileSync(workerFile, [
    "console.log('loading the trial driver');",
    "console.error(\"Error: Cannot find module '@aws-sdk/client-database-migration-service'\");",
    'process.exit(3);',
  ].join('\n'));
  const stack = { assemblyDir: dir, stackName: 'Trial', logicalId: 'Refresh' } as unknown as TrialStack;
  try {
    await expect(runProviderTrials(
      [{ id: 'ours-1', provider: 'ours', refreshDurationMs: 1_000, purpose: 'latency' }],
      { stacks: { ours: stack, plain: stack }, workerFile },
    )).rejects.toThrow(/trial worker ours-1 exited \(3\) before reporting[^]*loading the trial driver[^]*Cannot find module '@aws-sdk\/client-database-migration-service'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
