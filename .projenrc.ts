import { awscdk, javascript, JsonFile } from 'projen';

/** Oldest aws-cdk-lib we build and test against; users may run any newer 2.x. */
const CDK_FLOOR = '2.257.0';
/** The CDK CLI known to synth our apps here (3.x is a new major, not yet tried). */
const CDK_CLI = '2.1148.1';
/** Handler bundles run on Node.js 20+ locally and on the newest Lambda runtime. */
const BUNDLE_TARGET = 'node20';
/**
 * integ-tests-alpha is released with aws-cdk-lib, but the registry we reach serves
 * 2.245.0-alpha.0 as its newest (no 2.257.0-alpha.0); it takes aws-cdk-lib ^2.245.0.
 */
const INTEG_TESTS_ALPHA = '2.245.0-alpha.0';
/** integ-runner 2.197 reads cloud assemblies up to schema 53, which aws-cdk-lib 2.257 writes. */
const INTEG_RUNNER = '2.197.10';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-dms-lifecycle',
  description:
    'AWS CDK constructs for the operational steps of AWS DMS migrations: schema refresh, connection tests, running replications, premigration assessments, replication teardown and cut-over readiness as custom resources that wait for DMS.',
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
    `@aws-cdk/integ-runner@${INTEG_RUNNER}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA}`,
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-cloudwatch@^3',
    '@aws-sdk/client-database-migration-service@^3',
    '@aws-sdk/client-ssm@^3',
    '@types/aws-lambda@^8',
    `aws-cdk@${CDK_CLI}`,
    'aws-sdk-client-mock@^4',
    'cdk-nag@^3',
    'esbuild@^0.28',
  ],

  // jsii targets (package.json jsii.targets). Only JS is packaged by CI (`.ci/run`):
  // pacmak needs Python, Maven, .NET and Go toolchains and their registries for the others.
  publishToPypi: { distName: 'cdk-dms-lifecycle', module: 'cdk_dms_lifecycle' },
  publishToMaven: {
    javaPackage: 'io.github.cdkdmslifecycle',
    mavenGroupId: 'io.github.cdk-dms-lifecycle',
    mavenArtifactId: 'cdk-dms-lifecycle',
  },
  publishToNuget: { dotNetNamespace: 'CdkDmsLifecycle', packageId: 'CdkDmsLifecycle' },
  publishToGo: { moduleName: 'github.com/cdk-dms-lifecycle/cdk-dms-lifecycle-go' },

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
      // The lifecycle and handler suites run on simulated time (test/support/simulated-time.ts), so
      // they use the CPU rather than wait; the CLI suites' child processes and the real-time smoke
      // suite still wait. 4 at once on 2 cores keeps both busy.
      maxWorkers: 4,
      collectCoverage: false,
      // Handler JSON logs are kept for assertions, not printed (test/support/quiet-handler-logs.ts);
      // lifecycle suites run on simulated time (test/support/simulated-time.ts).
      setupFilesAfterEnv: ['<rootDir>/test/support/quiet-handler-logs.ts', '<rootDir>/test/support/simulated-time.ts'],
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
  // .jsii.tabl.json: jsii-rosetta's tablet, rebuilt by every compile; shipped in the npm package.
  // cdk-integ.out.*: integ-runner's scratch output next to the integ test. Snapshot assets:
  // the integ-tests-alpha assertion handler (2.2 MB of third-party JS) is all that is left in
  // them, and the snapshot check reads only templates and asset manifests. (No leading slash:
  // projen drops patterns under /test/ when it adds !/test/.)
  gitignore: ['/assets/', 'cdk.out/', '/bench-results/', '.jsii.tabl.json', 'cdk-integ.out.*', 'test/*.snapshot/asset.*'],
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
// Whitespace and syntax are minified, names are not: stack frames and logs still say which
// function failed, while each bundle stays within the 64 KB the bench holds it to.
for (const kind of ['schema-refresh', 'connection-test', 'replication-teardown', 'replication-run', 'cutover-readiness', 'premigration-assessment']) {
  project.bundler.addBundle(`lambda/${kind}/index.ts`, {
    platform: 'node',
    target: BUNDLE_TARGET,
    externals: ['@aws-sdk/*'],
    esbuildArgs: { '--minify-whitespace': true, '--minify-syntax': true },
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

// Every TypeScript example (README blocks and TSDoc @examples, read from the
// assembly) must compile: strict extraction after jsii and docgen. @examples are
// inserted into rosetta/default.ts-fixture; README blocks are `ts nofixture`.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and @example snippet with jsii-rosetta (strict), writing .jsii.tabl.json',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
// The guides of docs/ are not in the assembly, so extract never sees them: compile their
// TypeScript with the same translator, fixture and strictness (tools/docs-rosetta).
const rosettaDocs = project.addTask('rosetta:docs', {
  description: 'Compile every TypeScript snippet of docs/*.md with jsii-rosetta (strict), as rosetta:extract does for the README',
  exec: 'ts-node --transpile-only tools/docs-rosetta/main.ts',
});
project.postCompileTask.spawn(rosettaDocs);
project.npmignore?.include('.jsii.tabl.json');

// `projen package` (and so `projen build`) packages JS only, in CI and locally alike: the
// Python, Java, .NET and Go targets need toolchains and registries (PyPI, Maven Central,
// NuGet, the Go proxy) that this project's machines cannot reach. `npx projen package-all`
// builds every target where they can be reached.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// Integration tests (test/integ.*.ts, @aws-cdk/integ-tests-alpha). `integ` checks
// the committed snapshots offline: it synthesizes each app and compares the templates, with
// asset hashes normalised, so a changed handler bundle alone does not fail it. `integ:update`
// rewrites the snapshot without deploying (after a deliberate change to the integ app or the
// constructs' resources). Running it against an account: see README.
// test/ is type-checked by pre-compile (tsc -p test/tsconfig.json): ts-node only transpiles.
const integEnv = { TS_NODE_TRANSPILE_ONLY: 'true' };
project.addTask('integ', {
  description: 'Check the integ test snapshot (synthesizes; no AWS account, no deploy)',
  env: integEnv,
  steps: [{ spawn: project.bundler.bundleTask.name }, { exec: 'integ-runner --language typescript --directory test' }],
});
project.addTask('integ:update', {
  description: 'Rewrite the integ test snapshot without deploying (after changing the integ app or the constructs)',
  env: integEnv,
  steps: [
    { spawn: project.bundler.bundleTask.name },
    { exec: 'integ-runner --language typescript --directory test --force --dry-run' },
    // What is left of the snapshot's assets is the assertion handler: not committed (.gitignore).
    {
      execArgs: ['node', '-e', [
        "const fs = require('fs'), path = require('path');",
        "for (const d of fs.readdirSync('test').filter((n) => n.endsWith('.snapshot')))",
        "  for (const a of fs.readdirSync(path.join('test', d)).filter((n) => n.startsWith('asset.')))",
        "    fs.rmSync(path.join('test', d, a), { recursive: true });",
      ].join('\n')],
    },
  ],
});

project.synth();
