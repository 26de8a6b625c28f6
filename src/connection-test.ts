import { Construct } from 'constructs';
import { validateEndpointPair } from './private/dms-arn';
import { Attribute, ConnectionTestProperties } from './private/handler-contract';
import { LifecycleProvider } from './private/lifecycle-provider';
import { waitSettings } from './private/wait-settings';
import { DmsWaitOptions } from './wait-options';

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
    validateEndpointPair(this, props);
    const wait = waitSettings(props, 'connection-test');

    const provider = LifecycleProvider.of(this, 'connection-test');
    provider.grantConnectionTest(props.endpointArn, props.replicationInstanceArn);

    const resource = provider.newResource<ConnectionTestProperties>(this, 'Resource', wait, {
      EndpointArn: props.endpointArn,
      ReplicationInstanceArn: props.replicationInstanceArn,
      TestTrigger: props.testTrigger,
    });
    this.connectionStatus = resource.getAttString(Attribute.STATUS);
  }
}
