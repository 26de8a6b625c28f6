/**
 * Sizes of the Lambda handler bundles (`npx projen bundle` → assets/lambda/<kind>/index/index.js)
 * and whether they leave the AWS SDK out: every Node.js Lambda runtime ships the AWS SDK for
 * JavaScript v3, so the bundles mark `@aws-sdk/*` external and stay small. Used by the bench
 * and by test/bench-structure.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LAMBDA_ASSETS_DIR } from './paths';

/** The provider kinds, one handler bundle each. */
export const HANDLER_KINDS = ['schema-refresh', 'connection-test', 'replication-teardown', 'replication-run', 'cutover-readiness', 'premigration-assessment'] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

/** The DMS client the handlers use, resolved at run time from the Lambda runtime. */
export const SDK_PACKAGE = '@aws-sdk/client-database-migration-service';

export function handlerBundlePath(kind: HandlerKind): string {
  return path.join(LAMBDA_ASSETS_DIR, kind, 'index', 'index.js');
}

export interface BundleSize {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  /** The bundle `require`s the SDK (resolved at run time) instead of containing it. */
  readonly sdkExternal: boolean;
}

/** Size and SDK-externality of one bundle file; throws when it is missing. */
export function measureBundle(name: string, file: string): BundleSize {
  if (!fs.existsSync(file)) {
    throw new Error(`Bundle ${file} is missing: run \`npx projen bundle\` first`);
  }
  const text = fs.readFileSync(file, 'utf8');
  const requiresSdk = text.includes(`require("${SDK_PACKAGE}")`);
  // The SDK's own client class definition would be in the file if it were bundled.
  const containsSdk = /class DatabaseMigrationServiceClient\b/.test(text);
  return { name, file, bytes: fs.statSync(file).size, sdkExternal: requiresSdk && !containsSdk };
}

/** The handler bundles in assets/, one per provider kind. */
export function handlerBundleSizes(): BundleSize[] {
  return HANDLER_KINDS.map((kind) => measureBundle(kind, handlerBundlePath(kind)));
}
