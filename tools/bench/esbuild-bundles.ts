/**
 * What the bench bundles itself with esbuild: the naive baseline handler (like our handlers:
 * platform node, target node20, `@aws-sdk/*` external) and the trial worker that child
 * processes run (plain JavaScript starts fast and small). Both go to a work directory under
 * the git-ignored bench-results/ inside the repository, so that the SDK they leave external
 * resolves from the repository's own node_modules (from the OS temp folder it would not).
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync, BuildOptions } from 'esbuild';
import { RESULTS_DIR, RUNTIME_MODULES_DIR } from './paths';

export interface BenchBundles {
  /** Work directory (under bench-results/) holding everything below; remove it when done. */
  readonly workDir: string;
  /** Lambda code directory of the naive baseline (index.js only). */
  readonly plainCodeDir: string;
  /** The naive baseline bundle file. */
  readonly plainBundle: string;
  /** The trial worker, run by `child_process.fork`. */
  readonly trialWorker: string;
}

export function buildBenchBundles(): BenchBundles {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const workDir = fs.mkdtempSync(path.join(RESULTS_DIR, 'work-'));
  const plainCodeDir = path.join(workDir, 'plain-provider', 'code');
  const plainBundle = path.join(plainCodeDir, 'index.js');
  const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', external: ['@aws-sdk/*'], logLevel: 'error' };
  buildSync({ ...common, entryPoints: [path.join(__dirname, 'naive-provider', 'handler.ts')], outfile: plainBundle });
  // Beside (not inside) the code directory, so its cold import resolves the SDK as ours do.
  fs.mkdirSync(path.join(workDir, 'plain-provider', 'node_modules'));
  fs.symlinkSync(path.join(RUNTIME_MODULES_DIR, '@aws-sdk'), path.join(workDir, 'plain-provider', 'node_modules', '@aws-sdk'), 'dir');

  const trialWorker = path.join(workDir, 'trial-worker.js');
  buildSync({ ...common, entryPoints: [path.join(__dirname, 'trial-worker.ts')], outfile: trialWorker });
  return { workDir, plainCodeDir, plainBundle, trialWorker };
}
