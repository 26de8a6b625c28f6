import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DmsConnectionTest, DmsReplicationTeardown, DmsSchemaRefresh, ConnectionPrecondition } from '../src';
import { handlerStatements } from './support/dms-policy';

/**
 * Every DMS action that supports resource-level permissions is granted only on the
 * ARNs the user passed, with two documented exceptions: beyond 10 ARNs of a type the
 * policy names that type's ARNs in the account and region (to stay bounded), and
 * the stop actions always do (an update may remove a config before its teardown runs).
 */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (type: string, id: string) => `arn:aws:dms:${REGION}:${ACCOUNT}:${type}:${id}`;
const RESOURCE_LEVEL = ['dms:RefreshSchemas', 'dms:DescribeRefreshSchemasStatus', 'dms:TestConnection', 'dms:StopReplication', 'dms:StopReplicationTask'];
const UNSCOPABLE = ['dms:DescribeConnections', 'dms:DescribeReplications', 'dms:DescribeReplicationTasks'];

/** Everything the handler roles may do: DMS, the rollback check and writing their logs. */
const allStatements = (stack: Stack) => handlerStatements(Template.fromStack(stack));

/** action → resources granted, over every statement. */
function grantsByAction(stack: Stack): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const st of allStatements(stack)) {
    for (const action of [st.Action].flat()) {
      grants.set(action, [...(grants.get(action) ?? []), ...[st.Resource].flat().map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))]);
    }
  }
  return grants;
}

function build(n: number) {
  const stack = new Stack(new App(), 'LeastPrivilege', { env: { account: ACCOUNT, region: REGION } });
  const passed = { endpoint: new Set<string>(), rep: new Set<string>() };
  for (let i = 0; i < n; i++) {
    const endpointArn = arn('endpoint', `E${i}`);
    const replicationInstanceArn = arn('rep', `I${i}`);
    passed.endpoint.add(endpointArn);
    passed.rep.add(replicationInstanceArn);
    new DmsSchemaRefresh(stack, `Refresh${i}`, { endpointArn, replicationInstanceArn, connectionPrecondition: ConnectionPrecondition.ALWAYS_TEST });
    new DmsConnectionTest(stack, `Test${i}`, { endpointArn, replicationInstanceArn });
  }
  new DmsReplicationTeardown(stack, 'StopConfig', { replicationConfigArn: arn('replication-config', 'C') });
  new DmsReplicationTeardown(stack, 'StopTask', { replicationTaskArn: arn('task', 'T') });
  return { stack, passed };
}

test.each([1, 10])('with %i pairs: resource-level actions only on the ARNs passed (stop actions: their type in the account/region)', (n) => {
  const { stack, passed } = build(n);
  const grants = grantsByAction(stack);
  const allowed: Record<string, Set<string>> = {
    'dms:RefreshSchemas': new Set([...passed.endpoint, ...passed.rep]),
    'dms:DescribeRefreshSchemasStatus': passed.endpoint,
    'dms:TestConnection': new Set([...passed.endpoint, ...passed.rep]),
    'dms:StopReplication': new Set([arn('replication-config', '*')]),
    'dms:StopReplicationTask': new Set([arn('task', '*')]),
  };
  for (const action of RESOURCE_LEVEL) {
    const resources = grants.get(action) ?? [];
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect({ action, resource: r, allowed: allowed[action].has(r) }).toEqual({ action, resource: r, allowed: true });
  }
  for (const action of UNSCOPABLE) expect(new Set(grants.get(action))).toEqual(new Set(['*']));
  // Nothing else is granted on '*'.
  for (const [action, resources] of grants) if (resources.includes('*')) expect(UNSCOPABLE).toContain(action);
});

test('beyond 10 ARNs of a type, the policy names that type in the stack\'s account and region, never another type or *', () => {
  const { stack } = build(11);
  const grants = grantsByAction(stack);
  expect(new Set(grants.get('dms:DescribeRefreshSchemasStatus'))).toEqual(new Set([arn('endpoint', '*')]));
  expect(new Set(grants.get('dms:RefreshSchemas'))).toEqual(new Set([arn('endpoint', '*'), arn('rep', '*')]));
});

test('stack reads (the rollback check; the teardown\'s "does the replication stay?") are on this stack only', () => {
  const { stack } = build(1);
  const reads = allStatements(stack).filter((st) => [st.Action].flat().some((a) => a.startsWith('cloudformation:')));
  expect(reads.map((st) => stack.resolve(st.Resource))).toEqual([{ Ref: 'AWS::StackId' }, { Ref: 'AWS::StackId' }, { Ref: 'AWS::StackId' }]);
  expect(reads.map((st) => [st.Action].flat())).toEqual([
    ['cloudformation:DescribeStacks'],
    ['cloudformation:DescribeStacks'],
    ['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
  ]);
});
