/**
 * @real-time
 * The one lifecycle suite on the wall clock (the others run on simulated time, see
 * test/support/simulated-time.ts): a replication run deployed, updated and destroyed with the
 * handlers, the emulator and the driver waiting for real, so that the simulated suites cannot
 * hide a handler that only works when time jumps.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { DmsReplicationRun, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { replicationConfig } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const START_MS = 1_500;
const dms = useEmulatedDms({
  runBehavior: { startDurationMs: START_MS, fullLoadDurationMs: 1_000, modifyDurationMs: 800, stopDurationMs: 800, tables: 2 },
});

const app = (schema: string) => synthStack((stack: Stack) => {
  const config = replicationConfig(stack, 'Smoke', schema);
  DmsReplicationRun.forReplicationConfig(stack, 'Run', config, { waitFor: ReplicationWaitFor.RUNNING, pollInterval: Duration.seconds(1) });
}, 'Smoke');

test('on the wall clock: create → running, an update stops, modifies and resumes it, delete stops it', async () => {
  expect(String(Date.now)).toContain('[native code]');
  const driver = new LifecycleDriver({ assemblyDir: app('sales').assemblyDir, stackName: 'Smoke', env: dms().env(), resourceTypes: dmsResourceTypes(dms()) });
  const wallStart = performance.now();
  const created = await driver.deploy();
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  // DMS took START_MS to start it, and that time really passed.
  expect(performance.now() - wallStart).toBeGreaterThanOrEqual(START_MS);
  const configArn = driver.resources.get('Config')!.physicalId;
  expect(dms().replicationRun(configArn)?.Status).toBe('running');

  dms().resetCalls();
  const updated = await driver.update(app('billing').assemblyDir);
  expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(dms().calls.filter((c) => !c.operation.startsWith('Describe') && !c.operation.endsWith('Parameter')).map((c) => c.operation))
    .toEqual(['StopReplication', 'ModifyReplicationConfig', 'StartReplication']);
  expect(dms().replicationRun(configArn)?.Status).toBe('running');

  const destroyed = await driver.destroy();
  expect({ status: destroyed.status, failures: destroyed.failures }).toEqual({ status: 'DELETE_COMPLETE', failures: [] });
  expect(dms().replicationRun(configArn)).toBeUndefined();
  driver.dispose();
});
