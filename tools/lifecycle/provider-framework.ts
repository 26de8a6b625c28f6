/**
 * The `aws-cdk-lib/custom-resources` Provider framework's runtime, re-enacted step by step:
 * framework onEvent → user onEvent → waiter (Step Functions retries of framework isComplete →
 * user isComplete) → onTimeout, ending in the response body the framework would PUT to
 * CloudFormation. Mirrors custom-resources/lib/provider-framework/runtime/{framework,cfn-response,util}.js
 * of aws-cdk-lib 2.257; names below follow those files.
 */
import type { LambdaInvokeResult } from './handler-runner';
import { retryDelayMs, type WaiterRetryPolicy } from './waiter-state-machine';

/** Physical id the framework answers a failed Create with; it then ignores the Delete that follows (cfn-response.js). */
export const CREATE_FAILED_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';
/** Physical id the framework sends when the event has none (cfn-response.js). */
export const MISSING_PHYSICAL_ID_MARKER = 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID';
/** Reason of the framework's onTimeout handler (framework.js). */
export const OPERATION_TIMED_OUT_REASON = 'Operation timed out';

/** A CloudFormation custom resource request, as CloudFormation sends it. */
export interface CloudFormationRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  ServiceToken: string;
  ServiceTimeout?: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  ResourceProperties: Record<string, any>;
  OldResourceProperties?: Record<string, any>;
}

/** The framework functions' environment (set by `Provider`). */
export interface FrameworkEnvironment {
  readonly USER_ON_EVENT_FUNCTION_ARN?: string;
  readonly USER_IS_COMPLETE_FUNCTION_ARN?: string;
  readonly WAITER_STATE_MACHINE_ARN?: string;
}

/** What the framework talks to: Lambda, Step Functions, and time. */
export interface FrameworkServices {
  /** Lambda Invoke (RequestResponse) of a user function. May throw like the SDK would (e.g. unknown function). */
  invokeFunction(functionArn: string, payload: string): Promise<LambdaInvokeResult>;
  /** The retry policy of the waiter state machine with this ARN (StartExecution); throws if it does not exist. */
  describeWaiter(stateMachineArn: string): WaiterRetryPolicy;
  /** Waits between waiter retries (simulated time). May throw to abandon the execution. */
  sleep(ms: number): Promise<void>;
  /** Called before each waiter attempt; throws to abandon the execution (e.g. CloudFormation gave up). */
  beforeWaiterAttempt?(): void;
}

/** Outcome of one framework run. */
export interface FrameworkRun {
  /** JSON body the framework PUT to the ResponseURL; undefined if it never answered. */
  responseBody?: string;
  onEventInvocations: number;
  isCompleteInvocations: number;
  /** The physical id the waiter polls with, once onEvent has answered (what CloudFormation would get on success). */
  physicalResourceId?: string;
}

/** Thrown by the framework isComplete to ask Step Functions for a retry (cfn-response.js `Retry`). */
class Retry extends Error {}

/**
 * Runs the framework for one CloudFormation request and returns what it answered.
 * `run` is filled as it goes, so a caller that abandons the run (throwing from a service) still sees the counts.
 */
