import { attemptName, attemptOf, DmsOperationFailed, isAccessDenied } from '../lambda/dms';
import { PropagationWatch } from '../lambda/dms/iam-propagation';

test('attempt names: the request\'s name, then -2, -3…; other runs are none of ours', () => {
  expect([0, 1, 2].map((k) => attemptName('assess-abc123', k))).toEqual(['assess-abc123', 'assess-abc123-2', 'assess-abc123-3']);
  expect(attemptOf('assess-abc123', 'assess-abc123')).toBe(0);
  expect(attemptOf('assess-abc123', 'assess-abc123-3')).toBe(2);
  expect(['assess-abc1234', 'assess-abc123-1', 'assess-abc123-x', 'cli-20261206', 'assess-abc123-02'].map((n) => attemptOf('assess-abc123', n))).toEqual([undefined, undefined, undefined, undefined, undefined]);
});

test('every DMS access denial counts as possibly IAM propagation', () => {
  for (const code of ['AccessDeniedFault', 'S3AccessDeniedFault', 'KMSAccessDeniedFault']) expect(isAccessDenied(new DmsOperationFailed('x', code))).toBe(true);
  expect(isAccessDenied(new DmsOperationFailed('x', 'S3ResourceNotFoundFault'))).toBe(false);
});

test('denials are ridden out for the grace since the first, then thrown in DMS\'s words with how long they lasted', () => {
  let now = 1_000_000;
  const watch = new PropagationWatch(60_000, () => now);
  const denied = new DmsOperationFailed('DMS StartReplicationTaskAssessmentRun failed for replication task t: S3AccessDeniedFault: Access Denied', 'S3AccessDeniedFault');
  expect(watch.denied(denied)).toMatchObject({ holdUntil: 1_065_000 });
  now += 59_000;
  expect(() => watch.denied(denied)).not.toThrow();
  now += 1_000;
  expect(() => watch.denied(denied)).toThrow('DMS StartReplicationTaskAssessmentRun failed for replication task t: S3AccessDeniedFault: Access Denied (still denied after 60 s, retried while IAM may propagate)');
});
