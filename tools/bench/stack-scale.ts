/**
 * What N lifecycle constructs cost a stack: resources (by type), template bytes, IAM policy
 * sizes and synth time. Used by the bench and by test/bench-structure.test.ts.
 *
 * The constructs' ARNs are cross-stack imports (`Fn.importValue('dms-endpoint-7')`): tokens,
 * as with `cfnEndpoint.ref`, but without adding DMS resources to the stack, so the counts
 * show only what our constructs add. Every construct gets its own endpoint and replication
 * instance (the worst case for the IAM policy); a DmsConnectionTest tests the pair of the
 * DmsSchemaRefresh with the same index; teardowns alternate between replication configs
 * (DMS Serverless) and classic tasks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, Stack } from 'aws-cdk-lib';
import { measurePolicies } from './iam-policy-size';
import { MAX_ROLE_INLINE_POLICY_BYTES, MAX_MANAGED_POLICY_BYTES, MAX_STACK_RESOURCES, MAX_TEMPLATE_BYTES } from './limits';
import { median } from './stats';
import { DmsConnectionTest, DmsReplicationTeardown, DmsSchemaRefresh } from '../../src';

export type ConstructKind = 'schema-refresh' | 'connection-test' | 'replication-teardown';

export const CONSTRUCT_KINDS: readonly ConstructKind[] = ['schema-refresh', 'connection-test', 'replication-teardown'];

/** The custom resource type each construct adds. */
export const CUSTOM_RESOURCE_TYPES: Record<ConstructKind, string> = {
  'schema-refresh': 'Custom::DmsSchemaRefresh',
  'connection-test': 'Custom::DmsConnectionTest',
  'replication-teardown': 'Custom::DmsReplicationTeardown',
};

/** How many constructs of each kind a stack gets (missing kinds: none). */
export type InstanceCounts = Partial<Record<ConstructKind, number>>;

/** Adds `counts` lifecycle constructs to `stack`. */
export function addInstances(stack: Stack, counts: InstanceCounts): void {
  const endpoint = (i: number) => Fn.importValue(`dms-endpoint-${i}`);
  const instance = (i: number) => Fn.importValue(`dms-rep-${i}`);
  for (let i = 1; i <= (counts['schema-refresh'] ?? 0); i++) {
    new DmsSchemaRefresh(stack, `Refresh${i}`, { endpointArn: endpoint(i), replicationInstanceArn: instance(i) });
  }
  for (let i = 1; i <= (counts['connection-test'] ?? 0); i++) {
    new DmsConnectionTest(stack, `Test${i}`, { endpointArn: endpoint(i), replicationInstanceArn: instance(i) });
  }
  for (let i = 1; i <= (counts['replication-teardown'] ?? 0); i++) {
    new DmsReplicationTeardown(stack, `Teardown${i}`, i % 2
      ? { replicationConfigArn: Fn.importValue(`dms-replication-config-${i}`) }
      : { replicationTaskArn: Fn.importValue(`dms-task-${i}`) });
  }
}

/** What one synthesized stack costs. */
export interface StackMeasurement {
  readonly counts: Record<ConstructKind, number>;
  /** Our custom resources (one per construct). */
  readonly customResources: number;
  /** Every resource of the template. */
  readonly resources: number;
  readonly resourcesByType: Record<string, number>;
  /** Bytes of `<stack>.template.json` as `cdk synth` writes it. */
  readonly templateBytes: number;
  /** Largest single inline IAM policy, compact JSON, tokens resolved plausibly. */
  readonly largestPolicyBytes: number;
  readonly largestPolicyId: string;
  /** Largest total of the inline policies of one role (what IAM's 10,240 limit applies to). */
  readonly largestRolePolicyBytes: number;
  readonly largestRolePolicyRole: string;
  /** Largest customer managed policy (0 when there is none). */
  readonly largestManagedPolicyBytes: number;
  /** Median wall time to create the constructs and `app.synth()` (assets staged, template written). */
  readonly synthMs: number;
  readonly synthRuns: number;
  /**
   * Why `cdk synth` refuses the stack (aws-cdk-lib checks the 500-resource limit itself);
   * the numbers above then come from a synth with that check lifted.
   */
  readonly synthError?: string;
}

const STACK_NAME = 'DmsLifecycleBench';
/** aws-cdk-lib's context key for its own resource-count check (STACK_RESOURCE_LIMIT_CONTEXT). */
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/**
 * Synthesizes a stack with `counts` constructs `runs` times and measures it. `configure`
 * runs first on the stack, e.g. to call `DmsLifecycleProviders.configure`.
 */
