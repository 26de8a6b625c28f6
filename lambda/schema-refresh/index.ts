import { ConnectionPreconditionMode } from '../../src/private/handler-contract';
import { ConnectionPrecondition, currentRefreshStatus, dmsClientFor, schemaRefresh } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';
import { pairPhysicalId } from '../handler-kit/resource-properties';

/**
 * Schema refresh provider: Create and Update (ARNs or trigger changed) refresh
 * the endpoint's schemas; other Updates report the current status; Delete makes
 * no DMS call. The physical id names the pair, so a new endpoint or instance
 * replaces the resource and the old one's Delete is a no-op.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  inputs: ['EndpointArn', 'ReplicationInstanceArn', 'RefreshTrigger'],
  physicalId: pairPhysicalId,
  operation(props, intent) {
    const endpointArn = props.string('EndpointArn');
    const client = dmsClientFor(endpointArn);
    if (intent === 'report') return currentRefreshStatus(client, endpointArn);
    return schemaRefresh(client, {
      endpointArn,
      replicationInstanceArn: props.string('ReplicationInstanceArn'),
      connectionPrecondition: (props.optionalString('ConnectionPrecondition') ??
        ConnectionPreconditionMode.TEST_UNLESS_SUCCESSFUL) as ConnectionPrecondition,
    });
  },
});
