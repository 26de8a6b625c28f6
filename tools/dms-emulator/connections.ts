import { ArnBuilder, resourceId } from './arns';
import { Evolving, nowMs, settle } from './clock';
import { DescribeBehavior, describePage, FilterFields } from './describe-query';
import { invalidResourceState } from './dms-error';
import { ResourceRegistry } from './model';
import { ConnectionBehavior } from './options';
import { requireString, RequestInput } from './request-input';

const DEFAULT_TEST_DURATION_MS = 1500;
/** Filler connections spread over this many made-up replication instances. */
const FILLER_INSTANCES = 5;

export type ConnectionStatus = 'testing' | 'successful' | 'failed' | 'deleting';

/** A connection record: one per endpoint/instance pair, with no timestamp (as in DMS). */
interface ConnectionRecord extends Evolving {
  readonly endpointArn: string;
  readonly instanceArn: string;
  status: ConnectionStatus;
  failureMessage?: string;
  /** What DescribeConnections shows until `untilMs` (a read lagging a TestConnection); `missing`: no record. */
  shadow?: { readonly status?: ConnectionStatus; readonly failureMessage?: string; readonly missing?: boolean; readonly untilMs: number };
}

const FILTER_FIELDS: FilterFields<ConnectionRecord> = {
  'endpoint-arn': c => c.endpointArn,
  'replication-instance-arn': c => c.instanceArn,
  'endpoint-identifier': c => resourceId(c.endpointArn),
  'replication-instance-identifier': c => resourceId(c.instanceArn),
};

export interface ConnectionsOptions {
  readonly filterAfterPaging: boolean;
  readonly describeNoMatch: 'not-found' | 'empty';
}

