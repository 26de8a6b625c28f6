/** The emulator's CdcStopPosition and tags, through the real SDK client. */
import {
  AddTagsToResourceCommand,
  DatabaseMigrationServiceClient,
  DescribeReplicationTasksCommand,
  ListTagsForResourceCommand,
  StartReplicationTaskCommand,
  StopReplicationTaskCommand,
} from '@aws-sdk/client-database-migration-service';
import { useEmulatedDms } from './support/emulated-dms';

const dms = useEmulatedDms();
const api = () => new DatabaseMigrationServiceClient({ maxAttempts: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (ms: number) => new Date(ms).toISOString().slice(0, 19);
let n = 0;

/** A stopped task that ran before, resumed with the stop position. */
async function resumedWith(position: string, behavior = {}): Promise<string> {
  const arn = dms().taskArn(`STOPAT${++n}`);
  dms().addReplicationTask(arn, { status: 'stopped', behavior: { startDurationMs: 200, stopAtPositionMs: 100, ...behavior } });
  await api().send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'resume-processing', CdcStopPosition: position }));
  return arn;
}
const task = async (arn: string) => (await api().send(new DescribeReplicationTasksCommand({ Filters: [{ Name: 'replication-task-arn', Values: [arn] }] }))).ReplicationTasks![0];

test('a commit time is reached while the source commits; DMS stops there with the documented reason and shows the position', async () => {
  const position = `commit_time:${at(Date.now() + 2_500)}`;
  const arn = await resumedWith(position);
  await sleep(500);
  expect(await task(arn)).toMatchObject({ Status: 'running', CdcStopPosition: position });
  await sleep(2_800);
  expect(await task(arn)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AT_COMMIT_TIME', CdcStopPosition: position });
});

test('an idle source never reaches a commit time after its last write; a server time is reached all the same', async () => {
  const idleSince = Date.now() - 5_000;
  const commit = await resumedWith(`commit_time:${at(Date.now() - 2_000)}`, { sourceWritesStopAt: idleSince });
  const server = await resumedWith(`server_time:${at(Date.now() - 2_000)}`, { sourceWritesStopAt: idleSince });
  await sleep(800);
  expect(await task(commit)).toMatchObject({ Status: 'running' });
  expect(await task(server)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AT_SERVER_TIME' });
  // A stop by hand replaces the wait, with DMS's usual reason.
  await api().send(new StopReplicationTaskCommand({ ReplicationTaskArn: commit }));
  await sleep(2_200);
  expect(await task(commit)).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason NORMAL' });
});

test('the position DMS shows after the stop: kept, or cleared (undocumented: both readings)', async () => {
  const arn = await resumedWith(`server_time:${at(Date.now())}`, { stopPositionAfterStop: 'cleared' });
  await sleep(800);
  const stopped = await task(arn);
  expect(stopped).toMatchObject({ Status: 'stopped', StopReason: 'Stop Reason STOPPED_AT_SERVER_TIME' });
  expect(stopped.CdcStopPosition).toBeUndefined();
});

test('malformed positions, and positions for a full-load-only task, are refused', async () => {
  await expect(resumedWith('commit_time:2026-11-01 22:00:00')).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  const arn = dms().taskArn('FULLLOADONLY');
  dms().addReplicationTask(arn, { status: 'stopped', migrationType: 'full-load' });
  await expect(api().send(new StartReplicationTaskCommand({ ReplicationTaskArn: arn, StartReplicationTaskType: 'reload-target', CdcStopPosition: 'server_time:2026-11-01T22:00:00' })))
    .rejects.toThrow(/full-load only: a CdcStopPosition needs CDC/);
});

test('tags: added, listed, DMS\'s rules for keys and values, unknown resources not found', async () => {
  const arn = dms().taskArn('TAGGED');
  dms().addReplicationTask(arn, { status: 'running' });
  await api().send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'cdk-dms-lifecycle:x', Value: 'commit_time:2026-11-01T22:00:00 server_time:2026-11-01T22:10:00' }] }));
  expect((await api().send(new ListTagsForResourceCommand({ ResourceArn: arn }))).TagList).toEqual([
    expect.objectContaining({ Key: 'cdk-dms-lifecycle:x', Value: 'commit_time:2026-11-01T22:00:00 server_time:2026-11-01T22:10:00' }),
  ]);
  await expect(api().send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'aws:x', Value: 'v' }] }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  await expect(api().send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'a;b' }] }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  await expect(api().send(new ListTagsForResourceCommand({ ResourceArn: dms().taskArn('NONE') }))).rejects.toMatchObject({ name: 'ResourceNotFoundFault' });
});
