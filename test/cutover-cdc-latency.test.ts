/** CloudWatch's per-query failures in GetMetricData (narrow unit test: the emulator answers every query Complete). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { isTransient, readLatency } from '../lambda/dms';

/** A client whose GetMetricData answers every query with this status, CloudWatch's message alongside. */
function answering(statusCode: string, message: string): CloudWatchClient {
  return {
    send: async (command: any) => ({
      MetricDataResults: command.input.MetricDataQueries.map((q: any) => ({ Id: q.Id, Timestamps: [], Values: [], StatusCode: statusCode })),
      Messages: [{ Code: statusCode, Value: message }],
    }),
  } as unknown as CloudWatchClient;
}
const SERIES = [[{ Name: 'ReplicationTaskIdentifier', Value: 'ABC' }]];

test('a Forbidden query fails with CloudWatch\'s words, never passes as "no data points"', async () => {
  const read = readLatency(answering('Forbidden', 'User is not authorized to access this metric'), SERIES, 0, 600_000);
  await expect(read).rejects.toThrow(/CloudWatch GetMetricData answered Forbidden for AWS\/DMS CDC latency \(ReplicationTaskIdentifier=ABC\): User is not authorized/);
  expect(isTransient(await read.catch((err) => err))).toBe(false);
});

test('an InternalError query is a transient failure: the wait looks again', async () => {
  const read = readLatency(answering('InternalError', 'Internal service error'), SERIES, 0, 600_000);
  await expect(read).rejects.toThrow(/answered InternalError/);
  expect(isTransient(await read.catch((err) => err))).toBe(true);
});

test('Complete and PartialData answers are data (no data points is not an error)', async () => {
  await expect(readLatency(answering('Complete', ''), SERIES, 0, 600_000)).resolves.toEqual({ CDCLatencySource: [], CDCLatencyTarget: [] });
});
