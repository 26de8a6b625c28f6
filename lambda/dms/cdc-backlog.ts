/**
 * DMS's CDC backlog metrics (CloudWatch `AWS/DMS`, counts): changes read from the source
 * and not yet applied. All at zero means the pipeline is drained: every change DMS read
 * is applied. It does NOT prove the source's log was read to the end (`CDCIncomingChanges`
 * counts changes read, not changes still unread upstream): that proof is a stop at a CDC
 * stop position.
 */
export const BACKLOG_METRICS = [
  /** Changes waiting to be applied to the target. */
  'CDCIncomingChanges',
  /** Changes held in memory, read from the source / waiting for the target. */
  'CDCChangesMemorySource',
  'CDCChangesMemoryTarget',
  /** Changes spilled to disk, likewise. */
  'CDCChangesDiskSource',
  'CDCChangesDiskTarget',
] as const;

export type BacklogMetric = (typeof BACKLOG_METRICS)[number];
