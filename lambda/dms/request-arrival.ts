import { AsyncLocalStorage } from 'async_hooks';

/**
 * When the custom resource request being served arrived (epoch ms). onEvent sets it, so that
 * its waits (for DMS to rest before a start, and a rollback restart's hand-over) count from the
 * request's arrival, as the request's deadline does, however long stack reads that rode out
 * throttling or retried starts took before them. Unset (the CLI): they count from their start.
 */
const arrival = new AsyncLocalStorage<number>();

/** Runs `fn` as serving a request that arrived at `receivedAt`. */
export function withRequestArrival<T>(receivedAt: number, fn: () => Promise<T>): Promise<T> {
  return arrival.run(receivedAt, fn);
}

/** When the request being served arrived, if a handler said so. */
export function requestArrival(): number | undefined {
  return arrival.getStore();
}
