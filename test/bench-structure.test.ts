/**
 * The bench's structural targets, cheaply (no DMS waits), with the bench's own measuring
 * code (tools/bench): shared providers keep every extra construct at one custom resource,
 * 200 schema refreshes fit CloudFormation's and IAM's limits, and the handler bundles stay
 * small because the AWS SDK is left to the Lambda runtime.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DMS_SDK_MAX_ATTEMPTS } from '../lambda/dms/client';
import { DmsLifecycleProviders } from '../src';
import { HANDLER_KINDS, handlerBundlePath, measureBundle } from '../tools/bench/bundle-size';
import { CONCURRENCY_SIZES, ConcurrencyReport, runConcurrencySuite } from '../tools/bench/concurrency/concurrency-suite';
import { SCHEDULES, WAIT_KINDS } from '../tools/bench/concurrency/concurrent-waits';
import {
  MAX_BUNDLE_BYTES,
  MAX_MANAGED_POLICY_BYTES,
  MAX_LONG_WAIT_LATENCY_SHARE,
  MAX_ROLE_INLINE_POLICY_BYTES,
  MAX_SHORT_WAIT_MEDIAN_LATENCY_MS,
  MAX_STACK_RESOURCES,
  MAX_SUSTAINED_CALLS_PER_SECOND,
  MAX_TEMPLATE_BYTES,
  MAX_THROTTLED_SHARE,
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

test.each(HANDLER_KINDS)(`the %s handler bundle in assets/ is at most ${MAX_BUNDLE_BYTES / 1024} KB and leaves the AWS SDK to the runtime`, (kind) => {
  // assets/ is written by `npx projen bundle`, which `npx projen test` runs first.
  const bundle = measureBundle(kind, handlerBundlePath(kind));
  expect(bundle.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  expect(bundle.sdkExternal).toBe(true);
});

describe('many waits at once (the bench\'s concurrency rows, simulated time)', () => {
  let report: ConcurrencyReport;
  beforeAll(async () => {
    report = await runConcurrencySuite();
  }, 180_000); // seconds alone; over a minute beside the other suites on a loaded 2-core machine

  test('bench.json rows: N = 1, 50 and 200 for each schedule, in the issue\'s shape', () => {
    expect(report.rows.map((r) => `${r.constructs}/${r.schedule}`)).toEqual(
      CONCURRENCY_SIZES.flatMap((n) => SCHEDULES.map((s) => `${n}/${s}`)),
    );
    for (const row of report.rows) {
      expect(row).toEqual(expect.objectContaining({
        constructs: expect.any(Number),
        schedule: expect.any(String),
        failed: expect.any(Number),
        callsPerSecond: expect.any(Number),
        throttled: expect.any(Number),
        latencyMedianS: expect.any(Number),
        latencyP95S: expect.any(Number),
      }));
    }
  });

  test('the rows mix the four construct kinds, waiting at once', () => {
    for (const row of report.rows) {
      const kinds = row.kinds;
      expect(Object.keys(kinds).sort()).toEqual([...WAIT_KINDS].sort());
      expect(Object.values(kinds).reduce((a, b) => a + b!, 0)).toBe(row.constructs * row.runs);
    }
    expect(report.rows.find((r) => r.constructs === 200)!.kinds).toEqual(Object.fromEntries(WAIT_KINDS.map((k) => [k, 50])));
  });

  test('200 at once with the adaptive schedule: none fails, ≤ 4 calls per second sustained, < 5 % throttled', () => {
    const row = report.rows.find((r) => r.constructs === 200 && r.schedule === 'adaptive')!;
    expect(row.failed).toBe(0);
    expect(row.callsPerSecond).toBeLessThanOrEqual(MAX_SUSTAINED_CALLS_PER_SECOND);
    expect(row.throttledShare).toBeLessThan(MAX_THROTTLED_SHARE);
  });

  test('one wait alone: median detection ≤ 2 s up to a minute, ≤ 5 % of longer refreshes', () => {
    expect(report.singleWait.shortRefreshes.latencyMedianS * 1000).toBeLessThanOrEqual(MAX_SHORT_WAIT_MEDIAN_LATENCY_MS);
    expect(report.singleWait.longRefreshes.latencyMedianShare).toBeLessThanOrEqual(MAX_LONG_WAIT_LATENCY_SHARE);
  });

  test('DMS calls per check in a throttled account: our client\'s one attempt (read from lambda/dms/client.ts), the plain Provider\'s SDK retries', () => {
    expect(report.sdkMaxAttempts).toBe(DMS_SDK_MAX_ATTEMPTS);
    for (const row of report.rows.filter((r) => r.schedule !== 'plain-provider')) {
      expect(row.callsPerThrottledCheck).toBeLessThanOrEqual(DMS_SDK_MAX_ATTEMPTS);
    }
    const fixed = report.rows.find((r) => r.constructs === 200 && r.schedule === 'fixed-2s')!;
    expect(fixed.callsPerThrottledCheck).toBe(DMS_SDK_MAX_ATTEMPTS); // throttled there, one call per check
    const plain = report.rows.find((r) => r.constructs === 200 && r.schedule === 'plain-provider')!;
    expect(plain.callsPerThrottledCheck).toBeGreaterThan(1);
    expect(plain.callsPerThrottledCheck).toBeLessThanOrEqual(report.plainSdkMaxAttempts);
  });

  test('the old fixed 2-s schedule and a plain Provider are throttled far beyond the target at 200 at once', () => {
    for (const schedule of ['fixed-2s', 'plain-provider'] as const) {
      const row = report.rows.find((r) => r.constructs === 200 && r.schedule === schedule)!;
      expect(row.callsPerSecond).toBeGreaterThan(MAX_SUSTAINED_CALLS_PER_SECOND);
      expect(row.throttledShare).toBeGreaterThan(MAX_THROTTLED_SHARE);
    }
  });
});
