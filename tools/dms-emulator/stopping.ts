import { resourceId } from './arns';
import { Evolving, nowMs, settle } from './clock';
import { DescribeBehavior, describePage, FilterFields } from './describe-query';
import { invalidResourceState, resourceNotFound } from './dms-error';
import { ReplicationRun, runStopped } from './replication-run-state';
import { requireString, RequestInput } from './request-input';

const DEFAULT_STOP_DURATION_MS = 2000;
/** A documented DMS StopReason value. */
const DEFAULT_STOP_REASON = 'Stop Reason NORMAL';

/** A replication or task that can be stopped. */
export interface StoppableRecord extends Evolving {
  status: string;
  stopReason?: string;
  /** Start, load and modify state (see replication-runs.ts). */
  run?: ReplicationRun;
  /**
   * What Describe shows until `untilMs`: the status before the last stop or start (and,
   * after a start, the stop reason and run state from before it too).
   */
  lagging?: { readonly status: string; readonly untilMs: number; readonly stopReason?: string; readonly run?: ReplicationRun };
}

/** How a stop goes, from ReplicationOptions / TaskOptions. */
export interface StopPlan {
  readonly stopDurationMs?: number;
  readonly neverStops?: boolean;
  readonly stopReason?: string;
  /** For this long after a stop or a start, Describe still shows the replication as it was before (a read lagging a write). @default 0 */
  readonly describeLagMs?: number;
}

/** Moves the record to `stopping`, and to `stopped` after the plan's duration unless it never stops. */
export function beginStop(record: StoppableRecord, plan: StopPlan): void {
  record.status = 'stopping';
  const dueAtMs = nowMs() + (plan.stopDurationMs ?? DEFAULT_STOP_DURATION_MS);
  record.pending = plan.neverStops ? undefined : {
    dueAtMs,
    apply: () => {
      record.status = 'stopped';
      record.stopReason = plan.stopReason ?? DEFAULT_STOP_REASON;
      // Dated when it stopped, not when a later read first saw it.
      if (record.run) runStopped(record.run, dueAtMs);
    },
  };
}

/** How one kind of stoppable resource (serverless replication, classic task) looks on the wire. */
export interface StoppableKind<O extends StopPlan & { readonly status: string }> {
  /** The input member naming the resource, e.g. 'ReplicationConfigArn'. */
  readonly arnMember: string;
  /** Describe filter names for the ARN and the resource id. */
  readonly arnFilter: string;
  readonly idFilter: string;
  /** Statuses from which a stop is accepted. */
  readonly stoppable: ReadonlySet<string>;
  /** Response members: the Stop* result and the Describe* list. */
  readonly itemMember: string;
  readonly listMember: string;
  /** Describe*'s message when no record matches the filters. */
  readonly noMatchMessage: string;
  notFound(arn: string): string;
  notRunning(arn: string, status: string): string;
  /** The resource as DMS returns it. */
  wire(record: StoppableResource<O>): object;
}

/** A stoppable resource the emulator holds. */
export interface StoppableResource<O> extends StoppableRecord {
  readonly arn: string;
  readonly options: O;
}

/** Stop* and Describe* for one kind of stoppable resource. */
export class StoppableRegistry<O extends StopPlan & { readonly status: string; readonly stopReason?: string }> {
  private readonly records = new Map<string, StoppableResource<O>>();
  /** Unrelated records, always listed before the others (for paging). */
  private readonly fillers: StoppableResource<O>[] = [];
  private readonly filters: FilterFields<StoppableResource<O>>;

  constructor(
    private readonly kind: StoppableKind<O>,
    private readonly paging: { readonly describeNoMatch: 'not-found' | 'empty'; readonly filterAfterPaging: boolean },
  ) {
    this.filters = { [kind.arnFilter]: r => r.arn, [kind.idFilter]: r => resourceId(r.arn) };
  }

  /** Adds `count` unrelated stopped records named by `arnOf(n)`, listed before all others. */
  addFillers(count: number, arnOf: (n: number) => string, options: O): void {
    for (let i = 0; i < count; i++) {
      const arn = arnOf(this.fillers.length + 1);
      this.fillers.push({ arn, options, status: options.status, stopReason: options.stopReason });
    }
  }

  add(arn: string, options: O): void {
    this.records.set(arn, { arn, options, status: options.status, stopReason: options.stopReason });
  }

  /** The record itself, settled, for the operations that start and modify it. */
  record(arn: string): StoppableResource<O> | undefined {
    const record = this.records.get(arn);
    return record && settle(record);
  }

  remove(arn: string): void {
    this.records.delete(arn);
  }

  get(arn: string): { Status: string } | undefined {
    const record = this.records.get(arn);
    return record && { Status: settle(record).status };
  }

  stop(input: RequestInput): object {
    const arn = requireString(input, this.kind.arnMember);
    const record = this.records.get(arn);
    if (!record) throw resourceNotFound(this.kind.notFound(arn));
    settle(record);
    if (!this.kind.stoppable.has(record.status)) throw invalidResourceState(this.kind.notRunning(arn, record.status));
    const lagMs = record.options.describeLagMs ?? 0;
    record.lagging = lagMs > 0 ? { status: record.status, untilMs: nowMs() + lagMs } : undefined;
    beginStop(record, record.options);
    return { [this.kind.itemMember]: this.kind.wire(record) };
  }

  describe(input: RequestInput): object {
    const all = [...this.fillers, ...this.records.values()];
    const now = nowMs();
    all.forEach(record => settle(record, now));
    const behavior: DescribeBehavior = {
      filterAfterPaging: this.paging.filterAfterPaging,
      noMatch: this.paging.describeNoMatch,
      noMatchMessage: this.kind.noMatchMessage,
    };
    // A lagging read shows the status from before the last stop.
    const visible = all.map(r => (r.lagging && now < r.lagging.untilMs
      ? { ...r, status: r.lagging.status, ...(r.lagging.run ? { run: r.lagging.run, stopReason: r.lagging.stopReason } : {}) }
      : r));
    const page = describePage(visible, input, this.filters, behavior);
    return { [this.kind.listMember]: page.items.map(r => this.kind.wire(r)), Marker: page.marker };
  }
}
