/**
 * The bench's structural targets, cheaply (no DMS waits), with the bench's own measuring
 * code (tools/bench): shared providers keep every extra construct at one custom resource,
 * 200 schema refreshes fit CloudFormation's and IAM's limits, and the handler bundles stay
 * small because the AWS SDK is left to the Lambda runtime.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DmsLifecycleProviders } from '../src';
import { HANDLER_KINDS, handlerBundlePath, measureBundle } from '../tools/bench/bundle-size';
import {
  MAX_BUNDLE_BYTES,
  MAX_MANAGED_POLICY_BYTES,
  MAX_ROLE_INLINE_POLICY_BYTES,
  MAX_STACK_RESOURCES,
  MAX_TEMPLATE_BYTES,
} from '../tools/bench/limits';
import { checkLimits, CONSTRUCT_KINDS, CUSTOM_RESOURCE_TYPES, instanceGrowth, measureStack } from '../tools/bench/stack-scale';

describe.each(CONSTRUCT_KINDS)('%s', (kind) => {
  test('each extra instance adds exactly its custom resource: no new functions, roles or policies', () => {
    const growth = instanceGrowth(kind, 1, 3);
    expect(growth.added).toEqual({ [CUSTOM_RESOURCE_TYPES[kind]]: 2 });
    expect(growth.to.resources).toBe(growth.from.resources + 2);
  });
});

test('200 DmsSchemaRefresh fit: under 500 resources and 1 MB, IAM policies within IAM\'s limits', () => {
  const stack = measureStack({ 'schema-refresh': 200 });
  expect(stack.customResources).toBe(200);
  expect(stack.synthError).toBeUndefined();
  expect(stack.resources).toBeLessThanOrEqual(MAX_STACK_RESOURCES);
  expect(stack.templateBytes).toBeLessThan(MAX_TEMPLATE_BYTES);
  expect(stack.largestPolicyBytes).toBeLessThan(MAX_ROLE_INLINE_POLICY_BYTES);
  expect(stack.largestRolePolicyBytes).toBeLessThan(MAX_ROLE_INLINE_POLICY_BYTES);
  expect(stack.largestManagedPolicyBytes).toBeLessThan(MAX_MANAGED_POLICY_BYTES);
  expect(checkLimits(stack).all).toBe(true);
});

// The handler role's managed policy is largest with every ARN listed (10 of each type) and, in a
// VPC, the network-interface grant; a managed policy may have 6,144 characters.
const inVpc = (stack: Stack) => DmsLifecycleProviders.configure(stack, {
  vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'] }),
  logEncryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
});
test.each([['outside a VPC', undefined], ['in a VPC, logs encrypted', inVpc]])(
  'the shared managed policy stays under 6,144 bytes where it is largest (10 of each kind, every ARN listed), %s',
  (_label, configure) => {
    const stack = measureStack({ 'schema-refresh': 10, 'connection-test': 10, 'replication-teardown': 10 }, 1, configure);
    expect(stack.largestManagedPolicyBytes).toBeGreaterThan(4_000);
    expect(stack.largestManagedPolicyBytes).toBeLessThan(MAX_MANAGED_POLICY_BYTES);
    expect(stack.largestRolePolicyBytes).toBeLessThan(MAX_ROLE_INLINE_POLICY_BYTES);
  },
);

test.each(HANDLER_KINDS)('the %s handler bundle in assets/ is at most 50 KB and leaves the AWS SDK to the runtime', (kind) => {
  // assets/ is written by `npx projen bundle`, which `npx projen test` runs first.
  const bundle = measureBundle(kind, handlerBundlePath(kind));
  expect(bundle.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  expect(bundle.sdkExternal).toBe(true);
});
