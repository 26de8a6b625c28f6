import { connectionTest, dmsClientFor } from '../dms';
import { lifecycleHandlers } from '../handler-kit/lifecycle-handler';

/** Properties whose change asks for a new test. */
const TEST_INPUTS = ['EndpointArn', 'ReplicationInstanceArn', 'TestTrigger'];

/**
 * Connection test provider: Create and Update (ARNs or trigger changed) run
 * TestConnection and wait for the result; Delete makes no DMS call.
 */
export const { onEvent, isComplete } = lifecycleHandlers({
  actsOn: ['Create', 'Update'],
  physicalId: (props) => `${props.string('EndpointArn')}|${props.string('ReplicationInstanceArn')}`,
  operation(request, props, old) {
    const changed = request === 'Create' || TEST_INPUTS.some((name) => props.optionalString(name) !== old?.optionalString(name));
    const endpointArn = props.string('EndpointArn');
    return connectionTest(dmsClientFor(endpointArn), {
      endpointArn,
      replicationInstanceArn: props.string('ReplicationInstanceArn'),
      // An Update that touched only timing settings reports the record as it stands.
      reuseSuccessful: !changed,
    });
  },
});
