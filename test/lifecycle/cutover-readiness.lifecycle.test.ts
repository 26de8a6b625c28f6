/**
 * The cut-over readiness gate of a later stage's stack, end to end on the BUNDLED
 * handler assets, against the DMS emulator's table statistics and CloudWatch metrics.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { DmsCutoverReadiness, DmsCutoverReadinessOptions } from '../../src';
import { LifecycleDriver } from '../../tools/lifecycle';
import { cutoverReplication, CutoverScenario, SCENARIOS } from '../support/cutover-scenarios';
import { useEmulatedDms } from '../support/emulated-dms';
import { synthStack } from '../support/synth';

const dms = useEmulatedDms();

async function deploy(arn: string, options: DmsCutoverReadinessOptions = {}) {
  const synth = synthStack((stack: Stack) => {
    const ready = new DmsCutoverReadiness(stack, 'Ready', {
      [arn.includes(':task:') ? 'replicationTaskArn' : 'replicationConfigArn']: arn,
      pollInterval: Duration.seconds(1),
      timeout: Duration.seconds(6),
      ...options,
    });
    new CfnOutput(stack, 'Readiness', { value: ready.readinessStatus });
    new CfnOutput(stack, 'Tables', { value: ready.tablesTotal });
  });
  const driver = new LifecycleDriver({ assemblyDir: synth.assemblyDir, stackName: synth.stackName, env: dms().env() });
  return { driver, result: await driver.deploy() };
}
const replication = (scenario: CutoverScenario, kind?: 'replication-config' | 'replication-task') => cutoverReplication(dms(), scenario, kind);

test('a replication ready for cut-over: the stack completes with the status as an attribute', async () => {
  const { driver, result } = await deploy(replication(SCENARIOS.loadsThenReady, 'replication-task'), { timeout: Duration.seconds(30) });
  expect(result.status).toBe('CREATE_COMPLETE');
  expect(driver.outputs()).toEqual({ Readiness: 'ready', Tables: '2' });
});

test('not ready by the timeout: the stack fails with what held readiness back', async () => {
  const { result } = await deploy(replication(SCENARIOS.mismatched));
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(
    /^Timed out after 6s waiting for replication config arn:\S+ to be ready for cut-over; last status: not-ready \(validation-mismatched\); 1 of 2 table\(s\) not ready; sales\.items: validation Mismatched records, 3 failed record\(s\)/,
  );
});

test('latency over the threshold fails the stack; a raised threshold and a waiver let it through', async () => {
  const { result } = await deploy(replication(SCENARIOS.latencyOver));
  expect(result.failures[0]?.reason).toMatch(/CDCLatencyTarget reached 42s in the last 5m 0s \(at most 10s allowed\)/);
  const raised = await deploy(replication(SCENARIOS.latencyOver), { maxTargetLatency: Duration.minutes(1) });
  expect(raised.result.status).toBe('CREATE_COMPLETE');
  const waived = await deploy(replication(SCENARIOS.validationIssues), { waiveValidation: true });
  expect(waived.result.status).toBe('CREATE_COMPLETE');
});

test('an errored table fails at once; Delete makes no call', async () => {
  const { result } = await deploy(replication(SCENARIOS.errored), { timeout: Duration.minutes(5) });
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(/sales\.items: table state Table error/);
  const ok = await deploy(replication(SCENARIOS.ready));
  dms().resetCalls();
  expect((await ok.driver.destroy()).status).toBe('DELETE_COMPLETE');
  expect(dms().calls).toHaveLength(0);
});
