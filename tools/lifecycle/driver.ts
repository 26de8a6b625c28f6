/**
 * The lifecycle driver: an in-process stand-in for CloudFormation that deploys, updates and
 * destroys one synthesized stack, running the bundled handlers of its Provider-backed custom
 * resources through a re-enactment of the provider framework.
 */
import { randomUUID } from 'crypto';
import { CloudFormationEndpoint, type CloudFormationCall, type StackDescription, type StackResourceSummary } from './cloudformation-endpoint';
import { buildRequest, sendCustomResourceRequest, type CustomResourceOutcome } from './custom-resource';
import { HandlerRunner, type LambdaFunctionSpec, type LambdaInvocationRecord } from './handler-runner';
import { evaluateCondition, collectReferences, pseudoParameters, resolveValue, ResolutionError, toCloudFormationStrings, type IntrinsicContext } from './intrinsics';
import type { LogLine } from './log-capture';
import { defaultAttribute, defaultPhysicalId, generatedName } from './physical-ids';
import type { CloudFormationRequest, FrameworkEnvironment, FrameworkServices } from './provider-framework';
import { SimulatedClock } from './simulated-clock';
import { creationOrder, dependenciesOf, StackModel, type TemplateResource } from './template-model';
import type {
  CustomResourceStats,
  DeployOptions,
  LifecycleDriverOptions,
  PhysicalIdContext,
  PhysicalIdFunction,
  ProgressEvent,
  ReplayResult,
  ResourceState,
  StackOperationResult,
  UpdateOptions,
} from './types';
import { readWaiterRetryPolicy, type WaiterRetryPolicy } from './waiter-state-machine';

const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';

/** True for `AWS::CloudFormation::CustomResource` and `Custom::*`. */
export function isCustomResourceType(resourceType: string): boolean {
  return resourceType === 'AWS::CloudFormation::CustomResource' || resourceType.startsWith('Custom::');
}

/** What the driver remembers about a resource beyond the public state. */
interface DeployedResource extends ResourceState {
  template: TemplateResource;
  /** Logical ids this resource depends on (from the template it was last created/updated from). */
  dependencies: string[];
  /** Custom resource not backed by a Provider, created without running anything. */
  simulated?: boolean;
  /** RequestId of the custom resource's last request (CloudFormation names its response object after it). */
  lastRequestId?: string;
  /** Lambda functions: the directory holding their code. */
  codeDirectory?: string;
}

/** The provider behind a ServiceToken, or why there is none. */
type ProviderBinding = { readonly env: FrameworkEnvironment } | { readonly error: string };

/** The last request sent to a custom resource, with what it ran on, so it can be replayed. */
interface SentRequest {
  readonly request: CloudFormationRequest;
  readonly env: FrameworkEnvironment;
  readonly physicalIdWithoutResponse: string;
  /** The functions and waiter it used, by ARN, as they were then. */
  readonly functions: Map<string, LambdaFunctionSpec>;
  readonly waiters: Map<string, WaiterRetryPolicy>;
}

/** What a stack update did to one resource, so that a rollback can undo it. */
type UpdateJournalEntry =
  /** Created in this update; `previous` is the (unchanged) entry of an earlier failed create it replaces. */
  | { readonly kind: 'created'; readonly logicalId: string; readonly previous?: DeployedResource }
  /** Updated (or its update attempted) in this update; `before` is the resource as it was. */
  | { readonly kind: 'updated'; readonly logicalId: string; readonly before: DeployedResource; readonly attempted: any; requestSent: boolean };

/** Bookkeeping of a forward update: physical ids to delete at cleanup, and what to roll back. */
interface UpdateProgress {
  readonly cleanup: DeployedResource[];
  readonly journal: UpdateJournalEntry[];
}

/** Events and failures of one stack operation. */
class Operation {
  public readonly events: ProgressEvent[] = [];
  public readonly failures: { logicalId: string; reason: string }[] = [];
  /** Simulated epoch ms when the operation started. */
  public readonly started: number;
  /** Simulated epoch ms at which a deploy is cancelled (DeployOptions.cancelAfterMs). */
  public cancelAt?: number;
  /** Set once a custom resource's create was cancelled. */
  public cancelled = false;

  constructor(private readonly clock: SimulatedClock, private readonly onProgress?: (e: ProgressEvent) => void) {
    this.started = clock.now();
  }

  public emit(logicalId: string, resourceType: string, status: string, reason?: string, physicalId?: string): void {
    const event: ProgressEvent = {
      logicalId,
      resourceType,
      status,
      ...(reason !== undefined ? { reason } : {}),
      ...(physicalId ? { physicalId } : {}),
      elapsedMs: this.clock.now() - this.started,
    };
    this.events.push(event);
    this.onProgress?.(event);
  }

  public fail(logicalId: string, resourceType: string, status: string, reason: string): void {
    this.failures.push({ logicalId, reason });
    this.emit(logicalId, resourceType, status, reason);
  }

  public result(status: string): StackOperationResult {
    return { status, events: this.events, failures: this.failures, elapsedMs: this.clock.now() - this.started };
  }
}

/**
 * Deploys, updates and destroys one stack of a cloud assembly in-process, the way CloudFormation
 * and the `aws-cdk-lib/custom-resources` Provider framework would: non-custom resources appear
 * instantly with fake physical ids; Provider-backed custom resources run their bundled onEvent and
 * isComplete handlers, with the waiter's retry policy, ServiceTimeout and response limits.
 *
 * Resources are processed one at a time in dependency order (CloudFormation would run independent
 * ones in parallel); handler invocations never overlap.
 *
 * A failed update rolls back (UPDATE_ROLLBACK_IN_PROGRESS → UPDATE_ROLLBACK_COMPLETE) unless
 * `disableRollback`; a failed create rolls back only with `onFailure: 'ROLLBACK'` (or a cancel).
 * Handlers can ask the stack's live status: every invocation gets `AWS_ENDPOINT_URL_CLOUDFORMATION`
 * pointing at a local endpoint that answers `DescribeStacks` (see {@link cloudFormationEndpoint}).
 */
