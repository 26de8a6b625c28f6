/**
 * The stacks the bench synthesizes to see how the constructs scale: 1, 50 and 200
 * DmsSchemaRefresh; the same numbers of EACH kind; the largest number of each kind that
 * fits CloudFormation's 500 resources; 200 constructs spread over the kinds. Plus the
 * growth check: one more construct of a kind adds exactly its custom resource.
 */
// Up to this many ARNs per type the shared policy lists one by one: its largest size.
import {
  checkLimits,
  CONSTRUCT_KINDS,
  ConstructKind,
  CUSTOM_RESOURCE_TYPES,
  InstanceCounts,
  instanceGrowth,
  LimitCheck,
  maxEachKindThatFits,
  measureStack,
  resourceDelta,
  StackMeasurement,
} from './stack-scale';
import { MAX_LISTED_ARNS } from '../../src/private/bounded-dms-policy';

export interface ScaleRow {
  readonly label: string;
  /** What the row is for: refresh-only, each kind, the largest that fits, spread. */
  readonly group: 'refresh' | 'each-kind' | 'fits-each-kind' | 'spread';
  readonly measurement: StackMeasurement;
  readonly limits: LimitCheck;
}

export interface GrowthCheck {
  readonly label: string;
  readonly added: Record<string, number>;
  readonly exact: boolean;
}

export interface ScaleReport {
  readonly rows: ScaleRow[];
  readonly growth: GrowthCheck[];
  /** N of each kind that still fits 500 resources. */
  readonly maxEachKind: number;
  /** 200 vs 1 DmsSchemaRefresh. */
  readonly ratios: { resources: number; templateBytes: number; largestRolePolicyBytes: number; synthMs: number };
  /** The refresh-only size where the IAM policy peaks (most ARNs listed before wildcarding). */
  readonly policyPeakSize: number;
}

export interface ScaleOptions {
  /** Sizes of the refresh-only and each-kind rows; must include 1 and 200. */
  readonly sizes: number[];
  /** Synth repetitions per stack (median time). */
  readonly runs: number;
  readonly log?: (line: string) => void;
}

export function runScaleSuite(options: ScaleOptions): ScaleReport {
  const log = options.log ?? (() => undefined);
  const row = (label: string, group: ScaleRow['group'], counts: InstanceCounts): ScaleRow => {
    const measurement = measureStack(counts, options.runs);
    log(`  synthesized ${label}: ${measurement.resources} resources in ${measurement.synthMs.toFixed(0)} ms`);
    return { label, group, measurement, limits: checkLimits(measurement) };
  };
  measureStack({ 'schema-refresh': 1 }); // warm-up: module loading and first-synth costs

  const each = (n: number): InstanceCounts => Object.fromEntries(CONSTRUCT_KINDS.map((k) => [k, n]));
  const refreshSizes = [...new Set([...options.sizes, MAX_LISTED_ARNS])].sort((a, b) => a - b);
  const rows: ScaleRow[] = [
    ...refreshSizes.map((n) => row(`${n} DmsSchemaRefresh`, 'refresh', { 'schema-refresh': n })),
    ...options.sizes.map((n) => row(`${n} of each kind (${3 * n} constructs)`, 'each-kind', each(n))),
  ];
  const oneOfEach = rows.find((r) => r.group === 'each-kind' && r.measurement.counts['schema-refresh'] === 1)!.measurement;
  const maxEachKind = maxEachKindThatFits(oneOfEach);
  rows.push(row(`${maxEachKind} of each kind (largest that fits)`, 'fits-each-kind', each(maxEachKind)));
  rows.push(row(`${maxEachKind + 1} of each kind`, 'fits-each-kind', each(maxEachKind + 1)));
  rows.push(row('200 spread over the kinds (67/67/66)', 'spread', { 'schema-refresh': 67, 'connection-test': 67, 'replication-teardown': 66 }));

  const growth: GrowthCheck[] = CONSTRUCT_KINDS.map((kind) => {
    const g = instanceGrowth(kind, 1, 2);
    return { label: `${kind}: 1 → 2`, added: g.added, exact: g.exactlyOneCustomResourceEach };
  });
  growth.push(...seriesGrowth(rows.filter((r) => r.group === 'refresh'), ['schema-refresh']));
  growth.push(...seriesGrowth(rows.filter((r) => r.group === 'each-kind'), CONSTRUCT_KINDS));

  const refresh = (n: number) => rows.find((r) => r.group === 'refresh' && r.measurement.counts['schema-refresh'] === n)!.measurement;
  const [one, many] = [refresh(1), refresh(200)];
  return {
    rows,
    growth,
    maxEachKind,
    ratios: {
      resources: many.resources / one.resources,
      templateBytes: many.templateBytes / one.templateBytes,
      largestRolePolicyBytes: many.largestRolePolicyBytes / one.largestRolePolicyBytes,
      synthMs: many.synthMs / one.synthMs,
    },
    policyPeakSize: MAX_LISTED_ARNS,
  };
}

/** Growth between consecutive rows of a series: only the kinds' custom resources may be added. */
function seriesGrowth(series: ScaleRow[], kinds: readonly ConstructKind[]): GrowthCheck[] {
  const checks: GrowthCheck[] = [];
  for (let i = 1; i < series.length; i++) {
    const [a, b] = [series[i - 1].measurement, series[i].measurement];
    const added = resourceDelta(a, b);
    const expected: Record<string, number> = {};
    for (const k of kinds) expected[CUSTOM_RESOURCE_TYPES[k]] = b.counts[k] - a.counts[k];
    checks.push({ label: `${series[i - 1].label} → ${series[i].label}`, added, exact: JSON.stringify(added) === JSON.stringify(expected) });
  }
  return checks;
}
