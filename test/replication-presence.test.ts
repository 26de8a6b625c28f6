/**
 * replicationStaysReason, the one answer to "does this replication go away with this Delete?"
 * that runs and teardowns share: narrow unit tests over CloudFormation's retention rules, with
 * the stack's reads stubbed (the lifecycle tests run the same decisions through the driver).
 */
import { replicationStaysReason, ReplicationRetention } from '../lambda/handler-kit/replication-presence';
import { StackReads, StackResource } from '../lambda/handler-kit/stack-status';

const ARN = 'arn:aws:dms:us-east-1:123456789012:replication-config:OLD';

interface StackShape {
  readonly status: string;
  /** The config's ARN is still its physical id in the stack (false: replaced, or a literal ARN). */
  readonly listed?: boolean;
  /** Its logical id is in the template the stack now has (false: the update removed it, or added it and rolled back). */
  readonly inTemplate?: boolean;
  readonly retainExceptOnCreate?: boolean;
}

function stackOf(shape: StackShape): StackReads {
  const resources: StackResource[] = shape.listed === false ? [] : [{ logicalId: 'Config', physicalId: ARN, resourceType: 'AWS::DMS::ReplicationConfig', status: 'UPDATE_COMPLETE' }];
  const reads: Pick<StackReads, 'status' | 'resources' | 'templateLogicalIds' | 'retainExceptOnCreate'> = {
    status: async () => shape.status,
    resources: async () => resources,
    templateLogicalIds: async () => new Set(shape.inTemplate === false ? [] : ['Config']),
    retainExceptOnCreate: async () => shape.retainExceptOnCreate ?? false,
  };
  return reads as StackReads;
}

const policies = (deletion: string, updateReplace = 'Delete'): ReplicationRetention => ({ deletion, updateReplace });
const goes = async (shape: StackShape, retention: ReplicationRetention, ownStart = false) =>
  (await replicationStaysReason(stackOf(shape), ARN, retention, ownStart)) === undefined;

test.each([
  ['Delete', true],
  ['Snapshot', true],
  ['Retain', false],
  ['RetainExceptOnCreate', false],
])('stack delete, DeletionPolicy %s: goes away = %s', async (deletion, expected) => {
  expect(await goes({ status: 'DELETE_IN_PROGRESS' }, policies(deletion))).toBe(expected);
  // The run's own create started it long ago: Retain still keeps it (only a rollback undoes our start).
  expect(await goes({ status: 'DELETE_IN_PROGRESS' }, policies(deletion), true)).toBe(expected);
});

test.each([
  ['Retain', false, false, false],
  ['Retain', true, false, true],
  ['Retain', false, true, true],
  ['RetainExceptOnCreate', false, false, true],
  ['Delete', false, false, true],
])('a failed create rolls back, DeletionPolicy %s, own start %s, stack flag %s: stopped = %s', async (deletion, ownStart, flag, expected) => {
  expect(await goes({ status: 'ROLLBACK_IN_PROGRESS', retainExceptOnCreate: flag }, policies(deletion), ownStart)).toBe(expected);
});

test('an update\'s cleanup: it stays in the stack; removed with Retain or RetainExceptOnCreate it is kept; removed otherwise it goes', async () => {
  const cleanup = { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' };
  expect(await replicationStaysReason(stackOf(cleanup), ARN, policies('Delete'))).toMatch(/stays in the stack as Config/);
  expect(await goes({ ...cleanup, inTemplate: false }, policies('Retain'))).toBe(false);
  expect(await goes({ ...cleanup, inTemplate: false }, policies('RetainExceptOnCreate'))).toBe(false);
  // The flag is about rollbacks: a forward cleanup keeps Retain whatever it says.
  expect(await goes({ ...cleanup, inTemplate: false, retainExceptOnCreate: true }, policies('Retain'))).toBe(false);
  expect(await goes({ ...cleanup, inTemplate: false }, policies('Delete'))).toBe(true);
});

test('an update\'s cleanup after a replacement: UpdateReplacePolicy decides, not DeletionPolicy', async () => {
  const replaced = { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', listed: false };
  expect(await replicationStaysReason(stackOf(replaced), ARN, policies('Delete', 'Retain'))).toMatch(/CloudFormation keeps the replication \(UpdateReplacePolicy Retain, stack UPDATE_COMPLETE_CLEANUP_IN_PROGRESS\)/);
  expect(await goes(replaced, policies('Retain', 'Delete'))).toBe(true);
});

test('an update rollback\'s cleanup deletes what the update created: Retain keeps it unless the flag or our own start says otherwise', async () => {
  const added = { status: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', inTemplate: false };
  expect(await goes(added, policies('Retain'))).toBe(false);
  expect(await goes(added, policies('Retain'), true)).toBe(true);
  expect(await goes({ ...added, retainExceptOnCreate: true }, policies('Retain'))).toBe(true);
  expect(await goes(added, policies('RetainExceptOnCreate'))).toBe(true);
  const replacement = { status: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', listed: false };
  expect(await goes(replacement, policies('Delete', 'Retain'))).toBe(false);
  expect(await goes({ ...replacement, retainExceptOnCreate: true }, policies('Delete', 'Retain'))).toBe(true);
});

test('no policies in the properties (a run deployed before they existed): as before, it goes away with the stack', async () => {
  expect(await replicationStaysReason(stackOf({ status: 'DELETE_IN_PROGRESS' }), ARN)).toBeUndefined();
});
