import { Duration, Token } from 'aws-cdk-lib';
import { CdcCriterionName, DefaultReadiness } from './private/handler-contract';
import { windowProblem } from './private/readiness-bounds';

/** Options of {@link CutoverCriterion.latencyWindow}. */
export interface LatencyWindowCriterionOptions {
  /**
   * The highest `CDCLatencySource` (CloudWatch, `AWS/DMS`) allowed anywhere in the window.
   * @default Duration.seconds(10)
   */
  readonly maxSourceLatency?: Duration;
  /**
   * The highest `CDCLatencyTarget` allowed anywhere in the window.
   * @default Duration.seconds(10)
   */
  readonly maxTargetLatency?: Duration;
  /**
   * How long both latencies must have stayed at or under their maximum, with a data point
   * every minute (no data point is unknown latency, not zero). From 1 minute to 15 days less
   * the 6 minutes the query reaches back further (CloudWatch keeps one-minute points 15 days).
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Options of {@link CutoverCriterion.drained}. */
export interface DrainedCriterionOptions {
  /**
   * How long every CDC backlog metric must have stayed at zero, with a data point every
   * minute (no data point is unknown, not zero). Bounds as for the latency window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/**
 * A criterion that says CDC has caught up, for {@link DmsCutoverReadinessOptions.criteria}.
 *
 * - `latencyWindow()`: while writes still flow. `CDCLatencySource` and `CDCLatencyTarget` at or
 *   under their maximum for a window. While the source is idle DMS may publish no latency at all
 *   (unknown, so never ready), a latency that grows from the last commit, or a steady value
 *   (a heartbeat): do not rely on it once writes are frozen.
 * - `drained()`: once writes are frozen. `CDCIncomingChanges`, `CDCChangesMemorySource`,
 *   `CDCChangesMemoryTarget`, `CDCChangesDiskSource` and `CDCChangesDiskTarget` all at zero for
 *   a window: every change DMS read is applied. It does not prove DMS read the source's log to
 *   the end; a stop at a CDC stop position does (the CLI's `cutover` command).
 */
export class CutoverCriterion {
  /** Latency at or under its maximum for a window: the criterion while writes still flow. */
  public static latencyWindow(options: LatencyWindowCriterionOptions = {}): CutoverCriterion {
    const maxSource = wholeSeconds('maxSourceLatency', options.maxSourceLatency, DefaultReadiness.MAX_LATENCY_SECONDS, 1, 'Duration.seconds(10)');
    const maxTarget = wholeSeconds('maxTargetLatency', options.maxTargetLatency, DefaultReadiness.MAX_LATENCY_SECONDS, 1, 'Duration.seconds(10)');
    const window = windowSeconds('latencyWindow', options.window, DefaultReadiness.LATENCY_WINDOW_SECONDS);
    return new CutoverCriterion(CdcCriterionName.LATENCY_WINDOW, {
      MaxSourceLatencySeconds: String(maxSource),
      MaxTargetLatencySeconds: String(maxTarget),
      LatencyWindowSeconds: String(window),
    });
  }

  /** Every CDC backlog metric at zero for a window: the criterion once writes are frozen. */
  public static drained(options: DrainedCriterionOptions = {}): CutoverCriterion {
    const window = windowSeconds('drained window', options.window, DefaultReadiness.DRAINED_WINDOW_SECONDS);
    return new CutoverCriterion(CdcCriterionName.DRAINED, { DrainedWindowSeconds: String(window) });
  }

  /** `latency-window` or `drained`. */
  public readonly name: string;

  /** @internal the custom resource properties this criterion sets */
  public readonly _properties: Readonly<Record<string, string>>;

  private constructor(name: string, properties: Record<string, string>) {
    this.name = name;
    this._properties = properties;
  }
}

/** A whole number of seconds from `min`, or an error that names the prop and shows an example. */
function wholeSeconds(prop: string, d: Duration | undefined, defaultSeconds: number, min: number, example: string): number {
  if (d === undefined) return defaultSeconds;
  const value = d.toSeconds({ integral: false });
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min) {
    throw new Error(`${prop} must be a literal whole number of seconds, at least ${min} (for example ${example}); got ${Token.isUnresolved(value) ? 'a token' : d.toHumanString()}`);
  }
  return value;
}

/** A window's seconds within the bounds the CLI and the handler share (src/private/readiness-bounds.ts). */
function windowSeconds(prop: string, d: Duration | undefined, defaultSeconds: number): number {
  const value = wholeSeconds(prop, d, defaultSeconds, 1, 'Duration.minutes(5)');
  const problem = windowProblem(prop, value);
  if (problem) throw new Error(problem);
  return value;
}
