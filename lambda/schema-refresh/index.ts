import { ConnectionPreconditionMode } from '../../src/private/handler-contract';
import { ConnectionPrecondition, currentRefreshStatus, dmsClientFor, schemaRefresh } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';

/** Properties whose change asks for a new refresh. */
const REFRESH_INPUTS = ['EndpointArn', 'ReplicationInstanceArn', 'RefreshTrigger'];

/**
 * Schema refresh provider: Create and Update (ARNs or trigger changed) refresh
 * the endpoint's schemas; Delete makes no DMS call. The physical id names the
 * pair, so a new endpoint or instance replaces the resource and the old one's
 * Delete is a no-op.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  physicalId: (props) => `${props.string('EndpointArn')}|${props.string('ReplicationInstanceArn')}`,
  operation(request, props, old) {
    const endpointArn = props.string('EndpointArn');
    const changed = request === 'Create' || REFRESH_INPUTS.some((name) => props.optionalString(name) !== old?.optionalString(name));
    // An Update that touched only timing settings still reports the current status.
    const client = dmsClientFor(endpointArn);
    if (!changed) return currentRefreshStatus(client, endpointArn);
    return schemaRefresh(client, {
      endpointArn,
      replicationInstanceArn: props.string('ReplicationInstanceArn'),
      connectionPrecondition: (props.optionalString('ConnectionPrecondition') ??
        ConnectionPreconditionMode.TEST_UNLESS_SUCCESSFUL) as ConnectionPrecondition,
    });
  },
});
