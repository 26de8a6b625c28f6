/**
 * The cdk-dms-lifecycle bench: `npm run bench [-- --quick]` (`ts-node --transpile-only tools/bench/run.ts`).
 * CI runs the quick one and checks the 200-construct concurrency row (.ci/run).
 *
 * Measures on this machine, and checks against the targets and AWS limits:
 * 1. detection latency (refresh done → CREATE_COMPLETE), ours vs a plain Provider (detection-latency.ts);
 * 2. provider-framework round trips per minute of waiting and DMS calls per refresh (round-trips.ts);
 * 3. what 1…200 constructs cost a stack: resources, template and IAM policy bytes, synth time (stack-scale.ts);
 * 4. handler bundle sizes and cold import times (bundle-size.ts, cold-import-time.ts);
 * 5. 1, 50 and 200 constructs of the four kinds waiting at once against DMS's API rate, per schedule
 *    (concurrency/, simulated time).
 *
 * Prints the tables and writes bench-results/bench.json and bench-results/bench.md.
 * Phases: bundle → cold imports (quiet machine) → provider trials in parallel child processes;
 * once the short trials are over, the scale synths run in another child while the long waits go on.
 */
import { execFile, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { BenchOptions, parseBenchOptions } from './bench-options';
import { handlerBundleSizes, measureBundle, SDK_PACKAGE } from './bundle-size';
import { coldImportTime } from './cold-import-time';
import { runConcurrencySuite } from './concurrency/concurrency-suite';
import { evaluateConcurrencyTargets } from './concurrency/concurrency-targets';
import { latencyRefreshDurations, summarizeDetectionLatency } from './detection-latency';
import { buildBenchBundles } from './esbuild-bundles';
import { REPO_ROOT, RESULTS_DIR } from './paths';
import { runProviderTrials, TrialSpec } from './provider-trials';
import { BenchResults, BundleResult, renderMarkdown } from './report';
import { steadyStateRoundTripsPerMinute, summarizeRoundTrips } from './round-trips';
import type { ScaleReport } from './scale-suite';
import { evaluateTargets } from './targets';
import { synthTrialStack } from './trial-stacks';

const START = Date.now();
const log = (line: string) => process.stderr.write(`[bench ${((Date.now() - START) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  log(`options: ${JSON.stringify(options)}`);

  if (!options.skipBundle) {
    await phase('bundle', async () => {
      log('npx projen bundle');
      await promisify(execFile)('npx', ['projen', 'bundle'], { cwd: REPO_ROOT });
    });
  }
  const ownBundles = handlerBundleSizes();
  const benchBundles = buildBenchBundles();
  try {
    const bundles = await phase('cold imports', () => measureImports(options, [
      ...ownBundles,
      measureBundle('plain baseline (bench only)', benchBundles.plainBundle),
    ]));
    const sdkImport = await coldImportTime(SDK_PACKAGE, options.importRuns, REPO_ROOT);

    const stacks = await phase('trial synth', () => ({
      ours: synthTrialStack('ours', benchBundles.plainCodeDir, benchBundles.workDir),
      plain: synthTrialStack('plain', benchBundles.plainCodeDir, benchBundles.workDir),
    }));
    const specs = trialSpecs(options);
    log(`${specs.length} provider trials (${options.latencyRuns} latency runs per provider`
      + `${options.longWaitSeconds ? `, one ${options.longWaitSeconds}-s wait each` : ''})`);

    let scale: Promise<ScaleReport> | undefined;
    const trialsStarted = Date.now();
    const trials = await phase('provider trials', () => runProviderTrials(specs, {
      stacks,
      workerFile: benchBundles.trialWorker,
      log,
      onLatencyTrialsDone: () => {
        log('latency trials done; scale synths start beside the long waits');
        timings['latency trials'] = Date.now() - trialsStarted;
        scale = phase('scale synths', () => runScaleWorker(options));
        scale.catch(() => undefined); // awaited (and reported) after the trials
      },
    }));
    const failed = trials.filter((t) => t.status !== 'CREATE_COMPLETE');
    failed.forEach((t) => log(`trial ${t.spec.id} ${t.status}: ${t.failure}`));
    const scaleReport = await scale!;
    const { rows: concurrency, ...concurrencyDetails } = await phase('concurrency (simulated)', () => runConcurrencySuite(log));

    const latency = { ours: summarizeDetectionLatency(trials, 'ours'), plain: summarizeDetectionLatency(trials, 'plain') };
    const roundTrips = { ours: summarizeRoundTrips(trials, 'ours'), plain: summarizeRoundTrips(trials, 'plain') };
    timings.total = Date.now() - START;
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
      options,
      timingsMs: timings,
      providers: {
        ours: { waiter: stacks.ours.waiter, pollBudgetSeconds: stacks.ours.pollBudgetSeconds },
        plain: { waiter: stacks.plain.waiter, pollBudgetSeconds: stacks.plain.pollBudgetSeconds },
      },
      detectionLatency: {
        ...latency,
        plainOverOursMedian: latency.plain.medianMs / latency.ours.medianMs,
        plainOverOursMax: latency.plain.maxMs / latency.ours.maxMs,
      },
      roundTrips: {
        ...roundTrips,
        oursSteadyStatePerMinute: steadyStateRoundTripsPerMinute(stacks.ours.pollBudgetSeconds, stacks.ours.waiter.intervalSeconds),
      },
      scale: scaleReport,
      concurrency,
      concurrencyDetails,
      bundles,
      sdkColdImportMedianMs: sdkImport.medianMs,
      targets: [
        ...evaluateTargets({ scale: scaleReport, latency: latency.ours, roundTrips: roundTrips.ours, bundles: ownBundles }),
        ...evaluateConcurrencyTargets({ ...concurrencyDetails, rows: concurrency }),
      ],
      trials,
    };
    const markdown = renderMarkdown(results);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, 'bench.json'), JSON.stringify(results, null, 2) + '\n');
    fs.writeFileSync(path.join(RESULTS_DIR, 'bench.md'), markdown);
    process.stdout.write('\n' + markdown);
    log(`wrote ${path.relative(REPO_ROOT, RESULTS_DIR)}/bench.json and bench.md`);
    if (failed.length) process.exitCode = 1;
  } finally {
    fs.rmSync(benchBundles.workDir, { recursive: true, force: true });
  }
}

function trialSpecs(options: BenchOptions): TrialSpec[] {
  const specs: TrialSpec[] = [];
  for (const provider of ['ours', 'plain'] as const) {
    latencyRefreshDurations(options.latencyRuns).forEach((refreshDurationMs, i) => {
      specs.push({ id: `${provider}-${i + 1}`, provider, refreshDurationMs, purpose: 'latency' });
    });
    if (options.longWaitSeconds > 0) {
      specs.push({ id: `${provider}-long`, provider, refreshDurationMs: options.longWaitSeconds * 1000, purpose: 'long-wait' });
    }
  }
  return specs;
}

async function measureImports(options: BenchOptions, bundles: ReturnType<typeof measureBundle>[]): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const b of bundles) {
    log(`cold import of ${b.name}`);
    const t = await coldImportTime(b.file, options.importRuns, REPO_ROOT);
    results.push({ ...b, coldImportMedianMs: t.medianMs, coldImportSamplesMs: t.samplesMs });
  }
  return results;
}

/** The scale suite in a ts-node child process (scale-worker.ts), so this process's emulator stays responsive. */
function runScaleWorker(options: BenchOptions): Promise<ScaleReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'scale-worker.ts'), [], {
      cwd: REPO_ROOT,
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json') },
    });
    child.on('message', (m: any) => {
      if (m.type === 'log') log(m.line);
      else if (m.type === 'done') resolve(m.report);
      else if (m.type === 'error') reject(new Error(`scale worker: ${m.message}`));
    });
    child.on('exit', (code) => reject(new Error(`scale worker exited (${code}) before reporting`)));
    child.send({ sizes: options.scaleSizes, runs: options.synthRuns });
  });
}

main().catch((e) => {
  log(String(e?.stack ?? e));
  process.exitCode = 1;
});
