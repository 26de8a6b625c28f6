import { ArnBuilder } from './arns';
import { AssessmentBehavior, Assessments, IamPropagationScenario, ServerlessAssessmentOptions } from './assessments';
import { CdcBacklogScenario, cdcBacklogSeries } from './cdc-backlog';
import { CdcLatencyScenario, cdcLatencySeries } from './cdc-latency';
import { CloudWatchMetrics, MetricPaging } from './cloudwatch-metrics';
import { Connections } from './connections';
import { DmsError } from './dms-error';
import { FaultInjector } from './faults';
import { interrupt, Interruption } from './interruptions';
import { ResourceRegistry } from './model';
import {
  ConnectionBehavior,
  DmsEmulatorOptions,
  EmulatorCall,
  EndpointBehavior,
  PreviousRefresh,
  ReplicationOptions,
  TaskOptions,
} from './options';
import { AccountRateLimit, CallerCounts } from './rate-limit';
import { RefreshStatusSnapshot, SchemaRefreshes } from './refresh-schemas';
import { RunBehavior } from './replication-run-state';
import { newRun, ReplicationRuns, SERVERLESS_RUNS, TASK_RUNS } from './replication-runs';
import { REPLICATION_TASKS } from './replication-tasks';
import { SERVERLESS_REPLICATIONS } from './replications';
import { RequestInput } from './request-input';
import { DmsHttpServer, EmulatedService } from './server';
import { SsmParameters } from './ssm-parameters';
import { StoppableRegistry } from './stopping';
import { TableScenario, TableStatistics, TableStatisticsPaging } from './table-statistics';
import { ResourceTags } from './tags';

type OperationHandler = (input: RequestInput) => object;

/**
 * A local AWS DMS that speaks the real AWS JSON 1.1 protocol, for tests that
 * drive the real SDK client (or our Lambda handlers) against it.
 *
 * Register resources with the `add*` methods, point a client at {@link url}
 * (or put {@link env} in the environment), and inspect {@link calls}.
 * Status changes happen in real time, computed from timestamps when read.
 *
 * Faults are queued per operation and applied to its next calls, first queued first applied:
 * DMS errors ({@link throttle}, {@link failNext}; server faults as HTTP 5xx), a dropped connection
 * ({@link dropNext}) and a late answer ({@link delayNext}).
 */
export class DmsEmulator {
  /** Starts an emulator on 127.0.0.1; call {@link close} when done. */
  static async start(options: DmsEmulatorOptions = {}): Promise<DmsEmulator> {
    const emulator = new DmsEmulator(options);
    emulator.server = await DmsHttpServer.listen({
      port: options.port ?? 0,
      latencyMs: options.latencyMs ?? 0,
      dispatch: (operation, input, service) => emulator.dispatch(operation, input, service),
      // Unknown operations keep their faults queued: they answer UnknownOperationException.
      takeFault: (operation, input) => (emulator.knows(operation) ? emulator.faults.take(operation, input) : undefined),
      admit: emulator.rateLimit && ((caller, at) => emulator.rateLimit!.admit(caller, at)),
      record: call => {
        emulator.calls.push(call);
        const waiting = call.errorCode ? [] : emulator.observers.get(call.operation) ?? [];
        const due = waiting.filter(o => o.about === undefined || JSON.stringify(call.input ?? {}).includes(o.about));
        emulator.observers.set(call.operation, waiting.filter(o => !due.includes(o)));
        due.forEach(o => o.fn(call));
      },
    });
    return emulator;
  }

  /** Region in ARNs and {@link env}. */
  readonly region: string;
  /** Account in ARNs. */
  readonly account: string;
  /** Every request answered (or dropped), in arrival order, including injected faults. */
  readonly calls: EmulatorCall[] = [];
  private readonly observers = new Map<string, Array<{ readonly fn: (call: EmulatorCall) => void; readonly about?: string }>>();

