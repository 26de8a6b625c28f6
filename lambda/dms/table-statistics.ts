import {
  DatabaseMigrationServiceClient,
  DescribeReplicationTableStatisticsCommand,
  DescribeTableStatisticsCommand,
  Filter,
  TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import { allPages } from './describe-pages';
import { apiFailure } from './errors';
import type { ReplicationTarget } from './replication-state';

/** One table as DMS's table statistics show it. */
export interface TableStatus {
  readonly schema: string;
  readonly table: string;
  /**
   * TableState: `Table does not exist`, `Before load`, `Full load`, `Table completed`,
   * `Table cancelled`, `Table error`, `Table is being reloaded` (DMS API reference, TableStatistics).
   */
  readonly tableState: string;
  /**
   * ValidationState: `Not enabled`, `Pending records`, `Mismatched records`, `Suspended records`,
   * `No primary key`, `Table error`, `Validated`, `Error`, `Pending validation`, `Preparing table`,
   * `Pending revalidation` (DMS API reference, TableStatistics).
   */
  readonly validationState: string;
  readonly validationFailedRecords: number;
  readonly validationPendingRecords: number;
  readonly validationSuspendedRecords: number;
  readonly validationStateDetails?: string;
  /** FullLoadRows, Inserts, Updates, Deletes: what DMS applied (the cut-over's final statistics). */
  readonly counts?: { readonly fullLoadRows: number; readonly inserts: number; readonly updates: number; readonly deletes: number };
}

/** Which tables to read: DMS filters the statistics by schema name. */
export interface TableSelection {
  /** Only tables of these schemas; empty or unset: every table the replication selects. */
  readonly schemaNames?: readonly string[];
}

/** DMS's largest page of table statistics. */
const PAGE_SIZE = 500;

/**
 * Every table's statistics, following Marker through every page (empty ones too):
 * DescribeTableStatistics for a task, DescribeReplicationTableStatistics for a config.
 */
export async function describeTableStatuses(
  client: DatabaseMigrationServiceClient,
  target: ReplicationTarget,
  selection: TableSelection = {},
): Promise<TableStatus[]> {
  const filters: Filter[] | undefined = selection.schemaNames?.length ? [{ Name: 'schema-name', Values: [...selection.schemaNames] }] : undefined;
  const call = target.kind === 'replication-task' ? 'DescribeTableStatistics' : 'DescribeReplicationTableStatistics';
  try {
    const rows = await allPages<TableStatistics>(async (marker) => {
      if (target.kind === 'replication-task') {
        const out = await client.send(new DescribeTableStatisticsCommand({
          ReplicationTaskArn: target.arn, Filters: filters, MaxRecords: PAGE_SIZE, Marker: marker,
        }));
        return { items: out.TableStatistics, marker: out.Marker };
      }
      const out = await client.send(new DescribeReplicationTableStatisticsCommand({
        ReplicationConfigArn: target.arn, Filters: filters, MaxRecords: PAGE_SIZE, Marker: marker,
      }));
      return { items: out.ReplicationTableStatistics, marker: out.Marker };
    });
    return rows.map((r) => ({
      schema: r.SchemaName ?? '',
      table: r.TableName ?? '',
      tableState: r.TableState ?? 'unknown',
      validationState: r.ValidationState ?? 'Not enabled',
      validationFailedRecords: r.ValidationFailedRecords ?? 0,
      validationPendingRecords: r.ValidationPendingRecords ?? 0,
      validationSuspendedRecords: r.ValidationSuspendedRecords ?? 0,
      ...(r.ValidationStateDetails ? { validationStateDetails: r.ValidationStateDetails } : {}),
      counts: { fullLoadRows: r.FullLoadRows ?? 0, inserts: r.Inserts ?? 0, updates: r.Updates ?? 0, deletes: r.Deletes ?? 0 },
    }));
  } catch (err) {
    throw apiFailure(call, target.arn, err);
  }
}
