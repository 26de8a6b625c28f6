/**
 * CDC stop positions (`CdcStopPosition`): how they are written and read. DMS takes
 * `server_time:YYYY-MM-DDThh:mm:ss` (its replication server's clock) or
 * `commit_time:YYYY-MM-DDThh:mm:ss` (the source's commit times), no zone: we write UTC.
 * How DMS says a replication stopped at one (`STOPPED_AT_*_TIME`) is stop-reason.ts's.
 */
import type { StopPositionKind } from './stop-reason';

export const STOP_POSITION_KINDS: readonly StopPositionKind[] = ['commit_time', 'server_time'];

/** A parsed stop position. */
export interface StopPosition {
  readonly kind: StopPositionKind;
  /** Epoch ms (UTC), a whole second. */
  readonly atMs: number;
}

const FORMAT = /^(server_time|commit_time):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})$/;

/** The position of `kind` at the first whole second at or after `atMs` (never earlier: at or after is the promise). */
export function stopPosition(kind: StopPositionKind, atMs: number): string {
  const second = Math.ceil(atMs / 1000) * 1000;
  return `${kind}:${new Date(second).toISOString().slice(0, 19)}`;
}

export function parseStopPosition(text: string | undefined): StopPosition | undefined {
  const m = text === undefined ? null : FORMAT.exec(text.trim());
  return m ? { kind: m[1] as StopPositionKind, atMs: Date.parse(`${m[2]}Z`) } : undefined;
}
