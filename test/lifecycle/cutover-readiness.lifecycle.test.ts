/**
 * The cut-over readiness gate of a later stage's stack, end to end on the BUNDLED
 * handler assets, against the DMS emulator's table statistics and CloudWatch metrics.
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { CutoverCriterion, DmsCutoverReadiness, DmsCutoverReadinessOptions } from '../../src';
import { frozenSource } from '../../tools/dms-emulator';
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

test('a replication that stops with a FATAL_ERROR while the stack waits fails it at once, in DMS\'s words', async () => {
  const arn = replication(SCENARIOS.loading, 'replication-task');
  dms().interruptReplication(arn, { afterMs: 1_500, stopReason: 'Stop Reason FATAL_ERROR', failureMessages: ['Last Error Stream Component Fatal error'] });
  const began = Date.now();
  const { result } = await deploy(arn, { timeout: Duration.minutes(5) });
  expect(result.status).toBe('CREATE_FAILED');
  expect(result.failures[0].reason).toMatch(
    /^Not ready for cut-over: the replication task arn:\S+ stopped and DMS does not restart it by itself: stop reason: Stop Reason FATAL_ERROR; failure messages: Last Error Stream Component Fatal error/,
  );
  expect(Date.now() - began).toBeLessThan(30_000);
});

test('writes frozen: the drained criterion completes the stack where the latency window cannot', async () => {
  const arn = replication({ tables: SCENARIOS.ready.tables });
  const idle = frozenSource('no-points', 10 * 60_000);
  dms().setCdcLatency(arn, idle.latency);
  dms().setCdcBacklog(arn, idle.backlog);
  const drained = await deploy(arn, { criteria: [CutoverCriterion.drained({ window: Duration.minutes(5) })] });
  expect(drained.result.status).toBe('CREATE_COMPLETE');
  expect(drained.driver.outputs()).toEqual({ Readiness: 'ready', Tables: '3' });
  const latency = await deploy(arn);
  expect(latency.result.failures[0]?.reason).toMatch(/CDCLatencySource has no data points in the last 5m 0s/);
});

test('load errors: conditional-check failures block the stack unless accepted for the table', async () => {
  const arn = replication({
    tables: [{ schema: 'sales', table: 'orders', phases: [{ tableState: 'Table completed', fullLoadConditionalCheckFailedRows: 2 }] }],
    latency: SCENARIOS.ready.latency,
  });
  const blocked = await deploy(arn);
  expect(blocked.result.failures[0]?.reason).toMatch(/not-ready \(load-errors\); 1 of 1 table\(s\) not ready; sales\.orders: 2 conditional-check failure\(s\)/);
  const accepted = await deploy(arn, { acceptedConditionalCheckFailures: { 'sales.orders': 2 } });
  expect(accepted.result.status).toBe('CREATE_COMPLETE');
});
