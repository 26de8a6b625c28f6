/**
 * What the cut-over does next, from what DMS shows and the cut-over's record (pure, like
 * replication-plan.ts, so a rerun decides exactly as the first run would have). "Ours"
 * rests on facts, never on dates: the record names this cut-over's first stop position,
 * or DMS itself holds that position.
 */
import { parseStopPosition } from './cdc-stop-position';
import type { CutoverIntent } from './cutover-record';
import { describeTarget, NEVER_RAN, ReplicationState, ReplicationTarget, stateDetail, UNDER_WAY } from './replication-state';
import { classifyStop, isAskedStop } from './stop-reason';

export type CutoverStep =
  /** Stopped at a stop position of this cut-over: print the statistics. */
  | { readonly action: 'done'; readonly position?: string }
  /** It runs (or starts) holding the position asked last: wait until DMS stops there. */
  | { readonly action: 'wait-for-position'; readonly position: string }
  /** It runs holding an earlier position of this cut-over (a fallback under way): stop it, to resume with the last. */
  | { readonly action: 'stop-to-replace'; readonly held: string }
  /** Stopped by this cut-over, the resume with the stop position pending. */
  | { readonly action: 'resume'; readonly position: string }
  /** It runs with no stop position: wait for readiness, record, stop, resume. */
  | { readonly action: 'begin' }
  /** DMS is in flux (stopping, starting, modifying): look again. */
  | { readonly action: 'wait'; readonly reason: string }
  /** Not this cut-over's to touch, or failed: fail with the reason. */
  | { readonly action: 'refuse'; readonly reason: string };

export function nextCutoverStep(target: ReplicationTarget, state: ReplicationState, record: CutoverIntent | undefined, primary: string): CutoverStep {
  const name = `The ${describeTarget(target)}`;
  const detail = stateDetail(state);
  const ours = record !== undefined && record.positions[0] === primary;
  const asked = ours ? record.positions : [primary];
  const current = asked[asked.length - 1];
  const held = state.cdcStopPosition;
  if (state.migrationType === 'full-load') return { action: 'refuse', reason: `${name} is full-load only: it has no CDC to stop at a position` };
  if (state.status === 'failed') return { action: 'refuse', reason: `${name} failed${detail ? `: ${detail}` : ''}` };

  // What the stop reason says is stop-reason.ts's one reading, shared with readiness.
  const stop = classifyStop(state);
  if (stop.kind === 'at-stop-position') {
    if (held !== undefined && asked.includes(held)) return { action: 'done', position: held };
    // DMS may show no position once it stopped there: the record, and the kind in DMS's stop reason, tell.
    const recorded = ours ? record.positions.find((p) => parseStopPosition(p)?.kind === stop.position) : undefined;
    if (held === undefined && recorded) return { action: 'done', position: recorded };
    return { action: 'refuse', reason: `${name} stopped at ${held ?? 'a stop position'} (${detail}), not at ${primary}: another cut-over (another --freeze-time, --skew-margin or --stop-at) stopped it` };
  }
  if (state.status === 'stopped') {
    if (stop.kind === 'recovering') return { action: 'wait', reason: `DMS restarts it by itself (${detail})` };
    if (ours && isAskedStop(stop)) return { action: 'resume', position: current };
    if (ours) return { action: 'refuse', reason: `${name} stopped${detail ? ` (${detail})` : ''} after this cut-over recorded ${current}: it did not stop for the cut-over; start it again and rerun` };
    return {
      action: 'refuse',
      reason: `${name} is stopped${detail ? ` (${detail})` : ''}, and not by a cut-over at ${primary}: cutover only stops a running replication. Start it (start-replication), let it catch up, and run cutover again`,
    };
  }
  if (state.status === 'stopping') {
    return ours ? { action: 'wait', reason: 'stopping, for the cut-over' } : { action: 'refuse', reason: `${name} is being stopped, and not by a cut-over at ${primary}` };
  }
  if (NEVER_RAN.has(state.status)) return { action: 'refuse', reason: `${name} never ran (${state.status}): nothing to cut over` };
  if (UNDER_WAY.has(state.status)) {
    if (held === undefined) return state.status === 'running' ? { action: 'begin' } : { action: 'wait', reason: `${state.status}: it starts` };
    if (held === current) return { action: 'wait-for-position', position: held };
    if (asked.includes(held)) return { action: 'stop-to-replace', held };
    return { action: 'refuse', reason: `${name} runs with another stop position, ${held}, not ${primary}: another cut-over is under way` };
  }
  return { action: 'wait', reason: `it is ${state.status}` };
}
