/** Where the bench finds the repository's pieces and writes its results. */
import * as path from 'path';

/** The repository root (tools/bench/../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `node_modules` whose `@aws-sdk` stands in for the SDK the Lambda Node.js runtime ships. */
export const RUNTIME_MODULES_DIR = path.join(REPO_ROOT, 'node_modules');

/** Where `npx projen bundle` writes the handler bundles. */
export const LAMBDA_ASSETS_DIR = path.join(REPO_ROOT, 'assets', 'lambda');

/** bench.json and bench.md go here (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench-results');
