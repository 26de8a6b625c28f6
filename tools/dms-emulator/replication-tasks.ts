import { resourceId } from './arns';
import { TaskOptions } from './options';
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
  wire: record => ({
    ReplicationTaskArn: record.arn,
    ReplicationTaskIdentifier: resourceId(record.arn),
    MigrationType: 'full-load-and-cdc',
    Status: record.status,
    StopReason: record.stopReason,
    LastFailureMessage: record.options.lastFailureMessage,
  }),
};
