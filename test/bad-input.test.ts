/**
 * The bad-input table (docs/troubleshooting.md): each row a synth-time error that
 * names the prop and shows a valid value.
 */
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { DmsConnectionTest, DmsReplicationTeardown, DmsSchemaRefresh } from '../src';

const ENDPOINT = 'arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE';
const INSTANCE = 'arn:aws:dms:us-east-1:123456789012:rep:INSTANCE';
const TASK = 'arn:aws:dms:us-east-1:123456789012:task:TASK';
const CONFIG = 'arn:aws:dms:us-east-1:123456789012:replication-config:CONFIG';

const newStack = () => new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });

type Build = (stack: Stack, override: Record<string, unknown>) => unknown;
const refresh: Build = (stack, o) => new DmsSchemaRefresh(stack, 'R', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE, ...o });
const connection: Build = (stack, o) => new DmsConnectionTest(stack, 'C', { endpointArn: ENDPOINT, replicationInstanceArn: INSTANCE, ...o });
const teardown: Build = (stack, o) => new DmsReplicationTeardown(stack, 'T', { replicationTaskArn: TASK, ...o });

const rows: Array<[string, Build, Record<string, unknown>, RegExp]> = [
  ['malformed ARN', refresh, { endpointArn: 'my-endpoint' }, /^endpointArn must be a DMS endpoint ARN such as arn:aws:dms:us-east-1:123456789012:endpoint:[A-Z]+; got "my-endpoint"$/],
  ['a non-DMS ARN', connection, { replicationInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:x' }, /^replicationInstanceArn must be a DMS replication instance ARN/],
  ['a task ARN given as endpoint', refresh, { endpointArn: TASK }, /^endpointArn must be a DMS endpoint ARN .*; got the ARN of a replication task/],
  ['an endpoint ARN given as instance', connection, { replicationInstanceArn: ENDPOINT }, /^replicationInstanceArn must be .*; got the ARN of a endpoint/],
  ['a task ARN given as replication config', teardown, { replicationTaskArn: undefined, replicationConfigArn: TASK }, /^replicationConfigArn must be a DMS replication config ARN/],
  ['endpoint and instance in different regions', refresh, { replicationInstanceArn: 'arn:aws:dms:eu-west-1:123456789012:rep:I' }, /^endpointArn and replicationInstanceArn must be in the same account and region .*123456789012\/us-east-1 .*123456789012\/eu-west-1/],
  ['an ARN in another account than the stack', connection, { endpointArn: 'arn:aws:dms:us-east-1:210987654321:endpoint:E' }, /^endpointArn is in account 210987654321, but the stack deploys to account 123456789012/],
  ['both teardown ARNs', teardown, { replicationConfigArn: CONFIG }, /exactly one of replicationConfigArn .* or replicationTaskArn .*; got both/],
  ['neither teardown ARN', teardown, { replicationTaskArn: undefined }, /exactly one of replicationConfigArn .* or replicationTaskArn .*; got neither/],
  ['timeout over 1 hour', refresh, { timeout: Duration.minutes(61) }, /^timeout must be at most 1 hour.*\(for example Duration\.minutes\(30\)\); got 1 hour 1 minute/],
  ['timeout not in whole seconds', teardown, { timeout: Duration.millis(1500) }, /^timeout must be a whole number of seconds, at least 1/],
  ['poll interval under 1 s', connection, { pollInterval: Duration.millis(500) }, /^pollInterval must be a whole number of seconds, at least 1 \(for example Duration\.seconds\(5\)\)/],
  ['poll interval not dividing the timeout', refresh, { timeout: Duration.minutes(1), pollInterval: Duration.seconds(7) }, /^pollInterval must divide timeout evenly .* got 7 seconds/],
  ['poll interval longer than the timeout', teardown, { timeout: Duration.seconds(10), pollInterval: Duration.seconds(20) }, /^pollInterval must divide timeout evenly/],
];

test.each(rows)('%s', (_name, build, override, message) => {
  expect(() => build(newStack(), override)).toThrow(message);
});

test('negative durations are refused by aws-cdk-lib itself, before they reach a prop', () => {
  expect(() => Duration.seconds(-5)).toThrow(/Duration amounts cannot be negative/);
});

test('tokens are not checked at synth time', () => {
  expect(() => refresh(newStack(), { endpointArn: Fn.importValue('SourceEndpointArn'), replicationInstanceArn: Fn.importValue('InstanceArn') })).not.toThrow();
});
