import { main } from '../../cli/main';
import { classifyStop, parseStopPosition, stopPosition } from '../../lambda/dms';
import { DmsEmulator, frozenSource, TableScenario } from '../dms-emulator';
import { shortName } from './dms-watcher';

/** What the cut-over of one replication did. */
export interface CutoverOutcome {
  readonly arn: string;
  readonly exitCode: number;
  /** The JSON `cutover` printed. */
  readonly result: any;
  /** The stop position the cut-over promises to stop at or after: freeze time + skew margin. */
  readonly atOrAfter: string;
  /** Checked by run-demo right after the cut-over, while DMS still shows the replication. */
  readonly verified?: boolean;
}

const MINUTE = 60_000;
const SKEW_MARGIN = '2s';
const table = (schema: string, name: string, rows: number, inserts: number): TableScenario => ({
  schema,
  table: name,
  phases: [{ tableState: 'Table completed', validationState: 'Validated', fullLoadRows: rows, inserts, updates: Math.floor(inserts / 3), deletes: Math.floor(inserts / 10) }],
});
const TABLES = [table('sales', 'orders', 120_000, 830), table('sales', 'order_items', 410_000, 2_410), table('billing', 'invoices', 56_000, 312)];

/** How long before the cut-over the writes stopped: the backlog drained a minute after, and stayed at 0 for the drained window. */
const FROZEN_FOR_MS = 3 * MINUTE;

/**
 * The last step of the migration, before the destroy: writes to the source stop (the
 * emulated source goes idle), and `cdk-dms-lifecycle cutover --criterion drained` runs for
 * each replication: it waits until the replication is ready (tables loaded and validated,
 * CDC's backlog at 0 for the window), stops it, resumes it with a CDC stop position at or
 * after the freeze, and waits until DMS stops there. The config stops at a commit time (on
 * the idle source, after the fallback to a server time); the task at a server time.
 *
 * The drained criterion because writes are frozen: the emulated CDC latency then publishes
 * no data points (one of the idle readings DMS leaves open), so a latency window would stay
 * unknown. A drained backlog does not prove the source's log was read to the end: the stop
 * position does.
 */
export async function demoCutover(
  emulator: DmsEmulator,
  replications: readonly string[],
  write: (line: string) => void,
  clock: () => string,
): Promise<CutoverOutcome[]> {
  const freezeMs = Math.floor((Date.now() - FROZEN_FOR_MS) / 1000) * 1000;
  const freeze = new Date(freezeMs).toISOString().replace('.000Z', 'Z');
  const idle = frozenSource('no-points', Date.now() - freezeMs);
  for (const arn of replications) {
    emulator.setTableStatistics(arn, TABLES);
    emulator.setCdcLatency(arn, idle.latency);
    emulator.setCdcBacklog(arn, idle.backlog);
    emulator.setRunBehavior(arn, { sourceWritesStopAt: freezeMs });
  }
  write(`${clock()}  writes to the source stopped ${FROZEN_FOR_MS / MINUTE} minutes ago, at ${freeze}: the source is idle (CDC latency publishes no data points; the backlog drained to 0 a minute later)`);

  const saved = { ...process.env };
  Object.assign(process.env, emulator.env());
  const outcomes: CutoverOutcome[] = [];
  try {
    for (const arn of replications) {
      const flag = arn.includes(':task:') ? '--replication-task-arn' : '--replication-config-arn';
      const stopAt = arn.includes(':task:') ? ['--stop-at', 'server-time'] : ['--stop-at', 'commit-time', '--fallback-after', '5s'];
      const args = ['cutover', flag, arn, '--freeze-time', freeze, '--skew-margin', SKEW_MARGIN, ...stopAt, '--criterion', 'drained', '--drained-window', '1m', '--poll-interval', '1s', '--timeout', '5m'];
      write(`${clock()}  $ cdk-dms-lifecycle ${args.map((a) => (a === arn ? `<${shortName(a)}>` : a)).join(' ')}`);
      let stdout = '';
      const exitCode = await main(args, {
        stdout: (text) => { stdout += text; },
        stderr: (text) => text.split('\n').filter(Boolean).forEach((line) => write(`${clock()}    ${line}`)),
      });
      let result: any;
      try {
        result = JSON.parse(stdout);
      } catch {
        result = undefined;
      }
      write(`${clock()}    exit ${exitCode}`);
      outcomes.push({ arn, exitCode, result, atOrAfter: stopPosition(stopAt[1] === 'server-time' ? 'server_time' : 'commit_time', freezeMs + 2_000) });
    }
  } finally {
    process.env = saved;
  }
  return outcomes;
}

/** Whether each replication stopped, as DMS reports it, at a stop position at or after freeze + margin. */
export function stoppedAtOrAfter(emulator: DmsEmulator, outcome: CutoverOutcome): boolean {
  const run = emulator.replicationRun(outcome.arn);
  const held = parseStopPosition(outcome.result?.stopPosition);
  const floor = parseStopPosition(outcome.atOrAfter)!;
  const stop = run && classifyStop({ status: run.Status ?? '', stopReason: run.StopReason });
  return outcome.exitCode === 0
    && stop?.kind === 'at-stop-position' && stop.position === held?.kind
    && held !== undefined && held.atMs >= floor.atMs;
}
