/**
 * Creates, updates, deletes and rolls back one resource of the stack, as CloudFormation does: plain
 * resources get fake physical ids (or a ResourceTypeHandler), custom resources a request through the
 * Provider framework (see request-sender.ts). Each records its events and failures in the operation.
 */
import { buildRequest } from './custom-resource';
import { resolveValue, toCloudFormationStrings } from './intrinsics';
import type { Operation, UpdateJournalEntry, UpdateProgress } from './operation-journal';
import { defaultPhysicalId, generatedName } from './physical-ids';
import type { RequestSender } from './request-sender';
import { isCustomResourceType, messageOf, type DeployedResource, type StackState } from './stack-state';
import type { StackModel } from './template-model';
import type { LifecycleDriverOptions, PhysicalIdFunction, ResourceTypeHandler } from './types';

/** One resource's create, update, delete and update rollback. */
export class ResourceChanges {
  private readonly physicalIdFn: PhysicalIdFunction;

  constructor(private readonly stack: StackState, private readonly sender: RequestSender, private readonly options: LifecycleDriverOptions) {
    this.physicalIdFn = options.physicalId ?? defaultPhysicalId;
  }

  /** Gives one resource its pre-update properties back (a custom resource gets an Update request). */
  public async rollBackUpdatedResource(op: Operation, entry: Extract<UpdateJournalEntry, { kind: 'updated' }>, replaced: DeployedResource[]): Promise<void> {
    const r = this.stack.resources.get(entry.logicalId);
    if (!r) return;
    const { before } = entry;
    const { logicalId: id, resourceType: type } = r;
    op.emit(id, type, 'UPDATE_IN_PROGRESS');
    const restored = { template: before.template, dependencies: before.dependencies, properties: before.properties, status: 'UPDATE_COMPLETE' };
    const handler = isCustomResourceType(type) ? undefined : this.options.resourceTypes?.[type];
    if (handler?.replacedOnChange?.some((name) => !deepEqual(entry.attempted[name], before.properties[name]))) {
      // A replacement: back to the old resource, which was never changed; the cleanup deletes the new one (if it was created).
      if (r.physicalId !== before.physicalId) replaced.push({ ...r });
      Object.assign(r, restored, { physicalId: before.physicalId, attributes: before.attributes });
      op.emit(id, type, 'UPDATE_COMPLETE', undefined, r.physicalId);
      return;
    }
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
    const binding = this.sender.providerBinding(before.properties.ServiceToken);
    if ('error' in binding) {
      r.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', binding.error);
      return;
    }
    const request = buildRequest({
      requestType: 'Update',
      stackId: this.stack.stackId,
      region: this.stack.region,
      logicalId: id,
      resourceType: type,
      properties: before.properties,
      oldProperties: entry.attempted,
      physicalResourceId: r.physicalId,
    });
    const outcome = await this.sender.send(request, binding.env, r.physicalId);
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

  public async createResource(op: Operation, model: StackModel, id: string, dependencies: string[]): Promise<boolean> {
    const template = model.resource(id);
    const type = template.Type;
    op.emit(id, type, 'CREATE_IN_PROGRESS');
    let props: any;
    try {
      props = resolveValue(template.Properties ?? {}, this.stack.intrinsicContext(model));
    } catch (e) {
      op.fail(id, type, 'CREATE_FAILED', messageOf(e));
      return false;
    }
    const base = { logicalId: id, resourceType: type, template, dependencies, attributes: {} as Record<string, any> };

    if (isCustomResourceType(type)) {
      const properties = toCloudFormationStrings(props);
      const binding = this.sender.providerBinding(properties.ServiceToken);
      if ('error' in binding && this.options.unsupportedCustomResources !== 'simulate') {
        op.fail(id, type, 'CREATE_FAILED', binding.error);
        return false;
      }
      if ('env' in binding) {
        const request = buildRequest({ requestType: 'Create', stackId: this.stack.stackId, region: this.stack.region, logicalId: id, resourceType: type, properties });
        // With no accepted response CloudFormation makes up a physical id (and later deletes it).
        const outcome = await this.sender.send(request, binding.env, generatedName(this.stack.stackName, id), op.cancelAt);
        const succeeded = outcome.status === 'SUCCESS';
        this.stack.resources.set(id, {
          ...base,
          physicalId: outcome.physicalResourceId,
          attributes: succeeded ? outcome.data : {},
          properties,
          status: succeeded ? 'CREATE_COMPLETE' : 'CREATE_FAILED',
          lastRequestId: request.RequestId,
        });
        if (outcome.status === 'CANCELLED') {
          // onEvent or the waiter goes on in the background; the rollback's Delete gets CloudFormation's made-up id.
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
      const physicalId = generatedName(this.stack.stackName, id);
      this.stack.resources.set(id, { ...base, physicalId, properties, status: 'CREATE_COMPLETE', simulated: true });
      op.emit(id, type, 'CREATE_COMPLETE', `Simulated without running a handler: ${binding.error}`, physicalId);
      return true;
    }

    let physicalId: string;
    let codeDirectory: string | undefined;
    const handler = this.options.resourceTypes?.[type];
    try {
      physicalId = handler ? await handler.create(id, props) : this.physicalIdFn(id, type, props, this.stack.physicalIdContext);
      codeDirectory = type === 'AWS::Lambda::Function' ? this.locateCode(model, id, props) : undefined;
    } catch (e) {
      op.fail(id, type, 'CREATE_FAILED', messageOf(e));
      return false;
    }
    this.stack.resources.set(id, { ...base, physicalId, properties: props, status: 'CREATE_COMPLETE', codeDirectory });
    op.emit(id, type, 'CREATE_COMPLETE', undefined, physicalId);
    return true;
  }

  public async updateResource(
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
      props = resolveValue(template.Properties ?? {}, this.stack.intrinsicContext(model));
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
      const handler = this.options.resourceTypes?.[type];
      if (handler?.replacedOnChange?.some((name) => !deepEqual(props[name], existing.properties[name]))) {
        return this.replaceResource(op, existing, handler, { template, dependencies, properties: props }, progress);
      }
      try {
        if (type === 'AWS::Lambda::Function') existing.codeDirectory = this.locateCode(model, id, props);
        await handler?.update(existing.physicalId, props, existing.properties);
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
    const binding = this.sender.providerBinding(props.ServiceToken);
    if ('error' in binding) {
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', binding.error);
      return false;
    }
    const request = buildRequest({
      requestType: 'Update',
      stackId: this.stack.stackId,
      region: this.stack.region,
      logicalId: id,
      resourceType: type,
      properties: props,
      oldProperties: existing.properties,
      physicalResourceId: existing.physicalId,
    });
    journalEntry.requestSent = true;
    const outcome = await this.sender.send(request, binding.env, existing.physicalId);
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
   * Replaces a handler-backed resource: creates the new one; the cleanup deletes the old one by its
   * UpdateReplacePolicy (a rollback goes back to the old one and deletes the new one).
   */
  private async replaceResource(
    op: Operation,
    existing: DeployedResource,
    handler: ResourceTypeHandler,
    next: Pick<DeployedResource, 'template' | 'dependencies' | 'properties'>,
    progress: UpdateProgress,
  ): Promise<boolean> {
    const { logicalId: id, resourceType: type } = existing;
    let physicalId: string;
    try {
      physicalId = await handler.create(id, next.properties);
    } catch (e) {
      existing.status = 'UPDATE_FAILED';
      op.fail(id, type, 'UPDATE_FAILED', messageOf(e));
      return false;
    }
    progress.cleanup.push({ ...existing });
    op.emit(id, type, 'UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.', physicalId);
    Object.assign(existing, next, { physicalId, status: 'UPDATE_COMPLETE' });
    op.emit(id, type, 'UPDATE_COMPLETE', undefined, physicalId);
    return true;
  }

  /**
   * Deletes one resource (sending a Delete to custom resources); false if it failed.
   * `createdInThisOperation`: a rollback deleting what the operation created (RetainExceptOnCreate deletes).
   */
  public async deleteResource(op: Operation, r: DeployedResource, policy: string | undefined, createdInThisOperation = false): Promise<boolean> {
    const { logicalId: id, resourceType: type } = r;
    // The stack-level RetainExceptOnCreate flag deletes what a rolled-back operation created, Retain or not.
    const retain = (policy === 'Retain' && !(createdInThisOperation && this.stack.retainExceptOnCreate))
      || (policy === 'RetainExceptOnCreate' && r.status !== 'CREATE_FAILED' && !createdInThisOperation);
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
      const binding = this.sender.providerBinding(r.properties.ServiceToken);
      if ('error' in binding) {
        r.status = 'DELETE_FAILED';
        op.fail(id, type, 'DELETE_FAILED', binding.error);
        return false;
      }
      const request = buildRequest({
        requestType: 'Delete',
        stackId: this.stack.stackId,
        region: this.stack.region,
        logicalId: id,
        resourceType: type,
        properties: r.properties,
        physicalResourceId: r.physicalId,
      });
      const outcome = await this.sender.send(request, binding.env, r.physicalId);
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
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}
