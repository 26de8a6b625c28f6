import { attemptName, attemptOf, DmsOperationFailed, isAccessDenied } from '../lambda/dms';

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
