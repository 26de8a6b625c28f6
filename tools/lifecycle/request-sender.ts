/**
 * Sends one custom resource's request through the Provider framework, with the stack's live
 * Lambda functions and waiter as the framework sees them; remembers it so it can be replayed,
 * and keeps track of waiters a cancelled deploy walks away from.
 */
import { sendCustomResourceRequest, type CustomResourceOutcome } from './custom-resource';
import { HandlerRunner, type LambdaFunctionSpec, type LambdaInvocationRecord } from './handler-runner';
import { toCloudFormationStrings } from './intrinsics';
import type { LogLine } from './log-capture';
import { defaultAttribute } from './physical-ids';
import type { CloudFormationRequest, FrameworkEnvironment, FrameworkServices } from './provider-framework';
import type { SimulatedClock } from './simulated-clock';
import type { DeployedResource, StackState } from './stack-state';
import type { StackView } from './stack-view';
import type { CustomResourceStats, LifecycleDriverOptions, ReplayResult } from './types';
import { readWaiterRetryPolicy, type WaiterRetryPolicy } from './waiter-state-machine';

/** The provider behind a ServiceToken, or why there is none. */
export type ProviderBinding = { readonly env: FrameworkEnvironment } | { readonly error: string };

/** The last request sent to a custom resource, with what it ran on, so it can be replayed. */
interface SentRequest {
  readonly request: CloudFormationRequest;
  readonly env: FrameworkEnvironment;
  readonly physicalIdWithoutResponse: string;
  /** The functions and waiter it used, by ARN, as they were then. */
  readonly functions: Map<string, LambdaFunctionSpec>;
  readonly waiters: Map<string, WaiterRetryPolicy>;
}

/** Runs custom resource requests through the framework against the stack's functions. */
export class RequestSender {
  private readonly runner: HandlerRunner;
  private readonly lastStats = new Map<string, CustomResourceStats>();
  private readonly lastRequests = new Map<string, SentRequest>();
  /** Framework runs abandoned by a cancelled deploy, still polling. */
  private readonly abandoned = new Set<Promise<void>>();
  /** dispose() calls so far: waiters abandoned before a dispose() stop at their next attempt. */
  private disposals = 0;

  constructor(
    private readonly stack: StackState,
    private readonly view: StackView,
    private readonly clock: SimulatedClock,
    private readonly options: LifecycleDriverOptions,
  ) {
    this.runner = new HandlerRunner({
      region: stack.region,
      account: stack.account,
      extraEnv: options.env,
      runtimeModulesDir: options.runtimeModulesDir,
    });
  }

  /** Every Lambda invocation, in order. */
  public get lambdaInvocations(): readonly LambdaInvocationRecord[] {
    return this.runner.invocations;
  }

  /** What the Lambda functions wrote to their logs, in order. */
  public get handlerLogs(): readonly LogLine[] {
    return this.runner.logs;
  }

  /** Numbers about the last request sent to custom resource `logicalId`. */
  public stats(logicalId: string): CustomResourceStats | undefined {
    const s = this.lastStats.get(logicalId);
    return s && { ...s };
  }

  /** A new stack: no request was sent to any of its resources yet. */
  public forgetRequests(): void {
    this.lastStats.clear();
    this.lastRequests.clear();
  }

  /**
   * Sends a request through the framework and waits like CloudFormation (until `cancelAt`, if
   * given); remembers it for {@link replay} and keeps track of a waiter it walks away from.
   */
  public async send(
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

  /** See LifecycleDriver.replay. */
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

  /** Resolves once every abandoned waiter has ended. */
  public async settle(): Promise<void> {
    while (this.abandoned.size > 0) await Promise.all([...this.abandoned]);
  }

  /** Removes the temporary copies of handler code; abandoned waiters stop at their next attempt. */
  public dispose(): void {
    this.disposals++;
    this.runner.dispose();
  }

  /** The Provider framework onEvent function behind a ServiceToken, via its environment. */
  public providerBinding(serviceToken: unknown): ProviderBinding {
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

  /**
   * Lambda and Step Functions as the framework sees them: the stack's live functions and waiter,
   * recorded in `sent`; with `remembered`, the recorded ones stand in for those since deleted.
   */
  private frameworkServices(sent: SentRequest, remembered: boolean): Pick<FrameworkServices, 'invokeFunction' | 'describeWaiter'> {
    return {
      invokeFunction: async (arn, payload) => {
        const fn = this.findFunction(arn);
        const spec = fn ? this.lambdaSpec(fn, await this.view.url()) : remembered ? sent.functions.get(arn) : undefined;
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

  /** A Lambda function of the stack by ARN or name, as Lambda's Invoke accepts either. */
  private findFunction(nameOrArn: string): DeployedResource | undefined {
    for (const r of this.stack.resources.values()) {
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

  private functionArn(fn: DeployedResource): string {
    return fn.attributes.Arn ?? defaultAttribute(fn.logicalId, fn.resourceType, fn.physicalId, 'Arn', this.stack.physicalIdContext);
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
    return [...this.stack.resources.values()].find((r) => r.resourceType === 'AWS::StepFunctions::StateMachine' && r.physicalId === stateMachineArn);
  }
}
