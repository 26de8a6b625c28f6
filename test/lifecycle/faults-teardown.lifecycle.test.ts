/**
 * Faults on every DMS operation the handlers call, on the BUNDLED handlers: short
 * bursts are ridden out by the SDK's retries (and the next poll); a persistent
 * fault fails the resource with a clear reason long before any deadline.
 * (replication teardown; the other operations are in faults.lifecycle.test.ts.)
 */
import { useEmulatedDms } from '../support/emulated-dms';
import { FaultKind, itRidesOutEveryFault } from '../support/fault-scenarios';

const dms = useEmulatedDms();

const OPERATIONS: Array<[string, FaultKind]> = [
  ['DescribeReplications', 'teardown-config'],
  ['StopReplication', 'teardown-config'],
  ['DescribeReplicationTasks', 'teardown-task'],
  ['StopReplicationTask', 'teardown-task'],
];

itRidesOutEveryFault(dms, OPERATIONS);

