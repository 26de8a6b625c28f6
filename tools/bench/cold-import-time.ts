/**
 * Cold import time of a bundle: a fresh `node` process (empty module cache) `require`s it and
 * reports how long that took, the SDK resolving from node_modules as the Lambda runtime
 * resolves it from its own. The OS file cache is warm (one discarded run first); the time
 * is that of loading and evaluating the modules, which is what a Lambda cold start adds.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { median } from './stats';

const run = promisify(execFile);

export interface ImportTime {
  readonly medianMs: number;
  readonly samplesMs: number[];
}

/**
 * Median over `runs` fresh processes of the time `require(module)` takes; `module` is a file
 * path or a package name resolved from `fromDir`.
 */
export async function coldImportTime(module: string, runs: number, fromDir: string): Promise<ImportTime> {
  const script = [
    'const t0 = process.hrtime.bigint();',
    `require(${JSON.stringify(module)});`,
    'process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6));',
  ].join('\n');
  const samplesMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: path.resolve(fromDir), env: { PATH: process.env.PATH ?? '' } });
    if (i > 0) samplesMs.push(Number(stdout));
  }
  return { medianMs: median(samplesMs), samplesMs };
}
