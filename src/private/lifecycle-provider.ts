import * as path from 'path';
import { CustomResource, Duration, Fn, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DmsLifecycleProviders } from '../provider-settings';
import { BoundedDmsPolicy } from './bounded-dms-policy';
import { DmsResourceType } from './dms-arn';
import { DefaultWait, HandlerEnv, INTENT_PARAMETER_PATH, LifecycleResourceProperties, ReplicationRunResourceType } from './handler-contract';
import { handlerNetwork, networkInterfaceStatement } from './handler-network';
import { allowLogsToUse } from './log-encryption';
import { ManagedPolicyRole } from './managed-policy-role';
import { acknowledgeProviderFindings } from './provider-nag-acknowledgments';
import { WaitSettings } from './wait-settings';

/** The kinds of lifecycle custom resource; each has its own handler bundle and provider. */
export type LifecycleKind = 'schema-refresh' | 'connection-test' | 'replication-teardown' | 'replication-run' | 'cutover-readiness' | 'premigration-assessment';

/**
 * The waiter retries isComplete after this pause. Short, because each isComplete
 * polls DMS itself for up to POLL_BUDGET (on the user's pollInterval): detection is
 * then as quick as the poll interval, with about one framework round trip a minute
 * instead of the default provider's 12. A budget of 60 s keeps every wait longer
 * than a minute at ≤ 2 round trips per minute.
 */
const QUERY_INTERVAL = Duration.seconds(1);
/** ≥ every instance's timeout; our isComplete fails first with its own reason. */
const TOTAL_TIMEOUT = Duration.hours(1);
const POLL_BUDGET = Duration.seconds(60);
/**
 * isComplete: the poll budget, then room for a DMS refusal first seen at its end to be
 * ridden out (45-s grace, rechecked) within the same invocation, which alone remembers
 * when the refusal began; calls are cut 5 s before the end.
 */
const HANDLER_TIMEOUT = Duration.seconds(120);
/**
 * onEvent may first wait up to a minute to spread many starts, then wait for a replication to
 * rest until 100 s before its end (a run makes and records its own start: replication-start.ts),
 * leaving room to retry a throttled start (poll-schedule.ts); stack reads ride out throttling to its end.
 */
const ON_EVENT_TIMEOUT = Duration.minutes(10);

/** Lifecycle custom resources per stack, all kinds, each weighted by its DMS calls per check: they share the stack's DMS call budget. */
const resourcesPerStack = new WeakMap<Stack, number>();

const ASSETS = path.join(__dirname, '..', '..', 'assets', 'lambda');

/** Where a kind's resources live in the stack, and the custom resource type it serves. */
const KINDS: Record<LifecycleKind, { id: string; resourceType: string; readsMetrics?: boolean; dmsCallsPerCheck?: number }> = {
  'schema-refresh': { id: 'DmsSchemaRefreshProvider', resourceType: 'Custom::DmsSchemaRefresh' },
  'connection-test': { id: 'DmsConnectionTestProvider', resourceType: 'Custom::DmsConnectionTest' },
  'replication-teardown': { id: 'DmsReplicationTeardownProvider', resourceType: 'Custom::DmsReplicationTeardown' },
  'replication-run': { id: 'DmsReplicationRunProvider', resourceType: ReplicationRunResourceType.RUN },
  'premigration-assessment': { id: 'DmsPremigrationAssessmentProvider', resourceType: 'Custom::DmsPremigrationAssessment' },
  // A readiness check reads the replication and its table statistics: two DMS calls, not one.
  'cutover-readiness': { id: 'DmsCutoverReadinessProvider', resourceType: 'Custom::DmsCutoverReadiness', readsMetrics: true, dmsCallsPerCheck: 2 },
};

/**
 * One provider per stack per kind, shared by every construct of that kind: its
 * functions, role, bounded policy, log group and waiter state machine are created
 * once, so each further construct adds just its custom resource.
 */
