import { CutoverCommand } from './arguments';
import { cliAsker } from './cli-asker';
import { reportingChanges } from './run';
import {
  classifyStop,
  cloudWatchClient,
  cutoverReadiness,
  DmsOperation,
  DmsOperationFailed,
  errorCode,
  forGoodCause,
  isTransient,
  describeTarget,
  dmsClient,
  Finding,
  formatDuration,
  nextCutoverStep,
  parseStopPosition,
  Progress,
  ReadinessReport,
  readReadiness,
  replicationStart,
  replicationStop,
  requireReplication,
  stateDetail,
  stopPosition,
  intentCutoverRecords,
  startOperation,
  waitForOperation,
  WaitTimedOut,
} from '../lambda/dms';

/** What `cutover` prints on stdout when DMS stopped at the cut-over's position. */
export interface CutoverResult {
  readonly command: 'cutover';
  readonly subject: string;
  readonly done: true;
  readonly status: string;
  readonly stopReason?: string;
  readonly stopPosition?: string;
  readonly freezeTime: string;
  readonly skewMarginSeconds: number;
  /** True when this run found the cut-over already done (a rerun). */
  readonly alreadyDone: boolean;
  /**
   * The tables judged after the stop (readiness with the stop position as CDC's proof): false
   * when a table shows a problem now, such as a validation mismatch among the last changes.
   */
  readonly tablesReady: boolean;
  /** What holds the tables back after the stop, if anything. */
  readonly notReady: Finding[];
  readonly tables: Array<{
    schema: string;
    table: string;
    tableState: string;
    fullLoadRows: number;
    inserts: number;
    updates: number;
    deletes: number;
    validationState: string;
    validationFailedRecords: number;
    validationPendingRecords: number;
    validationSuspendedRecords: number;
    ready: boolean;
    reasons: string[];
  }>;
  readonly elapsedSeconds: number;
}

/** How often to look at DMS while it is in flux between steps (and after a fault that may pass). */
const IN_FLUX_INTERVAL_MS = 5_000;
const RETRY_MS = 2_000;
/** As long as the waits (lambda/dms/wait.ts) ride out a DMS that does not answer. */
const UNANSWERED_LIMIT_MS = 45_000;
const ADVICE = 'Raise --timeout and run cutover again: it goes on from where DMS is.';

/**
 * The cut-over: wait for readiness, record the stop position, stop, resume with the
 * position, wait until DMS stops there, print the final statistics. Each round reads DMS
 * and the record afresh and takes the next step (cutover-plan.ts), so a rerun, after a
 * kill at any point, goes on from where DMS is.
 */
