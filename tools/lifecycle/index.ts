/**
 * Lifecycle driver: runs a synthesized stack's Provider-backed custom resources in-process,
 * the way CloudFormation and the `aws-cdk-lib/custom-resources` Provider framework would.
 *
 * @example
 * const driver = new LifecycleDriver({
 *   assemblyDir: app.synth().directory,
 *   stackName: 'MyStack',
 *   env: { AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE: emulator.url },
 *   intervalScale: 0.01, // waiter waits at 1/100 of real time
 * });
 * const created = await driver.deploy();   // created.status === 'CREATE_COMPLETE' | 'CREATE_FAILED'
 * driver.stats('Refresh');                 // { onEventInvocations, isCompleteInvocations, durationMs, ... }
 * await driver.update(app2.synth().directory);   // a failure rolls back: 'UPDATE_ROLLBACK_COMPLETE'
 * driver.stackStatus;                      // live; handlers read it via DescribeStacks (AWS_ENDPOINT_URL_CLOUDFORMATION)
 * await driver.replay('Refresh');          // the same request once more; returns what the handlers answered
 * await driver.destroy();
 * driver.dispose();
 */
export { LifecycleDriver } from './driver';
export { isCustomResourceType } from './stack-state';
export { defaultPhysicalId, generatedName } from './physical-ids';
export {
  CREATE_FAILED_PHYSICAL_ID_MARKER,
  MISSING_PHYSICAL_ID_MARKER,
  OPERATION_TIMED_OUT_REASON,
  runProviderFramework,
} from './provider-framework';
export type { CloudFormationRequest, FrameworkEnvironment, FrameworkRun, FrameworkServices } from './provider-framework';
export { MAX_RESPONSE_BYTES, RESPONSE_TOO_LONG_REASON, noResponseReason } from './custom-resource';
export { HandlerRunner } from './handler-runner';
export { CloudFormationEndpoint, CLOUDFORMATION_API_VERSION, describeStacksXml } from './cloudformation-endpoint';
export type { CloudFormationCall, StackDescription, StackResourceSummary, StackSource } from './cloudformation-endpoint';
export { captureConsole } from './log-capture';
export type { LogLine } from './log-capture';
export type { HandlerRunnerOptions, LambdaFunctionSpec, LambdaInvocationRecord, LambdaInvokeResult } from './handler-runner';
export { readWaiterRetryPolicy, retryDelayMs } from './waiter-state-machine';
export type { WaiterRetryPolicy } from './waiter-state-machine';
export type {
  CustomResourceStats,
  DeployOptions,
  LifecycleDriverOptions,
  PhysicalIdContext,
  PhysicalIdFunction,
  ProgressEvent,
  ReplayResult,
  ResourceState,
  ResourceTypeHandler,
  StackOperationResult,
  UpdateOptions,
} from './types';
export { dmsResourceTypes } from './dms-resource-types';
export type { DmsService } from './dms-resource-types';
