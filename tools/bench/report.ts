/** The bench's results (bench.json) and their Markdown tables (bench.md, printed too). */
import type { BenchOptions } from './bench-options';
import type { BundleSize } from './bundle-size';
import { renderConcurrency } from './concurrency/concurrency-report';
import type { ConcurrencyReport, ConcurrencyRow } from './concurrency/concurrency-suite';
import type { LatencySummary } from './detection-latency';
import { MAX_MANAGED_POLICY_BYTES, MAX_ROLE_INLINE_POLICY_BYTES, MAX_STACK_RESOURCES } from './limits';
import { DMS_ID_LENGTH, NAME_LENGTH, PLAUSIBLE_PARTITION, PLAUSIBLE_REGION } from './plausible-tokens';
import type { TrialResult } from './provider-trials';
import type { RoundTripSummary } from './round-trips';
import type { ScaleReport } from './scale-suite';
import { sec, TargetResult } from './targets';
import type { TrialStack } from './trial-stacks';

export interface BundleResult extends BundleSize {
  readonly coldImportMedianMs: number;
  readonly coldImportSamplesMs: number[];
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly options: BenchOptions;
  /** Wall time of the bench and its phases. */
  readonly timingsMs: Record<string, number>;
  readonly providers: Record<'ours' | 'plain', Pick<TrialStack, 'waiter' | 'pollBudgetSeconds'>>;
  readonly detectionLatency: { ours: LatencySummary; plain: LatencySummary; plainOverOursMedian: number; plainOverOursMax: number };
  readonly roundTrips: { ours: RoundTripSummary; plain: RoundTripSummary; oursSteadyStatePerMinute: number };
  readonly scale: ScaleReport;
  /** N = 1, 50 and 200 waits at once per schedule, against DMS's API rate (simulated time). */
  readonly concurrency: ConcurrencyRow[];
  /** The same suite's lone waits, budget trade-off and assumptions. */
  readonly concurrencyDetails: Omit<ConcurrencyReport, 'rows'>;
  readonly bundles: BundleResult[];
  readonly sdkColdImportMedianMs: number;
  readonly targets: TargetResult[];
  readonly trials: TrialResult[];
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const kb = (bytes: number) => `${n(bytes)} B (${(bytes / 1024).toFixed(1)} KB)`;
const times = (x: number) => (Number.isFinite(x) ? `×${x.toFixed(x < 10 ? 2 : 1)}` : '–');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const { ours, plain } = r.detectionLatency;
  const rt = r.roundTrips;
  const oursSettings = `adaptive schedule (default: every 2 s at first); queryInterval ${r.providers.ours.waiter.intervalSeconds} s; each isComplete polls ≤ ${r.providers.ours.pollBudgetSeconds} s`;
  const plainSettings = `Provider defaults: queryInterval ${r.providers.plain.waiter.intervalSeconds} s, ${r.providers.plain.waiter.maxAttempts} attempts (30 min); one DescribeRefreshSchemasStatus per isComplete`;

  out.push('### Detection latency: DMS refresh `successful` → CREATE_COMPLETE');
  out.push('');
  out.push(`${ours.runs} + ${plain.runs} runs, refreshes of ${sec(ours.refreshDurationRangeMs[0])}–${sec(ours.refreshDurationRangeMs[1])} in 1.1-s steps `
    + '(the refresh ends at a different point of each poll schedule), all in parallel in real time (intervalScale 1), '
    + 'bundled handlers run by the lifecycle driver against the DMS emulator.');
  out.push('');
  out.push(table(
    ['provider', 'settings', 'median', 'max', 'min', 'isComplete calls / refresh', 'DMS calls / refresh (median)'],
    [
      ['**ours** (DmsSchemaRefresh)', oursSettings, sec(ours.medianMs), sec(ours.maxMs), sec(ours.minMs),
        String(rt.ours.isCompletePerRefreshMedian), `${rt.ours.dmsCallsPerRefreshMedian} (${rt.ours.statusPollsPerRefreshMedian} status)`],
      ['plain Provider', plainSettings, sec(plain.medianMs), sec(plain.maxMs), sec(plain.minMs),
        String(rt.plain.isCompletePerRefreshMedian), `${rt.plain.dmsCallsPerRefreshMedian} (${rt.plain.statusPollsPerRefreshMedian} status)`],
      ['plain ÷ ours', '', times(r.detectionLatency.plainOverOursMedian), times(r.detectionLatency.plainOverOursMax), '', '',
        times(rt.plain.dmsCallsPerRefreshMedian / rt.ours.dmsCallsPerRefreshMedian)],
    ],
  ));
  out.push('');
  const perRun = (l: LatencySummary) => l.samples.map((x) => `${(x.refreshDurationMs / 1000).toFixed(1)}→${(x.latencyMs / 1000).toFixed(2)}`).join(', ');
  out.push(`Per run (refresh s → latency s): ours ${perRun(ours)}; plain ${perRun(plain)}.`);
  out.push('');

