/**
 * Table statistics: DescribeTableStatistics (classic tasks) and
 * DescribeReplicationTableStatistics (DMS Serverless). Each table of a replication
 * goes through phases that the scenario lays out in time (loading, then loaded and
 * pending validation, then validated, or errored, mismatched, suspended…), read
 * lazily from the clock like every other state of the emulator.
 */
import { nowMs, toEpochSeconds } from './clock';
import { invalidParameter, resourceNotFound } from './dms-error';
import { pageMarkers } from './page-markers';
import { optionalInteger, optionalString, requireString, RequestInput } from './request-input';

/** One state of a table, from `atMs` after the scenario was set on. */
export interface TablePhase {
  /** When this phase begins, ms after the tables were set. @default 0 */
  readonly atMs?: number;
  /** DMS's TableState: 'Before load', 'Full load', 'Table completed', 'Table error', 'Table cancelled'… */
  readonly tableState: string;
  /** DMS's ValidationState: 'Not enabled', 'Pending records', 'Validated', 'Mismatched records', 'Suspended records', 'No primary key'… @default 'Not enabled' */
  readonly validationState?: string;
  readonly validationFailedRecords?: number;
  readonly validationPendingRecords?: number;
  readonly validationSuspendedRecords?: number;
  /** ValidationStateDetails. */
  readonly validationStateDetails?: string;
  /** FullLoadRows. @default 1000 once `Table completed`, else 0 */
  readonly fullLoadRows?: number;
  /** FullLoadErrorRows. @default 1 in `Table error`, else 0 */
  readonly fullLoadErrorRows?: number;
  /** FullLoadCondtnlChkFailedRows (DMS's own spelling on the wire). @default 0 */
  readonly fullLoadConditionalCheckFailedRows?: number;
  /** Changes applied by CDC (Inserts, Updates, Deletes). @default 0 */
  readonly inserts?: number;
  readonly updates?: number;
  readonly deletes?: number;
}

/** A table of a replication and how its state changes over time. */
export interface TableScenario {
  readonly schema: string;
  readonly table: string;
  /** In time order; the table shows the last phase whose `atMs` has passed (none yet: it is not listed). */
  readonly phases: readonly TablePhase[];
}

/** How the table statistics of one replication are paged. */
export interface TableStatisticsPaging {
  /** Records per page when the caller gives no MaxRecords, or a smaller one. @default the caller's MaxRecords (100) */
  readonly pageSize?: number;
  /** Pages with no records but a Marker answered before the first real page. @default 0 */
  readonly leadingEmptyPages?: number;
}

interface TableSet {
  readonly setAt: number;
  readonly tables: readonly TableScenario[];
  readonly paging: TableStatisticsPaging;
}

/** DMS's MaxRecords bounds for the table statistics calls. */
const MIN_RECORDS = 10;
const MAX_RECORDS = 500;
const DEFAULT_RECORDS = 100;
const FILTERS: Record<string, (t: TableScenario, p: TablePhase) => string> = {
  'schema-name': (t) => t.schema,
  'table-name': (t) => t.table,
  'table-state': (_, p) => p.tableState,
};

/** The per-table statistics of tasks and replication configs. */
export class TableStatistics {
  private readonly sets = new Map<string, TableSet>();

  /** @param exists whether the task or config is known (ResourceNotFoundFault otherwise) */
  constructor(private readonly exists: (arn: string) => boolean) {}

  set(arn: string, tables: readonly TableScenario[], paging: TableStatisticsPaging = {}): void {
    this.sets.set(arn, { setAt: nowMs(), tables, paging });
  }

  describeTableStatistics(input: RequestInput): object {
    const arn = requireString(input, 'ReplicationTaskArn');
    if (!this.exists(arn)) throw resourceNotFound(`Replication Task ${arn} not found`);
    const page = this.page(arn, input);
    return { ReplicationTaskArn: arn, TableStatistics: page.items, Marker: page.marker };
  }

