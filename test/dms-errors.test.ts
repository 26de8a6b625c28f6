import { apiFailure, clip, DmsOperationFailed, isTransient, quote } from '../lambda/dms';

const huge = Array.from({ length: 400 }, (_, i) => `行 ${i}: スキーマの更新に失敗しました — 接続がリセットされました`).join('\n');

test('quoted DMS text is one line and at most 500 UTF-8 bytes', () => {
  const q = quote(huge);
  expect(q).not.toContain('\n');
  expect(Buffer.byteLength(q)).toBeLessThanOrEqual(500);
  expect(q.endsWith('…')).toBe(true);
});

test('a reason is at most 1000 UTF-8 bytes and never cuts a character in half', () => {
  const err = new DmsOperationFailed(`Schema refresh failed: ${'é'.repeat(2000)}`);
  expect(Buffer.byteLength(err.message)).toBeLessThanOrEqual(1000);
  expect(err.message).not.toContain('\uFFFD');
  expect(err.stack).toBe(`DmsOperationFailed: ${err.message}`);
});

test('clip keeps short text as it is', () => {
  expect(clip('short', 10)).toBe('short');
});

test('an API failure names the call, the subject and DMS\'s code', () => {
  const err = apiFailure('RefreshSchemas', 'endpoint arn:x', Object.assign(new Error('not found'), { name: 'ResourceNotFoundFault' }));
  expect(err.message).toBe('DMS RefreshSchemas failed for endpoint arn:x: ResourceNotFoundFault: not found');
  expect(err.code).toBe('ResourceNotFoundFault');
});

test.each([
  ['ThrottlingException', true],
  ['ServiceUnavailable', true],
  ['InternalFailure', true],
  ['TimeoutError', true],
  ['AccessDeniedFault', false],
  ['ResourceNotFoundFault', false],
])('isTransient(%s) = %s', (name, transient) => {
  expect(isTransient(Object.assign(new Error('x'), { name }))).toBe(transient);
});

test('network errors and 5xx responses are transient', () => {
  expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
  expect(isTransient(Object.assign(new Error('bad gateway'), { name: 'UnknownError', $metadata: { httpStatusCode: 502 } }))).toBe(true);
  expect(isTransient(new DmsOperationFailed('wrapped', 'ThrottlingException'))).toBe(true);
});
