import { forget } from '../dms/intent-record';
import { DmsOperation, OperationMark, Progress } from '../dms/operation';

/** The mark's flag: this Delete's replication goes away, so the check that reports done forgets its record. */
const FORGET = 'forgetRecord';

/**
 * A Delete of ours that stops a replication, and then deletes its record of intent
 * (lambda/dms/intent-record.ts) when the replication goes away with the stack: `goesAway`
 * is asked once, in onEvent, before the stop; the check that reports done forgets, after
 * every write this Delete made. A replication that stays (in the stack, or kept by a
 * Retain policy) keeps its record.
 *
 * Several Deletes of ours may act on one replication (a run and a teardown, a run and its
 * assessment, a cancelled create's fence). Each that finds it going away forgets when it is
 * done, and each writes only before that (a stop is recorded only when one is sent), so
 * whichever ends last forgets after every write of ours: no later write brings it back.
 *
 * A forget that fails (SSM throttled beyond the record's retries, or denied) does not fail
 * the Delete, whose stop is done: it is logged and named in the detail. The record then
 * stays, a stale record of a gone replication (docs/durable-intent.md says what that means).
 */
export function forgetWhenGone(operation: DmsOperation, arn: string, goesAway: () => Promise<boolean>): DmsOperation {
  return {
    ...operation,
    async start(): Promise<OperationMark> {
      const forgets = await goesAway();
      return { ...(await operation.start()), ...(forgets ? { [FORGET]: true } : {}) };
    },
    async check(mark): Promise<Progress> {
      const progress = await operation.check(mark);
      if (!progress.done || mark[FORGET] !== true) return progress;
      const failed = await forgetOrSay(arn);
      return failed ? { ...progress, detail: progress.detail ? `${progress.detail}; ${failed}` : failed } : progress;
    },
  };
}

/** Forgets; undefined when done, or what went wrong (also logged). */
async function forgetOrSay(arn: string): Promise<string | undefined> {
  try {
    await forget(arn);
    return undefined;
  } catch (err) {
    const said = `${err instanceof Error ? err.message : String(err)} The stop is done: the Delete goes on.`;
    console.warn(JSON.stringify({ phase: 'forget', arn, failed: said }));
    return said;
  }
}
