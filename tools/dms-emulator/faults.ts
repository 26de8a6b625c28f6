import { DmsError, throttled } from './dms-error';

interface QueuedFault {
  readonly make: () => DmsError;
  remaining: number;
}

/** Errors queued per operation, answered before the operation runs (first queued, first answered). */
export class FaultInjector {
  private readonly queues = new Map<string, QueuedFault[]>();

  throttle(operation: string, times: number): void {
    this.enqueue(operation, throttled, times);
  }

  failNext(operation: string, code: string, message: string, times: number): void {
    this.enqueue(operation, () => new DmsError(code, message), times);
  }

  /** The fault the next call to `operation` must answer, if any; consumes it. */
  take(operation: string): DmsError | undefined {
    const queue = this.queues.get(operation);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.make();
  }

  private enqueue(operation: string, make: () => DmsError, times: number): void {
    if (!Number.isInteger(times) || times < 1) return;
    const queue = this.queues.get(operation) ?? [];
    queue.push({ make, remaining: times });
    this.queues.set(operation, queue);
  }
}