export async function runCutover(command: CutoverCommand, progress: (line: string) => void): Promise<CutoverResult> {
  const began = Date.now();
  const deadline = began + command.wait!.timeoutMs;
  const dms = dmsClient(command.region);
  const clients = { dms, cloudWatch: cloudWatchClient(command.region) };
  // The record of intent (ssm): a rerun after a kill reads it, and so does every later deploy.
  const records = intentCutoverRecords(cliAsker('cutover').by, dms);
  const { target } = command;
  const stopAtMs = command.freezeTime.getTime() + command.skewMarginMs;
  const primary = stopPosition(command.stopAt, stopAtMs);
  const elapsed = () => formatDuration(Date.now() - began);
  const note = (line: string) => progress(`  [${elapsed()}] ${line}`);
  progress(`cdk-dms-lifecycle cutover: ${describeTarget(target)}; writes frozen at ${command.freezeTime.toISOString()}, stop position ${primary}; waiting up to ${formatDuration(command.wait!.timeoutMs)}`);

  /** Runs one DMS operation to its end within --timeout, counted from the command's start. */
  const step = async (operation: DmsOperation, advice = ADVICE): Promise<Progress> => {
    if (Date.now() >= deadline) throw new WaitTimedOut(operation.subject, Date.now() - began, 'not started', undefined, advice);
    const watched = reportingChanges(operation, (p) => note(`${p.status}${p.detail ? ` (${p.detail})` : ''}`));
    const mark = await startOperation(watched);
    const window = { startedAt: Date.now(), deadline, returnBy: deadline, pollIntervalMs: command.wait!.pollIntervalMs, timeoutAdvice: advice };
    return waitForOperation(watched, mark, window);
  };

  /**
   * The loop's own calls: a fault that may pass (throttling, a 5xx, a dropped connection) is
   * tried again until --timeout or for UNANSWERED_LIMIT_MS in a row, as the waits do.
   */
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const since = Date.now();
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (!isTransient(err) || Date.now() - since >= UNANSWERED_LIMIT_MS || Date.now() + RETRY_MS > deadline) throw err;
        note(`${what} failed (${err instanceof DmsOperationFailed ? err.code : errorCode(err)}); trying again`);
        await sleep(RETRY_MS);
      }
    }
  };

  let acted = false;
  let lastWait: string | undefined;
  for (;;) {
    const state = await call('DescribeReplication', () => requireReplication(dms, target));
    const record = await call('reading the cut-over record', () => records.read(target));
    const next = nextCutoverStep(target, state, record, primary);
    switch (next.action) {
      case 'done': {
        // Stopped at its own position: that stop is CDC's proof, so only the tables are judged.
        const final = await call('the final statistics', () => readReadiness(clients, target, { ...command.readiness, atStopPosition: 'judge-tables' }));
        return cutoverResult(command, state.status, state.stopReason, next.position, final, !acted, Date.now() - began);
      }
      case 'refuse':
        throw new DmsOperationFailed(next.reason);
      case 'wait':
        if (next.reason !== lastWait) note(`${state.status}: ${next.reason}`);
        lastWait = next.reason;
        if (Date.now() + IN_FLUX_INTERVAL_MS > deadline) {
          throw new WaitTimedOut(`the ${describeTarget(target)} to stop at ${primary}`, Date.now() - began, state.status, next.reason, ADVICE);
        }
        await sleep(IN_FLUX_INTERVAL_MS);
        continue;
      case 'begin':
        note('waiting until it is ready for cut-over');
        await step(cutoverReadiness(clients, target, command.readiness));
        // The record first: a run killed after the stop must find it, to resume rather than refuse.
        await call('recording the stop position', () => records.write(target, { positions: [primary] }));
        note(`recorded the stop position ${primary}; stopping it, to resume with it (DMS takes a stop position only with a start)`);
        await step(replicationStop(dms, target));
        break;
      case 'stop-to-replace':
        note(`stopping it, to replace the stop position ${next.held}`);
        await step(replicationStop(dms, target));
        break;
      case 'resume':
        note(`resuming it with CdcStopPosition ${next.position}`);
        await step(replicationStart(dms, { target, until: 'accepted', cdcStopPosition: next.position }));
        break;
      case 'wait-for-position': {
        note(`waiting until DMS stops at ${next.position}`);
        const idle = parseStopPosition(next.position)?.kind === 'commit_time'
          ? 'DMS stops at a commit time only once it reads a commit at or after it, which an idle source never writes: use --fallback-after, or write to a heartbeat table on the source. '
          : '';
        const outcome = await step(positionWait(next.position), `${idle}${ADVICE}`);
        if (outcome.status === FALLBACK) {
          const serverTime = stopPosition('server_time', Math.max(stopAtMs, Date.now() + command.skewMarginMs));
          await call('recording the stop position', () => records.write(target, { positions: [...(record?.positions ?? [primary]), serverTime] }));
          note(`no commit reached ${next.position} within ${formatDuration(command.fallbackAfterMs!)} (the source is idle): falling back to ${serverTime}`);
        }
        break;
      }
    }
    acted = true;
    lastWait = undefined;
  }

  /** Waits until DMS stops at the position; with a commit time and a fallback, ends early to fall back to a server time. */
  function positionWait(position: string): DmsOperation {
    const kind = parseStopPosition(position)?.kind;
    const waitStarted = Date.now();
    return {
      subject: `the ${describeTarget(target)} to stop at ${position}`,
      start: async () => ({}),
      async check(): Promise<Progress> {
        const state = await requireReplication(dms, target);
        // The one reading of DMS's stop reasons (stop-reason.ts): DMS's own restarts are waited through.
        const stop = classifyStop(state);
        if (stop.kind === 'at-stop-position') return { done: true, status: state.status, detail: stateDetail(state) };
        if (stop.kind === 'for-good' || stop.kind === 'full-load-finished') {
          const cause = stop.kind === 'for-good' ? forGoodCause(stop, state.status) : 'stopped';
          throw new DmsOperationFailed(`The ${describeTarget(target)} ${cause} before it reached ${position}: ${stateDetail(state) ?? 'DMS gave no stop reason'}`);
        }
        // Counted on our own clock from when this run began to wait, never from DMS's StartDate: DMS documents a
        // serverless one only as "scheduled", and a resume may not restamp it. A rerun waits its full time again.
        if (kind === 'commit_time' && command.fallbackAfterMs !== undefined && state.status === 'running' && Date.now() - waitStarted >= command.fallbackAfterMs) {
          return { done: true, status: FALLBACK };
        }
        return { done: false, status: `${state.status}, stops at ${state.cdcStopPosition ?? position}` };
      },
    };
  }
}

