import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CutoverCriterion, DmsConnectionTest, DmsCutoverReadiness, DmsCutoverReadinessProps } from '../src';
import { handlerStatements } from './support/dms-policy';

const ACCOUNT = '123456789012';
const arn = (type: string, id: string) => `arn:aws:dms:us-east-1:${ACCOUNT}:${type}:${id}`;
const newStack = () => new Stack(new App(), 'Ready', { env: { account: ACCOUNT, region: 'us-east-1' } });

test('least privilege: table statistics only on the ARNs given; CloudWatch reads and DMS lists on * (IAM scopes neither)', () => {
  const stack = newStack();
  new DmsCutoverReadiness(stack, 'Config', { replicationConfigArn: arn('replication-config', 'C') });
  new DmsCutoverReadiness(stack, 'Task', { replicationTaskArn: arn('task', 'T') });
  const statements = handlerStatements(Template.fromStack(stack));
  const grants = (action: string) => statements.filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());
  expect(grants('dms:DescribeReplicationTableStatistics')).toEqual([arn('replication-config', 'C')]);
  expect(grants('dms:DescribeTableStatistics')).toEqual([arn('task', 'T')]);
  for (const action of ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'dms:DescribeReplications', 'dms:DescribeReplicationTasks']) {
    expect(grants(action)).toEqual(['*']);
  }
  const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
  expect([...actions].filter((a) => a.startsWith('dms:') || a.startsWith('cloudwatch:')).sort()).toEqual([
    'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'dms:DescribeReplicationTableStatistics', 'dms:DescribeReplicationTasks',
    'dms:DescribeReplications', 'dms:DescribeTableStatistics',
  ]);
});

test('a readiness check makes two DMS calls (the replication, its table statistics): it counts twice in the stack\'s call budget', () => {
  const stack = newStack();
  new DmsCutoverReadiness(stack, 'Ready', { replicationTaskArn: arn('task', 'T') });
  new DmsConnectionTest(stack, 'Test', { endpointArn: arn('endpoint', 'E'), replicationInstanceArn: arn('rep', 'R') });
  const envs = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
    .map((fn: any) => fn.Properties.Environment?.Variables?.DMS_LIFECYCLE_STACK_RESOURCES)
    .filter((v) => v !== undefined);
  expect(envs).toHaveLength(4);
  expect(new Set(envs)).toEqual(new Set(['3']));
});

test('the custom resource carries the criteria, with the defaults', () => {
  const stack = newStack();
  new DmsCutoverReadiness(stack, 'Defaults', { replicationTaskArn: arn('task', 'T') });
  new DmsCutoverReadiness(stack, 'Set', {
    replicationConfigArn: arn('replication-config', 'C'),
    maxSourceLatency: Duration.seconds(5),
    maxTargetLatency: Duration.seconds(30),
    latencyWindow: Duration.minutes(10),
    waiveValidation: true,
    schemaNames: ['sales', 'billing'],
    timeout: Duration.minutes(55),
  });
  const resources = Object.values(Template.fromStack(stack).findResources('Custom::DmsCutoverReadiness')).map((r: any) => r.Properties);
  expect(resources).toEqual([
    expect.objectContaining({
      ReplicationTaskArn: arn('task', 'T'), MaxSourceLatencySeconds: '10', MaxTargetLatencySeconds: '10', LatencyWindowSeconds: '300', WaiveValidation: 'false', TimeoutSeconds: '1800',
    }),
    expect.objectContaining({
      ReplicationConfigArn: arn('replication-config', 'C'),
      MaxSourceLatencySeconds: '5',
      MaxTargetLatencySeconds: '30',
      LatencyWindowSeconds: '600',
      WaiveValidation: 'true',
      SchemaNames: 'sales,billing',
      TimeoutSeconds: '3300',
    }),
  ]);
  expect(resources[0].SchemaNames).toBeUndefined();
});

