import { connectionTest, currentConnectionStatus, dmsClientFor } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { pairPhysicalId } from '../handler-kit/resource-properties';

/**
 * Connection test provider: Create and Update (ARNs or trigger changed) run
 * TestConnection and wait for the result; other Updates report the record as it
 * stands; Delete makes no DMS call.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  inputs: ['EndpointArn', 'ReplicationInstanceArn', 'TestTrigger'],
  physicalId: pairPhysicalId,
  operation(props, intent) {
    const pair = { endpointArn: props.string('EndpointArn'), replicationInstanceArn: props.string('ReplicationInstanceArn') };
    const client = dmsClientFor(pair.endpointArn);
    return intent === 'report' ? currentConnectionStatus(client, pair) : connectionTest(client, { ...pair, reuseSuccessful: false });
  },
});
