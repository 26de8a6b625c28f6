/**
 * The journal of a stack operation: the events CloudFormation would show (and the failures
 * among them), and what a forward update did to each resource so that a rollback can undo it.
 */
import type { SimulatedClock } from './simulated-clock';
import type { DeployedResource } from './stack-state';
import type { ProgressEvent, StackOperationResult } from './types';

/** What a stack update did to one resource, so that a rollback can undo it. */
export type UpdateJournalEntry =
  /** Created in this update; `previous` is the (unchanged) entry of an earlier failed create it replaces. */
  | { readonly kind: 'created'; readonly logicalId: string; readonly previous?: DeployedResource }
  /** Updated (or its update attempted) in this update; `before` is the resource as it was. */
  | { readonly kind: 'updated'; readonly logicalId: string; readonly before: DeployedResource; readonly attempted: any; requestSent: boolean };

/** Bookkeeping of a forward update: physical ids to delete at cleanup, and what to roll back. */
export interface UpdateProgress {
  readonly cleanup: DeployedResource[];
  readonly journal: UpdateJournalEntry[];
}

/** Events and failures of one stack operation. */
export class Operation {
  public readonly events: ProgressEvent[] = [];
  public readonly failures: { logicalId: string; reason: string }[] = [];
  /** Simulated epoch ms when the operation started. */
  public readonly started: number;
  /** Simulated epoch ms at which a deploy is cancelled (DeployOptions.cancelAfterMs). */
  public cancelAt?: number;
  /** Set once a custom resource's create was cancelled. */
  public cancelled = false;

  constructor(private readonly clock: SimulatedClock, private readonly onProgress?: (e: ProgressEvent) => void) {
    this.started = clock.now();
  }

  public emit(logicalId: string, resourceType: string, status: string, reason?: string, physicalId?: string): void {
    const event: ProgressEvent = {
      logicalId,
      resourceType,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(physicalId ? { physicalId } : {}),
      elapsedMs: this.clock.now() - this.started,
    };
    this.events.push(event);
    this.onProgress?.(event);
  }

  public fail(logicalId: string, resourceType: string, status: string, reason: string): void {
    this.failures.push({ logicalId, reason });
    this.emit(logicalId, resourceType, status, reason);
  }

  public result(status: string): StackOperationResult {
    return { status, events: this.events, failures: this.failures, elapsedMs: this.clock.now() - this.started };
  }
}
