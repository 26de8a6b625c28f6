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
   * A fixed interval between status checks, instead of the adaptive schedule: a
   * whole number of seconds that divides `timeout`. Shorter detects completion
   * sooner at the cost of more DMS calls, which every caller in the account shares
   * (DMS throttles at 8 per second refilled into a bucket of 200).
   * @default - adaptive: every 2 s at first, then every 1/20 of the time already
   * waited (at most 60 s), never more often than the stack's share of
   * `DmsLifecycleProviderSettings.dmsCallsPerSecond`, and slower while DMS throttles
   */
  readonly pollInterval?: Duration;
}
