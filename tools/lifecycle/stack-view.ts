/**
 * The stack as the local CloudFormation endpoint shows it to handlers: DescribeStacks (the current
 * stack, and the ones destroyed before it), ListStackResources and GetTemplate.
 */
import { CloudFormationEndpoint, type CloudFormationCall, type StackDescription, type StackResourceSummary } from './cloudformation-endpoint';
import type { StackState } from './stack-state';
import type { LifecycleDriverOptions } from './types';

/** Serves a {@link StackState} through a {@link CloudFormationEndpoint} started on first use. */
export class StackView {
  /** Stacks this driver deployed and destroyed before the current one (DescribeStacks by id still finds them). */
  private readonly deletedStacks: StackDescription[] = [];
  private endpoint: CloudFormationEndpoint | undefined;
  private endpointStarting: Promise<CloudFormationEndpoint> | undefined;

  constructor(private readonly stack: StackState, private readonly options: LifecycleDriverOptions) {}

  /** Base URL of the endpoint, started on first use (see LifecycleDriver.cloudFormationEndpoint). */
  public async url(): Promise<string> {
    if (!this.endpointStarting) {
      const starting = CloudFormationEndpoint.start({
        stacks: () => this.stackDescriptions(),
        resources: (stackId) => (stackId === this.stack.stackId ? this.stackResourceSummaries() : []),
        template: (stackId) => (stackId === this.stack.stackId ? this.servedTemplate() : undefined),
      });
      this.endpointStarting = starting;
      const endpoint = await starting;
      // close() may have come in the meantime.
      if (this.endpointStarting === starting) this.endpoint = endpoint;
      else void endpoint.close();
    }
    return (await this.endpointStarting).url;
  }

  /** The next `times` requests of `action` answer `code`. Starts the endpoint. */
  public async failCalls(action: string, code: string, times: number): Promise<void> {
    await this.url();
    this.endpoint!.failNext(action, code, times);
  }

  /** Every request answers Throttling while `throttled()` is true. Starts the endpoint. */
  public async throttleWhile(throttled: () => boolean): Promise<void> {
    await this.url();
    this.endpoint!.throttleWhile(throttled);
  }

  /** Page size of ListStackResources. Starts the endpoint. */
  public async setResourcesPageSize(size: number): Promise<void> {
    await this.url();
    this.endpoint!.resourcesPerPage = size;
  }

  /** Requests the endpoint answered, in order. */
  public get calls(): readonly CloudFormationCall[] {
    return this.endpoint?.calls ?? [];
  }

  /** Before a new stack replaces it: the current stack is kept, as DescribeStacks by id still finds it. */
  public archiveCurrentStack(): void {
    if (this.stack.stackId) this.deletedStacks.push(...this.stackDescriptions().filter((d) => d.stackId === this.stack.stackId));
  }

  /** Stops the endpoint (a later call starts a new one, at a new URL). */
  public close(): void {
    void this.endpoint?.close();
    this.endpoint = undefined;
    this.endpointStarting = undefined;
  }

  /** What GetTemplate answers: see LifecycleDriverOptions.getTemplateDuringUpdate. */
  private servedTemplate(): object | undefined {
    const model = this.options.getTemplateDuringUpdate === 'last-completed' ? this.stack.completedModel ?? this.stack.model : this.stack.model;
    return model?.template;
  }

  /** The stack's resources as ListStackResources lists them: every resource the driver holds. */
  private stackResourceSummaries(): StackResourceSummary[] {
    return [...this.stack.resources.values()].map((r) => ({
      logicalId: r.logicalId,
      physicalId: r.physicalId || undefined,
      resourceType: r.resourceType,
      resourceStatus: r.status,
    }));
  }

  private stackDescriptions(): StackDescription[] {
    const s = this.stack;
    const current: StackDescription[] = s.stackId
      ? [{
        stackId: s.stackId,
        stackName: s.stackName,
        stackStatus: s.status ?? 'CREATE_IN_PROGRESS',
        stackStatusReason: s.statusReason,
        creationTime: s.creationTime,
        lastUpdatedTime: s.lastUpdatedTime,
        disableRollback: s.createRollbackDisabled,
        retainExceptOnCreate: s.retainExceptOnCreate,
      }]
      : [];
    return [...this.deletedStacks, ...current];
  }
}
