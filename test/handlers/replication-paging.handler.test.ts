/**
 * DescribeReplications and DescribeReplicationTasks follow Marker, as DescribeConnections does:
 * with DMS paging before it filters, the wanted record sits behind empty pages that carry a Marker.
 */
import { DatabaseMigrationServiceClient, DescribeReplicationsCommand } from '@aws-sdk/client-database-migration-service';
import * as handlers from '../../lambda/replication-teardown';
import { cfnEvent } from '../support/cfn-events';
import { useEmulatedCloudFormation } from '../support/emulated-cloudformation';
import { useEmulatedDms } from '../support/emulated-dms';
import { runHandlers } from '../support/handler-loop';

process.env.DMS_LIFECYCLE_POLL_BUDGET_SECONDS = '3';
const dms = useEmulatedDms({ filterAfterPaging: true });
useEmulatedCloudFormation();
beforeAll(() => {
  dms().addFillerReplications(250);
  dms().addFillerTasks(250);
});

const teardown = (props: Record<string, string>, arn: string) =>
  runHandlers(handlers, cfnEvent('Delete', { ...props, TimeoutSeconds: '30', PollIntervalSeconds: '1' }, { physicalId: arn }));

test('the emulator answers empty pages that carry a Marker before the page with the record', async () => {
  const arn = dms().replicationConfigArn('PAGED-PROBE');
  dms().addReplication(arn, { status: 'stopped' });
  const client = new DatabaseMigrationServiceClient({});
  const first = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [arn] }] }));
  expect(first.Replications).toEqual([]);
  expect(first.Marker).toBeTruthy();
});

test('a running replication config behind empty pages is found and stopped', async () => {
  const arn = dms().replicationConfigArn('PAGED-CONFIG');
  dms().addReplication(arn, { status: 'running', stopDurationMs: 500 });
  dms().resetCalls();
  expect((await teardown({ ReplicationConfigArn: arn }, arn)).data).toEqual({ Status: 'stopped' });
  expect(dms().callsTo('DescribeReplications').some((c) => c.input.Marker)).toBe(true);
  expect(dms().replication(arn)?.Status).toBe('stopped');
});

test('a running replication task behind empty pages is found and stopped', async () => {
  const arn = dms().taskArn('PAGED-TASK');
  dms().addReplicationTask(arn, { status: 'running', stopDurationMs: 500 });
  dms().resetCalls();
  expect((await teardown({ ReplicationTaskArn: arn }, arn)).data).toEqual({ Status: 'stopped' });
  expect(dms().callsTo('DescribeReplicationTasks').some((c) => c.input.Marker)).toBe(true);
  expect(dms().replicationTask(arn)?.Status).toBe('stopped');
});
