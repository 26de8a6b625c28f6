import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/** Stack-wide settings of the Lambda handlers behind the DMS lifecycle constructs. */
export interface DmsLifecycleProviderSettings {
  /**
   * Node.js runtime of the handler functions. The handlers use the AWS SDK for
   * JavaScript v3 that the runtime provides, so pick a Node.js 20 or newer runtime.
   * @default lambda.Runtime.NODEJS_24_X
   */
  readonly runtime?: lambda.Runtime;
  /**
   * How long the handler and provider-framework logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to those log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * DMS API calls per second that all lifecycle constructs of the stack may make
   * together while they wait. DMS throttles per account and region (a bucket of 200
   * calls refilled at 8 per second, shared with the console, monitoring and other
   * tools), so each construct checks at most once per (constructs in the stack ÷ this)
   * seconds and spreads its start over as long (at most a minute). A construct set to
   * a fixed `pollInterval` keeps it.
   * @default 4 - half of DMS's refill rate; the rest is left to the account's other callers
   */
  readonly dmsCallsPerSecond?: number;
}

const settingsByStack = new WeakMap<Stack, DmsLifecycleProviderSettings>();
const stacksWithProviders = new WeakSet<Stack>();

/**
 * Stack-wide configuration of the shared providers. Every construct of this
 * library in a stack shares one provider per kind, so their settings are set
 * once per stack, before the first construct is added.
 */
export class DmsLifecycleProviders {
  /**
   * Sets the handler settings for the stack that contains `scope`.
   * @throws if a lifecycle construct was already added to that stack
   */
  public static configure(scope: IConstruct, settings: DmsLifecycleProviderSettings): void {
    const stack = Stack.of(scope);
    if (stacksWithProviders.has(stack)) {
      throw new Error(
        `DmsLifecycleProviders.configure() must be called before the first DMS lifecycle construct is added to stack ${stack.node.path}`,
      );
    }
    settingsByStack.set(stack, { ...settings });
  }

  /** @internal */
  public static _settingsFor(stack: Stack): DmsLifecycleProviderSettings {
    stacksWithProviders.add(stack);
    return settingsByStack.get(stack) ?? {};
  }

  private constructor() {}
}
