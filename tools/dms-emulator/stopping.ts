import { Evolving, nowMs } from './clock';

const DEFAULT_STOP_DURATION_MS = 2000;
/** A documented DMS StopReason value. */
const DEFAULT_STOP_REASON = 'Stop Reason NORMAL';

/** A replication or task that can be stopped. */
export interface StoppableRecord extends Evolving {
  status: string;
  stopReason?: string;
}

/** How a stop goes, from ReplicationOptions / TaskOptions. */
export interface StopPlan {
  readonly stopDurationMs?: number;
  readonly neverStops?: boolean;
  readonly stopReason?: string;
}

/** Moves the record to `stopping`, and to `stopped` after the plan's duration unless it never stops. */
export function beginStop(record: StoppableRecord, plan: StopPlan): void {
  record.status = 'stopping';
  record.pending = plan.neverStops ? undefined : {
    dueAtMs: nowMs() + (plan.stopDurationMs ?? DEFAULT_STOP_DURATION_MS),
    apply: () => {
      record.status = 'stopped';
      record.stopReason = plan.stopReason ?? DEFAULT_STOP_REASON;
    },
  };
}
