import { resourceId } from './arns';
import { nowMs, settle } from './clock';
import { DescribeBehavior, describePage, FilterFields } from './describe-query';
import { invalidResourceState, resourceNotFound } from './dms-error';
import { ReplicationOptions } from './options';
import { requireString, RequestInput } from './request-input';
import { beginStop, StoppableRecord } from './stopping';

/** Statuses from which StopReplication is accepted: running, and every step of starting. */
const STOPPABLE_STATUSES = new Set([
  'running',
  'initializing',
  'preparing_metadata_resources',
  'testing_connection',
  'fetching_metadata',
  'calculating_capacity',
  'provisioning_capacity',
  'replication_starting',
]);

interface ReplicationRecord extends StoppableRecord {
  readonly configArn: string;
  readonly options: ReplicationOptions;
}

const FILTER_FIELDS: FilterFields<ReplicationRecord> = {
  'replication-config-arn': r => r.configArn,
  'replication-config-id': r => resourceId(r.configArn),
};

/** StopReplication and DescribeReplications (DMS Serverless). */
export class Replications {
  private readonly records = new Map<string, ReplicationRecord>();

  constructor(private readonly describeNoMatch: 'not-found' | 'empty') {}

  add(configArn: string, options: ReplicationOptions): void {
    this.records.set(configArn, { configArn, options, status: options.status, stopReason: options.stopReason });
  }

  get(configArn: string): { Status: string } | undefined {
    const record = this.records.get(configArn);
    return record && { Status: settle(record).status };
  }

  stopReplication(input: RequestInput): object {
    const configArn = requireString(input, 'ReplicationConfigArn');
    const record = this.records.get(configArn);
    if (!record) throw resourceNotFound(`Replication config ${configArn} not found`);
    settle(record);
    if (!STOPPABLE_STATUSES.has(record.status)) {
      throw invalidResourceState(`Replication is not running. Replication config ${configArn} is in status ${record.status}`);
    }
    beginStop(record, record.options);
    return { Replication: wireReplication(record) };
  }

  describeReplications(input: RequestInput): object {
    const all = [...this.records.values()];
    const now = nowMs();
    all.forEach(record => settle(record, now));
    const behavior: DescribeBehavior = {
      filterAfterPaging: false,
      noMatch: this.describeNoMatch,
      noMatchMessage: 'No replications found matching the provided filters',
    };
    const page = describePage(all, input, FILTER_FIELDS, behavior);
    return { Replications: page.items.map(wireReplication), Marker: page.marker };
  }
}

function wireReplication(record: ReplicationRecord): object {
  return {
    ReplicationConfigArn: record.configArn,
    ReplicationConfigIdentifier: resourceId(record.configArn),
    ReplicationType: 'full-load-and-cdc',
    Status: record.status,
    StopReason: record.stopReason,
    FailureMessages: record.options.failureMessages,
  };
}
