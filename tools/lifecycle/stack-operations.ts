/**
 * Planning and ordering of stack operations, as CloudFormation runs them: create, update (with its
 * cleanup phase), delete, and the rollbacks of a failed create or update. Which resource goes when,
 * and what the stack's status is meanwhile; each resource's own change is in resource-changes.ts.
 */
import { randomUUID } from 'crypto';
import { collectReferences } from './intrinsics';
import { Operation, type UpdateJournalEntry, type UpdateProgress } from './operation-journal';
import type { RequestSender } from './request-sender';
import type { ResourceChanges } from './resource-changes';
import type { SimulatedClock } from './simulated-clock';
import type { DeployedResource, StackState } from './stack-state';
import type { StackView } from './stack-view';
import { creationOrder, dependenciesOf, StackModel } from './template-model';
import type { DeployOptions, LifecycleDriverOptions, StackOperationResult, UpdateOptions } from './types';

const STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack';

/** Deploy, update and destroy of the stack; see LifecycleDriver for what each does. */
export class StackOperations {
  constructor(
    private readonly stack: StackState,
    private readonly view: StackView,
    private readonly sender: RequestSender,
    private readonly changes: ResourceChanges,
    private readonly clock: SimulatedClock,
    private readonly options: LifecycleDriverOptions,
  ) {}

