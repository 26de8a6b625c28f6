import type { Duration } from 'aws-cdk-lib';

/** How long a lifecycle construct waits for DMS, and how often it looks. */
export interface DmsWaitOptions {
  /**
   * How long to wait for DMS before the deployment fails with a reason that names
   * the resource, the time waited and the last status seen. At most 1 hour
   * (CloudFormation's limit for a custom resource); the handler's own deadline is
   * kept 60 seconds inside CloudFormation's, so a 1-hour timeout waits 59 minutes.
   * @default - depends on the construct
   */
  readonly timeout?: Duration;
  /**
   * How often to ask DMS for the status: a whole number of seconds that divides
   * `timeout`. Shorter detects completion sooner at the cost of more DMS calls.
   * @default Duration.seconds(2)
   */
  readonly pollInterval?: Duration;
}
