/**
 * A running replication that stops by itself: DMS's stop reasons, the same strings for a
 * task's `StopReason` and a serverless replication's (DMS API reference), with the failure
 * text where DMS puts it for each kind (a task's `LastFailureMessage`, a serverless
 * replication's `FailureMessages`). A recoverable error is restarted by DMS itself.
 */
import { nowMs } from './clock';
import { StoppableRecord } from './stopping';

/** How and when a running replication stops by itself. */
export interface Interruption {
  /** From now. @default 0 */
  readonly afterMs?: number;
  /** DMS's words, e.g. 'Stop Reason FATAL_ERROR', 'Stop Reason RECOVERABLE_ERROR', 'Stop Reason NORMAL'. */
  readonly stopReason: string;
  /** @default 'stopped' */
  readonly status?: 'stopped' | 'failed';
  /** A task's LastFailureMessage (joined) or a serverless replication's FailureMessages. @default none */
  readonly failureMessages?: readonly string[];
  /** DMS restarts it by itself this long after the stop (a recoverable error). @default never */
  readonly recoversAfterMs?: number;
}

/** Schedules the stop (and the restart) on the record; replaces whatever it had pending. */
export function interrupt(record: StoppableRecord, plan: Interruption): void {
  const at = nowMs() + (plan.afterMs ?? 0);
  record.pending = {
    dueAtMs: at,
    apply: () => {
      record.status = plan.status ?? 'stopped';
      record.stopReason = plan.stopReason;
      if (record.run) {
        record.run.stopDate = at;
        record.run.failureMessages = plan.failureMessages ? [...plan.failureMessages] : undefined;
      }
      if (plan.recoversAfterMs === undefined) return;
      const back = at + plan.recoversAfterMs;
      record.pending = {
        dueAtMs: back,
        apply: () => {
          record.status = 'running';
          record.stopReason = undefined;
          if (record.run) {
            record.run.startDate = back;
            record.run.stopDate = undefined;
            record.run.failureMessages = undefined;
          }
        },
      };
    },
  };
}
