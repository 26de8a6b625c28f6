/**
 * CloudFormation's side of a custom resource: send the request, wait for the response within
 * `ServiceTimeout`, and accept or reject the response body.
 */
import { randomUUID } from 'crypto';
import { runProviderFramework, type CloudFormationRequest, type FrameworkEnvironment, type FrameworkRun, type FrameworkServices } from './provider-framework';
import type { SimulatedClock } from './simulated-clock';
import type { CustomResourceStats } from './types';

/** CloudFormation's limit on a custom resource response body (inclusive). */
export const MAX_RESPONSE_BYTES = 4096;
/** CloudFormation's default (and maximum) custom resource `ServiceTimeout`, seconds. */
export const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;
/** CloudFormation's reason for a response body over 4096 bytes. */
export const RESPONSE_TOO_LONG_REASON = 'Response object is too long.';

/** CloudFormation's reason when no response arrived within ServiceTimeout. */
export function noResponseReason(requestId: string): string {
  return `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. `
    + 'If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.';
}

/** What CloudFormation concluded from one request. */
export interface CustomResourceOutcome {
  /** CANCELLED: CloudFormation stopped waiting at `cancelAt` (see {@link SendOptions.cancelAt}). */
  readonly status: 'SUCCESS' | 'FAILED' | 'CANCELLED';
  readonly reason?: string;
  /** The physical id CloudFormation now records for the resource. */
  readonly physicalResourceId: string;
  readonly data: Record<string, any>;
  readonly noEcho: boolean;
  readonly stats: CustomResourceStats;
  /** For CANCELLED: the framework run CloudFormation walked away from; resolves once its waiter has ended. */
  readonly abandoned?: Promise<void>;
}

/** Inputs to build a request. */
export interface RequestParameters {
  readonly requestType: CloudFormationRequest['RequestType'];
  readonly stackId: string;
  readonly region: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** Resolved and stringified properties (ServiceToken included). */
  readonly properties: Record<string, any>;
  readonly oldProperties?: Record<string, any>;
  readonly physicalResourceId?: string;
}

/** Builds the request CloudFormation sends (fresh RequestId, fake presigned ResponseURL). */
export function buildRequest(p: RequestParameters): CloudFormationRequest {
  const requestId = randomUUID();
  const bucket = `cloudformation-custom-resource-response-${p.region.replace(/-/g, '')}`;
  const key = encodeURIComponent(`${p.stackId}|${p.logicalId}|${requestId}`);
  return {
    RequestType: p.requestType,
    ServiceToken: p.properties.ServiceToken,
    ...(p.properties.ServiceTimeout !== undefined ? { ServiceTimeout: p.properties.ServiceTimeout } : {}),
    ResponseURL: `https://${bucket}.s3.amazonaws.com/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=lifecycle-driver`,
    StackId: p.stackId,
    RequestId: requestId,
    LogicalResourceId: p.logicalId,
    ...(p.physicalResourceId !== undefined ? { PhysicalResourceId: p.physicalResourceId } : {}),
    ResourceType: p.resourceType,
    ResourceProperties: p.properties,
    ...(p.oldProperties !== undefined ? { OldResourceProperties: p.oldProperties } : {}),
  };
}

/** Everything {@link sendCustomResourceRequest} needs besides the request. */
export interface SendOptions {
  readonly frameworkEnvironment: FrameworkEnvironment;
  readonly services: Pick<FrameworkServices, 'invokeFunction' | 'describeWaiter'>;
  readonly clock: SimulatedClock;
  /**
   * Physical id CloudFormation records when it accepted no response (timeout, oversized body):
   * the current one on Update/Delete; on Create a CloudFormation-generated one.
   */
  readonly physicalIdWithoutResponse: string;
  /**
   * Simulated epoch ms at which CloudFormation stops waiting for this request (a cancelled
   * operation), even while onEvent still runs. The outcome is then CANCELLED with the physical id
   * CloudFormation made up (`physicalIdWithoutResponse`: it never accepted a response, so its
   * Delete carries that id, not onEvent's), while the framework (onEvent, then the waiter) goes on
   * in the background as it does in AWS (aws/aws-cdk#31541), its answer ignored.
   */
  readonly cancelAt?: number;
  /** Asked before each attempt of an abandoned waiter: true stops it there. */
  readonly stopAbandoned?: () => boolean;
}

class ServiceTimeoutExceeded extends Error {}
class AbandonedWaiterStopped extends Error {}