  private server!: DmsHttpServer;
  private readonly rateLimit?: AccountRateLimit;
  private readonly arns: ArnBuilder;
  private readonly registry = new ResourceRegistry();
  private readonly faults = new FaultInjector();
  private readonly refreshes: SchemaRefreshes;
  private readonly connections: Connections;
  private readonly replications: StoppableRegistry<ReplicationOptions>;
  private readonly tasks: StoppableRegistry<TaskOptions>;
  private readonly replicationRuns: ReplicationRuns<ReplicationOptions>;
  private readonly taskRuns: ReplicationRuns<TaskOptions>;
  private readonly runBehavior: RunBehavior;
  private readonly operations: Readonly<Record<string, OperationHandler>>;
  private readonly assessments: Assessments;
  private readonly tableStatistics: TableStatistics;
  private readonly tags: ResourceTags;
  private readonly metrics = new CloudWatchMetrics();
  /** CloudWatch's operations (X-Amz-Target GraniteServiceVersion20100801.*), served on the same port. */
  private readonly cloudWatchOperations: Readonly<Record<string, OperationHandler>>;
  /** SSM Parameter Store (X-Amz-Target AmazonSSM.*, the record of intent), served on the same port. */
  readonly parameters: SsmParameters;
  private readonly ssmOperations: Readonly<Record<string, OperationHandler>>;

  private constructor(options: DmsEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.arns = new ArnBuilder(this.region, this.account);
    this.rateLimit = options.rateLimit === false ? undefined : new AccountRateLimit(options.rateLimit);
    const paging = { describeNoMatch: options.describeNoMatch ?? 'not-found', filterAfterPaging: options.filterAfterPaging ?? false } as const;
    this.connections = new Connections(this.registry, this.arns, paging);
    this.refreshes = new SchemaRefreshes(this.registry, {
      neverRefreshed: options.neverRefreshed ?? 'empty',
      requireTestedConnection: options.requireTestedConnection ?? false,
      refreshDateStamp: options.refreshDateStamp ?? 'start',
      hasSuccessfulConnection: (endpointArn, instanceArn) => this.connections.hasSuccessful(endpointArn, instanceArn),
      defaultPreviousInstanceArn: this.arns.replicationInstance('previous-refresh-instance'),
    });
    this.replications = new StoppableRegistry(SERVERLESS_REPLICATIONS, paging);
    this.tasks = new StoppableRegistry(REPLICATION_TASKS, paging);
    this.runBehavior = options.runBehavior ?? {};
    this.replicationRuns = new ReplicationRuns(SERVERLESS_RUNS, this.replications, this.arns, this.runBehavior, r => SERVERLESS_REPLICATIONS.wire(r));
    this.taskRuns = new ReplicationRuns(TASK_RUNS, this.tasks, this.arns, this.runBehavior, r => REPLICATION_TASKS.wire(r));
    this.assessments = new Assessments({
      task: arn => this.tasks.record(arn),
      replication: arn => this.replications.record(arn),
      startReplication: input => this.replicationRuns.start(input),
      arn: (type, id) => `arn:aws:dms:${this.region}:${this.account}:${type}:${id}`,
    }, { filterAfterPaging: paging.filterAfterPaging, noMatch: paging.describeNoMatch }, options.serverlessAssessments ?? {});
    this.tableStatistics = new TableStatistics(arn => (arn.includes(':task:') ? this.tasks : this.replications).get(arn) !== undefined);
    this.tags = new ResourceTags(arn => (arn.includes(':task:') ? this.tasks : this.replications).get(arn) !== undefined);
    this.cloudWatchOperations = {
      GetMetricData: input => this.metrics.getMetricData(input),
      ListMetrics: input => this.metrics.listMetrics(input),
    };
    this.parameters = new SsmParameters(this.region, this.account);
    this.ssmOperations = {
      PutParameter: input => this.parameters.putParameter(input),
      GetParameter: input => this.parameters.getParameter(input),
      DeleteParameter: input => this.parameters.deleteParameter(input),
    };
    this.operations = {
      DescribeTableStatistics: input => this.tableStatistics.describeTableStatistics(input),
      DescribeReplicationTableStatistics: input => this.tableStatistics.describeReplicationTableStatistics(input),
      RefreshSchemas: input => this.refreshes.refreshSchemas(input),
      DescribeRefreshSchemasStatus: input => this.refreshes.describeRefreshSchemasStatus(input),
      TestConnection: input => this.connections.testConnection(input),
      DescribeConnections: input => this.connections.describeConnections(input),
      StopReplication: input => (this.assessments.stopServerless(String(input.ReplicationConfigArn))
        ? { Replication: this.replicationRun(String(input.ReplicationConfigArn)) }
        : this.replications.stop(input)),
      CancelReplicationTaskAssessmentRun: input => this.assessments.cancelTaskRun(input),
      DescribeReplications: input => this.assessments.decorateReplications(this.replications.describe(input)),
      StopReplicationTask: input => this.tasks.stop(input),
      DescribeReplicationTasks: input => this.tasks.describe(input),
      StartReplication: input => this.assessments.startServerless(input),
      StartReplicationTaskAssessmentRun: input => this.assessments.startTaskRun(input),
      DescribeReplicationTaskAssessmentRuns: input => this.assessments.describeTaskRuns(input),
      DescribeReplicationTaskIndividualAssessments: input => this.assessments.describeIndividuals(input),
      StartReplicationTask: input => this.taskRuns.start(input),
      CreateReplicationConfig: input => this.replicationRuns.create(input),
      ModifyReplicationConfig: input => this.replicationRuns.modify(input),
      DeleteReplicationConfig: input => this.replicationRuns.delete(input),
      CreateReplicationTask: input => this.taskRuns.create(input),
      ModifyReplicationTask: input => this.taskRuns.modify(input),
      DeleteReplicationTask: input => this.taskRuns.delete(input),
      AddTagsToResource: input => this.tags.add(input),
      ListTagsForResource: input => this.tags.list(input),
      RemoveTagsFromResource: input => this.tags.remove(input),
    };
  }

