import { DatabaseMigrationServiceClient, DescribeRefreshSchemasStatusCommand } from '@aws-sdk/client-database-migration-service';
import { callerOf, DmsEmulator, DmsEmulatorOptions, TokenBucket } from '../tools/dms-emulator';

describe('TokenBucket', () => {
  test('DMS\'s figures by default: 200 at once, then 8 per second', () => {
    const bucket = new TokenBucket();
    const t0 = 1_000_000;
    const burst = Array.from({ length: 201 }, () => bucket.take(t0));
    expect(burst.filter(Boolean)).toHaveLength(200);
    expect(bucket.take(t0 + 100)).toBe(false); // 0.8 token
    expect(bucket.take(t0 + 125)).toBe(true); // 1 token
    const nextSecond = Array.from({ length: 9 }, () => bucket.take(t0 + 1_125));
    expect(nextSecond.filter(Boolean)).toHaveLength(8);
  });

  test('refills up to its burst, never beyond', () => {
    const bucket = new TokenBucket({ burst: 5, refillPerSecond: 1 });
    expect(bucket.take(0)).toBe(true);
    expect(bucket.available(3_600_000)).toBe(5);
  });

  test('refuses a bucket that could never admit a call', () => {
    expect(() => new TokenBucket({ burst: 0 })).toThrow(/burst >= 1/);
    expect(() => new TokenBucket({ refillPerSecond: 0 })).toThrow(/refillPerSecond > 0/);
  });
});

test('the caller is the access key id of the SigV4 Authorization header', () => {
  expect(callerOf('AWS4-HMAC-SHA256 Credential=AKIDLIBRARY/20261123/us-east-1/dms/aws4_request, SignedHeaders=host, Signature=abc')).toBe('AKIDLIBRARY');
  expect(callerOf(undefined)).toBe('anonymous');
});

describe('the emulator throttles the account, not the caller', () => {
  const opened: DmsEmulator[] = [];
  const clients: DatabaseMigrationServiceClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach(c => c.destroy());
    await Promise.all(opened.splice(0).map(e => e.close()));
  });

  async function setup(options: DmsEmulatorOptions) {
    const emulator = await DmsEmulator.start(options);
    opened.push(emulator);
    const endpointArn = emulator.endpointArn('E');
    emulator.addEndpoint(endpointArn);
    const clientAs = (accessKeyId: string) => {
      const client = new DatabaseMigrationServiceClient({
        endpoint: emulator.url,
        region: emulator.region,
        credentials: { accessKeyId, secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      clients.push(client);
      return (() => client.send(new DescribeRefreshSchemasStatusCommand({ EndpointArn: endpointArn })));
    };
    return { emulator, clientAs };
  }

  test('an empty bucket answers ThrottlingException "Rate exceeded" with HTTP 400, counted per caller', async () => {
    const { emulator, clientAs } = await setup({ rateLimit: { burst: 3, refillPerSecond: 0.001 } });
    const library = clientAs('LIBRARY');
    const console = clientAs('CONSOLE');
    await library();
    await library();
    await console();
    const error = await library().then(() => undefined, (e) => e);
    expect(error?.name).toBe('ThrottlingException');
    expect(error?.message).toBe('Rate exceeded');
    expect(error?.$metadata?.httpStatusCode).toBe(400);
    await expect(console()).rejects.toThrow('Rate exceeded');
    expect(emulator.callers()).toEqual({ LIBRARY: { calls: 3, throttled: 1 }, CONSOLE: { calls: 2, throttled: 1 } });
    expect(emulator.calls.map(c => c.errorCode)).toEqual([undefined, undefined, undefined, 'ThrottlingException', 'ThrottlingException']);
  });

  test('rateLimit false turns it off', async () => {
    const { emulator, clientAs } = await setup({ rateLimit: false });
    const call = clientAs('LIBRARY');
    for (let i = 0; i < 5; i++) await call();
    expect(emulator.callers()).toEqual({});
  });
});