  public async deploy(options: DeployOptions = {}): Promise<StackOperationResult> {
    const s = this.stack;
    if (this.stack.status !== undefined && this.stack.status !== 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stack.stackName}] already exists (${this.stack.status}): destroy() it first`);
    }
    if (options.cancelAfterMs !== undefined && !(options.cancelAfterMs >= 0)) {
      throw new Error(`cancelAfterMs must be a number >= 0, got ${options.cancelAfterMs}`);
    }
    const model = StackModel.fromAssembly(this.options.assemblyDir, this.options.stackName);
    const { order, dependencies } = this.plan(model);
    this.view.archiveCurrentStack();
    s.stackId = `arn:aws:cloudformation:${s.region}:${s.account}:stack/${s.stackName}/${randomUUID()}`;
    s.model = model;
    s.completedModel = undefined;
    s.resources.clear();
    this.sender.forgetRequests();
    s.createRollbackDisabled = options.onFailure !== 'ROLLBACK';
    s.retainExceptOnCreate = options.retainExceptOnCreate ?? false;

    const op = this.begin();
    s.creationTime = op.started;
    s.lastUpdatedTime = undefined;
    if (options.cancelAfterMs !== undefined) op.cancelAt = op.started + options.cancelAfterMs;
    this.stackEvent(op, 'CREATE_IN_PROGRESS', 'User Initiated');
    const rollBack = (reason: string) => (op.cancelled || !this.stack.createRollbackDisabled ? this.rollbackCreate(op, reason) : this.finish(op, 'CREATE_FAILED', reason));
    for (const id of order) {
      if (op.cancelAt !== undefined && this.clock.now() >= op.cancelAt) {
        op.cancelled = true;
        return rollBack(`Stack creation cancelled after ${options.cancelAfterMs} ms, before [${id}] was created.`);
      }
      if (!(await this.changes.createResource(op, model, id, dependencies.get(id)!))) {
        const failed = `The following resource(s) failed to create: [${id}].`;
        return rollBack(op.cancelled ? `Stack creation cancelled after ${options.cancelAfterMs} ms. ${failed}` : failed);
      }
    }
    const outputError = this.stack.outputError();
    if (outputError) return rollBack(outputError);
    return this.finish(op, 'CREATE_COMPLETE');
  }

  public async update(assemblyDir: string, options: string | UpdateOptions = {}): Promise<StackOperationResult> {
    const s = this.stack;
    const { stackName, disableRollback, retainExceptOnCreate } = typeof options === 'string' ? { stackName: options, disableRollback: false, retainExceptOnCreate: false } : options;
    if (!this.stack.model || this.stack.status === undefined || this.stack.status === 'DELETE_COMPLETE') {
      throw new Error(`Stack [${this.stack.stackName}] does not exist: deploy() it first`);
    }
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_FAILED'].includes(this.stack.status)) {
      throw new Error(`Stack:${this.stack.stackId} is in ${this.stack.status} state and can not be updated.`);
    }
    const model = StackModel.fromAssembly(assemblyDir, stackName ?? this.options.stackName);
    const { order, dependencies } = this.plan(model);
    const previousModel = this.stack.model;

    const op = this.begin();
    s.lastUpdatedTime = op.started;
    s.retainExceptOnCreate = retainExceptOnCreate ?? false;
    this.stackEvent(op, 'UPDATE_IN_PROGRESS', 'User Initiated');
    const progress: UpdateProgress = { cleanup: [], journal: [] };
    const fail = (reason: string) => (disableRollback ? this.finish(op, 'UPDATE_FAILED', reason) : this.rollbackUpdate(op, previousModel, progress.journal, reason));
    const retyped = order.filter((id) => this.stack.resources.has(id) && this.stack.resources.get(id)!.resourceType !== model.resource(id).Type);
    if (retyped.length > 0) {
      return fail(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.join(', ')}]`);
    }
    this.stack.model = model;
    for (const id of order) {
      const existing = this.stack.resources.get(id);
      // A resource whose create failed in an earlier update is created again; its old id is cleaned up.
      const create = !existing || existing.status === 'CREATE_FAILED';
      if (existing && create && existing.physicalId) progress.cleanup.push({ ...existing });
      if (create) progress.journal.push({ kind: 'created', logicalId: id, previous: existing });
      const ok = create
        ? await this.changes.createResource(op, model, id, dependencies.get(id)!)
        : await this.changes.updateResource(op, model, existing!, dependencies.get(id)!, progress);
      if (!ok) {
        return fail(`The following resource(s) failed to ${create ? 'create' : 'update'}: [${id}].`);
      }
    }
    const outputError = this.stack.outputError();
    if (outputError) return fail(outputError);

    const removed = [...this.stack.resources.values()].filter((r) => !dependencies.has(r.logicalId));
    this.stackEvent(op, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const items = [...progress.cleanup.map((r) => ({ r, removed: false })), ...removed.map((r) => ({ r, removed: true }))];
    for (const { r, removed: isRemoved } of this.deletionOrder(items.map((i) => i.r)).map((i) => items[i])) {
      await this.changes.deleteResource(op, r, isRemoved ? r.template.DeletionPolicy : r.template.UpdateReplacePolicy);
      // CloudFormation forgets removed resources even when their delete fails.
      if (isRemoved) this.stack.resources.delete(r.logicalId);
    }
    return this.finish(op, 'UPDATE_COMPLETE');
  }

  public async destroy(): Promise<StackOperationResult> {
    const op = this.begin();
    this.stackEvent(op, 'DELETE_IN_PROGRESS', 'User Initiated');
    const deleted = await this.deleteAll(op, false);
    return this.finish(op, deleted ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
  }

  private begin(): Operation {
    return new Operation(this.clock, this.options.onProgress);
  }

  /** A stack-level event; the stack's live status (what DescribeStacks answers) follows it. */
  private stackEvent(op: Operation, status: string, reason?: string): void {
    this.stack.status = status;
    this.stack.statusReason = reason;
    op.emit(this.stack.stackName, STACK_RESOURCE_TYPE, status, reason, this.stack.stackId || undefined);
  }

  private finish(op: Operation, status: string, reason?: string): StackOperationResult {
    this.stack.completedModel = this.stack.model;
    this.stackEvent(op, status, reason);
    return op.result(status);
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
    const resources = [...this.stack.resources.values()];
    const kept = new Set<string>();
    for (const i of this.deletionOrder(resources)) {
      const r = resources[i];
      if (kept.has(r.logicalId)) continue;
      if (await this.changes.deleteResource(op, r, r.template.DeletionPolicy, createdInThisOperation)) {
        this.stack.resources.delete(r.logicalId);
      } else {
        this.keepDependencies(r, kept);
      }
    }
    return op.failures.length === failuresBefore;
  }

  /** Update rollback; see LifecycleDriver.update. */
  private async rollbackUpdate(
    op: Operation,
    previousModel: StackModel,
    journal: UpdateJournalEntry[],
    reason: string,
  ): Promise<StackOperationResult> {
    this.stackEvent(op, 'UPDATE_ROLLBACK_IN_PROGRESS', reason);
    if (this.options.lastUpdatedTimeOnRollback === 'rollback-start') this.stack.lastUpdatedTime = this.clock.now();
    this.stack.model = previousModel;
    const failuresBefore = op.failures.length;
    const replaced: DeployedResource[] = [];
    for (const entry of journal) {
      if (entry.kind === 'updated') await this.changes.rollBackUpdatedResource(op, entry, replaced);
    }
    if (op.failures.length > failuresBefore) return this.finish(op, 'UPDATE_ROLLBACK_FAILED');

    this.stackEvent(op, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    // A create that failed before CloudFormation recorded anything left the earlier entry (if any) in place.
    const created = journal.flatMap((e) => {
      const r = e.kind === 'created' ? this.stack.resources.get(e.logicalId) : undefined;
      return e.kind === 'created' && r && r !== e.previous ? [{ entry: e, r }] : [];
    });
    const items = [...created.map(({ entry, r }) => ({ r, entry })), ...replaced.map((r) => ({ r, entry: undefined }))];
    for (const { r, entry } of this.deletionOrder(items.map((i) => i.r)).map((i) => items[i])) {
      if (entry) {
        await this.changes.deleteResource(op, r, r.template.DeletionPolicy, true);
        // Not in the previous template: forgotten even if its delete failed (or back to its earlier failed create).
        if (entry.previous) this.stack.resources.set(entry.logicalId, entry.previous);
        else this.stack.resources.delete(entry.logicalId);
      } else {
        // A replacement the rolled-back update created.
        await this.changes.deleteResource(op, r, r.template.UpdateReplacePolicy, true);
      }
    }
    return this.finish(op, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /** Active resources (conditions applied), their dependencies and a creation order; validates references. */
  private plan(model: StackModel): { order: string[]; dependencies: Map<string, string[]> } {
    const ctx = this.stack.intrinsicContext(model);
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
      const dep = this.stack.resources.get(d);
      if (dep && !kept.has(d)) {
        kept.add(d);
        this.keepDependencies(dep, kept);
      }
    }
  }
}
