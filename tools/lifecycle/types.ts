/**
 * Public types of the lifecycle driver: options, events, results and resource state.
 */
import type { CloudFormationRequest } from './provider-framework';

/** One CloudFormation-like stack event (resource or stack level). */
export interface ProgressEvent {
  /** Logical id of the resource, or the stack name for stack-level events. */
  readonly logicalId: string;
  /** CloudFormation resource type; `AWS::CloudFormation::Stack` for stack-level events. */
  readonly resourceType: string;
  /**
   * CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, UPDATE_*, DELETE_*, DELETE_SKIPPED,
   * and for the stack also UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS,
   * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED,
   * ROLLBACK_IN_PROGRESS, ROLLBACK_COMPLETE and ROLLBACK_FAILED.
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

/**
 * How the driver's CloudFormation creates, updates and deletes one (non-custom) resource type
 * for real, for example through a local service emulator. A throw fails the operation with the
 * error's message as the status reason, as CloudFormation's resource handlers do.
 */
export interface ResourceTypeHandler {
  /**
   * Properties whose change replaces the resource ("Update requires: Replacement"): the update
   * creates a new one (a new physical id) and the cleanup deletes the old one, by its
   * UpdateReplacePolicy; a rollback goes back to the old one and deletes the new one.
   * @default - none: every change is an update in place
   */
  readonly replacedOnChange?: readonly string[];
  /** Creates the resource; returns its physical id (the `Ref` value). */
  create(logicalId: string, properties: any): Promise<string>;
  /** Updates it in place. Also called by an update rollback, with the previous properties. */
  update(physicalId: string, properties: any, oldProperties: any): Promise<void>;
  delete(physicalId: string, properties: any): Promise<void>;
}

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
  /**
   * Which template GetTemplate answers while an update is in progress (CloudFormation does not
   * document it): 'target' = the template the stack is heading to (the new one; during an
   * update rollback the previous one); 'last-completed' = the template of the last operation
   * that completed, until this one completes.
   * @default 'target'
   */
  readonly getTemplateDuringUpdate?: 'target' | 'last-completed';
  /**
   * What DescribeStacks shows as LastUpdatedTime once an update rolls back (CloudFormation does
   * not document it): 'update-start' = when the update began; 'rollback-start' = when its
   * rollback began. Nothing of ours may decide from it; tests run both readings.
   * @default 'update-start'
   */
  readonly lastUpdatedTimeOnRollback?: 'update-start' | 'rollback-start';
  /**
   * Runs every Lambda function with this timeout (seconds) instead of its template's, so that
   * tests can exercise a handler racing its function timeout quickly.
   * @default the template's `Timeout`
   */
  readonly lambdaTimeoutSeconds?: number;
  /**
   * Resource types the driver creates, updates and deletes through a handler instead of
   * instantly with a fake physical id (`physicalId` is then not asked for them). An update
   * rollback updates them back with their previous properties, the one whose update failed
   * included, as CloudFormation does.
   * @default - none
   */
  readonly resourceTypes?: Record<string, ResourceTypeHandler>;
}

/** Options of {@link LifecycleDriver.deploy}. */
export interface DeployOptions {
  /**
   * What a failed create does, like CreateStack's `OnFailure`: 'DO_NOTHING' leaves what was
   * created (CREATE_FAILED; destroy() deletes it), 'ROLLBACK' deletes it right away
   * (ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE, or ROLLBACK_FAILED if a delete fails).
   * @default 'DO_NOTHING'
   */
  readonly onFailure?: 'DO_NOTHING' | 'ROLLBACK';
  /**
   * Cancels the create this many simulated ms after it started, the way CloudFormation cancels a
   * custom resource still in progress when the create is rolled back: the custom resource being
   * polled at that time (checked before each waiter attempt and during waiter waits) goes
   * CREATE_FAILED "Resource creation cancelled", the stack rolls back whatever `onFailure` says,
   * and the rollback sends that resource a Delete with the physical id its onEvent returned.
   * As in AWS, the abandoned waiter keeps calling isComplete in the background (interleaved with
   * the rollback, failing once the provider functions are deleted); await `settle()` before the
   * test ends. If nothing is in progress at that time, the next resource is not started.
   */
  readonly cancelAfterMs?: number;
  /**
   * CreateStack's stack-level `RetainExceptOnCreate`: a rollback of this create deletes what it
   * created, resources with DeletionPolicy Retain included. DescribeStacks shows it.
   * @default false
   */
  readonly retainExceptOnCreate?: boolean;
}

/** Options of {@link LifecycleDriver.update}. */
export interface UpdateOptions {
  /** The stack artifact in the new assembly. @default the driver's stackName */
  readonly stackName?: string;
  /** Leave a failed update as UPDATE_FAILED instead of rolling it back (like `cdk deploy --no-rollback`). @default false */
  readonly disableRollback?: boolean;
  /**
   * UpdateStack's stack-level `RetainExceptOnCreate`: a rollback of this update deletes what it
   * created (new resources and replacements), Retain policies notwithstanding. DescribeStacks shows it.
   * @default false
   */
  readonly retainExceptOnCreate?: boolean;
}

/** What a replayed request got (see {@link LifecycleDriver.replay}); the stack does not change. */
export interface ReplayResult {
  /** The request sent again, identical to the original (same RequestId). */
  readonly request: CloudFormationRequest;
  /** SUCCESS or FAILED as the framework answered (or CloudFormation concluded) this time. */
  readonly status: 'SUCCESS' | 'FAILED';
  readonly reason?: string;
  readonly physicalResourceId: string;
  readonly data: Record<string, any>;
  readonly stats: CustomResourceStats;
}

/** Outcome of deploy, update or destroy. */
export interface StackOperationResult {
  /**
   * CREATE_COMPLETE, CREATE_FAILED, ROLLBACK_COMPLETE, ROLLBACK_FAILED, UPDATE_COMPLETE,
   * UPDATE_ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED, UPDATE_FAILED (disableRollback),
   * DELETE_COMPLETE or DELETE_FAILED.
   */
  readonly status: string;
  readonly events: ProgressEvent[];
  /** Every resource that failed, with its reason (cleanup and rollback failures included). */
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
