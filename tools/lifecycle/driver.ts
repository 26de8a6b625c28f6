/**
 * The lifecycle driver: an in-process stand-in for CloudFormation that deploys, updates and
 * destroys one synthesized stack, running the bundled handlers of its Provider-backed custom
 * resources through a re-enactment of the provider framework.
 */
import { randomUUID } from 'crypto';
import { buildRequest, sendCustomResourceRequest, type CustomResourceOutcome } from './custom-resource';
import { HandlerRunner, type LambdaFunctionSpec, type LambdaInvokeResult } from './handler-runner';
import { evaluateCondition, collectReferences, pseudoParameters, resolveValue, ResolutionError, toCloudFormationStrings, type IntrinsicContext } from './intrinsics';
import { defaultAttribute, defaultPhysicalId, generatedName } from './physical-ids';
import type { CloudFormationRequest, FrameworkEnvironment } from './provider-framework';
import { SimulatedClock } from './simulated-clock';
import { creationOrder, dependenciesOf, StackModel, type TemplateResource } from './template-model';
import type {
  CustomResourceStats,
  LifecycleDriverOptions,
  PhysicalIdContext,
  PhysicalIdFunction,
  ProgressEvent,
  ResourceState,
  StackOperationResult,
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

/** Events and failures of one stack operation. */
class Operation {
  public readonly events: ProgressEvent[] = [];
  public readonly failures: { logicalId: string; reason: string }[] = [];
  private readonly started: number;

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
  private model: StackModel | undefined;
  private stackId = '';
  private stackStatus: string | undefined;

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

  /** Stack status after the last operation (undefined before the first). */
  public get status(): string | undefined {
    return this.stackStatus;
  }

  /** Numbers about the last request sent to custom resource `logicalId`. */
  public stats(logicalId: string): CustomResourceStats | undefined {
    const s = this.lastStats.get(logicalId);
    return s && { ...s };
  }

  /** The stack's Outputs, resolved against the current state. Throws if one cannot be resolved. */
  public outputs(): Record<string, string> {
    if (!this.model || this.stackStatus === 'DELETE_COMPLETE') return {};
    const ctx = this.intrinsicContext(this.model);
    const out: Record<string, string> = {};
    for (const [name, output] of Object.entries(this.model.template.Outputs ?? {})) {
      if (output.Condition && !ctx.condition(output.Condition)) continue;
      const value = resolveValue(output.Value, ctx);
      out[name] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return out;
  }

  /** Creates every resource in dependency order, stopping at the first failure (no rollback). */
  public async deploy(): Promise<StackOperationResult> {
    if (this.stackStatus !== undefined && this.stackStatus !== 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stackName}] already exists (${this.stackStatus}): update() or destroy() it`);
    }
    const model = StackModel.fromAssembly(this.options.assemblyDir, this.options.stackName);
    this.stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/${randomUUID()}`;
    const { order, dependencies } = this.plan(model);
    this.model = model;
    this.state.clear();
    this.lastStats.clear();

    const op = this.begin();
    op.emit(this.stackName, STACK_RESOURCE_TYPE, 'CREATE_IN_PROGRESS', 'User Initiated', this.stackId);
    for (const id of order) {
      if (!(await this.createResource(op, model, id, dependencies.get(id)!))) {
        return this.finish(op, 'CREATE_FAILED', `The following resource(s) failed to create: [${id}].`);
      }
    }
    const outputError = this.outputError();
    if (outputError) return this.finish(op, 'CREATE_FAILED', outputError);
    return this.finish(op, 'CREATE_COMPLETE');
  }

  /**
   * Updates the stack to the template of `stackName` (default: this driver's) in `assemblyDir`:
   * new resources are created, changed ones updated (custom resources get an Update request), then
   * in the cleanup phase removed resources and replaced physical ids are deleted, in reverse
   * dependency order. Cleanup failures are reported but, as in CloudFormation, do not fail the update.
   */
  public async update(assemblyDir: string, stackName?: string): Promise<StackOperationResult> {
    if (!this.model || this.stackStatus === undefined || this.stackStatus === 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stackName}] does not exist: deploy() it first`);
    }
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_FAILED'].includes(this.stackStatus)) {
      throw new Error(`Stack:${this.stackId} is in ${this.stackStatus} state and can not be updated.`);
    }
    const model = StackModel.fromAssembly(assemblyDir, stackName ?? this.options.stackName);
    const { order, dependencies } = this.plan(model);

    const op = this.begin();
    op.emit(this.stackName, STACK_RESOURCE_TYPE, 'UPDATE_IN_PROGRESS', 'User Initiated', this.stackId);
    const retyped = order.filter((id) => this.state.has(id) && this.state.get(id)!.resourceType !== model.resource(id).Type);
    if (retyped.length > 0) {
      return this.finish(op, 'UPDATE_FAILED', `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.join(', ')}]`);
    }
    this.model = model;
    const cleanup: DeployedResource[] = [];
    for (const id of order) {
      const existing = this.state.get(id);
      // A resource whose create failed in an earlier update is created again; its old id is cleaned up.
      const create = !existing || existing.status === 'CREATE_FAILED';
      if (existing && create && existing.physicalId) cleanup.push({ ...existing });
      const ok = create
        ? await this.createResource(op, model, id, dependencies.get(id)!)
        : await this.updateResource(op, model, existing!, dependencies.get(id)!, cleanup);
      if (!ok) {
        return this.finish(op, 'UPDATE_FAILED', `The following resource(s) failed to ${create ? 'create' : 'update'}: [${id}].`);
      }
    }
    const outputError = this.outputError();
    if (outputError) return this.finish(op, 'UPDATE_FAILED', outputError);

    const removed = [...this.state.values()].filter((r) => !dependencies.has(r.logicalId));
    op.emit(this.stackName, STACK_RESOURCE_TYPE, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, this.stackId);
    const items = [...cleanup.map((r) => ({ r, removed: false })), ...removed.map((r) => ({ r, removed: true }))];
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
    op.emit(this.stackName, STACK_RESOURCE_TYPE, 'DELETE_IN_PROGRESS', 'User Initiated', this.stackId || undefined);
    const resources = [...this.state.values()];
    const kept = new Set<string>();
    for (const i of this.deletionOrder(resources)) {
      const r = resources[i];
      if (kept.has(r.logicalId)) continue;
      if (await this.deleteResource(op, r, r.template.DeletionPolicy)) {
        this.state.delete(r.logicalId);
      } else {
        this.keepDependencies(r, kept);
      }
    }
    return this.finish(op, op.failures.length > 0 ? 'DELETE_FAILED' : 'DELETE_COMPLETE');
  }

  /** Removes the driver's temporary copies of handler code. */
  public dispose(): void {
    this.runner.dispose();
  }

  private begin(): Operation {
    return new Operation(this.clock, this.options.onProgress);
  }

  private finish(op: Operation, status: string, reason?: string): StackOperationResult {
    op.emit(this.stackName, STACK_RESOURCE_TYPE, status, reason, this.stackId || undefined);
    this.stackStatus = status;
    return op.result(status);
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
        const outcome = await this.send(request, binding.env, generatedName(this.stackName, id));
        const succeeded = outcome.status === 'SUCCESS';
        this.state.set(id, {
          ...base,
          physicalId: outcome.physicalResourceId,
          attributes: succeeded ? outcome.data : {},
          properties,
          status: succeeded ? 'CREATE_COMPLETE' : 'CREATE_FAILED',
          lastRequestId: request.RequestId,
        });
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
    try {
      physicalId = this.physicalIdFn(id, type, props, this.physicalIdContext);
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
    cleanup: DeployedResource[],
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

    if (!custom) {
      try {
        if (type === 'AWS::Lambda::Function') existing.codeDirectory = this.locateCode(model, id, props);
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
    const outcome = await this.send(request, binding.env, existing.physicalId);
    if (outcome.status === 'FAILED') {
      // No rollback: the resource keeps its last good properties and physical id.
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', outcome.reason ?? 'FAILED');
      return false;
    }
    if (outcome.physicalResourceId !== existing.physicalId) {
      cleanup.push({ ...existing });
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

  /** Deletes one resource (sending a Delete to custom resources); false if it failed. */
  private async deleteResource(op: Operation, r: DeployedResource, policy: string | undefined): Promise<boolean> {
    const { logicalId: id, resourceType: type } = r;
    const retain = policy === 'Retain' || (policy === 'RetainExceptOnCreate' && r.status !== 'CREATE_FAILED');
    if (retain) {
      op.emit(id, type, 'DELETE_SKIPPED', undefined, r.physicalId);
      return true;
    }
    op.emit(id, type, 'DELETE_IN_PROGRESS', undefined, r.physicalId);
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
      if (outcome.status === 'FAILED') {
        r.status = 'DELETE_FAILED';
        op.fail(id, type, 'DELETE_FAILED', outcome.reason ?? 'FAILED');
        return false;
      }
    }
    r.status = 'DELETE_COMPLETE';
    op.emit(id, type, 'DELETE_COMPLETE', undefined, r.physicalId);
    return true;
  }

  private async send(request: CloudFormationRequest, env: FrameworkEnvironment, physicalIdWithoutResponse: string): Promise<CustomResourceOutcome> {
    const outcome = await sendCustomResourceRequest(request, {
      frameworkEnvironment: env,
      services: {
        invokeFunction: (arn, payload) => this.invokeFunction(arn, payload),
        describeWaiter: (arn) => this.describeWaiter(arn),
      },
      clock: this.clock,
      physicalIdWithoutResponse,
    });
    this.lastStats.set(request.LogicalResourceId, outcome.stats);
    return outcome;
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

  private async invokeFunction(functionArn: string, payload: string): Promise<LambdaInvokeResult> {
    const fn = this.findFunction(functionArn);
    if (!fn) {
      const e = new Error(`Function not found: ${functionArn}`);
      e.name = 'ResourceNotFoundException';
      throw e;
    }
    return this.runner.invoke(this.lambdaSpec(fn), payload);
  }

  private lambdaSpec(fn: DeployedResource): LambdaFunctionSpec {
    const p = fn.properties ?? {};
    const code = fn.codeDirectory !== undefined ? { directory: fn.codeDirectory } : { inline: String(p.Code?.ZipFile ?? '') };
    return {
      functionName: fn.physicalId,
      functionArn: this.functionArn(fn),
      handler: String(p.Handler ?? 'index.handler'),
      code,
      timeoutSeconds: p.Timeout !== undefined ? Number(p.Timeout) : undefined,
      memorySizeMb: p.MemorySize !== undefined ? Number(p.MemorySize) : undefined,
      runtime: p.Runtime,
      environment: toCloudFormationStrings(p.Environment?.Variables ?? {}),
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
    const sm = [...this.state.values()].find((r) => r.resourceType === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
    if (!sm) {
      const e = new Error(`State Machine Does Not Exist: '${stateMachineArn}'`);
      e.name = 'StateMachineDoesNotExist';
      throw e;
    }
    return readWaiterRetryPolicy(sm.properties.DefinitionString ?? sm.properties.Definition);
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
