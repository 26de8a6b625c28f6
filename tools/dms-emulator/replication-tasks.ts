import { resourceId } from './arns';
import { nowMs, settle } from './clock';
import { DescribeBehavior, describePage, FilterFields } from './describe-query';
import { invalidResourceState, resourceNotFound } from './dms-error';
import { TaskOptions } from './options';
import { requireString, RequestInput } from './request-input';
import { beginStop, StoppableRecord } from './stopping';

const STOPPABLE_STATUSES = new Set(['running', 'starting']);

interface TaskRecord extends StoppableRecord {
  readonly taskArn: string;
  readonly options: TaskOptions;
}

const FILTER_FIELDS: FilterFields<TaskRecord> = {
  'replication-task-arn': t => t.taskArn,
  'replication-task-id': t => resourceId(t.taskArn),
};

/** StopReplicationTask and DescribeReplicationTasks. */
export class ReplicationTasks {
  private readonly records = new Map<string, TaskRecord>();

  constructor(private readonly describeNoMatch: 'not-found' | 'empty') {}

  add(taskArn: string, options: TaskOptions): void {
    this.records.set(taskArn, { taskArn, options, status: options.status, stopReason: options.stopReason });
  }

  get(taskArn: string): { Status: string } | undefined {
    const record = this.records.get(taskArn);
    return record && { Status: settle(record).status };
  }

  stopReplicationTask(input: RequestInput): object {
    const taskArn = requireString(input, 'ReplicationTaskArn');
    const record = this.records.get(taskArn);
    if (!record) throw resourceNotFound(`Replication Task ${taskArn} not found`);
    settle(record);
    if (!STOPPABLE_STATUSES.has(record.status)) {
      throw invalidResourceState(`Replication Task ${taskArn} is currently not running`);
    }
    beginStop(record, record.options);
    return { ReplicationTask: wireTask(record) };
  }

  describeReplicationTasks(input: RequestInput): object {
    const all = [...this.records.values()];
    const now = nowMs();
    all.forEach(record => settle(record, now));
    const behavior: DescribeBehavior = {
      filterAfterPaging: false,
      noMatch: this.describeNoMatch,
      noMatchMessage: 'No Tasks found matching provided filters',
    };
    const page = describePage(all, input, FILTER_FIELDS, behavior);
    return { ReplicationTasks: page.items.map(wireTask), Marker: page.marker };
  }
}

function wireTask(record: TaskRecord): object {
  return {
    ReplicationTaskArn: record.taskArn,
    ReplicationTaskIdentifier: resourceId(record.taskArn),
    MigrationType: 'full-load-and-cdc',
    Status: record.status,
    StopReason: record.stopReason,
    LastFailureMessage: record.options.lastFailureMessage,
  };
}
