/**
 * The lifecycle driver: an in-process stand-in for CloudFormation that deploys, updates and
 * destroys one synthesized stack, running the bundled handlers of its Provider-backed custom
 * resources through a re-enactment of the provider framework. This class is its public face;
 * the work is done by the stack's state (stack-state.ts), the planning and ordering of operations
 * (stack-operations.ts), each resource's change (resource-changes.ts), the requests sent through
 * the framework (request-sender.ts), the CloudFormation endpoint's view (stack-view.ts) and the
 * operation's journal (operation-journal.ts).
 */
import type { CloudFormationCall } from './cloudformation-endpoint';
import type { LambdaInvocationRecord } from './handler-runner';
import type { LogLine } from './log-capture';
import { RequestSender } from './request-sender';
import { ResourceChanges } from './resource-changes';
import { SimulatedClock } from './simulated-clock';
import { StackOperations } from './stack-operations';
import { StackState } from './stack-state';
import { StackView } from './stack-view';
import type {
  CustomResourceStats,
  DeployOptions,
  LifecycleDriverOptions,
  ReplayResult,
  ResourceState,
  StackOperationResult,
  UpdateOptions,
} from './types';

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
  private readonly stackState: StackState;
  private readonly view: StackView;
  private readonly sender: RequestSender;
  private readonly operations: StackOperations;
  private readonly clock: SimulatedClock;

  constructor(options: LifecycleDriverOptions) {
    const clock = new SimulatedClock(options.intervalScale ?? 1);
    this.clock = clock;
    this.stackState = new StackState(options);
    this.view = new StackView(this.stackState, options);
    this.sender = new RequestSender(this.stackState, this.view, clock, options);
    const changes = new ResourceChanges(this.stackState, this.sender, options);
    this.operations = new StackOperations(this.stackState, this.view, this.sender, changes, clock, options);
  }

  /** The deployed resources by logical id (custom resources that failed to create included). */
  public get resources(): ReadonlyMap<string, ResourceState> {
    return this.stackState.resources;
  }

  /**
   * The stack's status right now, as DescribeStacks answers it: e.g. CREATE_IN_PROGRESS during
   * deploy(), UPDATE_ROLLBACK_IN_PROGRESS during a rollback, the final status afterwards
   * (undefined before the first operation).
   */
  public get stackStatus(): string | undefined {
    return this.stackState.status;
  }

  /** Same as {@link stackStatus}. */
  public get status(): string | undefined {
    return this.stackState.status;
  }

  /** The current stack's id (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`), as in every request's StackId; '' before deploy(). */
  public get stackId(): string {
    return this.stackState.stackId;
  }

  /**
   * Base URL of the local CloudFormation endpoint (started on first use; handler invocations
   * get it as `AWS_ENDPOINT_URL_CLOUDFORMATION` unless `options.env` sets that variable).
   * It answers the AWS Query protocol's `DescribeStacks` with this driver's stacks: by StackId
   * (the current stack, and destroyed ones as DELETE_COMPLETE) or by stack name (the live stack);
   * an unknown stack is HTTP 400 ValidationError "Stack with id X does not exist".
   */
  public cloudFormationEndpoint(): Promise<string> {
    return this.view.url();
  }

  /**
   * The next `times` requests of CloudFormation `action` (DescribeStacks, ListStackResources)
   * that handlers make answer `code` (`Throttling`, `InternalFailure`…). Starts the endpoint.
   */
  public failCloudFormationCalls(action: string, code: string, times: number): Promise<void> {
    return this.view.failCalls(action, code, times);
  }

  /**
   * A CloudFormation throttling episode: for `ms` of the driver's simulated time from now, every
   * request handlers make to the endpoint answers `Throttling` ("Rate exceeded"), as busy
   * accounts see for minutes. Starts the endpoint.
   */
  public throttleCloudFormationFor(ms: number): Promise<void> {
    const endsAt = this.clock.now() + ms;
    return this.view.throttleWhile(() => this.clock.now() < endsAt);
  }

  /** Page size of the endpoint's ListStackResources (default 100, as CloudFormation). Starts the endpoint. */
  public setStackResourcesPageSize(size: number): Promise<void> {
    return this.view.setResourcesPageSize(size);
  }

  /** Every Lambda invocation, in order: which function, how long, and how it failed (if it did). */
  public get lambdaInvocations(): readonly LambdaInvocationRecord[] {
    return this.sender.lambdaInvocations;
  }

  /** What the Lambda functions wrote to their logs, in order (kept, not printed). */
  public get handlerLogs(): readonly LogLine[] {
    return this.sender.handlerLogs;
  }

  /** Requests the CloudFormation endpoint answered (DescribeStacks, ListStackResources from the handlers), in order. */
  public get cloudFormationCalls(): readonly CloudFormationCall[] {
    return this.view.calls;
  }

  /** Numbers about the last request sent to custom resource `logicalId`. */
  public stats(logicalId: string): CustomResourceStats | undefined {
    return this.sender.stats(logicalId);
  }

  /** The stack's Outputs, resolved against the current state. Throws if one cannot be resolved. */
  public outputs(): Record<string, string> {
    return this.stackState.outputs();
  }

  /**
   * Creates every resource in dependency order. At the first failure the stack is CREATE_FAILED
   * with what was created left in place (`onFailure: 'DO_NOTHING'`, the default), or rolls back:
   * ROLLBACK_IN_PROGRESS, every created resource deleted in reverse dependency order (custom
   * resources get a Delete), then ROLLBACK_COMPLETE (ROLLBACK_FAILED if a delete fails).
   * With `cancelAfterMs` the create is cancelled at that point: see {@link DeployOptions}.
   */
  public deploy(options: DeployOptions = {}): Promise<StackOperationResult> {
    return this.operations.deploy(options);
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
  public update(assemblyDir: string, options: string | UpdateOptions = {}): Promise<StackOperationResult> {
    return this.operations.update(assemblyDir, options);
  }

  /**
   * Deletes every resource in reverse dependency order. A resource that fails to delete keeps
   * the resources it depends on (they are skipped); independent ones are still deleted.
   */
  public destroy(): Promise<StackOperationResult> {
    return this.operations.destroy();
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
  public replay(logicalId: string): Promise<ReplayResult> {
    return this.sender.replay(logicalId);
  }

  /**
   * Resolves once every waiter abandoned by a cancelled deploy has ended (answered, run out of
   * attempts, or failed because its functions were deleted). Call it before a test ends.
   */
  public settle(): Promise<void> {
    return this.sender.settle();
  }

  /**
   * Removes the driver's temporary copies of handler code and stops the CloudFormation endpoint
   * (a later operation starts a new one, at a new URL). Abandoned waiters stop at their next attempt.
   */
  public dispose(): void {
    this.sender.dispose();
    this.view.close();
  }
}
