import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { lambdaContext } from './cfn-events';

/** The onEvent / isComplete pair a handler module exports. */
export interface HandlerPair {
  onEvent(event: CloudFormationCustomResourceEvent): Promise<any>;
  isComplete(event: any, context: any): Promise<{ IsComplete: boolean; Data?: Record<string, string> }>;
}

export interface HandlerRun {
  readonly physicalId: string;
  readonly data?: Record<string, string>;
  readonly isCompleteCalls: number;
}

/**
 * Runs a handler pair the way the provider framework does, in-process on the
 * TypeScript sources: onEvent once, then isComplete (with the onEvent result
 * merged into the event) until it reports complete or throws.
 */
export async function runHandlers(handlers: HandlerPair, event: CloudFormationCustomResourceEvent, maxCalls = 30): Promise<HandlerRun> {
  const started = await handlers.onEvent(event);
  const merged = { ...event, ...started };
  for (let call = 1; call <= maxCalls; call++) {
    const result = await handlers.isComplete(merged, lambdaContext());
    if (result.IsComplete) return { physicalId: started.PhysicalResourceId, data: result.Data, isCompleteCalls: call };
  }
  throw new Error(`not complete after ${maxCalls} isComplete calls`);
}
