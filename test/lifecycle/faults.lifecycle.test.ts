/**
 * Faults on every DMS operation the handlers call, on the BUNDLED handlers: short
 * bursts are ridden out by the SDK's retries (and the next poll); a persistent
 * fault fails the resource with a clear reason long before any deadline.
 * (schema refresh and connection test; the other operations are in faults-teardown.lifecycle.test.ts.)
 */
import { useEmulatedDms } from '../support/emulated-dms';
import { Fault, FaultKind, itRidesOutEveryFault, runWithFault } from '../support/fault-scenarios';

const dms = useEmulatedDms();
// A persistent fault must not outlive its test.
afterEach(() => dms().clearFaults());

const OPERATIONS: Array<[string, FaultKind]> = [
  ['DescribeRefreshSchemasStatus', 'refresh'],
  ['RefreshSchemas', 'refresh'],
  ['TestConnection', 'test'],
  ['DescribeConnections', 'test'],
];

itRidesOutEveryFault(dms, OPERATIONS);

test('a persistent fault while polling fails the resource with DMS\'s error, long before the deadline', async () => {
  const started = Date.now();
  // isComplete polls for 4 s per invocation here, so "unanswered" means 3 s (45 s in a deployed stack).
  // The start's own DescribeConnections (the record before the test) goes through; every poll after it fails.
  const persistent: Fault = (e, op) => {
    e.delayNext(op, 0, 1);
    e.failNext(op, 'ServiceUnavailable', 'Service unavailable', 10_000);
  };
  const { result } = await runWithFault(dms, 'test', 'DescribeConnections', persistent, { DMS_LIFECYCLE_POLL_BUDGET_SECONDS: '4' });
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(/^DMS did not answer for \d+s while waiting for the connection test between endpoint .*; last error: .*ServiceUnavailable: Service unavailable/);
  expect(Date.now() - started).toBeLessThan(60_000);
}, 90_000);

test('a persistent fault when starting fails the resource with the call that failed', async () => {
  const persistent: Fault = (e, op) => e.failNext(op, 'InternalFailure', 'We encountered an internal error', 10_000);
  const { result } = await runWithFault(dms, 'test', 'TestConnection', persistent);
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(/^DMS TestConnection failed for endpoint .*: InternalFailure: We encountered an internal error/);
}, 90_000);
