/**
 * One retry layer for CloudWatch, as for DMS: the client makes one attempt per send, and
 * throttling or CloudWatch's InternalServiceError is retried by our own backoff alone (the
 * wait's between checks; retryRead for a single look: a rollback's report, the CLI's status).
 */
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as handlers from '../../lambda/cutover-readiness';
import { cloudWatchClient } from '../../lambda/dms';
import { EmulatorCall } from '../../tools/dms-emulator';
import { cfnEvent } from '../support/cfn-events';
import { assertCliBundleFresh, runCli } from '../support/cli-process';
import { cutoverReplication, SCENARIOS } from '../support/cutover-scenarios';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms();

const props = (arn: string, extra: Record<string, string> = {}) => ({
  ReplicationConfigArn: arn,
  TimeoutSeconds: '20',
  PollIntervalSeconds: '1',
  MaxSourceLatencySeconds: '10',
  MaxTargetLatencySeconds: '10',
  LatencyWindowSeconds: '300',
  WaiveValidation: 'false',
  ...extra,
});

/** The calls to `operation` since `from`, each with the readiness reads (table statistics) made before it. */
function callsWithChecksBefore(operation: string, arn: string, from: number): Array<{ call: EmulatorCall; checksBefore: number }> {
  const calls = dms().calls.slice(from);
  return calls.flatMap((call, i) => (call.operation !== operation ? [] : [{
    call,
    checksBefore: calls.slice(0, i).filter((c) => c.operation === 'DescribeReplicationTableStatistics' && c.input.ReplicationConfigArn === arn).length,
  }]));
}

test('the CloudWatch client makes one attempt per send: a throttled GetMetricData reaches CloudWatch once', async () => {
  dms().throttle('GetMetricData', 1);
  const from = dms().callsTo('GetMetricData').length;
  const send = cloudWatchClient('us-east-1').send(new GetMetricDataCommand({
    StartTime: new Date(Date.now() - 600_000),
    EndTime: new Date(),
    MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/DMS', MetricName: 'CDCLatencySource' }, Period: 60, Stat: 'Maximum' } }],
  }));
  await expect(send).rejects.toMatchObject({ name: expect.stringMatching(/Throttl/) });
  expect(dms().callsTo('GetMetricData').slice(from).map((c) => c.errorCode)).toEqual(['ThrottlingException']);
});

test('readiness completes through throttled and failing CloudWatch calls, one call per check: our backoff retries, not the SDK', async () => {
  const arn = cutoverReplication(dms(), SCENARIOS.ready);
  const from = dms().calls.length;
  dms().throttle('GetMetricData', 3);
  dms().failNext('ListMetrics', 'InternalServiceError', 'Internal service error', 1);
  const run = await runHandlers(handlers, cfnEvent('Create', props(arn)), 10);
  expect(run.data).toMatchObject({ Status: 'ready', TablesReady: '3' });

  const reads = callsWithChecksBefore('GetMetricData', arn, from);
  expect(reads.map((r) => r.call.errorCode ?? 'answered')).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException', 'answered']);
  // Each attempt is a check of its own (table statistics read again before it), never a retry inside one send.
  const checks = reads.map((r) => r.checksBefore);
  expect(checks.every((n, i) => i === 0 || n > checks[i - 1])).toBe(true);
  const lists = callsWithChecksBefore('ListMetrics', arn, from);
  expect(lists[0].call.errorCode).toBe('InternalServiceError');
  expect(lists[1].checksBefore).toBeGreaterThan(lists[0].checksBefore);
});

test('a single look (an Update that only changed the timing) retries throttled CloudWatch itself rather than report unknown', async () => {
  const arn = cutoverReplication(dms(), SCENARIOS.ready);
  dms().throttle('GetMetricData', 2);
  const run = await runHandlers(handlers, cfnEvent('Update', props(arn, { TimeoutSeconds: '30' }), { oldProperties: props(arn), physicalId: arn }), 3);
  expect(run.data).toMatchObject({ Status: 'ready', MaxCdcLatencyTargetSeconds: '3' });
});

test('the CLI\'s status rides out throttled CloudWatch the same way, one call per attempt', async () => {
  assertCliBundleFresh();
  const arn = cutoverReplication(dms(), SCENARIOS.ready);
  const from = dms().calls.length;
  dms().throttle('GetMetricData', 2);
  const status = await runCli(['status', '--replication-config-arn', arn, '--json'], dms().env());
  expect(status.code).toBe(0);
  expect(status.json).toMatchObject({ command: 'status', ready: true });
  expect(callsWithChecksBefore('GetMetricData', arn, from).map((r) => [r.call.errorCode ?? 'answered', r.checksBefore])).toEqual([
    ['ThrottlingException', 1], ['ThrottlingException', 2], ['answered', 3],
  ]);
});
