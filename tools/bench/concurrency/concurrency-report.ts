/** The Markdown of the concurrency suite (bench.md and docs/performance.md). */
import type { ConcurrencyReport, ConcurrencyRow } from './concurrency-suite';
import { SCHEDULE_LABELS, WaitKind } from './concurrent-waits';

const KIND_LABELS: Record<WaitKind, string> = {
  'schema-refresh': 'schema refresh',
  'connection-test': 'connection test',
  'replication-teardown': 'teardown (stop)',
  'replication-run': 'run (start)',
};
const span = (lo: number, hi: number) => (lo >= 60 && hi >= 60 && lo % 60 === 0 && hi % 60 === 0 ? `${lo / 60}–${hi / 60} min` : `${lo}–${hi} s`);

const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const cells = (r: ConcurrencyRow) => [
  String(r.failed),
  r.callsPerSecond.toFixed(2),
  `${r.throttled} (${pct(r.throttledShare)})`,
  `${r.latencyMedianS} s (${pct(r.latencyMedianShare)})`,
  `${r.latencyP95S} s (${pct(r.latencyP95Share)})`,
];

export function renderConcurrency(c: ConcurrencyReport): string {
  const out: string[] = [];
  out.push('### Many waits at once: DMS API rate');
  out.push('');
  const kinds = Object.entries(c.durationS).map(([k, [lo, hi]]) => `${KIND_LABELS[k as WaitKind]} ${span(lo, hi)}`).join(', ');
  out.push(`N constructs whose DMS operations run at once, the four kinds in turn (DMS takes: ${kinds}; a teardown stops its `
    + 'replication when the stack is deleted, the others act on create: all together is the worst case), against DMS\'s account-wide '
    + `token bucket (burst ${c.rateLimit.burst}, refill ${c.rateLimit.refillPerSecond}/s). ${c.simulated}. `
    + '"Sustained" is the busiest minute once every start is done; latency is DMS done (refresh `successful`, test `successful`, '
    + 'replication `stopped` or `running`) → resource complete, in seconds and as a share of the operation '
    + '(N = 1: ' + (c.rows.find((r) => r.constructs === 1)?.runs ?? 1) + ' lone waits, the kinds in turn). '
    + 'Simulated time: these figures do not depend on the machine.');
  out.push('');
  out.push(table(
    ['constructs', 'schedule', 'failed', 'calls/s sustained', 'throttled calls', 'latency median', 'latency p95', 'DMS calls per check in a throttled account'],
    c.rows.map((r) => [String(r.constructs), SCHEDULE_LABELS[r.schedule], ...cells(r), r.callsPerThrottledCheck ? r.callsPerThrottledCheck.toFixed(2) : '– (none throttled)']),
  ));
  out.push('');
  out.push(`"DMS calls per check in a throttled account": the attempts a check makes once DMS throttles its first one (our client: ${c.sdkMaxAttempts} `
    + `attempt${c.sdkMaxAttempts === 1 ? '' : 's'} per send, our backoff retries; the plain Provider's handler: the SDK's ${c.plainSdkMaxAttempts}, as our client had before).`);
  out.push('');
  const s = c.singleWait;
  out.push(`One wait alone (adaptive): refreshes of ${s.shortRefreshes.rangeS[0]}–${s.shortRefreshes.rangeS[1]} s are seen after ${s.shortRefreshes.latencyMedianS} s `
    + `(median; p95 ${s.shortRefreshes.latencyP95S} s), refreshes of ${s.longRefreshes.rangeS[0] / 60}–${s.longRefreshes.rangeS[1] / 60} min after `
    + `${pct(s.longRefreshes.latencyMedianShare)} of their duration (median; p95 ${pct(s.longRefreshes.latencyP95Share)}).`);
  out.push('');
  out.push(`**Trade-off, 200 at once:** the stack's budget \`dmsCallsPerSecond\` (default ${c.defaultBudgetCallsPerSecond}) against detection.`);
  out.push('');
  out.push(table(
    ['dmsCallsPerSecond', 'failed', 'calls/s sustained', 'throttled calls', 'latency median', 'latency p95'],
    c.tradeOff.map((p) => [p.budgetCallsPerSecond === c.defaultBudgetCallsPerSecond ? `**${p.budgetCallsPerSecond}** (default)` : String(p.budgetCallsPerSecond), ...cells(p.row)]),
  ));
  return out.join('\n') + '\n';
}
