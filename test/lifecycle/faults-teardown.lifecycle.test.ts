/**
 * Faults on every DMS operation the handlers call, on the BUNDLED handlers: short
 * bursts are ridden out by the SDK's retries (and the next poll); a persistent
 * fault fails the resource with a clear reason long before any deadline.
 * (replication teardown; the other operations are in faults.lifecycle.test.ts.)
 */
import { useEmulatedDms } from '../support/emulated-dms';
import { FaultKind, FAULTS, runWithFault } from '../support/fault-scenarios';

const dms = useEmulatedDms();

const OPERATIONS: Array<[string, FaultKind]> = [
  ['DescribeReplications', 'teardown-config'],
  ['StopReplication', 'teardown-config'],
  ['DescribeReplicationTasks', 'teardown-task'],
  ['StopReplicationTask', 'teardown-task'],
];

describe.each(OPERATIONS)('%s', (operation, kind) => {
  test.each(Object.keys(FAULTS))('%s: ridden out', async (faultName) => {
    const { result, configArn, taskArn } = await runWithFault(dms, kind, operation, FAULTS[faultName]);
    expect({ status: result.status, failures: result.failures }).toEqual({
      status: kind.startsWith('teardown') ? 'DELETE_COMPLETE' : 'CREATE_COMPLETE',
      failures: [],
    });
    if (kind === 'teardown-config') expect(dms().replication(configArn)?.Status).toBe('stopped');
    if (kind === 'teardown-task') expect(dms().replicationTask(taskArn)?.Status).toBe('stopped');
  });
});

