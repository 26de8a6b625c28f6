/** Fault scenarios for the lifecycle fault tests: a construct deployed (or destroyed) while DMS misbehaves. */
import { Duration, Stack } from 'aws-cdk-lib';
import { synthStack } from './synth';
import { ConnectionPrecondition, DmsConnectionTest, DmsReplicationTeardown, DmsSchemaRefresh } from '../../src';
import { DmsEmulator } from '../../tools/dms-emulator';
import { LifecycleDriver } from '../../tools/lifecycle';

let n = 0;

export type Fault = (emulator: DmsEmulator, operation: string) => void;
export const FAULTS: Record<string, Fault> = {
  'a throttling burst': (e, op) => e.throttle(op, 3),
  'HTTP 500s': (e, op) => e.failNext(op, 'InternalFailure', 'We encountered an internal error', 2),
  'HTTP 503s': (e, op) => e.failNext(op, 'ServiceUnavailable', 'Service unavailable', 2),
  'dropped connections': (e, op) => e.dropNext(op, 2),
  'a response slower than the client\'s timeout': (e, op) => e.delayNext(op, 1_500, 1),
};

/** Handlers give up on one DMS answer after 500 ms here (10 s in a deployed stack). */
const env = (dms: DmsEmulator) => ({ ...dms.env(), DMS_LIFECYCLE_REQUEST_TIMEOUT_MS: '500' });

/** Which construct a scenario exercises. */
export type FaultKind = 'refresh' | 'test' | 'teardown-config' | 'teardown-task';

/** A stack with one construct of `kind`, deployed (and for teardowns destroyed) with `fault` on `operation`. */
export async function runWithFault(dms: () => DmsEmulator, kind: FaultKind, operation: string, fault?: Fault, extraEnv = {}) {
  const endpointArn = dms().endpointArn(`F${++n}`);
  const replicationInstanceArn = dms().instanceArn(`FI${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_500 });
  dms().setConnectionBehavior(endpointArn, replicationInstanceArn, { testDurationMs: 1_000 });
  const configArn = dms().replicationConfigArn(`FC${n}`);
  const taskArn = dms().taskArn(`FT${n}`);
  dms().addReplication(configArn, { status: 'running', stopDurationMs: 1_000 });
  dms().addReplicationTask(taskArn, { status: 'running', stopDurationMs: 1_000 });
  const pollInterval = Duration.seconds(1);
  const synth = synthStack((stack: Stack) => {
    if (kind === 'refresh') new DmsSchemaRefresh(stack, 'R', { endpointArn, replicationInstanceArn, pollInterval, connectionPrecondition: ConnectionPrecondition.ALWAYS_TEST });
    if (kind === 'test') new DmsConnectionTest(stack, 'C', { endpointArn, replicationInstanceArn, pollInterval });
    if (kind === 'teardown-config') new DmsReplicationTeardown(stack, 'T', { replicationConfigArn: configArn, pollInterval });
    if (kind === 'teardown-task') new DmsReplicationTeardown(stack, 'T', { replicationTaskArn: taskArn, pollInterval });
  }, `Faults${n}`);
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: { ...env(dms()), ...extraEnv } });
  const teardown = kind.startsWith('teardown');
  if (!teardown) fault?.(dms(), operation);
  const deployed = await driver.deploy();
  if (!teardown) return { result: deployed, configArn, taskArn };
  if (deployed.status !== 'CREATE_COMPLETE') throw new Error(`deploy before the teardown fault: ${deployed.status}`);
  fault?.(dms(), operation);
  return { result: await driver.destroy(), configArn, taskArn };
}


/** One test per fault on each operation: the construct still completes (teardowns: the replication is stopped). */
export function itRidesOutEveryFault(dms: () => DmsEmulator, operations: Array<[string, FaultKind]>): void {
  describe.each(operations)('%s', (operation, kind) => {
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
}
