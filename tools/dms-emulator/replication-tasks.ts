import { resourceId } from './arns';
import { TaskOptions } from './options';
import { runWire } from './replication-runs';
import { StoppableKind } from './stopping';

/** Classic replication tasks: StopReplicationTask and DescribeReplicationTasks. */
export const REPLICATION_TASKS: StoppableKind<TaskOptions> = {
  arnMember: 'ReplicationTaskArn',
  arnFilter: 'replication-task-arn',
  idFilter: 'replication-task-id',
  stoppable: new Set(['running', 'starting']),
  itemMember: 'ReplicationTask',
  listMember: 'ReplicationTasks',
  notFound: arn => `Replication Task ${arn} not found`,
  notRunning: arn => `Replication Task ${arn} is currently not running`,
  noMatchMessage: 'No Tasks found matching provided filters',
  wire: record => {
    const run = runWire(record.run, record.status);
    return {
      ReplicationTaskArn: record.arn,
      ReplicationTaskIdentifier: resourceId(record.arn),
      MigrationType: run.migrationType ?? 'full-load-and-cdc',
      Status: record.status,
      StopReason: record.stopReason,
      LastFailureMessage: record.options.lastFailureMessage ?? (run.failureMessages as string[] | undefined)?.join(' '),
      ...(record.run ? {
        ReplicationTaskStartDate: run.startDate,
        CdcStopPosition: run.cdcStopPosition,
        TableMappings: run.tableMappings,
        ReplicationTaskStats: run.stats,
      } : {}),
    };
  },
};