test('the drained criterion, alone or beside the latency window, and accepted conditional-check failures', () => {
  const stack = newStack();
  new DmsCutoverReadiness(stack, 'Drained', { replicationTaskArn: arn('task', 'T'), criteria: [CutoverCriterion.drained({ window: Duration.minutes(10) })] });
  new DmsCutoverReadiness(stack, 'Both', {
    replicationConfigArn: arn('replication-config', 'C'),
    criteria: [
      CutoverCriterion.latencyWindow({ maxTargetLatency: Duration.seconds(30), window: Duration.minutes(14 * 24 * 60) }),
      CutoverCriterion.drained(),
    ],
    acceptedConditionalCheckFailures: { 'sales.orders': 3, '*': 1 },
  });
  const resources = Object.values(Template.fromStack(stack).findResources('Custom::DmsCutoverReadiness')).map((r: any) => r.Properties);
  expect(resources[0]).toMatchObject({ CdcCriteria: 'drained', DrainedWindowSeconds: '600' });
  expect(resources[0].LatencyWindowSeconds).toBeUndefined();
  expect(resources[1]).toMatchObject({
    CdcCriteria: 'latency-window,drained',
    MaxSourceLatencySeconds: '10',
    MaxTargetLatencySeconds: '30',
    LatencyWindowSeconds: String(14 * 24 * 3600),
    DrainedWindowSeconds: '300',
    AcceptedConditionalCheckFailures: 'sales.orders=3,*=1',
  });
});

test('the drained window has the same bound, checked where the criterion is made', () => {
  expect(() => CutoverCriterion.drained({ window: Duration.minutes(15 * 24 * 60 - 5) }))
    .toThrow(/^drained window must be at most 14d 23h 54m: CloudWatch keeps one-minute data points/);
  expect(CutoverCriterion.drained({ window: Duration.minutes(15 * 24 * 60 - 6) }).name).toBe('drained');
});

test.each<[string, Partial<DmsCutoverReadinessProps>, RegExp]>([
  ['neither ARN', {}, /needs exactly one of replicationConfigArn \(DMS Serverless\) or replicationTaskArn \(classic task\); got neither/],
  ['both ARNs', { replicationConfigArn: arn('replication-config', 'C'), replicationTaskArn: arn('task', 'T') }, /got both/],
  ['an ARN of the wrong type', { replicationTaskArn: arn('endpoint', 'E') }, /replicationTaskArn/],
  ['a window whose query starts past the 15 days CloudWatch keeps one-minute points', { replicationTaskArn: arn('task', 'T'), latencyWindow: Duration.days(15) },
    /^latencyWindow must be at most 14d 23h 54m: CloudWatch keeps one-minute data points for 15 days \(a query that starts earlier needs 5-minute periods\) and the query starts 6m before the window; got 15d$/],
  ['a window under a minute', { replicationTaskArn: arn('task', 'T'), latencyWindow: Duration.seconds(30) }, /^latencyWindow must be at least 1m: DMS publishes its metrics once a minute; got 30s$/],
  ['a fractional window', { replicationTaskArn: arn('task', 'T'), latencyWindow: Duration.millis(90_500) }, /latencyWindow must be a literal whole number of seconds/],
  ['latency props beside criteria', { replicationTaskArn: arn('task', 'T'), latencyWindow: Duration.minutes(5), criteria: [CutoverCriterion.drained()] },
    /latencyWindow cannot be given together with criteria: pass it to CutoverCriterion\.latencyWindow\(\{ \.\.\. \}\) instead/],
  ['no criteria', { replicationTaskArn: arn('task', 'T'), criteria: [] }, /criteria must hold at least one criterion/],
  ['a criterion twice', { replicationTaskArn: arn('task', 'T'), criteria: [CutoverCriterion.drained(), CutoverCriterion.drained()] }, /criteria holds drained twice/],
  ['a conditional-check allowance with a bad key', { replicationTaskArn: arn('task', 'T'), acceptedConditionalCheckFailures: { orders: 3 } },
    /acceptedConditionalCheckFailures takes schema\.table \(or \* for all other tables\) as keys/],
  ['a negative allowance', { replicationTaskArn: arn('task', 'T'), acceptedConditionalCheckFailures: { 'sales.orders': -1 } }, /acceptedConditionalCheckFailures takes whole numbers of at least 0/],
  ['a fractional latency', { replicationTaskArn: arn('task', 'T'), maxSourceLatency: Duration.millis(1500) }, /maxSourceLatency must be a literal whole number of seconds, at least 1 \(for example Duration\.seconds\(10\)\)/],
  ['a schema name with a comma', { replicationTaskArn: arn('task', 'T'), schemaNames: ['a,b'] }, /schemaNames must be schema names without commas, for example \['sales', 'billing'\]; got "a,b"/],
  ['a timeout over an hour', { replicationTaskArn: arn('task', 'T'), timeout: Duration.hours(2) }, /timeout must be at most 1 hour/],
])('a clear synth-time error for %s', (_, props, message) => {
  expect(() => new DmsCutoverReadiness(newStack(), 'Ready', props as DmsCutoverReadinessProps)).toThrow(message);
});
