import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { describeSettings } from './private/settings-description';

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
   * VPC to place every function in: our handlers and the provider framework's.
   * Without internet access (no NAT), the subnets need VPC endpoints for the
   * services the functions call; the README ("Regulated accounts") lists them.
   * @default - the functions run outside any VPC of yours
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the functions. Requires `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the functions. Requires `vpc`. They need outbound HTTPS
   * (TCP 443) to the AWS service endpoints and nothing inbound.
   * @default - with `vpc`, one security group for the stack that allows only outbound HTTPS
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * KMS key that encrypts every log group the library creates (the handlers' and
   * the waiter state machine's). A key of your CDK app gets the key-policy
   * statement that lets CloudWatch Logs use it; the policy of an imported key
   * cannot be changed here and must allow it already (see the README).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Reserved concurrent executions of each function (5 per construct kind: our
   * two handlers and the framework's three). Reserving takes that many from the
   * account's unreserved concurrency for functions that only run during
   * deployments, so leave it unset unless a rule requires it; if set, make it at
   * least the number of lifecycle resources of one kind that a deployment
   * creates, updates or deletes at the same time.
   * @default - no reserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * DMS API calls per second that all lifecycle constructs of the stack may make
   * together while they wait. DMS throttles per account and region (a bucket of 200
   * calls refilled at 8 per second, shared with the console, monitoring and other
   * tools), so each construct checks at most once per (constructs in the stack ÷ this)
   * seconds (a `DmsCutoverReadiness` counts twice: its check makes two DMS calls) and
   * spreads its start over as long (at most a minute). A construct set to
   * a fixed `pollInterval` keeps it.
   * @default 4 - half of DMS's refill rate; the rest is left to the account's other callers
   */
  readonly dmsCallsPerSecond?: number;
}

/** The one configure() call of each stack that made one. */
const settingsByStack = new WeakMap<Stack, DmsLifecycleProviderSettings>();
/** Stacks whose settings a provider already read, with the first such provider's path. */
const settingsReadBy = new WeakMap<Stack, string>();

/**
 * Stack-wide configuration of the shared providers. Every construct of this
 * library in a stack shares one provider per kind, so their settings are set
 * once per stack, in one call, before the first construct is added. A nested
 * stack is a stack of its own: without a call of its own, its constructs take
 * the settings of the nearest enclosing stack that has one.
 */
export class DmsLifecycleProviders {
  /**
   * Sets the handler settings for the stack that contains `scope`.
   * @throws if it was already called for that stack (give every setting in one call), if a lifecycle
   * construct of that stack (or of a nested stack taking its settings) was already added, or if the settings contradict each other
   */
  public static configure(scope: IConstruct, settings: DmsLifecycleProviderSettings): void {
    const stack = Stack.of(scope);
    const earlier = settingsByStack.get(stack);
    if (earlier) {
      throw new Error(
        `DmsLifecycleProviders.configure() is called a second time for stack ${stack.node.path}, and one call would silently replace the other `
        + `(first call: ${describeSettings(earlier)}; second call: ${describeSettings(settings)}). `
        + `Give every setting in one call, before the stack's first DMS lifecycle construct: DmsLifecycleProviders.configure(stack, ${describeSettings(earlier, settings)})`,
      );
    }
    const builtBy = settingsReadBy.get(stack);
    if (builtBy) {
      throw new Error(
        `DmsLifecycleProviders.configure() must be called before the first DMS lifecycle construct of stack ${stack.node.path}: `
        + `${builtBy} was already built without this call's settings; move the call (${describeSettings(settings)}) above that construct`,
      );
    }
    validateSettings(settings);
    settingsByStack.set(stack, { ...settings });
  }

  /**
   * The settings of `stack`'s providers: its own call's, else the nearest enclosing stack's.
   * Remembers that `providerPath` read them, for the stack and every stack it inherits from.
   * @internal
   */
  public static _settingsFor(stack: Stack, providerPath: string): DmsLifecycleProviderSettings {
    for (let s: Stack | undefined = stack; s; s = s.nestedStackParent) {
      if (!settingsReadBy.has(s)) settingsReadBy.set(s, providerPath);
      const own = settingsByStack.get(s);
      if (own) return own;
    }
    return {};
  }

  private constructor() {}
}

function validateSettings(settings: DmsLifecycleProviderSettings): void {
  if (!settings.vpc) {
    for (const prop of ['vpcSubnets', 'securityGroups'] as const) {
      if (settings[prop] !== undefined) {
        throw new Error(
          `DmsLifecycleProviders.configure(): ${prop} requires vpc, for example `
          + `{ vpc, ${prop}: ${prop === 'vpcSubnets' ? '{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }' : '[handlerSecurityGroup]'} }`,
        );
      }
    }
  }
  if (settings.securityGroups !== undefined && settings.securityGroups.length === 0) {
    throw new Error('DmsLifecycleProviders.configure(): securityGroups is empty; leave it out for one HTTPS-only group, or name yours, for example { vpc, securityGroups: [handlerSecurityGroup] }');
  }
  const reserved = settings.reservedConcurrentExecutions;
  if (reserved !== undefined && !Token.isUnresolved(reserved) && !(Number.isInteger(reserved) && reserved >= 1)) {
    throw new Error(`DmsLifecycleProviders.configure(): reservedConcurrentExecutions must be a whole number of at least 1, for example { reservedConcurrentExecutions: 5 }; got ${reserved}`);
  }
}