export class LifecycleDriver {
  private readonly stackName: string;
  private readonly region: string;
  private readonly account: string;
  private readonly clock: SimulatedClock;
  private readonly runner: HandlerRunner;
  private readonly physicalIdFn: PhysicalIdFunction;
  private readonly state = new Map<string, DeployedResource>();
  private readonly lastStats = new Map<string, CustomResourceStats>();
  private readonly lastRequests = new Map<string, SentRequest>();
  private model: StackModel | undefined;
  /** The model as of the last operation that completed (for `getTemplateDuringUpdate: 'last-completed'`). */
  private completedModel: StackModel | undefined;
  private currentStackId = '';
  private currentStatus: string | undefined;
  private statusReason: string | undefined;
  private creationTime = 0;
  private lastUpdatedTime: number | undefined;
  private createRollbackDisabled = true;
  /** Stacks this driver deployed and destroyed before the current one (DescribeStacks by id still finds them). */
  private readonly deletedStacks: StackDescription[] = [];
  private endpoint: CloudFormationEndpoint | undefined;
  private endpointStarting: Promise<CloudFormationEndpoint> | undefined;
  /** Framework runs abandoned by a cancelled deploy, still polling. */
  private readonly abandoned = new Set<Promise<void>>();
  /** dispose() calls so far: waiters abandoned before a dispose() stop at their next attempt. */
  private disposals = 0;

  constructor(private readonly options: LifecycleDriverOptions) {
    this.stackName = options.stackName;
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.clock = new SimulatedClock(options.intervalScale ?? 1);
    this.physicalIdFn = options.physicalId ?? defaultPhysicalId;
    this.runner = new HandlerRunner({
      region: this.region,
      account: this.account,
      extraEnv: options.env,
      runtimeModulesDir: options.runtimeModulesDir,
    });
  }

  /** The deployed resources by logical id (custom resources that failed to create included). */
  public get resources(): ReadonlyMap<string, ResourceState> {
    return this.state;
  }

  /**
   * The stack's status right now, as DescribeStacks answers it: e.g. CREATE_IN_PROGRESS during
   * deploy(), UPDATE_ROLLBACK_IN_PROGRESS during a rollback, the final status afterwards
   * (undefined before the first operation).
   */
  public get stackStatus(): string | undefined {
    return this.currentStatus;
  }

  /** Same as {@link stackStatus}. */
  public get status(): string | undefined {
    return this.currentStatus;
  }

  /** The current stack's id (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`), as in every request's StackId; '' before deploy(). */
  public get stackId(): string {
    return this.currentStackId;
  }

  /**
   * Base URL of the local CloudFormation endpoint (started on first use; handler invocations
   * get it as `AWS_ENDPOINT_URL_CLOUDFORMATION` unless `options.env` sets that variable).
   * It answers the AWS Query protocol's `DescribeStacks` with this driver's stacks: by StackId
   * (the current stack, and destroyed ones as DELETE_COMPLETE) or by stack name (the live stack);
   * an unknown stack is HTTP 400 ValidationError "Stack with id X does not exist".
   */
  public async cloudFormationEndpoint(): Promise<string> {
    if (!this.endpointStarting) {
      const starting = CloudFormationEndpoint.start({
        stacks: () => this.stackDescriptions(),
        resources: (stackId) => (stackId === this.currentStackId ? this.stackResourceSummaries() : []),
        template: (stackId) => (stackId === this.currentStackId ? this.servedTemplate() : undefined),
      });
      this.endpointStarting = starting;
      const endpoint = await starting;
      // dispose() may have come in the meantime.
      if (this.endpointStarting === starting) this.endpoint = endpoint;
      else void endpoint.close();
    }
    return (await this.endpointStarting).url;
  }

  /**
   * The next `times` requests of CloudFormation `action` (DescribeStacks, ListStackResources)
   * that handlers make answer `code` (`Throttling`, `InternalFailure`…). Starts the endpoint.
   */
  public async failCloudFormationCalls(action: string, code: string, times: number): Promise<void> {
    await this.cloudFormationEndpoint();
    this.endpoint!.failNext(action, code, times);
  }

  /** Page size of the endpoint's ListStackResources (default 100, as CloudFormation). Starts the endpoint. */
  public async setStackResourcesPageSize(size: number): Promise<void> {
    await this.cloudFormationEndpoint();
    this.endpoint!.resourcesPerPage = size;
  }

  /** Every Lambda invocation, in order: which function, how long, and how it failed (if it did). */
  public get lambdaInvocations(): readonly LambdaInvocationRecord[] {
    return this.runner.invocations;
  }

  /** What the Lambda functions wrote to their logs, in order (kept, not printed). */
  public get handlerLogs(): readonly LogLine[] {
    return this.runner.logs;
  }

  /** Requests the CloudFormation endpoint answered (DescribeStacks, ListStackResources from the handlers), in order. */
  public get cloudFormationCalls(): readonly CloudFormationCall[] {
    return this.endpoint?.calls ?? [];
  }

  /** Numbers about the last request sent to custom resource `logicalId`. */
  public stats(logicalId: string): CustomResourceStats | undefined {
    const s = this.lastStats.get(logicalId);
    return s && { ...s };
  }

