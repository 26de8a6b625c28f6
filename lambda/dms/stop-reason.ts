/**
 * What a replication's status and StopReason say about whether it will go on.
 * DMS's StopReason values (the same strings for a task's and a serverless replication's,
 * DMS API reference `ReplicationTask.StopReason` / `Replication.StopReason`):
 * `Stop Reason NORMAL`, `RECOVERABLE_ERROR`, `FATAL_ERROR`, `FULL_LOAD_ONLY_FINISHED`,
 * `STOPPED_AFTER_FULL_LOAD`, `STOPPED_AFTER_CACHED_EVENTS`, `EXPRESS_LICENSE_LIMITS_REACHED`,
 * `STOPPED_AFTER_DDL_APPLY`, `STOPPED_DUE_TO_LOW_MEMORY`, `STOPPED_DUE_TO_LOW_DISK`,
 * `STOPPED_AT_SERVER_TIME`, `STOPPED_AT_COMMIT_TIME`, `RECONFIGURATION_RESTART`, `RECYCLE_TASK`.
 *
 * - `not-stopped`: running, starting, stopping, never ran…: nothing to judge yet.
 * - `recovering`: stopped with a reason DMS restarts the replication from by itself.
 * - `full-load-finished`: a full-load-only replication loaded every table.
 * - `at-stop-position`: stopped at the CDC stop position it was started with (the cut-over's own stop).
 * - `for-good`: failed, stopped by a user (NORMAL), or for any other reason DMS does not recover from by itself.
 */
export type StopVerdict =
  | { readonly kind: 'not-stopped' }
  | { readonly kind: 'recovering'; readonly reason: string }
  | { readonly kind: 'full-load-finished'; readonly reason: string }
  | { readonly kind: 'at-stop-position'; readonly reason: StopPositionReason; readonly position: StopPositionKind }
  | { readonly kind: 'for-good'; readonly reason?: string };

/** The two stop reasons of a CDC stop position (`CdcStopPosition`), as DMS writes them. */
export const STOP_POSITION_REASONS = ['Stop Reason STOPPED_AT_COMMIT_TIME', 'Stop Reason STOPPED_AT_SERVER_TIME'] as const;
export type StopPositionReason = (typeof STOP_POSITION_REASONS)[number];
/** The kind of a CDC stop position (cdc-stop-position.ts writes them): `commit_time:…` or `server_time:…`. */
export type StopPositionKind = 'commit_time' | 'server_time';
const POSITION_KIND: Record<StopPositionReason, StopPositionKind> = {
  'Stop Reason STOPPED_AT_COMMIT_TIME': 'commit_time',
  'Stop Reason STOPPED_AT_SERVER_TIME': 'server_time',
};

/**
 * Reasons DMS restarts a replication from by itself: a recoverable error (DMS's own words),
 * and the two restarts DMS itself makes (a reconfiguration, a recycled task).
 */
const RECOVERING = /\b(RECOVERABLE_ERROR|RECONFIGURATION_RESTART|RECYCLE_TASK)\b/;
const FULL_LOAD_ONLY_FINISHED = /\bFULL_LOAD_ONLY_FINISHED\b/;

/** The verdict on what DMS shows now. */
export function classifyStop(state: { readonly status: string; readonly stopReason?: string }): StopVerdict {
  const reason = state.stopReason?.trim() || undefined;
  if (state.status === 'failed') return { kind: 'for-good', reason };
  if (state.status !== 'stopped') return { kind: 'not-stopped' };
  if (!reason) return { kind: 'for-good' };
  if (RECOVERING.test(reason)) return { kind: 'recovering', reason };
  if (FULL_LOAD_ONLY_FINISHED.test(reason)) return { kind: 'full-load-finished', reason };
  const atPosition = STOP_POSITION_REASONS.find((r) => reason.includes(r.replace('Stop Reason ', '')));
  if (atPosition) return { kind: 'at-stop-position', reason: atPosition, position: POSITION_KIND[atPosition] };
  return { kind: 'for-good', reason };
}

/**
 * A stop asked for (`NORMAL`: by a user, a tool, or the cut-over between its stop and its
 * resume), or a stop DMS gives no reason for; not a failure.
 */
export function isAskedStop(verdict: StopVerdict): boolean {
  return verdict.kind === 'for-good' && (verdict.reason === undefined || /\bNORMAL\b/.test(verdict.reason));
}

/** Why a stop is for good, in a person's words, for a reason that quotes DMS right after it. */
export function forGoodCause(verdict: StopVerdict & { kind: 'for-good' }, status: string): string {
  if (status === 'failed') return 'failed';
  if (!verdict.reason) return 'stopped (DMS gives no stop reason)';
  if (isAskedStop(verdict)) return 'was stopped (by a user or a tool)';
  return 'stopped and DMS does not restart it by itself';
}