  const lo = rt.ours.longWait;
  const lp = rt.plain.longWait;
  if (lo || lp) {
    out.push(`### Round trips while waiting: ${((lo ?? lp)!.refreshDurationMs / 1000).toFixed(0)}-s refresh`);
    out.push('');
    const longRow = (name: string, l: RoundTripSummary['longWait']) => l
      ? [name, sec(l.waitMs), String(l.isCompleteInvocations), l.roundTripsPerMinute.toFixed(2), String(l.dmsCalls), l.dmsCallsPerMinute.toFixed(1),
        l.detectionLatencyMs !== undefined ? sec(l.detectionLatencyMs) : '–']
      : [name, 'failed', '', '', '', '', ''];
    out.push(table(
      ['provider', 'waited (onEvent → done)', 'isComplete round trips', 'per minute', 'DMS calls', 'DMS calls / min', 'detection latency'],
      [longRow('**ours**', lo), longRow('plain Provider', lp)],
    ));
    out.push('');
    out.push(`Ours in steady state: one round trip per ${r.providers.ours.pollBudgetSeconds} s of polling + ${r.providers.ours.waiter.intervalSeconds} s of waiter = `
      + `${rt.oursSteadyStatePerMinute.toFixed(2)} per minute; the plain Provider: one per ${r.providers.plain.waiter.intervalSeconds} s + invocation time.`);
    out.push('');
  }

  out.push(renderConcurrency({ ...r.concurrencyDetails, rows: r.concurrency }));
  out.push('### Scale: constructs in one stack');
  out.push('');
  out.push('ARNs are cross-stack imports (tokens, no extra resources); every construct has its own endpoint and instance. '
    + `IAM sizes: compact JSON of each PolicyDocument with tokens resolved to long plausible values (partition ${PLAUSIBLE_PARTITION}, region ${PLAUSIBLE_REGION}, `
    + `${DMS_ID_LENGTH}-character DMS ids, ${NAME_LENGTH}-character role/function names); "per role" adds up a role's inline policies, which is what IAM's `
    + `${n(MAX_ROLE_INLINE_POLICY_BYTES)}-character limit applies to; a customer managed policy may have ${n(MAX_MANAGED_POLICY_BYTES)}. Synth = construct + \`app.synth()\`, median of ${r.options.synthRuns}.`);
  out.push('');
  const rows = r.scale.rows.map((row) => {
    const m = row.measurement;
    const verdict = row.limits.all && !m.synthError ? 'yes' : `**no**: ${[
      !row.limits.resources ? `${m.resources} > ${MAX_STACK_RESOURCES} resources` : '',
      !row.limits.templateBytes ? 'template > 1 MB' : '',
      !row.limits.iamPolicies ? 'IAM policy too large' : '',
    ].filter(Boolean).join(', ')}`;
    return [row.label, String(m.customResources), String(m.resources), n(m.templateBytes), n(m.largestPolicyBytes), n(m.largestRolePolicyBytes),
      n(m.largestManagedPolicyBytes), `${m.synthMs.toFixed(0)} ms`, verdict];
  });
  const one = r.scale.rows.find((x) => x.group === 'refresh' && x.measurement.counts['schema-refresh'] === 1)!.measurement;
  const many = r.scale.rows.find((x) => x.group === 'refresh' && x.measurement.counts['schema-refresh'] === 200)!.measurement;
  rows.push(['200 ÷ 1 DmsSchemaRefresh', times(many.customResources / one.customResources), times(r.scale.ratios.resources), times(r.scale.ratios.templateBytes),
    times(many.largestPolicyBytes / one.largestPolicyBytes), times(r.scale.ratios.largestRolePolicyBytes),
    times(many.largestManagedPolicyBytes / one.largestManagedPolicyBytes), times(r.scale.ratios.synthMs), '']);
  out.push(table(['stack', 'custom resources', 'resources', 'template bytes', 'largest inline policy (B)', 'inline per role (B)', 'largest managed policy (B)', 'synth',
    'fits CloudFormation + IAM'], rows));
  out.push('');
  out.push(`At most **${r.scale.maxEachKind} of each kind** fit one stack (${r.scale.rows.find((x) => x.group === 'each-kind')!.measurement.resources - 3} shared resources + one per construct ≤ ${MAX_STACK_RESOURCES}); `
    + 'refreshes alone fit up to ' + (MAX_STACK_RESOURCES - (one.resources - 1)) + ' per stack. '
    + `The IAM policy peaks at ${r.scale.policyPeakSize} instances (each ARN listed); beyond, one wildcard ARN per type replaces the list.`);
  out.push('');
  out.push('Growth checks: ' + r.scale.growth.map((g) => `${g.label} ${g.exact ? '✓' : '✗ ' + JSON.stringify(g.added)}`).join('; ') + '.');
  out.push('');

  out.push('### Handler bundles');
  out.push('');
  out.push(table(
    ['bundle', 'size', 'AWS SDK', `cold import, median of ${r.options.importRuns} fresh processes`],
    r.bundles.map((b) => [b.name, kb(b.bytes), b.sdkExternal ? 'external (runtime)' : '**bundled**', `${b.coldImportMedianMs.toFixed(0)} ms`]),
  ));
  out.push('');
  out.push('Cold import = `require()` of the bundle in a fresh `node` (includes loading `@aws-sdk/client-database-migration-service` from node_modules, '
    + `as the Lambda runtime resolves it from its own): the SDK alone takes ${r.sdkColdImportMedianMs.toFixed(0)} ms. `
    + 'The SDK is not bundled: every Node.js Lambda runtime ships AWS SDK for JavaScript v3, so the bundles hold only our code and stay small.');
  out.push('');

  out.push('### Targets');
  out.push('');
  out.push(table(['target', 'measured', 'result'], r.targets.map((t) => [t.target, t.measured, t.verdict === 'PASS' ? 'PASS' : `**${t.verdict}**`])));
  out.push('');
  const t = r.timingsMs;
  out.push(`Bench: ${sec(t.total)} wall time on ${r.machine.cpus} CPUs, Node ${r.machine.node}`
    + ` (phases, the scale synths overlapping the long waits: ${Object.entries(t).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${sec(v)}`).join(', ')}).`);
  return out.join('\n') + '\n';
}