export class LifecycleProvider extends Construct {
  /** The stack-level provider of `kind`, created on first use. */
  public static of(scope: Construct, kind: LifecycleKind): LifecycleProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(KINDS[kind].id);
    return (existing as LifecycleProvider | undefined) ?? new LifecycleProvider(stack, kind);
  }

  private readonly provider: cr.Provider;
  private readonly policy: BoundedDmsPolicy;

  private constructor(stack: Stack, private readonly kind: LifecycleKind) {
    super(stack, KINDS[kind].id);
    const settings = DmsLifecycleProviders._settingsFor(stack, this.node.path);
    const network = handlerNetwork(stack, settings);
    const logSettings: logs.LogGroupProps = {
      retention: settings.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: settings.logRemovalPolicy ?? RemovalPolicy.DESTROY,
      encryptionKey: settings.logEncryptionKey,
    };
    if (settings.logEncryptionKey) allowLogsToUse(settings.logEncryptionKey, stack);
    const logGroup = new logs.LogGroup(this, 'Logs', logSettings);
    // Step Functions delivers logs through CloudWatch Logs' account-wide resource policy,
    // whose small size limit many stacks would exhaust, unless the group's name starts
    // with /aws/vendedlogs/: the waiter gets its own group so named. The name ends with
    // the stack's UUID, so that a group kept by RETAIN does not collide with the group of
    // the same stack deployed again ("already exists").
    const stackUuid = Fn.select(2, Fn.split('/', stack.stackId));
    const waiterLogGroup = new logs.LogGroup(this, 'WaiterLogs', {
      ...logSettings,
      logGroupName: `/aws/vendedlogs/states/${stack.stackName}-${KINDS[kind].id}-${stackUuid}`,
    });

    // Every role's grants go to a customer managed policy (compliance packs reject inline
    // ones); the handler role's to the bounded DMS policy, so it has just one.
    const role = new ManagedPolicyRole(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Calls DMS for the ${kind} custom resources of this stack`,
    });
    this.policy = new BoundedDmsPolicy(this, 'DmsAccess', role);
    // An Update during a rollback must not refresh or test again, and a teardown stops only
    // a replication that goes away: the handlers ask the stack's status.
    this.policy.grantOn('cloudformation:DescribeStacks', stack.stackId);

    // The framework's functions log to our log group, so their roles need no AWS managed
    // policy. Two roles, as the framework's own: onEvent starts the waiter, whose
    // functions use the other; one role for both would be a dependency cycle.
    const frameworkRole = (id: string, runs: string) => new ManagedPolicyRole(this, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the provider framework's ${runs} for the ${kind} custom resources of this stack`,
    });
    const frameworkOnEventRole = frameworkRole('FrameworkOnEventRole', 'onEvent function');
    const frameworkWaiterRole = frameworkRole('FrameworkWaiterRole', 'isComplete and onTimeout functions');
    for (const r of [role, frameworkOnEventRole, frameworkWaiterRole]) {
      logGroup.grantWrite(r);
      if (network.vpc) r.addToPrincipalPolicy(networkInterfaceStatement());
    }

    const callsPerSecond = settings.dmsCallsPerSecond ?? DefaultWait.CALLS_PER_SECOND;
    if (!Number.isFinite(callsPerSecond) || callsPerSecond <= 0) {
      throw new Error(`dmsCallsPerSecond must be a number above 0 (for example 4, half of DMS's refill rate of 8 per second); got ${callsPerSecond}`);
    }
    const handler = (name: 'onEvent' | 'isComplete', description: string) => {
      const fn = new lambda.Function(this, name === 'onEvent' ? 'OnEvent' : 'IsComplete', {
        code: lambda.Code.fromAsset(path.join(ASSETS, kind, 'index')),
        handler: `index.${name}`,
        runtime: settings.runtime ?? lambda.Runtime.NODEJS_24_X,
        timeout: name === 'onEvent' ? ON_EVENT_TIMEOUT : HANDLER_TIMEOUT,
        memorySize: 256,
        role,
        logGroup,
        description,
        environment: {
          [HandlerEnv.POLL_BUDGET_SECONDS]: String(POLL_BUDGET.toSeconds()),
          // Known only once the app is built: the count changes the functions, never the custom resources.
          [HandlerEnv.STACK_RESOURCES]: Lazy.string({ produce: () => String(resourcesPerStack.get(stack) ?? 0) }),
          [HandlerEnv.CALLS_PER_SECOND]: String(callsPerSecond),
        },
        ...network,
      });
      // The handlers call DMS: make them wait for the policy, not just the role.
      fn.node.addDependency(this.policy.policy);
      return fn;
    };

    const onEvent = handler('onEvent', `Starts the DMS ${kind} operation`);
    const isComplete = handler('isComplete', `Waits for the DMS ${kind} operation`);
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole: frameworkWaiterRole,
      // The waiter logs its transitions too (not the events: they carry the resource properties).
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: waiterLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      queryInterval: QUERY_INTERVAL,
      totalTimeout: TOTAL_TIMEOUT,
      logGroup,
      ...network,
    });

    const functions = this.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
    if (settings.reservedConcurrentExecutions !== undefined) {
      // The framework's functions take no such prop: set it on all five alike.
      functions.forEach((fn) => (fn.reservedConcurrentExecutions = settings.reservedConcurrentExecutions));
    }
    acknowledgeProviderFindings(this, {
      reservedConcurrency: settings.reservedConcurrentExecutions !== undefined,
      readsMetrics: KINDS[kind].readsMetrics,
    });
  }

  /** Allows the handlers `actions` on one DMS resource. */
  public grant(actions: string[], resourceType: DmsResourceType, arn: string): void {
    this.policy.grant(actions, resourceType, arn);
  }

  /**
   * Allows the handlers to stop replications of the config's (or task's) type in
   * its account and region. Not just the one ARN: when an update replaces or
   * removes a config, CloudFormation updates this shared policy first and deletes
   * the old teardown afterwards, which must still be allowed to stop the old one.
   * The handler only ever stops the ARN in its own resource properties.
   */
  public grantStop(action: string, resourceType: DmsResourceType, arn: string): void {
    this.policy.grantWholeType([action], resourceType, arn);
    const wildcard = this.policy.wildcardFor(resourceType, arn);
    if (!Token.isUnresolved(wildcard)) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${wildcard}]`,
        reason: `${action} must still work on a ${resourceType} that an update replaced or removed (the shared policy changes before its teardown runs); the handler stops only the ARN it was given`,
      });
    }
  }

  /**
   * Allows the handlers to read and write the records of intent (SSM parameters under
   * `/cdk-dms-lifecycle/intent/`, see lambda/dms/intent-record.ts) in the account and region
   * of the DMS resource `arn`: one resource ARN for all instances, so the policy stays bounded.
   */
  public grantIntentRecord(arn: string): void {
    // The account and region of the DMS wildcard (`arn:<partition>:dms:<region>:<account>:<type>:*`), literal where known.
    const dms = this.policy.wildcardFor('replication-config', arn);
    const [, partition, , region, account] = dms.split(':');
    const parameters = Token.isUnresolved(dms)
      ? Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${INTENT_PARAMETER_PATH.slice(1)}*` })
      : `arn:${partition}:ssm:${region}:${account}:parameter${INTENT_PARAMETER_PATH}*`;
    for (const action of ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter']) this.policy.grantOn(action, parameters);
    if (!Token.isUnresolved(parameters)) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${parameters}]`,
        reason: 'The records of intent of every replication live under one parameter path; the handler reads and writes only the record of the ARN it was given',
      });
    }
  }

  /** Allows the handlers to test the pair's connection (refreshes and connection tests both do). */
  public grantConnectionTest(endpointArn: string, replicationInstanceArn: string): void {
    this.grant(['dms:TestConnection'], 'endpoint', endpointArn);
    this.grant(['dms:TestConnection'], 'rep', replicationInstanceArn);
    // IAM offers no resource-level scoping for DescribeConnections.
    this.grantUnscoped('dms:DescribeConnections');
  }

  /** Allows the handlers a read of this stack (and nothing else). */
  public grantOnStack(action: string): void {
    this.policy.grantOn(action, Stack.of(this).stackId);
  }

  /** Allows the handlers a non-DMS call on one resource (for example iam:PassRole on a service role). */
  public grantOn(action: string, resource: string): void {
    this.policy.grantOn(action, resource);
  }

  /** Allows the handlers DMS calls that IAM cannot scope to a resource. */
  public grantUnscoped(...actions: string[]): void {
    this.policy.grantUnscoped(...actions);
  }

  /** A custom resource of this kind (or another type its handler serves), with the timing of `wait`. */
  public newResource<P extends LifecycleResourceProperties>(
    scope: Construct,
    id: string,
    wait: WaitSettings,
    properties: Omit<P, keyof LifecycleResourceProperties>,
    resourceType: string = KINDS[this.kind].resourceType,
  ): CustomResource {
    const stack = Stack.of(this);
    resourcesPerStack.set(stack, (resourcesPerStack.get(stack) ?? 0) + (KINDS[this.kind].dmsCallsPerCheck ?? 1));
    return new CustomResource(scope, id, {
      serviceToken: this.provider.serviceToken,
      resourceType,
      serviceTimeout: wait.serviceTimeout,
      properties: {
        ...properties,
        TimeoutSeconds: String(wait.timeoutSeconds),
        ...(wait.pollIntervalSeconds !== undefined ? { PollIntervalSeconds: String(wait.pollIntervalSeconds) } : {}),
      } satisfies LifecycleResourceProperties,
    });
  }
}

