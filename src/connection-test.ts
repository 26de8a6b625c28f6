import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateDmsArn } from './private/dms-arn';
import { LifecycleProvider } from './private/lifecycle-provider';
import { waitSettings } from './private/wait-settings';
import { DEFAULT_POLL_INTERVAL, DmsWaitOptions } from './wait-options';

/** Properties of {@link DmsConnectionTest}. */
export interface DmsConnectionTestProps extends DmsWaitOptions {
  /** ARN of the DMS endpoint to test, for example `cfnEndpoint.ref`. */
  readonly endpointArn: string;
  /** ARN of the replication instance to test from, for example `cfnReplicationInstance.ref`. */
  readonly replicationInstanceArn: string;
  /**
   * Any value; changing it runs the test again on the next deploy even though the
   * ARNs are unchanged (for example after rotating the endpoint's password).
   * @default - test only when the resource is created or an ARN changes
   */
  readonly testTrigger?: string;
}

/**
 * Tests the connection between a replication instance and a DMS endpoint during
 * `cdk deploy`, like the console's "Test connection".
 *
 * On create, and on update when an ARN or `testTrigger` changes, it calls
 * `TestConnection` and waits until `DescribeConnections` (filtered by both ARNs,
 * following `Marker` pagination) reports the pair `successful`; a `failed` test
 * fails the deployment with DMS's `LastFailureMessage` (the database's own error).
 * A test already running is waited for. Deleting it makes no DMS call.
 *
 * @example
 * const tested = new DmsConnectionTest(this, 'TestSource', {
 *   endpointArn: sourceEndpoint.ref,
 *   replicationInstanceArn: instance.ref,
 * });
 */
export class DmsConnectionTest extends Construct {
  /** The connection's status when the test finished (`successful`). */
  public readonly connectionStatus: string;

  public constructor(scope: Construct, id: string, props: DmsConnectionTestProps) {
    super(scope, id);
    validateDmsArn('endpointArn', props.endpointArn, 'endpoint');
    validateDmsArn('replicationInstanceArn', props.replicationInstanceArn, 'rep');
    const wait = waitSettings(props.timeout, props.pollInterval, {
      timeout: Duration.minutes(10),
      pollInterval: DEFAULT_POLL_INTERVAL,
    });

    const provider = LifecycleProvider.of(this, 'connection-test');
    provider.grant(['dms:TestConnection'], 'endpoint', props.endpointArn);
    provider.grant(['dms:TestConnection'], 'rep', props.replicationInstanceArn);
    // IAM offers no resource-level scoping for DescribeConnections.
    provider.grantUnscoped('dms:DescribeConnections');

    const resource = provider.newResource(this, 'Resource', wait, {
      EndpointArn: props.endpointArn,
      ReplicationInstanceArn: props.replicationInstanceArn,
      TestTrigger: props.testTrigger,
    });
    this.connectionStatus = resource.getAttString('Status');
  }
}