  /** The stack's Outputs, resolved against the current state. Throws if one cannot be resolved. */
  public outputs(): Record<string, string> {
    if (!this.model || this.currentStatus === 'DELETE_COMPLETE') return {};
    const ctx = this.intrinsicContext(this.model);
    const out: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.model.template.Outputs ?? {})) {
      if (output.Condition && !ctx.condition(output.Condition)) continue;
      const value = resolveValue(output.Value, ctx);
      out[name] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return out;
  }

  /**
   * Creates every resource in dependency order. At the first failure the stack is CREATE_FAILED
   * with what was created left in place (`onFailure: 'DO_NOTHING'`, the default), or rolls back:
   * ROLLBACK_IN_PROGRESS, every created resource deleted in reverse dependency order (custom
   * resources get a Delete), then ROLLBACK_COMPLETE (ROLLBACK_FAILED if a delete fails).
   * With `cancelAfterMs` the create is cancelled at that point: see {@link DeployOptions}.
   */
  public async deploy(options: DeployOptions = {}): Promise<StackOperationResult> {
    if (this.currentStatus !== undefined && this.currentStatus !== 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stackName}] already exists (${this.currentStatus}): destroy() it first`);
    }
    if (options.cancelAfterMs !== undefined && !(options.cancelAfterMs >= 0)) {
      throw new Error(`cancelAfterMs must be a number >= 0, got ${options.cancelAfterMs}`);
    }
    const model = StackModel.fromAssembly(this.options.assemblyDir, this.options.stackName);
    const { order, dependencies } = this.plan(model);
    if (this.currentStackId) this.deletedStacks.push(...this.stackDescriptions().filter((d) => d.stackId === this.currentStackId));
    this.currentStackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/${randomUUID()}`;
    this.model = model;
    this.completedModel = undefined;
    this.state.clear();
    this.lastStats.clear();
    this.lastRequests.clear();
    this.createRollbackDisabled = options.onFailure !== 'ROLLBACK';

    const op = this.begin();
    this.creationTime = op.started;
    this.lastUpdatedTime = undefined;
    if (options.cancelAfterMs !== undefined) op.cancelAt = op.started + options.cancelAfterMs;
    this.stackEvent(op, 'CREATE_IN_PROGRESS', 'User Initiated');
    const rollBack = (reason: string) => (op.cancelled || !this.createRollbackDisabled ? this.rollbackCreate(op, reason) : this.finish(op, 'CREATE_FAILED', reason));
    for (const id of order) {
      if (op.cancelAt !== undefined && this.clock.now() >= op.cancelAt) {
        op.cancelled = true;
        return rollBack(`Stack creation cancelled after ${options.cancelAfterMs} ms, before [${id}] was created.`);
      }
      if (!(await this.createResource(op, model, id, dependencies.get(id)!))) {
        const failed = `The following resource(s) failed to create: [${id}].`;
        return rollBack(op.cancelled ? `Stack creation cancelled after ${options.cancelAfterMs} ms. ${failed}` : failed);
      }
    }
    const outputError = this.outputError();
    if (outputError) return rollBack(outputError);
    return this.finish(op, 'CREATE_COMPLETE');
  }

  /**
   * Updates the stack to the template of `stackName` (default: this driver's) in `assemblyDir`:
   * new resources are created, changed ones updated (custom resources get an Update request), then
   * in the cleanup phase removed resources and replaced physical ids are deleted, in reverse
   * dependency order. Cleanup failures are reported but, as in CloudFormation, do not fail the update.
   *
   * At the first failure the update rolls back (unless `disableRollback`, which leaves UPDATE_FAILED):
   * UPDATE_ROLLBACK_IN_PROGRESS; every resource updated in this operation, the failed one included,
   * gets its previous properties back (custom resources an Update with ResourceProperties = the old
   * ones, OldResourceProperties = the failed new ones, and their current physical id); then
   * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS deletes the resources this update created and the
   * physical ids the rollback replaced; then UPDATE_ROLLBACK_COMPLETE. If a rollback Update fails, the
   * other rollbacks still run, nothing is cleaned up, and the stack ends UPDATE_ROLLBACK_FAILED
   * (it cannot be updated again). A string second argument is the stack name (as before).
   */
  public async update(assemblyDir: string, options: string | UpdateOptions = {}): Promise<StackOperationResult> {
    const { stackName, disableRollback } = typeof options === 'string' ? { stackName: options, disableRollback: false } : options;
    if (!this.model || this.currentStatus === undefined || this.currentStatus === 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stackName}] does not exist: deploy() it first`);
    }
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_FAILED'].includes(this.currentStatus)) {
      throw new Error(`Stack:${this.currentStackId} is in ${this.currentStatus} state and can not be updated.`);
    }
    const model = StackModel.fromAssembly(assemblyDir, stackName ?? this.options.stackName);
    const { order, dependencies } = this.plan(model);
    const previousModel = this.model;

    const op = this.begin();
    this.lastUpdatedTime = op.started;
    this.stackEvent(op, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const progress: UpdateProgress = { cleanup: [], journal: [] };
    const fail = (reason: string) => (disableRollback ? this.finish(op, 'UPDATE_FAILED', reason) : this.rollbackUpdate(op, previousModel, progress.journal, reason));
    const retyped = order.filter((id) => this.state.has(id) && this.state.get(id)!.resourceType !== model.resource(id).Type);
    if (retyped.length > 0) {
      return fail(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.join(', ')}]`);
    }
    this.model = model;
    for (const id of order) {
      const existing = this.state.get(id);
      // A resource whose create failed in an earlier update is created again; its old id is cleaned up.
      const create = !existing || existing.status === 'CREATE_FAILED';
      if (existing && create && existing.physicalId) progress.cleanup.push({ ...existing });
      if (create) progress.journal.push({ kind: 'created', logicalId: id, previous: existing });
      const ok = create
        ? await this.createResource(op, model, id, dependencies.get(id)!)
        : await this.updateResource(op, model, existing!, dependencies.get(id)!, progress);
      if (!ok) {
        return fail(`The following resource(s) failed to ${create ? 'create' : 'update'}: [${id}].`);
      }
    }
    const outputError = this.outputError();
    if (outputError) return fail(outputError);

    const removed = [...this.state.values()].filter((r) => !dependencies.has(r.logicalId));
    this.stackEvent(op, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const items = [...progress.cleanup.map((r) => ({ r, removed: false })), ...removed.map((r) => ({ r, removed: true }))];
    for (const { r, removed: isRemoved } of this.deletionOrder(items.map((i) => i.r)).map((i) => items[i])) {
      await this.deleteResource(op, r, isRemoved ? r.template.DeletionPolicy : r.template.UpdateReplacePolicy);
      // CloudFormation forgets removed resources even when their delete fails.
      if (isRemoved) this.state.delete(r.logicalId);
    }
    return this.finish(op, 'UPDATE_COMPLETE');
  }

  /**
   * Deletes every resource in reverse dependency order. A resource that fails to delete keeps
   * the resources it depends on (they are skipped); independent ones are still deleted.
   */
  public async destroy(): Promise<StackOperationResult> {
    const op = this.begin();
    this.stackEvent(op, 'DELETE_IN_PROGRESS', 'User Initiated');
    const deleted = await this.deleteAll(op, false);
    return this.finish(op, deleted ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
  }

  /**
   * Sends the last request CloudFormation sent to custom resource `logicalId` again, exactly
   * (same RequestId, ResponseURL, properties and physical id), through the whole framework
   * sequence (onEvent, then the waiter's isComplete polls), as when a request is delivered twice.
   * CloudFormation keeps the first response to a request, so the stack does not change: the
   * replay's outcome is returned instead. Works after the resource (or the whole stack, with its
   * provider functions) was deleted: functions that no longer exist run as they were.
   * Throws if no request was ever sent to `logicalId` since the last deploy().
   */
  public async replay(logicalId: string): Promise<ReplayResult> {
    const sent = this.lastRequests.get(logicalId);
    if (!sent) throw new Error(`No request was sent to custom resource ${logicalId} since the last deploy()`);
    const outcome = await sendCustomResourceRequest(sent.request, {
      frameworkEnvironment: sent.env,
      services: this.frameworkServices(sent, true),
      clock: this.clock,
      physicalIdWithoutResponse: sent.physicalIdWithoutResponse,
    });
    const { status, reason, physicalResourceId, data, stats } = outcome;
    return { request: sent.request, status: status === 'SUCCESS' ? 'SUCCESS' : 'FAILED', reason, physicalResourceId, data, stats };
  }

  /**
   * Resolves once every waiter abandoned by a cancelled deploy has ended (answered, run out of
   * attempts, or failed because its functions were deleted). Call it before a test ends.
   */
  public async settle(): Promise<void> {
    while (this.abandoned.size > 0) await Promise.all([...this.abandoned]);
  }

  /**
   * Removes the driver's temporary copies of handler code and stops the CloudFormation endpoint
   * (a later operation starts a new one, at a new URL). Abandoned waiters stop at their next attempt.
   */
  public dispose(): void {
    this.disposals++;
    this.runner.dispose();
    void this.endpoint?.close();
    this.endpoint = undefined;
    this.endpointStarting = undefined;
  }

  private begin(): Operation {
    return new Operation(this.clock, this.options.onProgress);
  }

  /** A stack-level event; the stack's live status (what DescribeStacks answers) follows it. */
  private stackEvent(op: Operation, status: string, reason?: string): void {
    this.currentStatus = status;
    this.statusReason = reason;
    op.emit(this.stackName, STACK_RESOURCE_TYPE, status, reason, this.currentStackId || undefined);
  }

  private finish(op: Operation, status: string, reason?: string): StackOperationResult {
    this.completedModel = this.model;
    this.stackEvent(op, status, reason);
    return op.result(status);
  }

  /** What GetTemplate answers: see LifecycleDriverOptions.getTemplateDuringUpdate. */
  private servedTemplate(): object | undefined {
    const model = this.options.getTemplateDuringUpdate === 'last-completed' ? this.completedModel ?? this.model : this.model;
    return model?.template;
  }

  /** The stack's resources as ListStackResources lists them: every resource the driver holds. */
  private stackResourceSummaries(): StackResourceSummary[] {
    return [...this.state.values()].map((r) => ({
      logicalId: r.logicalId,
      physicalId: r.physicalId || undefined,
      resourceType: r.resourceType,
      resourceStatus: r.status,
    }));
  }

  private stackDescriptions(): StackDescription[] {
    const current: StackDescription[] = this.currentStackId
      ? [{
        stackId: this.currentStackId,
        stackName: this.stackName,
        stackStatus: this.currentStatus ?? 'CREATE_IN_PROGRESS',
        stackStatusReason: this.statusReason,
        creationTime: this.creationTime,
        lastUpdatedTime: this.lastUpdatedTime,
        disableRollback: this.createRollbackDisabled,
      }]
      : [];
    return [...this.deletedStacks, ...current];
  }

  /**
   * Create rollback: ROLLBACK_IN_PROGRESS, delete everything created (RetainExceptOnCreate
   * resources too), ROLLBACK_COMPLETE or ROLLBACK_FAILED.
   */
  private async rollbackCreate(op: Operation, reason: string): Promise<StackOperationResult> {
    this.stackEvent(op, 'ROLLBACK_IN_PROGRESS', op.cancelled ? reason : `${reason} Rollback requested by user.`);
    const deleted = await this.deleteAll(op, true);
    return this.finish(op, deleted ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
  }

  /** Deletes every resource in reverse dependency order; false if any delete failed. */
  private async deleteAll(op: Operation, createdInThisOperation: boolean): Promise<boolean> {
    const failuresBefore = op.failures.length;
    const resources = [...this.state.values()];
    const kept = new Set<string>();
    for (const i of this.deletionOrder(resources)) {
      const r = resources[i];
      if (kept.has(r.logicalId)) continue;
      if (await this.deleteResource(op, r, r.template.DeletionPolicy, createdInThisOperation)) {
        this.state.delete(r.logicalId);
      } else {
        this.keepDependencies(r, kept);
      }
    }
    return op.failures.length === failuresBefore;
  }

  /** Update rollback; see {@link update}. */
  private async rollbackUpdate(
    op: Operation,
    previousModel: StackModel,
    journal: UpdateJournalEntry[],
    reason: string,
  ): Promise<StackOperationResult> {
    this.stackEvent(op, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
    this.model = previousModel;
    const failuresBefore = op.failures.length;
    const replaced: DeployedResource[] = [];
    for (const entry of journal) {
      if (entry.kind === 'updated') await this.rollBackUpdatedResource(op, entry, replaced);
    }
    if (op.failures.length > failuresBefore) return this.finish(op, 'UPDATE_ROLLBACK_FAILED');

    this.stackEvent(op, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    // A create that failed before CloudFormation recorded anything left the earlier entry (if any) in place.
    const created = journal.flatMap((e) => {
      const r = e.kind === 'created' ? this.state.get(e.logicalId) : undefined;
      return e.kind === 'created' && r && r !== e.previous ? [{ entry: e, r }] : [];
    });
    const items = [...created.map(({ entry, r }) => ({ r, entry })), ...replaced.map((r) => ({ r, entry: undefined }))];
    for (const { r, entry } of this.deletionOrder(items.map((i) => i.r)).map((i) => items[i])) {
      if (entry) {
        await this.deleteResource(op, r, r.template.DeletionPolicy, true);
        // Not in the previous template: forgotten even if its delete failed (or back to its earlier failed create).
        if (entry.previous) this.state.set(entry.logicalId, entry.previous);
        else this.state.delete(entry.logicalId);
      } else {
        await this.deleteResource(op, r, r.template.UpdateReplacePolicy);
      }
    }
    return this.finish(op, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /** Gives one resource its pre-update properties back (a custom resource gets an Update request). */
  private async rollBackUpdatedResource(op: Operation, entry: Extract<UpdateJournalEntry, { kind: 'updated' }>, replaced: DeployedResource[]): Promise<void> {
    const r = this.state.get(entry.logicalId);
    if (!r) return;
    const { before } = entry;
    const { logicalId: id, resourceType: type } = r;
    op.emit(id, type, 'UPDATE_IN_PROGRESS');
    const restored = { template: before.template, dependencies: before.dependencies, properties: before.properties, status: 'UPDATE_COMPLETE' };
    const handler = isCustomResourceType(type) ? undefined : this.options.resourceTypes?.[type];
    if (handler) {
      try {
        await handler.update(before.physicalId, before.properties, entry.attempted);
      } catch (e) {
        r.status = 'UPDATE_FAILED';
        op.fail(id, type, 'UPDATE_FAILED', messageOf(e));
        return;
      }
    }
    if (!isCustomResourceType(type) || r.simulated || !entry.requestSent) {
      Object.assign(r, restored, { physicalId: before.physicalId, attributes: before.attributes, codeDirectory: before.codeDirectory });
      op.emit(id, type, 'UPDATE_COMPLETE', undefined, r.physicalId);
      return;
    }
    const binding = this.providerBinding(before.properties.ServiceToken);
    if ('error' in binding) {
      r.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', binding.error);
      return;
    }
    const request = buildRequest({
      requestType: 'Update',
      stackId: this.currentStackId,
      region: this.region,
      logicalId: id,
      resourceType: type,
      properties: before.properties,
      oldProperties: entry.attempted,
      physicalResourceId: r.physicalId,
    });
    const outcome = await this.send(request, binding.env, r.physicalId);
    if (outcome.status !== 'SUCCESS') {
      r.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', outcome.reason ?? 'FAILED');
      return;
    }
    if (outcome.physicalResourceId !== r.physicalId) {
      replaced.push({ ...r });
      op.emit(id, type, 'UPDATE_IN_PROGRESS', 'Requested update required the provider to create a new physical resource', outcome.physicalResourceId);
    }
    Object.assign(r, restored, { physicalId: outcome.physicalResourceId, attributes: outcome.data, lastRequestId: request.RequestId });
    op.emit(id, type, 'UPDATE_COMPLETE', undefined, r.physicalId);
  }

  /** Active resources (conditions applied), their dependencies and a creation order; validates references. */
  private plan(model: StackModel): { order: string[]; dependencies: Map<string, string[]> } {
    const ctx = this.intrinsicContext(model);
    const active = model.resourceIds.filter((id) => {
      const condition = model.resource(id).Condition;
      return !condition || ctx.condition(condition);
    });
    const all = new Set(model.resourceIds);
    const parameters = new Set(Object.keys(model.template.Parameters ?? {}));
    for (const id of active) {
      const unresolved = [...collectReferences(model.resource(id).Properties ?? {})]
        .filter((name) => !all.has(name) && !parameters.has(name) && !name.startsWith('AWS::'));
      if (unresolved.length > 0) {
        throw new Error(`Template format error: Unresolved resource dependencies [${unresolved.join(', ')}] in the Resources block of the template`);
      }
    }
    const ids = new Set(active);
    const dependencies = new Map(active.map((id) => [id, dependenciesOf(model.resource(id), ids)]));
    return { order: creationOrder(dependencies), dependencies };
  }

  /** Indexes into `resources` in reverse dependency order (dependents first). */
  private deletionOrder(resources: DeployedResource[]): number[] {
    const keys = resources.map((_r, i) => String(i));
    const byId = new Map<string, string[]>();
    resources.forEach((r, i) => byId.set(r.logicalId, [...(byId.get(r.logicalId) ?? []), keys[i]]));
    const deps = new Map(resources.map((r, i) => [keys[i], r.dependencies.flatMap((d) => byId.get(d) ?? [])]));
    return creationOrder(deps).reverse().map(Number);
  }

  private keepDependencies(r: DeployedResource, kept: Set<string>): void {
    for (const d of r.dependencies) {
      const dep = this.state.get(d);
      if (dep && !kept.has(d)) {
        kept.add(d);
        this.keepDependencies(dep, kept);
      }
    }
  }

  private async createResource(op: Operation, model: StackModel, id: string, dependencies: string[]): Promise<boolean> {
    const template = model.resource(id);
    const type = template.Type;
    op.emit(id, type, 'CREATE_IN_PROGRESS');
    let props: any;
    try {
      props = resolveValue(template.Properties ?? {}, this.intrinsicContext(model));
    } catch (e) {
      op.fail(id, type, 'CREATE_FAILED', messageOf(e));
      return false;
    }
    const base = { logicalId: id, resourceType: type, template, dependencies, attributes: {} as Record<string, any> };

    if (isCustomResourceType(type)) {
      const properties = toCloudFormationStrings(props);
      const binding = this.providerBinding(properties.ServiceToken);
      if ('error' in binding && this.options.unsupportedCustomResources !== 'simulate') {
        op.fail(id, type, 'CREATE_FAILED', binding.error);
        return false;
      }
      if ('env' in binding) {
        const request = buildRequest({ requestType: 'Create', stackId: this.stackId, region: this.region, logicalId: id, resourceType: type, properties });
        // With no accepted response CloudFormation makes up a physical id (and later deletes it).
        const outcome = await this.send(request, binding.env, generatedName(this.stackName, id), op.cancelAt);
        const succeeded = outcome.status === 'SUCCESS';
        this.state.set(id, {
          ...base,
          physicalId: outcome.physicalResourceId,
          attributes: succeeded ? outcome.data : {},
          properties,
          status: succeeded ? 'CREATE_COMPLETE' : 'CREATE_FAILED',
          lastRequestId: request.RequestId,
        });
        if (outcome.status === 'CANCELLED') {
          // The waiter polls on in the background; the rollback's Delete gets onEvent's physical id.
          op.cancelled = true;
          op.fail(id, type, 'CREATE_FAILED', 'Resource creation cancelled');
          return false;
        }
        if (!succeeded) {
          op.fail(id, type, 'CREATE_FAILED', outcome.reason ?? 'FAILED');
          return false;
        }
        op.emit(id, type, 'CREATE_COMPLETE', undefined, outcome.physicalResourceId);
        return true;
      }
      // Not a Provider: simulated like a plain resource.
      const physicalId = generatedName(this.stackName, id);
      this.state.set(id, { ...base, physicalId, properties, status: 'CREATE_COMPLETE', simulated: true });
      op.emit(id, type, 'CREATE_COMPLETE', `Simulated without running a handler: ${binding.error}`, physicalId);
      return true;
    }

    let physicalId: string;
    let codeDirectory: string | undefined;
    const handler = this.options.resourceTypes?.[type];
    try {
      physicalId = handler ? await handler.create(id, props) : this.physicalIdFn(id, type, props, this.physicalIdContext);
      codeDirectory = type === 'AWS::Lambda::Function' ? this.locateCode(model, id, props) : undefined;
    } catch (e) {
      op.fail(id, type, 'CREATE_FAILED', messageOf(e));
      return false;
    }
    this.state.set(id, { ...base, physicalId, properties: props, status: 'CREATE_COMPLETE', codeDirectory });
    op.emit(id, type, 'CREATE_COMPLETE', undefined, physicalId);
    return true;
  }

  private async updateResource(
    op: Operation,
    model: StackModel,
    existing: DeployedResource,
    dependencies: string[],
    progress: UpdateProgress,
  ): Promise<boolean> {
    const id = existing.logicalId;
    const template = model.resource(id);
    const type = template.Type;
    const custom = isCustomResourceType(type) && !existing.simulated;
    let props: any;
    try {
      props = resolveValue(template.Properties ?? {}, this.intrinsicContext(model));
      if (isCustomResourceType(type)) props = toCloudFormationStrings(props);
    } catch (e) {
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', messageOf(e));
      return false;
    }
    const codeChanged = () => type === 'AWS::Lambda::Function' && this.locateCode(model, id, props) !== existing.codeDirectory;
    if (deepEqual(props, existing.properties) && !codeChanged()) {
      // No change: CloudFormation leaves it alone, but later diffs see the new template entry.
      existing.template = template;
      existing.dependencies = dependencies;
      return true;
    }
    op.emit(id, type, 'UPDATE_IN_PROGRESS');
    const journalEntry = { kind: 'updated' as const, logicalId: id, before: { ...existing }, attempted: props, requestSent: false };
    progress.journal.push(journalEntry);

    if (!custom) {
      try {
        if (type === 'AWS::Lambda::Function') existing.codeDirectory = this.locateCode(model, id, props);
        await this.options.resourceTypes?.[type]?.update(existing.physicalId, props, existing.properties);
      } catch (e) {
        existing.status = 'UPDATE_FAILED';
        op.fail(id, type, 'UPDATE_FAILED', messageOf(e));
        return false;
      }
      Object.assign(existing, { template, dependencies, properties: props, status: 'UPDATE_COMPLETE' });
      op.emit(id, type, 'UPDATE_COMPLETE', undefined, existing.physicalId);
      return true;
    }

    if (props.ServiceToken !== existing.properties.ServiceToken) {
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', 'Modifying service token is not allowed.');
      return false;
    }
    const binding = this.providerBinding(props.ServiceToken);
    if ('error' in binding) {
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', binding.error);
      return false;
    }
    const request = buildRequest({
      requestType: 'Update',
      stackId: this.stackId,
      region: this.region,
      logicalId: id,
      resourceType: type,
      properties: props,
      oldProperties: existing.properties,
      physicalResourceId: existing.physicalId,
    });
    journalEntry.requestSent = true;
    const outcome = await this.send(request, binding.env, existing.physicalId);
    if (outcome.status !== 'SUCCESS') {
      // The resource keeps its last good properties and physical id (the rollback sends them again).
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', outcome.reason ?? 'FAILED');
      return false;
    }
    if (outcome.physicalResourceId !== existing.physicalId) {
      progress.cleanup.push({ ...existing });
      op.emit(id, type, 'UPDATE_IN_PROGRESS', 'Requested update required the provider to create a new physical resource', outcome.physicalResourceId);
    }
    Object.assign(existing, {
      template,
      dependencies,
      properties: props,
      physicalId: outcome.physicalResourceId,
      attributes: outcome.data,
      lastRequestId: request.RequestId,
      status: 'UPDATE_COMPLETE',
    });
    op.emit(id, type, 'UPDATE_COMPLETE', undefined, existing.physicalId);
    return true;
  }

  /**
   * Deletes one resource (sending a Delete to custom resources); false if it failed.
   * `createdInThisOperation`: a rollback deleting what the operation created (RetainExceptOnCreate deletes).
   */
  private async deleteResource(op: Operation, r: DeployedResource, policy: string | undefined, createdInThisOperation = false): Promise<boolean> {
    const { logicalId: id, resourceType: type } = r;
    const retain = policy === 'Retain' || (policy === 'RetainExceptOnCreate' && r.status !== 'CREATE_FAILED' && !createdInThisOperation);
    if (retain) {
      op.emit(id, type, 'DELETE_SKIPPED', undefined, r.physicalId);
      return true;
    }
    op.emit(id, type, 'DELETE_IN_PROGRESS', undefined, r.physicalId);
    const handler = isCustomResourceType(type) ? undefined : this.options.resourceTypes?.[type];
    if (handler && r.physicalId && r.status !== 'CREATE_FAILED') {
      try {
        await handler.delete(r.physicalId, r.properties);
      } catch (e) {
        r.status = 'DELETE_FAILED';
        op.fail(id, type, 'DELETE_FAILED', messageOf(e));
        return false;
      }
    }
    // A custom resource that never got a request (failed before sending) has nothing to delete.
    if (isCustomResourceType(type) && !r.simulated && r.physicalId) {
      const binding = this.providerBinding(r.properties.ServiceToken);
      if ('error' in binding) {
        r.status = 'DELETE_FAILED';
        op.fail(id, type, 'DELETE_FAILED', binding.error);
        return false;
      }
      const request = buildRequest({
        requestType: 'Delete',
        stackId: this.stackId,
        region: this.region,
        logicalId: id,
        resourceType: type,
        properties: r.properties,
        physicalResourceId: r.physicalId,
      });
      const outcome = await this.send(request, binding.env, r.physicalId);
      if (outcome.status !== 'SUCCESS') {
        r.status = 'DELETE_FAILED';
        op.fail(id, type, 'DELETE_FAILED', outcome.reason ?? 'FAILED');
        return false;
      }
    }
    r.status = 'DELETE_COMPLETE';
    op.emit(id, type, 'DELETE_COMPLETE', undefined, r.physicalId);
    return true;
  }

  /**
   * Sends a request through the framework and waits like CloudFormation (until `cancelAt`, if
   * given); remembers it for {@link replay} and keeps track of a waiter it walks away from.
   */
  private async send(
    request: CloudFormationRequest,
    env: FrameworkEnvironment,
    physicalIdWithoutResponse: string,
    cancelAt?: number,
  ): Promise<CustomResourceOutcome> {
    const sent: SentRequest = { request, env, physicalIdWithoutResponse, functions: new Map(), waiters: new Map() };
    const disposals = this.disposals;
    this.lastRequests.set(request.LogicalResourceId, sent);
    const outcome = await sendCustomResourceRequest(request, {
      frameworkEnvironment: env,
      services: this.frameworkServices(sent, false),
      clock: this.clock,
      physicalIdWithoutResponse,
      cancelAt,
      stopAbandoned: () => this.disposals !== disposals,
    });
    this.lastStats.set(request.LogicalResourceId, outcome.stats);
    if (outcome.abandoned) {
      const abandoned = outcome.abandoned.finally(() => this.abandoned.delete(abandoned));
      this.abandoned.add(abandoned);
    }
    return outcome;
  }

  /**
   * Lambda and Step Functions as the framework sees them: the stack's live functions and waiter,
   * recorded in `sent`; with `remembered`, the recorded ones stand in for those since deleted.
   */
  private frameworkServices(sent: SentRequest, remembered: boolean): Pick<FrameworkServices, 'invokeFunction' | 'describeWaiter'> {
    return {
      invokeFunction: async (arn, payload) => {
        const fn = this.findFunction(arn);
        const spec = fn ? this.lambdaSpec(fn, await this.cloudFormationEndpoint()) : remembered ? sent.functions.get(arn) : undefined;
        if (!spec) {
          const e = new Error(`Function not found: ${arn}`);
          e.name = 'ResourceNotFoundException';
          throw e;
        }
        sent.functions.set(arn, spec);
        return this.runner.invoke(spec, payload);
      },
      describeWaiter: (arn) => {
        const policy = remembered && !this.findWaiter(arn) ? sent.waiters.get(arn) : undefined;
        const found = policy ?? this.describeWaiter(arn);
        sent.waiters.set(arn, found);
        return found;
      },
    };
  }

  /** The Provider framework onEvent function behind a ServiceToken, via its environment. */
  private providerBinding(serviceToken: unknown): ProviderBinding {
    const fn = typeof serviceToken === 'string' ? this.findFunction(serviceToken) : undefined;
    if (!fn) {
      return { error: `ServiceToken ${JSON.stringify(serviceToken)} is not a Lambda function of this stack; the lifecycle driver runs Provider framework custom resources only` };
    }
    const vars: Record<string, string | undefined> = fn.properties?.Environment?.Variables ?? {};
    if (!vars.USER_ON_EVENT_FUNCTION_ARN) {
      return { error: `ServiceToken ${serviceToken} (${fn.logicalId}) is not a Provider framework onEvent function (no USER_ON_EVENT_FUNCTION_ARN)` };
    }
    return {
      env: {
        USER_ON_EVENT_FUNCTION_ARN: vars.USER_ON_EVENT_FUNCTION_ARN,
        USER_IS_COMPLETE_FUNCTION_ARN: vars.USER_IS_COMPLETE_FUNCTION_ARN,
        WAITER_STATE_MACHINE_ARN: vars.WAITER_STATE_MACHINE_ARN,
      },
    };
  }

  /** A Lambda function of the stack by ARN or name, as Lambda's Invoke accepts either. */
  private findFunction(nameOrArn: string): DeployedResource | undefined {
    for (const r of this.state.values()) {
      const isFunction = r.resourceType === 'AWS::Lambda::Function' && r.status !== 'CREATE_FAILED';
      if (isFunction && (r.physicalId === nameOrArn || this.functionArn(r) === nameOrArn)) return r;
    }
    return undefined;
  }

  /** How the runner invokes `fn`; its environment gains AWS_ENDPOINT_URL_CLOUDFORMATION (options.env still wins). */
  private lambdaSpec(fn: DeployedResource, cloudFormationUrl: string): LambdaFunctionSpec {
    const p = fn.properties ?? {};
    const code = fn.codeDirectory !== undefined ? { directory: fn.codeDirectory } : { inline: String(p.Code?.ZipFile ?? '') };
    return {
      functionName: fn.physicalId,
      functionArn: this.functionArn(fn),
      handler: String(p.Handler ?? 'index.handler'),
      code,
      timeoutSeconds: this.options.lambdaTimeoutSeconds ?? (p.Timeout !== undefined ? Number(p.Timeout) : undefined),
      memorySizeMb: p.MemorySize !== undefined ? Number(p.MemorySize) : undefined,
      runtime: p.Runtime,
      environment: { ...toCloudFormationStrings(p.Environment?.Variables ?? {}), AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl },
    };
  }

  /** Directory of a function's code asset (undefined for inline code). */
  private locateCode(model: StackModel, id: string, props: any): string | undefined {
    const code = props.Code ?? {};
    if (typeof code.ZipFile === 'string') return undefined;
    if (typeof code.S3Key !== 'string') {
      throw new Error(`${id}: only S3 file assets and inline code are supported (Code: ${JSON.stringify(code)})`);
    }
    const asset = model.assetForObjectKey(code.S3Key);
    if (!asset) throw new Error(`${id}: no file asset with object key ${code.S3Key} in ${model.assemblyDir}`);
    return asset.path;
  }

  private functionArn(fn: DeployedResource): string {
    return fn.attributes.Arn ?? defaultAttribute(fn.logicalId, fn.resourceType, fn.physicalId, 'Arn', this.physicalIdContext);
  }

  /** StartExecution's view of the waiter: its retry policy, or StateMachineDoesNotExist. */
  private describeWaiter(stateMachineArn: string): WaiterRetryPolicy {
    const sm = this.findWaiter(stateMachineArn);
    if (!sm) {
      const e = new Error(`State Machine Does Not Exist: '${stateMachineArn}'`);
      e.name = 'StateMachineDoesNotExist';
      throw e;
    }
    return readWaiterRetryPolicy(sm.properties.DefinitionString ?? sm.properties.Definition);
  }

  private findWaiter(stateMachineArn: string): DeployedResource | undefined {
    return [...this.state.values()].find((r) => r.resourceType === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
  }

  private get physicalIdContext(): PhysicalIdContext {
    return { region: this.region, account: this.account, stackName: this.stackName };
  }

  /** Fn::GetAtt: a custom resource's Data, or a fake attribute of anything else. */
  private attribute(logicalId: string, attribute: string): any {
    const r = this.state.get(logicalId);
    if (!r || r.status === 'CREATE_FAILED') {
      throw new ResolutionError(`Unresolved reference: ${logicalId} has not been created`);
    }
    if (attribute in r.attributes) return r.attributes[attribute];
    if (isCustomResourceType(r.resourceType) && !r.simulated) {
      throw new ResolutionError(
        `CustomResource attribute error: Vendor response doesn't contain ${attribute} key in object ${this.stackId}|${logicalId}|${r.lastRequestId} `
        + `in S3 bucket cloudformation-custom-resource-storage-${this.region.replace(/-/g, '')}`,
      );
    }
    return defaultAttribute(logicalId, r.resourceType, r.physicalId, attribute, this.physicalIdContext);
  }

  private intrinsicContext(model: StackModel): IntrinsicContext {
    const pseudo = pseudoParameters({ region: this.region, account: this.account, stackName: this.stackName, stackId: this.stackId });
    const conditions = new Map<string, boolean>();
    const ctx: IntrinsicContext = {
      region: this.region,
      mappings: model.template.Mappings,
      ref: (name) => {
        if (name in pseudo) return pseudo[name];
        const parameter = model.template.Parameters?.[name];
        if (parameter) return this.parameterValue(name, parameter);
        const r = this.state.get(name);
        if (!r || r.status === 'CREATE_FAILED') throw new ResolutionError(`Unresolved reference: ${name} has not been created`);
        return r.physicalId;
      },
      getAtt: (id, attr) => this.attribute(id, attr),
      condition: (name) => {
        if (!conditions.has(name)) {
          const expr = model.template.Conditions?.[name];
          if (expr === undefined) throw new ResolutionError(`Template format error: Unresolved condition dependency ${name}`);
          conditions.set(name, evaluateCondition(expr, ctx));
        }
        return conditions.get(name)!;
      },
    };
    return ctx;
  }

  private parameterValue(name: string, parameter: { Type: string; Default?: any }): unknown {
    const value = this.options.parameters?.[name] ?? parameter.Default;
    if (value === undefined) throw new ResolutionError(`Parameters: [${name}] must have values`);
    const isList = parameter.Type.startsWith('List<') || parameter.Type === 'CommaDelimitedList';
    return isList ? String(value).split(',') : String(value);
  }

  private outputError(): string | undefined {
    try {
      this.outputs();
      return undefined;
    } catch (e) {
      return messageOf(e);
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error || (e && typeof (e as any).message === 'string') ? (e as Error).message : String(e);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}
