/** Command-line options of tools/bench/run.ts. */

export interface BenchOptions {
  /** Fewer repetitions (latency runs, synths, cold imports), every row still measured: about a minute and a half. */
  readonly quick: boolean;
  /** Reuse assets/ as they are instead of running `npx projen bundle` first. */
  readonly skipBundle: boolean;
  /** Detection-latency trials per provider. */
  readonly latencyRuns: number;
  /** Refresh length of the long-wait trials (0: none). */
  readonly longWaitSeconds: number;
  /** Sizes of the scale stacks (must include 1 and 200). */
  readonly scaleSizes: number[];
  /** Synth repetitions per scale stack. */
  readonly synthRuns: number;
  /** Fresh processes per cold import measurement. */
  readonly importRuns: number;
}

export const USAGE = `Usage: npx ts-node --transpile-only tools/bench/run.ts [--quick] [--skip-bundle] [--runs=N] [--long-wait=SECONDS]
  --quick          6 latency runs per provider, 1 synth per stack, 3 cold imports per bundle; every row
                   (the 90-s wait included) still measured (about 1.5 minutes; the full run about 2)
  --skip-bundle    measure assets/ as they are (default: run \`npx projen bundle\` first)
  --runs=N         detection-latency runs per provider (default 10)
  --long-wait=S    refresh length of the round-trip trial in seconds (default 90; 0 = skip)`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const unknown = argv.filter((a) => !/^--(quick|skip-bundle|help|runs=\d+|long-wait=\d+)$/.test(a));
  if (flag('help') || unknown.length) {
    throw new Error(unknown.length ? `Unknown option(s) ${unknown.join(' ')}\n${USAGE}` : USAGE);
  }
  const quick = flag('quick');
  return {
    quick,
    skipBundle: flag('skip-bundle'),
    latencyRuns: Number(value('runs') ?? (quick ? 6 : 10)),
    // The long wait overlaps the latency trials and the scale synths: --quick keeps it, so that the
    // round-trip row (and every figure of docs/performance.md) comes from the quick run too.
    longWaitSeconds: Number(value('long-wait') ?? 90),
    scaleSizes: [1, 50, 200],
    synthRuns: quick ? 1 : 3,
    importRuns: quick ? 3 : 9,
  };
}
