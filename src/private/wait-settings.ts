import { Duration, Token } from 'aws-cdk-lib';
import { DmsWaitOptions } from '../wait-options';
import { DefaultWait } from './handler-contract';

/** CloudFormation waits at most 1 hour for a custom resource (ServiceTimeout 3600 s). */
const MAX_TIMEOUT = Duration.hours(1);
/** Our own deadline fires this long before CloudFormation's, so the user reads our reason. */
const SERVICE_TIMEOUT_MARGIN_SECONDS = 60;

/** How long to wait for DMS and how often to look. */
export interface WaitSettings {
  /** The handler's deadline, seconds after onEvent. */
  readonly timeoutSeconds: number;
  /** The user's fixed pollInterval; undefined: the adaptive schedule. */
  readonly pollIntervalSeconds?: number;
  /** The custom resource's CloudFormation ServiceTimeout. */
  readonly serviceTimeout: Duration;
}

/**
 * Validates `timeout` and `pollInterval` and derives the custom resource timing.
 * Throws errors that name the prop and show a valid value.
 */
export function waitSettings(options: DmsWaitOptions, kind: keyof typeof DefaultWait.TIMEOUT_SECONDS): WaitSettings {
  const t = options.timeout ?? Duration.seconds(DefaultWait.TIMEOUT_SECONDS[kind]);
  const p = options.pollInterval;
  const timeoutSeconds = wholeSeconds('timeout', t, 'Duration.minutes(30)');
  const pollSeconds = p && wholeSeconds('pollInterval', p, 'Duration.seconds(5)');
  if (timeoutSeconds > MAX_TIMEOUT.toSeconds()) {
    throw new Error(
      `timeout must be at most 1 hour, CloudFormation's limit for a custom resource (for example Duration.minutes(30)); got ${t.toHumanString()}`,
    );
  }
  if (p && pollSeconds && (pollSeconds > timeoutSeconds || timeoutSeconds % pollSeconds !== 0)) {
    throw new Error(
      `pollInterval must divide timeout evenly so the last check falls on the deadline (for example Duration.seconds(5) with a timeout of ${t.toHumanString()}); got ${p.toHumanString()}`,
    );
  }
  const serviceSeconds = Math.min(timeoutSeconds + SERVICE_TIMEOUT_MARGIN_SECONDS, MAX_TIMEOUT.toSeconds());
  return {
    timeoutSeconds: Math.min(timeoutSeconds, serviceSeconds - SERVICE_TIMEOUT_MARGIN_SECONDS),
    pollIntervalSeconds: pollSeconds,
    serviceTimeout: Duration.seconds(serviceSeconds),
  };
}

function wholeSeconds(prop: string, d: Duration, example: string): number {
  if (Token.isUnresolved(d.toSeconds({ integral: false }))) {
    throw new Error(`${prop} must be a literal Duration (for example ${example}), not a token`);
  }
  const seconds = d.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`${prop} must be a whole number of seconds, at least 1 (for example ${example}); got ${d.toHumanString()}`);
  }
  return seconds;
}