/** TestConnection and DescribeConnections. */
export class Connections {
  /** Unrelated records, always listed before the others. */
  private readonly fillers: ConnectionRecord[] = [];
  private readonly records: ConnectionRecord[] = [];
  private readonly behaviors = new Map<string, ConnectionBehavior>();

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly arns: ArnBuilder,
    private readonly options: ConnectionsOptions,
  ) {}

  setBehavior(endpointArn: string, instanceArn: string, behavior: ConnectionBehavior): void {
    this.behaviors.set(pairKey(endpointArn, instanceArn), { ...this.behavior(endpointArn, instanceArn), ...behavior });
  }

  add(endpointArn: string, instanceArn: string, status: ConnectionStatus, opts: { failureMessage?: string; remainingMs?: number } = {}): void {
    const record = this.findOrCreate(endpointArn, instanceArn);
    record.status = status;
    record.failureMessage = opts.failureMessage ?? (status === 'failed' ? this.failureMessage(endpointArn, instanceArn) : undefined);
    record.pending = undefined;
    if (status === 'testing') this.scheduleOutcome(record, opts.remainingMs);
  }

  addFillers(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.fillers.length + 1;
      this.fillers.push({
        endpointArn: this.arns.endpoint(`filler-endpoint-${String(n).padStart(4, '0')}`),
        instanceArn: this.arns.replicationInstance(`filler-instance-${n % FILLER_INSTANCES}`),
        status: 'successful',
      });
    }
  }

  get(endpointArn: string, instanceArn: string): { Status: string; LastFailureMessage?: string } | undefined {
    const record = this.find(endpointArn, instanceArn);
    if (!record) return undefined;
    settle(record);
    return { Status: record.status, LastFailureMessage: record.failureMessage };
  }

  hasSuccessful(endpointArn: string, instanceArn: string): boolean {
    return this.get(endpointArn, instanceArn)?.Status === 'successful';
  }

  testConnection(input: RequestInput): object {
    const instanceArn = requireString(input, 'ReplicationInstanceArn');
    const endpointArn = requireString(input, 'EndpointArn');
    this.registry.requireAvailableInstance(instanceArn);
    this.registry.requireEndpoint(endpointArn);
    const existing = this.find(endpointArn, instanceArn);
    if (existing && settle(existing).status === 'testing') {
      throw invalidResourceState(
        `Test connection is already in progress for endpoint ${endpointArn} and replication instance ${instanceArn}`,
      );
    }
    const lagMs = this.behavior(endpointArn, instanceArn).describeLagMs ?? 0;
    const shadow = lagMs > 0
      ? { status: existing?.status, failureMessage: existing?.failureMessage, missing: !existing, untilMs: nowMs() + lagMs }
      : undefined;
    const record = existing ?? this.findOrCreate(endpointArn, instanceArn);
    record.shadow = shadow;
    // The previous LastFailureMessage stays while testing; only the outcome replaces or clears it.
    record.status = 'testing';
    this.scheduleOutcome(record);
    return { Connection: wireConnection(record) };
  }

  describeConnections(input: RequestInput): object {
    const all = [...this.fillers, ...this.records];
    const now = nowMs();
    all.forEach(record => settle(record, now));
    const behavior: DescribeBehavior = {
      filterAfterPaging: this.options.filterAfterPaging,
      noMatch: this.options.describeNoMatch,
      noMatchMessage: 'No connections found matching the provided filters',
    };
    // A lagging read shows the record as it was before the last TestConnection (or none).
    const visible = all.flatMap((record) => {
      const shadow = record.shadow && now < record.shadow.untilMs ? record.shadow : undefined;
      if (!shadow) return [record];
      return shadow.missing ? [] : [{ ...record, status: shadow.status!, failureMessage: shadow.failureMessage }];
    });
    const page = describePage(visible, input, FILTER_FIELDS, behavior);
    return { Connections: page.items.map(wireConnection), Marker: page.marker };
  }

  private scheduleOutcome(record: ConnectionRecord, remainingMs?: number): void {
    // The outcome is fixed when the test starts, like a real test that is already under way.
    const behavior = this.behavior(record.endpointArn, record.instanceArn);
    const outcome = behavior.outcome ?? 'successful';
    const failureMessage = this.failureMessage(record.endpointArn, record.instanceArn);
    record.pending = {
      dueAtMs: nowMs() + (remainingMs ?? behavior.testDurationMs ?? DEFAULT_TEST_DURATION_MS),
      apply: () => {
        record.status = outcome;
        record.failureMessage = outcome === 'failed' ? failureMessage : undefined;
      },
    };
  }

  private behavior(endpointArn: string, instanceArn: string): ConnectionBehavior {
    return this.behaviors.get(pairKey(endpointArn, instanceArn)) ?? {};
  }

  private failureMessage(endpointArn: string, instanceArn: string): string {
    return this.behavior(endpointArn, instanceArn).failureMessage
      ?? `Test connection failed for endpoint '${resourceId(endpointArn)}' and replication instance '${resourceId(instanceArn)}'. `
      + "Application-Status: 1020912, Application-Message: Can't connect to database. Network error has occurred, "
      + 'Application-Detailed-Message: RetCode: SQL_ERROR SqlState: 08001 NativeError: 101 Message: [unixODBC]timeout expired';
  }

  private find(endpointArn: string, instanceArn: string): ConnectionRecord | undefined {
    return this.records.find(r => r.endpointArn === endpointArn && r.instanceArn === instanceArn);
  }

  private findOrCreate(endpointArn: string, instanceArn: string): ConnectionRecord {
    let record = this.find(endpointArn, instanceArn);
    if (!record) {
      record = { endpointArn, instanceArn, status: 'testing' };
      this.records.push(record);
    }
    return record;
  }
}

function pairKey(endpointArn: string, instanceArn: string): string {
  return `${endpointArn}|${instanceArn}`;
}

function wireConnection(record: ConnectionRecord): object {
  return {
    ReplicationInstanceArn: record.instanceArn,
    EndpointArn: record.endpointArn,
    Status: record.status,
    LastFailureMessage: record.failureMessage,
    EndpointIdentifier: resourceId(record.endpointArn),
    ReplicationInstanceIdentifier: resourceId(record.instanceArn),
  };
}
