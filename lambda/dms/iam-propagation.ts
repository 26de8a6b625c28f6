import { graceMs } from './grace';

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