/** Sends `request` to the Provider framework and waits for its answer like CloudFormation. */
export async function sendCustomResourceRequest(request: CloudFormationRequest, options: SendOptions): Promise<CustomResourceOutcome> {
  const { clock } = options;
  const started = clock.now();
  const wallStarted = Date.now();
  const timeoutSeconds = request.ServiceTimeout !== undefined ? Number(request.ServiceTimeout) : DEFAULT_SERVICE_TIMEOUT_SECONDS;
  const deadline = started + timeoutSeconds * 1000;
  const run: FrameworkRun = { onEventInvocations: 0, isCompleteInvocations: 0 };

  const outcome = (o: { status: CustomResourceOutcome['status']; reason?: string; physicalResourceId?: string; data?: Record<string, any>; noEcho?: boolean }): CustomResourceOutcome => ({
    status: o.status,
    reason: o.reason,
    physicalResourceId: o.physicalResourceId ?? options.physicalIdWithoutResponse,
    data: o.data ?? {},
    noEcho: o.noEcho ?? false,
    stats: {
      requestType: request.RequestType,
      onEventInvocations: run.onEventInvocations,
      isCompleteInvocations: run.isCompleteInvocations,
      durationMs: clock.now() - started,
      wallDurationMs: Date.now() - wallStarted,
    },
  });
  const timedOut = () => outcome({ status: 'FAILED', reason: noResponseReason(request.RequestId) });
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > DEFAULT_SERVICE_TIMEOUT_SECONDS) {
    // CloudFormation rejects this before sending anything.
    return outcome({ status: 'FAILED', physicalResourceId: '', reason: `ServiceTimeout must be an integer from 1 to 3600, got ${JSON.stringify(request.ServiceTimeout)}` });
  }

  // CloudFormation stops waiting at the earlier of the deadline and the cancellation.
  const cancelAt = options.cancelAt !== undefined && options.cancelAt <= deadline ? options.cancelAt : undefined;
  let cancelled = false;
  let signalCancelled = () => {};
  const cancellation = new Promise<'cancelled'>((resolve) => {
    signalCancelled = () => {
      cancelled = true;
      resolve('cancelled');
    };
  });
  const checkDeadline = () => {
    if (cancelAt !== undefined && clock.now() >= cancelAt) signalCancelled();
    if (cancelled) {
      if (options.stopAbandoned?.()) throw new AbandonedWaiterStopped();
      return;
    }
    if (clock.now() >= deadline) throw new ServiceTimeoutExceeded();
  };
  const framework = runProviderFramework(request, options.frameworkEnvironment, {
    ...options.services,
    beforeWaiterAttempt: checkDeadline,
    // CloudFormation gives up at the deadline (or the cancellation) even while the waiter sleeps.
    sleep: async (ms) => {
      const stopAt = cancelled ? Infinity : cancelAt ?? deadline;
      const remaining = stopAt - clock.now();
      if (ms < remaining) return clock.sleep(ms);
      await clock.sleep(remaining);
      if (cancelAt === undefined) throw new ServiceTimeoutExceeded();
      signalCancelled();
      await clock.sleep(ms - Math.max(0, remaining));
    },
  }, run).then(() => ({ error: undefined as unknown }), (error: unknown) => ({ error }));

  // The cancellation lands when it is due, even in the middle of onEvent.
  const cancelTimer = cancelAt !== undefined ? clock.at(cancelAt, signalCancelled) : undefined;
  const first = await Promise.race([framework, cancellation]);
  cancelTimer?.cancel();
  if (first === 'cancelled') {
    const abandoned = framework.then(() => undefined);
    return { ...outcome({ status: 'CANCELLED' }), abandoned };
  }
  if (first.error instanceof ServiceTimeoutExceeded) return timedOut();
  if (first.error !== undefined) throw first.error;
  const body = run.responseBody;

  if (body === undefined) {
    // Nobody answered (e.g. a waiter without Catch): CloudFormation waits out ServiceTimeout.
    await clock.sleep((cancelAt ?? deadline) - clock.now());
    return cancelAt !== undefined ? outcome({ status: 'CANCELLED' }) : timedOut();
  }
  if (clock.now() > deadline) {
    return timedOut();
  }
  if (Buffer.byteLength(body, 'utf8') > MAX_RESPONSE_BYTES) {
    return outcome({ status: 'FAILED', reason: RESPONSE_TOO_LONG_REASON });
  }
  const response = JSON.parse(body);
  if (response.Status === 'SUCCESS') {
    return outcome({ status: 'SUCCESS', physicalResourceId: response.PhysicalResourceId, data: response.Data ?? {}, noEcho: response.NoEcho === true });
  }
  return outcome({ status: 'FAILED', reason: response.Reason, physicalResourceId: response.PhysicalResourceId });
}
