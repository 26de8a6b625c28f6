import { DmsOperationFailed, stillDenied } from './errors';
import { graceMs } from './grace';
import type { Progress } from './operation';

/** How soon a denied call is tried again, whatever the poll schedule says. */
const RECHECK_MS = 5_000;

/**
 * Access denials one invocation's checks have met (a role, bucket policy or key grant still
 * propagating): ridden out for the IAM propagation grace since the first, then thrown in
 * DMS's words with how long they lasted. The start's own retries are startOperation's.
 */
export class PropagationWatch {
  private since: number | undefined;

  public constructor(private readonly limitMs = graceMs('iamPropagation'), private readonly now: () => number = Date.now) {}

  /** Notes a denial; throws it once denials have lasted the grace. Returns what the check's progress carries. */
  public denied(err: DmsOperationFailed): Pick<Progress, 'detail' | 'recheckAt' | 'holdUntil'> {
    const now = this.now();
    this.since ??= now;
    if (now - this.since >= this.limitMs) throw stillDenied(err, now - this.since);
    return { detail: `${err.message} (IAM may still be propagating)`, recheckAt: now + RECHECK_MS, holdUntil: this.since + this.limitMs + RECHECK_MS };
  }

  /** The call went through: a later denial starts a new grace. */
  public accepted(): void {
    this.since = undefined;
  }
}

/**
 * The run name of attempt `k` (0: the first): the request's own name, then `<name>-2`,
 * `<name>-3`… after runs that ended `error-provisioning` while IAM propagated. Fixed by
 * the request, so a retried or replayed start finds its run (ResourceAlreadyExistsFault).
 */
export function attemptName(name: string, k: number): string {
  return k === 0 ? name : `${name}-${k + 1}`;
}

/** Which attempt of `name` a run name (or results folder) is, or undefined if it is none of ours. */
export function attemptOf(name: string, candidate: string): number | undefined {
  if (candidate === name) return 0;
  const suffix = candidate.startsWith(`${name}-`) ? candidate.slice(name.length + 1) : '';
  return /^[1-9]\d{0,2}$/.test(suffix) && Number(suffix) >= 2 ? Number(suffix) - 1 : undefined;
}

/** A run that ended `error-provisioning` within the grace after the first attempt was created: worth one more. */
export function retriesProvisioning(status: string, firstCreatedAt: number | undefined, now = Date.now()): boolean {
  return status === 'error-provisioning' && firstCreatedAt !== undefined && now < firstCreatedAt + graceMs('iamPropagation');
}
