import { resourceId } from './arns';
import { nowMs } from './clock';
import { invalidResourceState, resourceNotFound } from './dms-error';

/**
 * The replication instances and endpoints that exist. RefreshSchemas and
 * TestConnection answer ResourceNotFoundFault for anything not registered here.
 */
export class ResourceRegistry {
  private readonly instances = new Set<string>();
  private readonly endpoints = new Set<string>();
  /** Instances that are not `available` (modifying, upgrading…), until when. */
  private readonly instanceStates = new Map<string, { state: string; untilMs: number }>();

  addInstance(arn: string): void {
    this.instances.add(arn);
  }

  addEndpoint(arn: string): void {
    this.endpoints.add(arn);
  }

  hasEndpoint(arn: string): boolean {
    return this.endpoints.has(arn);
  }

  requireEndpoint(arn: string): void {
    if (!this.endpoints.has(arn)) throw resourceNotFound(`Endpoint ${arn} not found`);
  }

  requireInstance(arn: string): void {
    if (!this.instances.has(arn)) throw resourceNotFound(`Replication Instance ${arn} not found`);
  }

  /** The instance is in `state` for `forMs` (default: until set back), then `available` again. */
  setInstanceState(arn: string, state: string, forMs = Infinity): void {
    if (state === 'available') this.instanceStates.delete(arn);
    else this.instanceStates.set(arn, { state, untilMs: nowMs() + forMs });
  }

  /** RefreshSchemas and TestConnection need an `available` instance: InvalidResourceStateFault otherwise. */
  requireAvailableInstance(arn: string): void {
    this.requireInstance(arn);
    const entry = this.instanceStates.get(arn);
    if (entry && nowMs() < entry.untilMs) {
      throw invalidResourceState(`Replication instance ${resourceId(arn)} is in state ${entry.state}. It must be available.`);
    }
  }
}