  describeReplicationTableStatistics(input: RequestInput): object {
    const arn = requireString(input, 'ReplicationConfigArn');
    if (!this.exists(arn)) throw resourceNotFound(`Replication config ${arn} not found`);
    const page = this.page(arn, input);
    return { ReplicationConfigArn: arn, ReplicationTableStatistics: page.items, Marker: page.marker };
  }

  private page(arn: string, input: RequestInput): { items: object[]; marker?: string } {
    const maxRecords = optionalInteger(input, 'MaxRecords') ?? DEFAULT_RECORDS;
    if (maxRecords < MIN_RECORDS || maxRecords > MAX_RECORDS) {
      throw invalidParameter(`MaxRecords must be between ${MIN_RECORDS} and ${MAX_RECORDS}, got ${maxRecords}.`);
    }
    const set = this.sets.get(arn);
    const filters = parseFilters(input);
    const now = nowMs();
    const rows = (set?.tables ?? [])
      .map((t) => ({ t, p: currentPhase(t, now - set!.setAt) }))
      .filter((r): r is { t: TableScenario; p: TablePhase } => r.p !== undefined)
      .filter(({ t, p }) => filters.every((f) => f.values.includes(FILTERS[f.name](t, p))));
    const size = Math.min(maxRecords, set?.paging.pageSize ?? maxRecords);
    const empties = set?.paging.leadingEmptyPages ?? 0;
    const position = markers.decode(optionalString(input, 'Marker'));
    if (position < empties) return { items: [], marker: markers.encode(position + 1) };
    const offset = (position - empties) * size;
    const next = offset + size < rows.length ? markers.encode(position + 1) : undefined;
    return { items: rows.slice(offset, offset + size).map(({ t, p }) => wire(t, p, set!.setAt)), marker: next };
  }
}

function currentPhase(table: TableScenario, elapsedMs: number): TablePhase | undefined {
  let current: TablePhase | undefined;
  for (const phase of table.phases) if ((phase.atMs ?? 0) <= elapsedMs) current = phase;
  return current;
}

function wire(t: TableScenario, p: TablePhase, setAt: number): object {
  const loaded = p.tableState === 'Table completed';
  return {
    SchemaName: t.schema,
    TableName: t.table,
    Inserts: p.inserts ?? 0,
    Deletes: p.deletes ?? 0,
    Updates: p.updates ?? 0,
    Ddls: 0,
    FullLoadRows: p.fullLoadRows ?? (loaded ? 1000 : 0),
    FullLoadErrorRows: p.fullLoadErrorRows ?? (p.tableState === 'Table error' ? 1 : 0),
    FullLoadCondtnlChkFailedRows: p.fullLoadConditionalCheckFailedRows ?? 0,
    FullLoadStartTime: toEpochSeconds(setAt),
    ...(loaded ? { FullLoadEndTime: toEpochSeconds(setAt + (p.atMs ?? 0)) } : {}),
    LastUpdateTime: toEpochSeconds(nowMs()),
    TableState: p.tableState,
    ValidationState: p.validationState ?? 'Not enabled',
    ValidationFailedRecords: p.validationFailedRecords ?? 0,
    ValidationPendingRecords: p.validationPendingRecords ?? 0,
    ValidationSuspendedRecords: p.validationSuspendedRecords ?? 0,
    ...(p.validationStateDetails ? { ValidationStateDetails: p.validationStateDetails } : {}),
  };
}

function parseFilters(input: RequestInput): { name: string; values: string[] }[] {
  const raw = input.Filters;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter('Filters must be a list.');
  return raw.map((entry: unknown) => {
    const { Name: name, Values: values } = (entry ?? {}) as { Name?: unknown; Values?: unknown };
    if (typeof name !== 'string' || !(name in FILTERS)) {
      throw invalidParameter(`Invalid filter name: ${String(name)}. Valid filter names are: ${Object.keys(FILTERS).join(', ')}.`);
    }
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
      throw invalidParameter(`Filter ${name} must have a non-empty list of string Values.`);
    }
    return { name, values: values as string[] };
  });
}

const markers = pageMarkers('emu-tables:', (marker) => invalidParameter(`Invalid Marker: ${marker}`));
