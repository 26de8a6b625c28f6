/**
 * CDC stop positions (`CdcStopPosition`): how they are written, and how DMS says a
 * replication stopped at one. DMS takes `server_time:YYYY-MM-DDThh:mm:ss` (its replication
 * server's clock) or `commit_time:YYYY-MM-DDThh:mm:ss` (the source's commit times), no zone:
 * we write UTC. It documents the stop reasons `Stop Reason STOPPED_AT_SERVER_TIME` and
 * `Stop Reason STOPPED_AT_COMMIT_TIME` (the same list for tasks and serverless replications);
 * the reason is matched by its code alone, should a serverless one come in another form.
 */
import type { ReplicationState } from './replication-state';

export type StopPositionKind = 'commit_time' | 'server_time';

export const STOP_POSITION_KINDS: readonly StopPositionKind[] = ['commit_time', 'server_time'];

/** A parsed stop position. */
export interface StopPosition {
  readonly kind: StopPositionKind;
  /** Epoch ms (UTC), a whole second. */
  readonly atMs: number;
}

const FORMAT = /^(server_time|commit_time):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})$/;
const STOPPED_AT = /STOPPED_AT_(COMMIT|SERVER)_TIME/;

/** The position of `kind` at the first whole second at or after `atMs` (never earlier: at or after is the promise). */
export function stopPosition(kind: StopPositionKind, atMs: number): string {
  const second = Math.ceil(atMs / 1000) * 1000;
  return `${kind}:${new Date(second).toISOString().slice(0, 19)}`;
}

export function parseStopPosition(text: string | undefined): StopPosition | undefined {
  const m = text === undefined ? null : FORMAT.exec(text.trim());
  return m ? { kind: m[1] as StopPositionKind, atMs: Date.parse(`${m[2]}Z`) } : undefined;
}

/** The kind of stop position DMS says it stopped at, from its StopReason. */
export function stoppedAtKind(stopReason: string | undefined): StopPositionKind | undefined {
  const m = stopReason === undefined ? null : STOPPED_AT.exec(stopReason);
  return m ? (m[1] === 'COMMIT' ? 'commit_time' : 'server_time') : undefined;
}

/** Whether the replication stopped at a CDC stop position (of either kind). */
export function isStoppedAtPosition(state: ReplicationState): boolean {
  return state.status === 'stopped' && stoppedAtKind(state.stopReason) !== undefined;
}
