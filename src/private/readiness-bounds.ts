/**
 * The bounds of cut-over readiness criteria: the one home of the rule the construct
 * (synth-time validation), the CLI (its options) and the handler (its CloudWatch query)
 * all follow, so a window one of them refuses the others refuse too, for the same reason.
 */

/** DMS publishes its metrics once a minute. */
export const METRIC_PERIOD_SECONDS = 60;

/**
 * How old the freshest data point may be (its timestamp is its minute's start). DMS's and
 * CloudWatch's docs give no publishing delay: a tolerance of one minute's end plus one would
 * never find a minute published three minutes late fresh, and so never be ready.
 */
export const PUBLISH_LAG_SECONDS = 5 * METRIC_PERIOD_SECONDS;

/** How much further back than the window the CloudWatch query starts: the publishing lag and one more minute. */
export const QUERY_SLACK_SECONDS = PUBLISH_LAG_SECONDS + METRIC_PERIOD_SECONDS;

/**
 * CloudWatch keeps one-minute data points for 15 days; a query that starts earlier needs
 * 5-minute periods, which cannot show a missing minute.
 */
export const ONE_MINUTE_RETENTION_SECONDS = 15 * 24 * 3600;

/** A shorter window would judge a single data point. */
export const MIN_WINDOW_SECONDS = METRIC_PERIOD_SECONDS;

/** The longest window: its query (window plus slack) still starts within the 15 days of one-minute points. */
export const MAX_WINDOW_SECONDS = ONE_MINUTE_RETENTION_SECONDS - QUERY_SLACK_SECONDS;

/** Seconds as a person reads them: `14d 23h 54m`, `5m`, `90s`. */
export function humanSeconds(total: number): string {
  const parts: string[] = [];
  let rest = total;
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(' ') || '0s';
}

/**
 * Why a window (whole seconds) cannot be judged, or undefined when it can. `name` is the
 * prop or flag in the caller's words (`latencyWindow`, `--drained-window`).
 */
export function windowProblem(name: string, seconds: number): string | undefined {
  if (seconds < MIN_WINDOW_SECONDS) {
    return `${name} must be at least ${humanSeconds(MIN_WINDOW_SECONDS)}: DMS publishes its metrics once a minute; got ${humanSeconds(seconds)}`;
  }
  if (seconds > MAX_WINDOW_SECONDS) {
    return `${name} must be at most ${humanSeconds(MAX_WINDOW_SECONDS)}: CloudWatch keeps one-minute data points for 15 days (a query that starts earlier needs 5-minute periods) and the query starts ${humanSeconds(QUERY_SLACK_SECONDS)} before the window; got ${humanSeconds(seconds)}`;
  }
  return undefined;
}
