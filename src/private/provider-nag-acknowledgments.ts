import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

const FRAMEWORK = 'the aws-cdk-lib custom-resources Provider framework creates it this way';
/** The compliance packs that report a rule, by the prefix cdk-nag gives its findings. */
const HIPAA_NIST = ['HIPAA.Security', 'NIST.800.53.R5'];
const HIPAA_NIST_PCI = [...HIPAA_NIST, 'PCI.DSS.321'];

/**
 * Acknowledges, with reasons, the cdk-nag findings on a provider's resources that are
 * by design (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1), so users
 * who run cdk-nag see only findings of their own. Not acknowledged: LambdaInsideVPC
 * and CloudWatchLogGroupEncrypted, which `DmsLifecycleProviders.configure({ vpc,
 * logEncryptionKey })` resolves: they are the user's decision.
 */
export function acknowledgeProviderFindings(
  provider: Construct,
  options: { readonly reservedConcurrency: boolean; readonly readsMetrics?: boolean },
): void {
  const stack = Stack.of(provider);
  const functions = provider.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction);
  const invokeTargets = functions.map((fn) => `AwsSolutions-IAM5[Resource::<${stack.resolve(stack.getLogicalId(fn as CfnResource))}.Arn>:*]`);
  const acknowledgments = [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'DMS DescribeConnections, DescribeReplications and DescribeReplicationTasks, '
        + `${options.readsMetrics ? 'CloudWatch GetMetricData and ListMetrics (the CDC latency metrics), ' : ''}`
        + 'Step Functions log delivery (the waiter\'s logs) and, in a VPC, Lambda\'s network-interface actions support no resource-level permissions',
    },
    { id: 'AwsSolutions-L1', reason: `framework functions: ${FRAMEWORK} and pins their runtime; our handlers use the newest Node.js runtime` },
    { id: 'AwsSolutions-SF2', reason: 'the waiter only retries one Lambda task; tracing would add cost and no insight' },
    ...invokeTargets.map((id) => ({ id, reason: `permission to invoke the function's versions: ${FRAMEWORK}` })),
    ...HIPAA_NIST.map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'a dead-letter queue receives only failed asynchronous invocations: the handlers and the waiter\'s functions are invoked '
        + 'synchronously (by the framework and Step Functions), and the framework\'s onEvent, which CloudFormation invokes, '
        + 'reports every failure to CloudFormation itself, so a deployment never loses an event',
    })),
  ];
  if (!options.reservedConcurrency) {
    acknowledgments.push(...HIPAA_NIST.map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'the functions run only while CloudFormation deploys lifecycle resources, one invocation per resource at a time; '
        + 'reserving concurrency would take it from the account for idle functions (opt in: DmsLifecycleProviders.configure({ reservedConcurrentExecutions }))',
    })));
  }
  Validations.of(provider).acknowledge(...acknowledgments);

  // The waiter's role is made inside the framework, with an inline policy that cannot be replaced.
  const waiterRole = provider.node.tryFindChild('Provider')?.node.tryFindChild('waiter-state-machine')?.node.tryFindChild('Role');
  if (waiterRole) {
    Validations.of(waiterRole).acknowledge(...HIPAA_NIST_PCI.map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: `the waiter state machine's role and its inline policy (invoke the framework's functions, deliver logs): ${FRAMEWORK}`,
    })));
  }
}
