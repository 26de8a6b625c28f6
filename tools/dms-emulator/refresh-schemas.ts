import { Evolving, nowMs, settle, toEpochSeconds } from './clock';
import { invalidResourceState, resourceNotFound } from './dms-error';
import { ResourceRegistry } from './model';
import { EndpointBehavior, PreviousRefresh } from './options';
import { requireString, RequestInput } from './request-input';

const DEFAULT_REFRESH_DURATION_MS = 2000;

type RefreshStatus = 'refreshing' | 'successful' | 'failed';

/** The latest refresh of one endpoint: DMS keeps only one status per endpoint. */
interface RefreshRun extends Evolving {
  readonly instanceArn: string;
  readonly startedAtMs: number;
  status: RefreshStatus;
  failureMessage?: string;
  /** The LastRefreshDate shown: the start, or (refreshDateStamp 'end') the previous run's until this one ends. */
  stampMs?: number;
}

interface EndpointState {
  behavior: EndpointBehavior;
  refresh?: RefreshRun;
  /** What Describe shows until `untilMs` (a read lagging a RefreshSchemas): the run before, or none. */
  shadow?: { readonly run?: RefreshRun; readonly untilMs: number };
}

/** A snapshot of an endpoint's refresh status, with LastRefreshDate in ms. */
export interface RefreshStatusSnapshot {
  readonly Status?: string;
  readonly LastRefreshDate?: number;
  readonly LastFailureMessage?: string;
}

export interface SchemaRefreshOptions {
  readonly neverRefreshed: 'empty' | 'not-found';
  readonly requireTestedConnection: boolean;
  readonly refreshDateStamp: 'start' | 'end';
  /** Whether the pair has a `successful` connection record (owned by Connections). */
  readonly hasSuccessfulConnection: (endpointArn: string, instanceArn: string) => boolean;
  /** Where a previous refresh ran when the test does not say. */
  readonly defaultPreviousInstanceArn: string;
}

