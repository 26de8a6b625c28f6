/**
 * Twenty running replication configs updated in one deploy (stop, modify, resume), and such
 * an update rolled back, under DMS's account-wide API rate limit (the emulator's token bucket:
 * 200 calls at once, then 8 per second), on the BUNDLED handlers (issue 26 item 7). Every wait,
 * the wait for DMS to rest before a resume included, spends from the stack's call budget.
 */
import { Stack } from 'aws-cdk-lib';
import * as dmsL1 from 'aws-cdk-lib/aws-dms';
import { Construct } from 'constructs';
import { DmsConnectionTest, DmsReplicationRun, ReplicationWaitFor } from '../../src';
import { dmsResourceTypes, LifecycleDriver } from '../../tools/lifecycle';
import { useEmulatedDms } from '../support/emulated-dms';
import { EP, INSTANCE_ARN, rule } from '../support/replication-stack';
import { synthStack } from '../support/synth';

const CONFIGS = 20;
// An account whose DMS budget other callers mostly spend: a burst of 5 and 0.2 calls per second left for this stack.
// Modifies that take a while: the resumes wait for DMS to rest.
const dms = useEmulatedDms({
  rateLimit: { burst: 5, refillPerSecond: 0.2 },
  runBehavior: { startDurationMs: 20_000, fullLoadDurationMs: 30_000, modifyDurationMs: 90_000, tables: 3 },
});

function app(name: string, schema: string, failAfter = false) {
  return synthStack((stack: Stack) => {
    const runs = Array.from({ length: CONFIGS }, (_, i) => {
      const scope = new Construct(stack, `R${i}`);
      const config = new dmsL1.CfnReplicationConfig(scope, 'Config', {
        replicationConfigIdentifier: `${name}-config-${i}`,
        replicationType: 'full-load-and-cdc',
        sourceEndpointArn: `${EP}SOURCE`,
        targetEndpointArn: `${EP}TARGET`,
        computeConfig: { maxCapacityUnits: 4 },
        tableMappings: rule(schema),
      });
      return DmsReplicationRun.forReplicationConfig(scope, 'Run', config, { waitFor: ReplicationWaitFor.RUNNING });
    });
    if (failAfter) {
      new DmsConnectionTest(stack, 'FailsLater', { endpointArn: `${EP}MISSING`, replicationInstanceArn: INSTANCE_ARN }).node.addDependency(...runs);
    }
  }, name);
}

const configArns = (driver: LifecycleDriver) => [...driver.resources.values()].filter((r) => r.resourceType === 'AWS::DMS::ReplicationConfig').map((r) => r.physicalId);

test(`${CONFIGS} running configs updated in one deploy, then such an update rolled back, under DMS's rate limit: both complete`, async () => {
  const name = 'Many';
  const driver = new LifecycleDriver({ assemblyDir: app(name, 'sales').assemblyDir, stackName: name, env: dms().env(), resourceTypes: dmsResourceTypes(dms()) });
  const created = await driver.deploy();
  expect({ status: created.status, failures: created.failures }).toEqual({ status: 'CREATE_COMPLETE', failures: [] });
  const arns = configArns(driver);
  expect(arns).toHaveLength(CONFIGS);

  dms().resetCalls();
  const updated = await driver.update(app(name, 'billing').assemblyDir);
  expect({ status: updated.status, failures: updated.failures }).toEqual({ status: 'UPDATE_COMPLETE', failures: [] });
  expect(arns.map((arn) => dms().replicationRun(arn)?.Status)).toEqual(arns.map(() => 'running'));
  expect(dms().calls.filter((c) => c.operation === 'StartReplication')).toHaveLength(CONFIGS);

  dms().resetCalls();
  const rolledBack = await driver.update(app(name, 'orders', true).assemblyDir);
  expect(rolledBack.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(rolledBack.failures.map((f) => f.logicalId)).toEqual([expect.stringMatching(/^FailsLater/)]);
  expect(arns.map((arn) => dms().replicationRun(arn)?.Status)).toEqual(arns.map(() => 'running'));
}, 600_000);