export async function runProviderFramework(
  cfnRequest: CloudFormationRequest,
  env: FrameworkEnvironment,
  services: FrameworkServices,
  run: FrameworkRun = { onEventInvocations: 0, isCompleteInvocations: 0 },
): Promise<FrameworkRun> {
  let waiter: { policy: WaiterRetryPolicy; input: string } | undefined;

  function getEnv(name: keyof FrameworkEnvironment): string {
    const value = env[name];
    if (!value) throw new Error(`The environment variable "${name}" is not defined`);
    return value;
  }

  // cfn-response.js submitResponse: only these fields reach CloudFormation.
  function submitResponse(status: 'SUCCESS' | 'FAILED', event: any, options: { reason?: string; noEcho?: boolean } = {}): void {
    const json = {
      Status: status,
      Reason: options.reason || status,
      StackId: event.StackId,
      RequestId: event.RequestId,
      PhysicalResourceId: event.PhysicalResourceId || MISSING_PHYSICAL_ID_MARKER,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: options.noEcho,
      Data: event.Data,
    };
    run.responseBody = JSON.stringify(json);
  }

  // cfn-response.js safeHandler: Delete after a failed Create is a no-op; errors become FAILED
  // responses (reason = stack trace); a failed Create without a physical id gets the marker.
  function safeHandler(block: (event: any) => Promise<void>): (event: any) => Promise<void> {
    return async (event: any) => {
      if (event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID_MARKER) {
        submitResponse('SUCCESS', event);
        return;
      }
      try {
        await block(event);
      } catch (e) {
        if (e instanceof Retry) throw e;
        if (!event.PhysicalResourceId && event.RequestType === 'Create') {
          event.PhysicalResourceId = CREATE_FAILED_PHYSICAL_ID_MARKER;
        }
        submitResponse('FAILED', event, { reason: stackOf(e) });
      }
    };
  }

  // framework.js invokeUserFunction: a FunctionError becomes
  // "<errorMessage>\n\nLogs: /aws/lambda/<fn>\n" with the user's trace (minus its first line) as stack.
  async function invokeUserFunction(functionArnEnv: keyof FrameworkEnvironment, sanitizedPayload: any, responseUrl: string): Promise<any> {
    const functionArn = getEnv(functionArnEnv);
    const resp = await services.invokeFunction(functionArn, JSON.stringify({ ...sanitizedPayload, ResponseURL: responseUrl }));
    const jsonPayload = parseJsonPayload(resp.Payload);
    if (resp.FunctionError) {
      const errorMessage = jsonPayload.errorMessage || 'error';
      const arn = functionArn.split(':');
      const functionName = arn[arn.length - 1];
      const message = [errorMessage, '', `Logs: /aws/lambda/${functionName}`, ''].join('\n');
      const e = new Error(message);
      e.stack = jsonPayload.trace ? [message, ...jsonPayload.trace.slice(1)].join('\n') : syntheticStack(e);
      (e as any)[STACK_IS_FINAL] = true;
      throw e;
    }
    return jsonPayload;
  }

  async function onEvent(request: any): Promise<void> {
    const sanitizedRequest = { ...request, ResponseURL: '...' };
    request.ResourceProperties = request.ResourceProperties || {};
    run.onEventInvocations++;
    const onEventResult = await invokeUserFunction('USER_ON_EVENT_FUNCTION_ARN', sanitizedRequest, request.ResponseURL);
    const resourceEvent = createResponseEvent(request, onEventResult);
    run.physicalResourceId = resourceEvent.PhysicalResourceId;
    if (!env.USER_IS_COMPLETE_FUNCTION_ARN) {
      submitResponse('SUCCESS', resourceEvent, { noEcho: resourceEvent.NoEcho });
      return;
    }
    // StartExecution: the waiter runs after this handler returns (below).
    const stateMachineArn = getEnv('WAITER_STATE_MACHINE_ARN');
    waiter = { policy: services.describeWaiter(stateMachineArn), input: JSON.stringify(resourceEvent) };
  }

  async function isComplete(event: any): Promise<void> {
    const sanitizedRequest = { ...event, ResponseURL: '...' };
    run.isCompleteInvocations++;
    const isCompleteResult = await invokeUserFunction('USER_IS_COMPLETE_FUNCTION_ARN', sanitizedRequest, event.ResponseURL);
    if (!isCompleteResult.IsComplete) {
      if (isCompleteResult.Data && Object.keys(isCompleteResult.Data).length > 0) {
        throw new Error('"Data" is not allowed if "IsComplete" is "False"');
      }
      throw new Retry(JSON.stringify(event));
    }
    const response = { ...event, ...isCompleteResult, Data: { ...event.Data, ...isCompleteResult.Data } };
    submitResponse('SUCCESS', response, { noEcho: event.NoEcho });
  }

  // Not wrapped in safeHandler: the Catch hands it the failed task's error; it answers FAILED.
  async function onTimeout(timeoutEvent: { Error: string; Cause: string }): Promise<void> {
    const isCompleteRequest = JSON.parse(JSON.parse(timeoutEvent.Cause).errorMessage);
    submitResponse('FAILED', isCompleteRequest, { reason: OPERATION_TIMED_OUT_REASON });
  }

  // CloudFormation invokes the framework onEvent Lambda with (a copy of) the request.
  await safeHandler(onEvent)(JSON.parse(JSON.stringify(cfnRequest)));

  if (waiter) {
    const frameworkIsComplete = safeHandler(isComplete);
    const { policy, input } = waiter;
    // The state machine's single Task: retried on any error, then caught into onTimeout.
    for (let attempt = 0; ; attempt++) {
      services.beforeWaiterAttempt?.();
      try {
        await frameworkIsComplete(JSON.parse(input));
        break;
      } catch (e) {
        if (attempt >= policy.maxAttempts) {
          if (policy.catchesToTimeoutHandler) {
            const err = e as Error;
            // Step Functions' error output: Cause is the Lambda error payload as JSON.
            await onTimeout({ Error: err.name, Cause: JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: String(err.stack).split('\n') }) });
          }
          break;
        }
        await services.sleep(retryDelayMs(policy, attempt + 1));
      }
    }
  }
  return run;
}

// framework.js createResponseEvent / defaultPhysicalResourceId.
function createResponseEvent(cfnRequest: any, onEventResult: any): any {
  onEventResult = onEventResult || {};
  const physicalResourceId = onEventResult.PhysicalResourceId || defaultPhysicalResourceId(cfnRequest);
  if (cfnRequest.RequestType === 'Delete' && physicalResourceId !== cfnRequest.PhysicalResourceId) {
    throw new Error(`DELETE: cannot change the physical resource ID from "${cfnRequest.PhysicalResourceId}" to "${onEventResult.PhysicalResourceId}" during deletion`);
  }
  return { ...cfnRequest, ...onEventResult, PhysicalResourceId: physicalResourceId };
}

function defaultPhysicalResourceId(req: any): string {
  switch (req.RequestType) {
    case 'Create':
      return req.RequestId;
    case 'Update':
    case 'Delete':
      return req.PhysicalResourceId;
    default:
      throw new Error(`Invalid "RequestType" in request "${JSON.stringify(req)}"`);
  }
}

// util.js parseJsonPayload.
function parseJsonPayload(payload: string | undefined): any {
  const text = payload ?? '';
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`return values from user-handlers must be JSON objects. got: "${text}"`);
  }
}

const STACK_IS_FINAL = Symbol('stackIsFinal');

/**
 * The framework reports `e.stack` (includeStackTraces). Errors raised by the framework itself get a
 * stack pointing into the framework bundle instead of this driver's frames.
 */
function stackOf(e: unknown): string {
  const err = e as any;
  if (err && err[STACK_IS_FINAL]) return String(err.stack);
  if (err && typeof err.message === 'string') return syntheticStack(err);
  return String(e);
}

function syntheticStack(err: { name?: string; message: string }): string {
  return `${err.name || 'Error'}: ${err.message}\n    at Runtime.handler (/var/task/framework.js)`;
}