export function measureStack(counts: InstanceCounts, runs = 1, configure?: (stack: Stack) => void): StackMeasurement {
  const times: number[] = [];
  let template: any;
  let templateBytes = 0;
  let synthError: string | undefined;
  for (let run = 0; run < Math.max(1, runs); run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dms-bench-synth-'));
    try {
      const started = process.hrtime.bigint();
      const synth = (context: Record<string, string>) => {
        // analyticsReporting: the CDK CLI adds the AWS::CDK::Metadata resource too; count it.
        const app = new App({ outdir, analyticsReporting: true, context });
        const stack = new Stack(app, STACK_NAME, { env: { account: '123456789012', region: 'us-east-1' } });
        configure?.(stack);
        addInstances(stack, counts);
        return app.synth();
      };
      let assembly;
      try {
        assembly = synth({});
      } catch (e) {
        if (!/TooManyResourcesInStack|greater than allowed maximum/.test(String((e as Error).message))) throw e;
        const message = String((e as Error).message);
        synthError = /\d+ is greater than allowed maximum of \d+/.exec(message)?.[0] ?? message.slice(0, 120);
        assembly = synth({ [STACK_RESOURCE_LIMIT_CONTEXT]: '1000000' });
      }
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      const artifact = assembly.getStackByName(STACK_NAME);
      template = artifact.template;
      templateBytes = fs.statSync(path.join(assembly.directory, artifact.templateFile)).size;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  const resourcesByType: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    resourcesByType[resource.Type] = (resourcesByType[resource.Type] ?? 0) + 1;
  }
  const full = Object.fromEntries(CONSTRUCT_KINDS.map((k) => [k, counts[k] ?? 0])) as Record<ConstructKind, number>;
  const policies = measurePolicies(template);
  return {
    counts: full,
    customResources: CONSTRUCT_KINDS.reduce((n, k) => n + (resourcesByType[CUSTOM_RESOURCE_TYPES[k]] ?? 0), 0),
    resources: Object.keys(template.Resources ?? {}).length,
    resourcesByType,
    templateBytes,
    largestPolicyBytes: policies.largestInline?.bytes ?? 0,
    largestPolicyId: policies.largestInline?.id ?? '',
    largestRolePolicyBytes: policies.largestRole?.bytes ?? 0,
    largestRolePolicyRole: policies.largestRole?.role ?? '',
    largestManagedPolicyBytes: policies.largestManaged?.bytes ?? 0,
    synthMs: median(times),
    synthRuns: times.length,
    ...(synthError ? { synthError } : {}),
  };
}

/** Which CloudFormation / IAM limits a measured stack keeps. */
export interface LimitCheck {
  readonly resources: boolean;
  readonly templateBytes: boolean;
  readonly iamPolicies: boolean;
  readonly all: boolean;
}

export function checkLimits(m: StackMeasurement): LimitCheck {
  const resources = m.resources <= MAX_STACK_RESOURCES;
  const templateBytes = m.templateBytes <= MAX_TEMPLATE_BYTES;
  const iamPolicies = m.largestRolePolicyBytes < MAX_ROLE_INLINE_POLICY_BYTES && m.largestManagedPolicyBytes < MAX_MANAGED_POLICY_BYTES;
  return { resources, templateBytes, iamPolicies, all: resources && templateBytes && iamPolicies };
}

/** Resource types whose count differs between two measurements (`to` minus `from`). */
export function resourceDelta(from: StackMeasurement, to: StackMeasurement): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const type of new Set([...Object.keys(from.resourcesByType), ...Object.keys(to.resourcesByType)])) {
    const d = (to.resourcesByType[type] ?? 0) - (from.resourcesByType[type] ?? 0);
    if (d !== 0) delta[type] = d;
  }
  return delta;
}

/** Growth from `from` to `to` constructs of one kind: what was added, and whether it is exactly one custom resource each. */
export function instanceGrowth(kind: ConstructKind, from: number, to: number, runs = 1): {
  readonly added: Record<string, number>;
  readonly exactlyOneCustomResourceEach: boolean;
  readonly from: StackMeasurement;
  readonly to: StackMeasurement;
} {
  const a = measureStack({ [kind]: from }, runs);
  const b = measureStack({ [kind]: to }, runs);
  const added = resourceDelta(a, b);
  const expected = { [CUSTOM_RESOURCE_TYPES[kind]]: to - from };
  return { added, exactlyOneCustomResourceEach: JSON.stringify(added) === JSON.stringify(expected), from: a, to: b };
}

/**
 * The largest N such that N constructs of EACH kind fit CloudFormation's resource limit,
 * from a stack with one of each: its shared resources stay, every construct adds one.
 */
export function maxEachKindThatFits(oneOfEach: StackMeasurement): number {
  const kinds = CONSTRUCT_KINDS.length;
  const shared = oneOfEach.resources - kinds;
  return Math.floor((MAX_STACK_RESOURCES - shared) / kinds);
}
