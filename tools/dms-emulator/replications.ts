import { resourceId } from './arns';
import { ReplicationOptions } from './options';
import { runWire } from './replication-runs';
import { StoppableKind } from './stopping';

/** DMS Serverless replications: StopReplication and DescribeReplications. */
export const SERVERLESS_REPLICATIONS: StoppableKind<ReplicationOptions> = {
  arnMember: 'ReplicationConfigArn',
  arnFilter: 'replication-config-arn',
  idFilter: 'replication-config-id',
  // Running, and every step of starting.
  stoppable: new Set([
    'running',
    'initializing',
    'preparing_metadata_resources',
    'testing_connection',
    'fetching_metadata',
    'calculating_capacity',
    'provisioning_capacity',
    'replication_starting',
  ]),
  itemMember: 'Replication',
  listMember: 'Replications',
  notFound: arn => `Replication config ${arn} not found`,
  notRunning: (arn, status) => `Replication is not running. Replication config ${arn} is in status ${status}`,
  noMatchMessage: 'No replications found matching the provided filters',
  wire: record => {
    const run = runWire(record.run, record.status);
    return {
      ReplicationConfigArn: record.arn,
      ReplicationConfigIdentifier: resourceId(record.arn),
      ReplicationType: run.migrationType ?? 'full-load-and-cdc',
      Status: record.status,
      StopReason: record.stopReason,
      FailureMessages: record.options.failureMessages ?? run.failureMessages,
      ...(record.run ? {
        StartReplicationType: run.startType,
        CdcStopPosition: run.cdcStopPosition,
        ReplicationStats: run.stats,
        ProvisionData: { ProvisionState: run.deprovisioning ? 'deprovisioning' : record.status === 'running' ? 'provisioned' : 'deprovisioned' },
        // When DMS deprovisions (or deprovisioned) the capacity of a stopped replication.
        ...(run.deprovisioned && run.deprovisionTime !== undefined ? { ReplicationDeprovisionTime: run.deprovisionTime } : {}),
      } : {}),
    };
  },
};
