import { UsageError } from './usage-error';
import { dmsArnProblem, DmsResourceType, parseDmsArn as parseArn } from '../src/private/dms-arn-syntax';

/** Longest duration we take: beyond ~24.8 days Node's timers would fire at once. */
const MAX_DURATION_SECONDS = 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * `90`, `90s`, `5m`, `1h`, `2d`: a positive whole number of seconds, minutes, hours or days, in
 * milliseconds. At most 24h unless `maxSeconds` says otherwise (a duration that is no timer,
 * such as a metric window, has bounds of its own).
 */
export function parseDuration(flag: string, text: string, options: { maxSeconds?: number } = {}): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] || 's'] : NaN;
  if (!(seconds > 0)) {
    throw new UsageError(`${flag} must be a positive whole number of seconds, minutes, hours or days such as 90, 90s, 5m, 1h or 2d; got "${text}"`);
  }
  if (seconds > (options.maxSeconds ?? MAX_DURATION_SECONDS)) throw new UsageError(`${flag} must be at most 24h; got "${text}"`);
  return seconds * 1000;
}

export type DmsArnType = DmsResourceType;

export interface DmsArn {
  readonly arn: string;
  readonly region: string;
}

/** A DMS ARN of the expected resource type, or a UsageError saying what is wrong with it. */
export function parseDmsArn(flag: string, text: string, expected: DmsArnType): DmsArn {
  const arn = text.trim();
  const problem = dmsArnProblem(flag, arn, expected);
  if (problem) throw new UsageError(problem);
  return { arn, region: parseArn(arn)!.region };
}