const FALLBACK = 'fallback to server_time';

function cutoverResult(
  command: CutoverCommand,
  status: string,
  stopReason: string | undefined,
  position: string | undefined,
  final: ReadinessReport,
  alreadyDone: boolean,
  elapsedMs: number,
): CutoverResult {
  return {
    command: 'cutover',
    subject: command.target.arn,
    done: true,
    status,
    ...(stopReason ? { stopReason } : {}),
    ...(position ? { stopPosition: position } : {}),
    freezeTime: command.freezeTime.toISOString(),
    skewMarginSeconds: command.skewMarginMs / 1000,
    alreadyDone,
    tablesReady: final.ready,
    notReady: final.allFindings,
    tables: final.tables.map((t) => ({
      schema: t.schema,
      table: t.table,
      tableState: t.tableState,
      fullLoadRows: t.fullLoadRows,
      inserts: t.inserts,
      updates: t.updates,
      deletes: t.deletes,
      validationState: t.validationState,
      validationFailedRecords: t.validationFailedRecords,
      validationPendingRecords: t.validationPendingRecords,
      validationSuspendedRecords: t.validationSuspendedRecords,
      ready: t.ready,
      reasons: t.findings.map((f) => f.code),
    })),
    elapsedSeconds: Math.round(elapsedMs / 100) / 10,
  };
}

/** The final statistics as a table a person reads in a pipeline log. */
export function cutoverTable(result: CutoverResult): string {
  const header = ['SCHEMA', 'TABLE', 'LOAD STATE', 'ROWS LOADED', 'INSERTS', 'UPDATES', 'DELETES', 'VALIDATION'];
  const rows = result.tables.map((t) => [
    t.schema, t.table, t.tableState, String(t.fullLoadRows), String(t.inserts), String(t.updates), String(t.deletes), t.validationState,
  ]);
  const numeric = new Set([3, 4, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) => r.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [
    `${result.subject}: ${result.status} at ${result.stopPosition ?? 'its stop position'}${result.stopReason ? ` (${result.stopReason})` : ''}${result.alreadyDone ? '; the cut-over was already done' : ''}`,
    '',
    format(header),
    ...rows.map(format),
    ...(result.notReady.length > 0 ? ['', 'The tables after the stop are not all ready:', ...result.notReady.map((f) => `  - [${f.code}] ${f.message}`)] : []),
    '',
  ].join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
