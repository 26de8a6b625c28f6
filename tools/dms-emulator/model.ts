import { resourceNotFound } from './dms-error';

/**
 * The replication instances and endpoints that exist. RefreshSchemas and
 * TestConnection answer ResourceNotFoundFault for anything not registered here.
 */
export class ResourceRegistry {
  private readonly instances = new Set<string>();
  private readonly endpoints = new Set<string>();

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
}
