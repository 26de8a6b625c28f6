/**
 * Public types of the lifecycle driver: options, events, results and resource state.
 */

/** One CloudFormation-like stack event (resource or stack level). */
export interface ProgressEvent {
  /** Logical id of the resource, or the stack name for stack-level events. */
  readonly logicalId: string;
  /** CloudFormation resource type; `AWS::CloudFormation::Stack` for stack-level events. */
  readonly resourceType: string;
  /**
   * CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, UPDATE_*, DELETE_*, DELETE_SKIPPED,
   * and for the stack also UPDATE_COMPLETE_CLEANUP_IN_PROGRESS.
   */
  readonly status: string;
  /** Status reason, as CloudFormation would show it (for failures: the provider's reason). */
  readonly reason?: string;
  /** Physical id of the resource once known. */
  readonly physicalId?: string;
  /** Simulated milliseconds since the operation started (wall time when `intervalScale` is 1). */
  readonly elapsedMs: number;
}

/** What a physical-id function gets to know about the stack. */
export interface PhysicalIdContext {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
}

/** Computes the physical id (the `Ref` value) of a non-custom resource. */
export type PhysicalIdFunction = (logicalId: string, resourceType: string, properties: any, context: PhysicalIdContext) => string;

/** Options of a {@link LifecycleDriver}. */
export interface LifecycleDriverOptions {
  /** Cloud assembly directory, e.g. `app.synth().directory`. */
  readonly assemblyDir: string;
  /** The stack artifact id in the assembly. Also used as the stack name. */
  readonly stackName: string;
  /** Extra environment for every handler invocation (e.g. an emulator's endpoint variables). Wins over everything else. */
  readonly env?: Record<string, string>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /**
   * Physical id (Ref value) of a non-custom resource.
   * @default defaultPhysicalId
   */
  readonly physicalId?: PhysicalIdFunction;
  /** Called for every progress event as it happens. */
  readonly onProgress?: (e: ProgressEvent) => void;
  /**
   * Multiplies every waiter wait (and other simulated waits). Simulated time still advances
   * by the unscaled amount, so `ServiceTimeout` and reported durations stay realistic.
   * @default 1
   */
  readonly intervalScale?: number;
  /** Values of template parameters. Parameters without a value resolve to their `Default`. */
  readonly parameters?: Record<string, string>;
  /**
   * `node_modules` directory whose `@aws-sdk` scope handlers can resolve as if the Lambda
   * runtime provided it (bundles mark `@aws-sdk/*` external).
   * @default the nearest `node_modules` with an `@aws-sdk` folder above this file or the cwd
   */
  readonly runtimeModulesDir?: string;
  /**
   * What to do with a custom resource whose ServiceToken is not a `Provider` framework function
   * of the stack (the driver cannot run its protocol): fail it, or create it instantly like a
   * plain resource without running anything.
   * @default 'fail'
   */
  readonly unsupportedCustomResources?: 'fail' | 'simulate';
}

/** Outcome of deploy, update or destroy. */
export interface StackOperationResult {
  /** CREATE_COMPLETE, CREATE_FAILED, UPDATE_COMPLETE, UPDATE_FAILED, DELETE_COMPLETE or DELETE_FAILED. */
  readonly status: string;
  readonly events: ProgressEvent[];
  /** Every resource that failed, with its reason (cleanup failures included). */
  readonly failures: { logicalId: string; reason: string }[];
  /** Simulated duration of the operation. */
  readonly elapsedMs: number;
}

/** A resource as the driver's "CloudFormation" knows it. */
export interface ResourceState {
  readonly logicalId: string;
  readonly resourceType: string;
  /** `Ref` value. Empty when a create failed before anything answered. */
  physicalId: string;
  /** `Fn::GetAtt` values: a custom resource's `Data`, or fake attributes of other resources. */
  attributes: Record<string, any>;
  /** Resolved properties (for custom resources: as sent, every scalar a string). */
  properties: any;
  /** Last resource status, e.g. CREATE_COMPLETE or UPDATE_FAILED. */
  status: string;
}

/** Numbers about the last request sent to one custom resource. */
export interface CustomResourceStats {
  /** Create, Update or Delete. */
  requestType: string;
  onEventInvocations: number;
  isCompleteInvocations: number;
  /** Simulated ms from the onEvent call to the resource's completion. */
  durationMs: number;
  /** Wall-clock ms of the same span (smaller than durationMs when intervalScale < 1). */
  wallDurationMs: number;
}