/** RefreshSchemas and DescribeRefreshSchemasStatus. */
export class SchemaRefreshes {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly registry: ResourceRegistry, private readonly options: SchemaRefreshOptions) {}

  addEndpoint(arn: string, behavior: EndpointBehavior = {}, previous?: PreviousRefresh): void {
    this.registry.addEndpoint(arn);
    const state: EndpointState = { behavior };
    this.endpoints.set(arn, state);
    if (previous) state.refresh = this.previousRun(arn, state, previous);
  }

  /** Merges into the endpoint's behavior; refreshes already running keep theirs. */
  setBehavior(arn: string, behavior: EndpointBehavior): void {
    const state = this.state(arn);
    state.behavior = { ...state.behavior, ...behavior };
  }

  /** Starts a refresh as if somebody else had called RefreshSchemas. */
  startRefresh(endpointArn: string, instanceArn: string, durationMs?: number): void {
    const state = this.state(endpointArn);
    state.refresh = this.newRun(endpointArn, state.behavior, instanceArn, nowMs(), durationMs, state.refresh);
  }

  status(endpointArn: string): RefreshStatusSnapshot | undefined {
    const state = this.endpoints.get(endpointArn);
    if (!state) return undefined;
    const run = state.refresh && settle(state.refresh);
    if (!run) return {};
    return { Status: run.status, LastRefreshDate: run.stampMs, LastFailureMessage: run.failureMessage };
  }

  refreshSchemas(input: RequestInput): object {
    const endpointArn = requireString(input, 'EndpointArn');
    const instanceArn = requireString(input, 'ReplicationInstanceArn');
    this.registry.requireEndpoint(endpointArn);
    this.registry.requireAvailableInstance(instanceArn);
    const state = this.state(endpointArn);
    if (state.refresh && settle(state.refresh).status === 'refreshing') {
      throw invalidResourceState(`Refresh schemas is already in progress for endpoint ${endpointArn}`);
    }
    if (this.options.requireTestedConnection && !this.options.hasSuccessfulConnection(endpointArn, instanceArn)) {
      throw invalidResourceState(
        `Cannot refresh schemas for endpoint ${endpointArn}: test connection with replication instance ${instanceArn} has not succeeded. Test the connection first.`,
      );
    }
    const lagMs = state.behavior.describeLagMs ?? 0;
    state.shadow = lagMs > 0 ? { run: state.refresh && { ...state.refresh }, untilMs: nowMs() + lagMs } : undefined;
    state.refresh = this.newRun(endpointArn, state.behavior, instanceArn, nowMs(), undefined, state.refresh);
    return { RefreshSchemasStatus: wireStatus(endpointArn, state.refresh) };
  }

  describeRefreshSchemasStatus(input: RequestInput): object {
    const endpointArn = requireString(input, 'EndpointArn');
    this.registry.requireEndpoint(endpointArn);
    const state = this.state(endpointArn);
    const lagging = state.shadow && nowMs() < state.shadow.untilMs ? state.shadow : undefined;
    const run = lagging ? lagging.run : state.refresh;
    if (!run) {
      if (this.options.neverRefreshed === 'not-found') {
        throw resourceNotFound(`No schema refresh status found for endpoint ${endpointArn}`);
      }
      return { RefreshSchemasStatus: { EndpointArn: endpointArn } };
    }
    return { RefreshSchemasStatus: wireStatus(endpointArn, settle(run)) };
  }

  private state(endpointArn: string): EndpointState {
    const state = this.endpoints.get(endpointArn);
    if (!state) throw new Error(`DmsEmulator: endpoint ${endpointArn} was not added (addEndpoint)`);
    return state;
  }

  private newRun(
    endpointArn: string,
    behavior: EndpointBehavior,
    instanceArn: string,
    startedAtMs: number,
    durationMs?: number,
    previous?: RefreshRun,
  ): RefreshRun {
    // The outcome is fixed when the refresh starts, so later setBehavior calls only affect later refreshes.
    const outcome = behavior.refreshOutcome ?? 'successful';
    const failureMessage = behavior.refreshFailureMessage ?? defaultRefreshFailure(endpointArn);
    const stampAtEnd = this.options.refreshDateStamp === 'end';
    const run: RefreshRun = { instanceArn, startedAtMs, status: 'refreshing', stampMs: stampAtEnd ? previous?.stampMs : startedAtMs };
    const dueAtMs = startedAtMs + (durationMs ?? behavior.refreshDurationMs ?? DEFAULT_REFRESH_DURATION_MS);
    run.pending = {
      dueAtMs,
      apply: () => {
        run.status = outcome;
        run.failureMessage = outcome === 'failed' ? failureMessage : undefined;
        if (stampAtEnd) run.stampMs = dueAtMs;
      },
    };
    return run;
  }

  private previousRun(endpointArn: string, state: EndpointState, previous: PreviousRefresh): RefreshRun {
    const now = nowMs();
    const instanceArn = previous.replicationInstanceArn ?? this.options.defaultPreviousInstanceArn;
    const startedAtMs = now - previous.ageMs;
    if (previous.status === 'refreshing') {
      const duration = previous.remainingMs !== undefined
        ? previous.ageMs + previous.remainingMs
        : state.behavior.refreshDurationMs ?? DEFAULT_REFRESH_DURATION_MS;
      // Somebody else's refresh: it ends successfully whatever this endpoint's behavior says.
      return this.newRun(endpointArn, { refreshOutcome: 'successful' }, instanceArn, startedAtMs, Math.max(duration, previous.ageMs));
    }
    return {
      instanceArn,
      startedAtMs,
      stampMs: startedAtMs,
      status: previous.status,
      failureMessage: previous.status === 'failed'
        ? previous.failureMessage ?? state.behavior.refreshFailureMessage ?? defaultRefreshFailure(endpointArn)
        : undefined,
    };
  }
}

function wireStatus(endpointArn: string, run: RefreshRun): object {
  return {
    EndpointArn: endpointArn,
    ReplicationInstanceArn: run.instanceArn,
    Status: run.status,
    LastRefreshDate: run.stampMs !== undefined ? toEpochSeconds(run.stampMs) : undefined,
    LastFailureMessage: run.failureMessage,
  };
}

function defaultRefreshFailure(endpointArn: string): string {
  return `Failed to retrieve schema list for endpoint ${endpointArn}: Cannot connect to ODBC provider. Network error has occurred, RetCode: SQL_ERROR SqlState: 08001 NativeError: 101 Message: [unixODBC]timeout expired`;
}