  /** Whether some service this emulator speaks has `operation`. */
  private knows(operation: string): boolean {
    return Boolean(this.operations[operation] || this.cloudWatchOperations[operation] || this.ssmOperations[operation]);
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`: the `endpoint` of an SDK client. */
  get url(): string {
    return this.server.url;
  }

  /** Stops the server; leaves no open handles. Safe to call twice. */
  close(): Promise<void> {
    return this.server.close();
  }

  /**
   * Env vars that point the SDK (and our Lambda handlers) at this emulator:
   * AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE, AWS_ENDPOINT_URL_CLOUDWATCH (the same
   * server answers CloudWatch's GetMetricData and ListMetrics), AWS_ENDPOINT_URL_SSM
   * (and SSM's PutParameter, GetParameter, DeleteParameter), AWS_REGION,
   * AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
   */
  env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE: this.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: this.url,
      AWS_ENDPOINT_URL_SSM: this.url,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
  }

  /** The recorded calls to one operation. */
  callsTo(operation: string): EmulatorCall[] {
    return this.calls.filter(c => c.operation === operation);
  }

  /**
   * Runs `fn` once, right after the next successful call to `operation` is answered: a test
   * injects what happens next (a fault, say) at the exact point of a handler's sequence. With
   * `about`, only a call whose input mentions it (an ARN) counts.
   */
  afterNextCall(operation: string, fn: (call: EmulatorCall) => void, about?: string): void {
    this.observers.set(operation, [...(this.observers.get(operation) ?? []), { fn, ...(about !== undefined ? { about } : {}) }]);
  }

  /** Forgets recorded calls (the same array is emptied, so held references see it) and the per-caller counts. */
  resetCalls(): void {
    this.calls.length = 0;
    this.rateLimit?.resetCounts();
  }

  /**
   * Calls and throttled calls per caller (the access key id the request was signed
   * with) under the account's API rate limit; empty when `rateLimit` is false.
   */
  callers(): Record<string, CallerCounts> {
    return this.rateLimit?.callers() ?? {};
  }

  /** `arn:aws:dms:<region>:<account>:endpoint:<id>` */
  endpointArn(id: string): string {
    return this.arns.endpoint(id);
  }

  /** `arn:aws:dms:<region>:<account>:rep:<id>` */
  instanceArn(id: string): string {
    return this.arns.replicationInstance(id);
  }

  /** `arn:aws:dms:<region>:<account>:task:<id>` */
  taskArn(id: string): string {
    return this.arns.replicationTask(id);
  }

  /** `arn:aws:dms:<region>:<account>:replication-config:<id>` */
  replicationConfigArn(id: string): string {
    return this.arns.replicationConfig(id);
  }

  /** Makes a replication instance exist (RefreshSchemas and TestConnection need one). */
  addReplicationInstance(arn: string): void {
    this.registry.addInstance(arn);
  }

  /**
   * Puts a replication instance in a state other than `available` (e.g. 'modifying') for
   * `forMs` (default: until set back to 'available'): meanwhile RefreshSchemas and
   * TestConnection on it answer InvalidResourceStateFault "Replication instance … is in state …".
   */
  setReplicationInstanceState(arn: string, state: string, forMs?: number): void {
    this.registry.setInstanceState(arn, state, forMs);
  }

  /** Makes an endpoint exist, optionally with how its refreshes go and a refresh from before. */
  addEndpoint(arn: string, behavior: EndpointBehavior & { previousRefresh?: PreviousRefresh } = {}): void {
    const { previousRefresh, ...endpointBehavior } = behavior;
    this.refreshes.addEndpoint(arn, endpointBehavior, previousRefresh);
  }

  /**
   * Changes how refreshes of the endpoint go; applies to refreshes started afterwards.
   * Unset fields keep their value. Throws if the endpoint was not added.
   */
  setRefreshBehavior(endpointArn: string, behavior: EndpointBehavior): void {
    this.refreshes.setBehavior(endpointArn, behavior);
  }

  /**
   * Somebody else's refresh, already running: status refreshing, LastRefreshDate
   * now, finishes after durationMs (default: the endpoint's refreshDurationMs)
   * with the endpoint's outcome. Throws if the endpoint was not added.
   */
  startRefresh(endpointArn: string, replicationInstanceArn: string, durationMs?: number): void {
    this.refreshes.startRefresh(endpointArn, replicationInstanceArn, durationMs);
  }

  /** The endpoint's refresh status as Describe would show it (LastRefreshDate in ms); `{}` if never refreshed, undefined if unknown. */
  refreshStatus(endpointArn: string): RefreshStatusSnapshot | undefined {
    return this.refreshes.status(endpointArn);
  }

  /** How TestConnection goes for the pair; applies to tests started afterwards. Unset fields keep their value. */
  setConnectionBehavior(endpointArn: string, instanceArn: string, behavior: ConnectionBehavior): void {
    this.connections.setBehavior(endpointArn, instanceArn, behavior);
  }

  /**
   * Puts a connection record in a given state; 'testing' finishes after
   * remainingMs (default: the pair's testDurationMs) with the behavior's outcome.
   * The endpoint and instance need not be registered.
   */
  addConnection(
    endpointArn: string,
    instanceArn: string,
    status: 'testing' | 'successful' | 'failed' | 'deleting',
    opts?: { failureMessage?: string; remainingMs?: number },
  ): void {
    this.connections.add(endpointArn, instanceArn, status, opts);
  }

  /** Adds `count` unrelated connection records listed BEFORE all others (other endpoints/instances). */
  addFillerConnections(count: number): void {
    this.connections.addFillers(count);
  }

  /** The pair's connection record as Describe would show it, or undefined if there is none. */
  connection(endpointArn: string, instanceArn: string): { Status: string; LastFailureMessage?: string } | undefined {
    return this.connections.get(endpointArn, instanceArn);
  }

  /** Makes a DMS Serverless replication exist for the config ARN. */
  addReplication(configArn: string, opts: ReplicationOptions): void {
    this.replications.add(configArn, opts);
    this.replications.record(configArn)!.run = newRun(opts.status, SERVERLESS_RUNS, opts.migrationType, { ...this.runBehavior, ...opts.behavior });
  }

  /** Adds `count` unrelated stopped serverless replications, listed BEFORE all others. */
  addFillerReplications(count: number): void {
    this.replications.addFillers(count, n => this.arns.replicationConfig(`filler-config-${String(n).padStart(4, '0')}`), { status: 'stopped' });
  }

  /** Adds `count` unrelated stopped replication tasks, listed BEFORE all others. */
  addFillerTasks(count: number): void {
    this.tasks.addFillers(count, n => this.arns.replicationTask(`filler-task-${String(n).padStart(4, '0')}`), { status: 'stopped' });
  }

  /** The replication's current status, or undefined if unknown. */
  replication(configArn: string): { Status: string } | undefined {
    return this.replications.get(configArn);
  }

  /** Makes a replication task exist. */
  addReplicationTask(taskArn: string, opts: TaskOptions): void {
    this.tasks.add(taskArn, opts);
    this.tasks.record(taskArn)!.run = newRun(opts.status, TASK_RUNS, opts.migrationType, { ...this.runBehavior, ...opts.behavior });
  }

  /**
   * How starts of the replication config or task with this ARN go (unset fields keep
   * their value), also for one CloudFormation creates later: CreateReplicationConfig /
   * CreateReplicationTask name it `…:<IDENTIFIER, letters and digits upper-cased>`
   * (see {@link arnForIdentifier}).
   */
  setRunBehavior(arn: string, behavior: RunBehavior): void {
    (arn.includes(':task:') ? this.taskRuns : this.replicationRuns).setBehavior(arn, behavior);
  }

  /**
   * DMS deprovisions the stopped serverless replication's capacity (as it does about 48 hours
   * after a stop): `deprovisioning` for `durationMs`, then `deprovisioned`, in Status or in
   * ProvisionData as its run behavior's `deprovisionReading` says.
   */
  deprovision(configArn: string, durationMs = 0): void {
    this.replicationRuns.deprovision(configArn, durationMs);
  }

  /** The ARN CreateReplicationConfig (`replication-config`) or CreateReplicationTask (`task`) gives an identifier. */
  arnForIdentifier(kind: 'replication-config' | 'task', identifier: string): string {
    return (kind === 'task' ? this.taskRuns : this.replicationRuns).arnFor(identifier);
  }

  /**
   * Where the last start of a replication config or task began CDC (epoch ms, or a position):
   * the user's CDC start, or the moment of a resume before any first run (the skipped changes).
   */
  cdcStartOf(arn: string): { readonly time?: number; readonly position?: string } | undefined {
    const run = (arn.includes(':task:') ? this.tasks : this.replications).record(arn)?.run;
    return run && { time: run.cdcStartTime, position: run.cdcStartPosition };
  }

  /** A replication config's or task's run as Describe* shows it: status, stop reason, start type, statistics. */
  replicationRun(arn: string): Record<string, any> | undefined {
    const registry = arn.includes(':task:') ? this.tasks : this.replications;
    const record = registry.record(arn);
    if (!record) return undefined;
    return arn.includes(':task:') ? REPLICATION_TASKS.wire(record) : SERVERLESS_REPLICATIONS.wire(record);
  }

  /** The task's current status, or undefined if unknown. */
  replicationTask(taskArn: string): { Status: string } | undefined {
    return this.tasks.get(taskArn);
  }

  /** The next `times` calls to `operation` answer ThrottlingException ("Rate exceeded"). */
  throttle(operation: string, times: number): void {
    this.faults.throttle(operation, times);
  }

  /**
   * The next `times` (default 1) calls to `operation` answer this error. Server faults
   * (InternalFailure, ServiceUnavailable, ...) are answered with HTTP 500/503, others with 400.
   * With `about`, only calls whose input mentions it (an ARN) suffer it: other tests' calls pass.
   */
  failNext(operation: string, code: string, message: string, times: number = 1, about?: string): void {
    this.faults.failNext(operation, code, message, times, about);
  }

  /**
   * The next `times` (default 1) calls to `operation` get their connection destroyed without
   * any response (the SDK sees a socket hang up / ECONNRESET, which it retries). The operation
   * does not run. Recorded in {@link calls} with errorCode 'ConnectionDropped'.
   */
  dropNext(operation: string, times: number = 1): void {
    this.faults.dropNext(operation, times);
  }

  /**
   * The next `times` (default 1) calls to `operation` run normally when they arrive, but their
   * answer is sent only `ms` later (on top of `latencyMs`): a client whose request timeout is
   * shorter gives up, and the operation has still taken effect. Recorded in {@link calls} with
   * `delayMs`. {@link close} drops held-back answers at once. With `about`, only calls whose
   * input mentions it (an ARN, an SSM parameter name) are delayed.
   */
  delayNext(operation: string, ms: number, times: number = 1, about?: string): void {
    this.faults.delayNext(operation, ms, times, about);
  }

  /** Forgets the faults still queued for `operation` (or for every operation). */
  clearFaults(operation?: string): void {
    this.faults.clear(operation);
  }

  /** How premigration assessments of the task or config with this ARN go (unset fields keep their value). */
  setAssessmentBehavior(arn: string, behavior: AssessmentBehavior): void {
    this.assessments.setBehavior(arn, behavior);
  }

  /** Assessment runs naming this bucket are refused (S3ResourceNotFoundFault), as for a bucket that does not exist. */
  forgetBucket(name: string): void {
    this.assessments.forgetBucket(name);
  }

  /** Assessment runs naming this role are refused (AccessDeniedFault), as for a role DMS cannot assume. */
  forgetRole(arn: string): void {
    this.assessments.forgetRole(arn);
  }

  /** Changes how DMS Serverless's assessments behave where its docs are silent, from now on (unset fields keep their value). */
  setServerlessAssessments(options: ServerlessAssessmentOptions): void {
    this.assessments.setServerlessOptions(options);
  }

  /**
   * IAM propagation faults from now on (undefined: none): for `durationMs` after DMS first sees
   * a role, bucket or KMS key in an assessment request, the start answers the fault, or the run
   * ends error-provisioning. See {@link IamPropagationScenario}.
   */
  setIamPropagation(scenario: IamPropagationScenario | undefined): void {
    this.assessments.setIamPropagation(scenario);
  }

  /** The assessment runs of a task or config, oldest first. */
  assessmentRuns(targetArn: string): Array<{ arn: string; name: string; status: string; folder?: string }> {
    return this.assessments.runsOf(targetArn);
  }

  /**
   * The tables of a task or replication config as DescribeTableStatistics /
   * DescribeReplicationTableStatistics show them, each going through its phases in time
   * from now on (a table is listed once its first phase began). Replaces earlier ones.
   */
  setTableStatistics(arn: string, tables: readonly TableScenario[], paging?: TableStatisticsPaging): void {
    this.tableStatistics.set(arn, tables, paging);
  }

  /**
   * The task's or config's CDCLatencySource and CDCLatencyTarget in CloudWatch (`AWS/DMS`),
   * piecewise in time from now on (negative `fromMs`: history), a data point a minute
   * except where a segment is idle (`seconds: null`). A task's series carry the dimensions
   * DMS documents for task metrics (ReplicationInstanceIdentifier, ReplicationTaskIdentifier);
   * a serverless replication's, `serverlessDimension` (DMS's docs say only that serverless
   * metrics are per replication) holding the config's resource id.
   */
  setCdcLatency(arn: string, scenario: CdcLatencyScenario): void {
    for (const s of cdcLatencySeries(arn, scenario)) this.metrics.set('AWS/DMS', s.metricName, s.dimensions, s.segments, s.publishDelayMs);
  }

  /**
   * The task's or config's CDC backlog metrics in CloudWatch (`AWS/DMS`: CDCIncomingChanges,
   * CDCChangesMemorySource/Target, CDCChangesDiskSource/Target), piecewise in time from now on,
   * with the dimensions {@link setCdcLatency} uses; `changes: null` is a stretch without data points.
   */
  setCdcBacklog(arn: string, scenario: CdcBacklogScenario): void {
    for (const s of cdcBacklogSeries(arn, scenario)) this.metrics.set('AWS/DMS', s.metricName, s.dimensions, s.segments, s.publishDelayMs);
  }

  /**
   * The task or config stops by itself (`afterMs` from now) with DMS's stop reason, `stopped`
   * or `failed`, its failure text where DMS shows it for the kind (a task's LastFailureMessage,
   * a serverless replication's FailureMessages); with `recoversAfterMs`, DMS restarts it then.
   */
  interruptReplication(arn: string, plan: Interruption): void {
    const record = (arn.includes(':task:') ? this.tasks : this.replications).record(arn);
    if (!record) throw new Error(`No replication ${arn} to interrupt`);
    interrupt(record, plan);
  }

  /** How GetMetricData and ListMetrics page (data points or metrics per page, empty pages first). */
  setMetricPaging(paging: MetricPaging): void {
    this.metrics.setPaging(paging);
  }

  private dispatch(operation: string, input: RequestInput, service: EmulatedService = 'dms'): object {
    if (service === 'ssm') {
      const ssm = this.ssmOperations[operation];
      if (!ssm) throw new DmsError('UnknownOperationException', `Unknown operation: ${operation}`);
      return ssm(input);
    }
    if (service === 'cloudwatch') {
      const cloudWatch = this.cloudWatchOperations[operation];
      if (!cloudWatch) throw new DmsError('UnknownOperationException', `Unknown operation: ${operation}`);
      return cloudWatch(input);
    }
    const handler = this.operations[operation];
    if (!handler) throw new DmsError('UnknownOperationException', `Unknown operation: ${operation}`);
    // A serverless assessment that ended starts its replication (or not) before anything reads it.
    this.assessments.settle();
    return handler(input);
  }
}
