/** The bench's targets, evaluated on its measurements. */
import type { BundleSize } from './bundle-size';
import type { LatencySummary } from './detection-latency';
import {
  MAX_BUNDLE_BYTES,
  MAX_MEDIAN_DETECTION_LATENCY_MS,
  MAX_MANAGED_POLICY_BYTES,
  MAX_ROLE_INLINE_POLICY_BYTES,
  MAX_ROUND_TRIPS_PER_MINUTE,
  MAX_STACK_RESOURCES,
  MAX_TEMPLATE_BYTES,
} from './limits';
import type { RoundTripSummary } from './round-trips';
import type { ScaleReport, ScaleRow } from './scale-suite';

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

export interface TargetInputs {
  readonly scale: ScaleReport;
  readonly latency: LatencySummary;
  readonly roundTrips: RoundTripSummary;
  readonly bundles: readonly BundleSize[];
}

const n = (x: number) => x.toLocaleString('en-US');
const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'FAIL');

export function evaluateTargets({ scale, latency, roundTrips, bundles }: TargetInputs): TargetResult[] {
  const results: TargetResult[] = [];

  const wrong = scale.growth.filter((g) => !g.exact);
  results.push({
    target: 'Each extra construct adds exactly its custom resource (no new functions, roles, policies)',
    measured: wrong.length
      ? `also added: ${wrong.map((g) => `${g.label}: ${JSON.stringify(g.added)}`).join('; ')}`
      : `${scale.growth.length} growth steps, each adding only Custom::Dms* resources (one per construct)`,
    verdict: verdict(wrong.length === 0),
  });

  const fits = (label: string, row: ScaleRow | undefined, note = '') => {
    if (!row) return;
    const m = row.measurement;
    results.push({
      target: `${label}: < ${MAX_STACK_RESOURCES} resources, < 1 MB template, every IAM role's policies < ${n(MAX_ROLE_INLINE_POLICY_BYTES)} B`,
      measured: `${m.resources} resources, ${n(m.templateBytes)} B (${pct(m.templateBytes, MAX_TEMPLATE_BYTES)}), largest role policy ${n(m.largestRolePolicyBytes)} B`
        + (m.synthError ? `; cdk synth refuses it (${m.synthError})` : '') + note,
      verdict: verdict(row.limits.all && !m.synthError),
    });
  };
  const row = (group: ScaleRow['group'], test: (r: ScaleRow) => boolean) => scale.rows.find((r) => r.group === group && test(r));
  fits('200 DmsSchemaRefresh', row('refresh', (r) => r.measurement.counts['schema-refresh'] === 200));
  fits('200 constructs spread over the 3 kinds', row('spread', () => true));
  fits('200 of EACH kind (600 constructs)', row('each-kind', (r) => r.measurement.counts['schema-refresh'] === 200),
    '. Not reachable by any design: every construct is a CloudFormation resource, and 600 exceed the 500 per stack; see the scale table for the most that fit, or split the stack');
  const peak = scale.rows.filter((r) => r.measurement.resources <= MAX_STACK_RESOURCES)
    .reduce((a, b) => (b.measurement.largestRolePolicyBytes > a.measurement.largestRolePolicyBytes ? b : a));
  results.push({
    target: `Every IAM role's inline policies < ${n(MAX_ROLE_INLINE_POLICY_BYTES)} B at any size that fits`,
    measured: `peak ${n(peak.measurement.largestRolePolicyBytes)} B (${pct(peak.measurement.largestRolePolicyBytes, MAX_ROLE_INLINE_POLICY_BYTES)}) at ${peak.label}`,
    verdict: verdict(peak.measurement.largestRolePolicyBytes < MAX_ROLE_INLINE_POLICY_BYTES),
  });
  const managedPeak = scale.rows.filter((r) => r.measurement.resources <= MAX_STACK_RESOURCES)
    .reduce((a, b) => (b.measurement.largestManagedPolicyBytes > a.measurement.largestManagedPolicyBytes ? b : a));
  results.push({
    target: `Every customer managed policy < ${n(MAX_MANAGED_POLICY_BYTES)} B at any size that fits`,
    measured: `peak ${n(managedPeak.measurement.largestManagedPolicyBytes)} B (${pct(managedPeak.measurement.largestManagedPolicyBytes, MAX_MANAGED_POLICY_BYTES)}) at ${managedPeak.label}`,
    verdict: verdict(managedPeak.measurement.largestManagedPolicyBytes < MAX_MANAGED_POLICY_BYTES),
  });

  results.push({
    target: `Detection latency median ≤ ${MAX_MEDIAN_DETECTION_LATENCY_MS / 1000} s`,
    measured: latency.runs
      ? `median ${sec(latency.medianMs)}, max ${sec(latency.maxMs)} over ${latency.runs} runs` + (latency.failedRuns ? ` (${latency.failedRuns} failed)` : '')
      : 'no successful run',
    verdict: latency.runs && !latency.failedRuns ? verdict(latency.medianMs <= MAX_MEDIAN_DETECTION_LATENCY_MS) : 'FAIL',
  });

  const long = roundTrips.longWait;
  results.push({
    target: `≤ ${MAX_ROUND_TRIPS_PER_MINUTE} framework round trips per minute of waiting`,
    measured: long
      ? `${long.roundTripsPerMinute.toFixed(2)}/min (${long.isCompleteInvocations} in ${sec(long.waitMs)}, ${long.refreshDurationMs / 1000}-s refresh)`
      : 'not measured (no long wait: --long-wait=0)',
    verdict: long ? verdict(long.roundTripsPerMinute <= MAX_ROUND_TRIPS_PER_MINUTE) : 'SKIP',
  });

  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  results.push({
    target: `Handler bundles ≤ ${MAX_BUNDLE_BYTES / 1024} KB each`,
    measured: `largest ${largest.name} ${n(largest.bytes)} B (${(largest.bytes / 1024).toFixed(1)} KB)`,
    verdict: verdict(bundles.every((b) => b.bytes <= MAX_BUNDLE_BYTES)),
  });
  return results;
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(0)} % of the limit`;
}

export function sec(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
