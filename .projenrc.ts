import { awscdk, javascript, JsonFile } from 'projen';

/** Oldest aws-cdk-lib we build and test against; users may run any newer 2.x. */
const CDK_FLOOR = '2.257.0';
/** The CDK CLI known to synth our apps here (3.x is a new major, not yet tried). */
const CDK_CLI = '2.1148.1';
/** Handler bundles run on Node.js 20+ locally and on the newest Lambda runtime. */
const BUNDLE_TARGET = 'node20';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-dms-lifecycle',
  description:
    'AWS CDK constructs for the operational steps of AWS DMS migrations: schema refresh, connection tests and replication teardown as custom resources that wait for DMS.',
  author: 'cdk-dms-lifecycle developers',
  authorAddress: 'maintainers@cdk-dms-lifecycle.dev',
  repositoryUrl: 'https://github.com/cdk-dms-lifecycle/cdk-dms-lifecycle.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'dms', 'database-migration-service', 'custom-resource', 'schema-refresh'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_FLOOR,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  devDeps: [
    '@aws-sdk/client-database-migration-service@^3',
    '@types/aws-lambda@^8',
    `aws-cdk@${CDK_CLI}`,
    'aws-sdk-client-mock@^4',
    'cdk-nag@^3',
    'esbuild@^0.28',
  ],

  // No release workflow or GitHub automation: CI is `.ci/run` on a fresh clone.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  jestOptions: {
    jestVersion: '^30',
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      // The suites mostly wait on the emulated DMS, not the CPU: run more of them at once.
      maxWorkers: 4,
      collectCoverage: false,
    },
  },
  tsconfigDev: {
    include: ['../lambda/**/*.ts', '../cli/**/*.ts', '../tools/**/*.ts', '../examples/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'cli', 'tools', 'examples'],
  },
  gitignore: ['/assets/', 'cdk.out/', '/bench-results/'],
});

for (const pattern of ['/lambda/', '/cli/', '/tools/', '/examples/', '/.ci/', '/bench-results/', '/cdk.out/']) {
  project.addPackageIgnore(pattern);
}

// unrs-resolver 1.13.0 (via eslint-import-resolver-typescript) names platform
// bindings the registry does not serve, which leaves package-lock.json unusable
// for `npm ci`: stay on the last release whose bindings all exist.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// Handler bundles: one per provider kind. The AWS SDK v3 is not bundled: every
// Node.js Lambda runtime ships it, and leaving it out keeps each bundle small.
for (const kind of ['schema-refresh', 'connection-test', 'replication-teardown']) {
  project.bundler.addBundle(`lambda/${kind}/index.ts`, {
    platform: 'node',
    target: BUNDLE_TARGET,
    externals: ['@aws-sdk/*'],
    watchTask: false,
  });
}

// eslint's project service looks for the nearest tsconfig.json: give each dev folder one.
for (const dir of ['lambda', 'cli', 'tools', 'examples']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
  });
}

// The CLI bundles the AWS SDK: the npm package has no runtime dependencies (jsii
// libraries cannot have plain ones), and a CLI has no Lambda runtime to lend it one.
const cli = project.bundler.addBundle('cli/cdk-dms-lifecycle.ts', {
  platform: 'node',
  target: BUNDLE_TARGET,
  banner: '#!/usr/bin/env node',
  minify: true,
  watchTask: false,
});
project.addBins({ 'cdk-dms-lifecycle': cli.outfile });

// jsii only compiles src/: type-check the handlers, tools and examples too.
project.preCompileTask.exec('tsc --noEmit -p test/tsconfig.json');

// Lifecycle tests run the bundled handler assets, so tests always bundle first.
project.testTask.prependSpawn(project.bundler.bundleTask);

// `npm run demo`: the example app deployed and torn down against the local DMS emulator.
project.addTask('demo', {
  description: 'Deploy and destroy the example app against the local DMS emulator (no AWS account needed)',
  steps: [{ spawn: project.bundler.bundleTask.name }, { exec: 'ts-node --transpile-only tools/demo/main.ts' }],
});

// `npm run bench`: detection latency, round trips, scale and bundle sizes (writes bench-results/).
project.addTask('bench', {
  description: 'Measure detection latency, round trips, scale and bundle sizes (writes bench-results/)',
  exec: 'ts-node --transpile-only tools/bench/run.ts',
  receiveArgs: true,
});

project.synth();
