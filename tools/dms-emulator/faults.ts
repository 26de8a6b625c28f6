import { DmsError, throttled } from './dms-error';

/**
 * What an injected fault does to one request:
 * - `error`: answered with this DMS error instead of running the operation;
 * - `drop`: the socket is destroyed without any response, and the operation does not run;
 * - `delay`: the operation runs when the request arrives, its answer is sent `ms` later.
 */
export type Fault =
  | { readonly kind: 'error'; readonly error: DmsError }
  | { readonly kind: 'drop' }
  | { readonly kind: 'delay'; readonly ms: number };

/** Error code recorded for a call whose connection was dropped (never sent on the wire). */
export const CONNECTION_DROPPED = 'ConnectionDropped';

interface QueuedFault {
  readonly make: () => Fault;
  remaining: number;
  /** Only a request whose input mentions this (an ARN, say) suffers it; others pass it by. */
  readonly about?: string;
}

/** Faults queued per operation, applied before the operation runs (first queued, first applied). */
export class FaultInjector {
  private readonly queues = new Map<string, QueuedFault[]>();

  throttle(operation: string, times: number): void {
    this.enqueue(operation, () => ({ kind: 'error', error: throttled() }), times);
  }

  failNext(operation: string, code: string, message: string, times: number, about?: string): void {
    this.enqueue(operation, () => ({ kind: 'error', error: new DmsError(code, message) }), times, about);
  }

  dropNext(operation: string, times: number): void {
    this.enqueue(operation, () => ({ kind: 'drop' }), times);
  }

  delayNext(operation: string, ms: number, times: number, about?: string): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`delayNext: ms must be a finite number >= 0, got ${ms}`);
    this.enqueue(operation, () => ({ kind: 'delay', ms }), times, about);
  }

  /** Drops every fault still queued (for `operation`, or all). */
  clear(operation?: string): void {
    if (operation === undefined) this.queues.clear();
    else this.queues.delete(operation);
  }

  /** The fault this call to `operation` (with this input) must suffer, if any; consumes it. */
  take(operation: string, input?: unknown): Fault | undefined {
    const queue = this.queues.get(operation);
    const i = queue?.findIndex((f) => f.about === undefined || JSON.stringify(input ?? {}).includes(f.about)) ?? -1;
    if (!queue || i < 0) return undefined;
    const fault = queue[i];
    fault.remaining -= 1;
    if (fault.remaining <= 0) queue.splice(i, 1);
    return fault.make();
  }

  private enqueue(operation: string, make: () => Fault, times: number, about?: string): void {
    if (!Number.isInteger(times) || times < 1) return;
    const queue = this.queues.get(operation) ?? [];
    queue.push({ make, remaining: times, ...(about !== undefined ? { about } : {}) });
    this.queues.set(operation, queue);
  }
}
