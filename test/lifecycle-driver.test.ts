import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import {
  CREATE_FAILED_PHYSICAL_ID_MARKER,
  defaultPhysicalId,
  LifecycleDriver,
  type LifecycleDriverOptions,
  type ProgressEvent,
} from '../tools/lifecycle';

const HANDLERS = path.join(__dirname, 'fixtures', 'lifecycle-driver', 'handlers');
const FRAMEWORK_RUNTIME = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resources/lib/provider-framework/runtime');
/** Waiter waits at 1/100 of real time unless a test says otherwise. */
const FAST = 0.01;

interface Call {
  handler: 'onEvent' | 'isComplete';
  event: any;
  env: Record<string, string | undefined>;
  context: { functionName: string; remainingMs: number };
}

interface FixtureOptions {
  readonly onEventTimeout?: Duration;
  readonly functionEnv?: string;
  /** Handler of the onEvent function. @default index.onEvent */
  readonly onEventHandler?: string;
  /** @default true */
  readonly withIsComplete?: boolean;
}

/** A stack with a real Provider (1 s query interval, 5 s total) over the fixture handlers. */
function fixtureStack(app: App, id: string, options: FixtureOptions = {}) {
  const stack = new Stack(app, id);
  const code = lambda.Code.fromAsset(HANDLERS);
  const environment = { FIXTURE_FUNCTION_ENV: options.functionEnv ?? `fn-env-${stack.region}` };
  const onEvent = new lambda.Function(stack, 'OnEvent', {
    runtime: lambda.Runtime.NODEJS_20_X, handler: options.onEventHandler ?? 'index.onEvent', code, environment, timeout: options.onEventTimeout,
  });
  const isComplete = options.withIsComplete === false
    ? undefined
    : new lambda.Function(stack, 'IsComplete', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.isComplete', code, environment });
  const provider = new cr.Provider(stack, 'Provider', {
    onEventHandler: onEvent,
    isCompleteHandler: isComplete,
    ...(isComplete ? { queryInterval: Duration.seconds(1), totalTimeout: Duration.seconds(5) } : {}),
  });
  const resource = (rid: string, properties: Record<string, any>, serviceTimeout?: Duration) =>
    new CustomResource(stack, rid, { serviceToken: provider.serviceToken, resourceType: 'Custom::Fixture', properties, serviceTimeout });
  return { stack, resource, onEvent };
}

/** Temp dirs and drivers to clean up after the tests. */
const tempDirs: string[] = [];
const drivers: LifecycleDriver[] = [];

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function synth(build: (app: App) => void): string {
  const app = new App({ outdir: tempDir('lifecycle-driver-test-') });
  build(app);
  return app.synth().directory;
}

/** A driver whose handlers log their calls to a fresh state file. */
function driverFor(assemblyDir: string, stackName: string, options: Partial<LifecycleDriverOptions> = {}) {
  const stateFile = path.join(tempDir('lifecycle-fixture-'), 'calls.json');
  const driver = new LifecycleDriver({
    assemblyDir,
    stackName,
    intervalScale: FAST,
    ...options,
    env: { LIFECYCLE_FIXTURE_STATE: stateFile, FIXTURE_MARK: 'from-options', ...options.env },
  });
  drivers.push(driver);
  const calls = (): Call[] => (fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : []);
  return { driver, calls };
}

const fixture = (events: ProgressEvent[]) => events.filter((e) => e.resourceType === 'Custom::Fixture');
const statusesOf = (events: ProgressEvent[]) => fixture(events).map((e) => `${e.logicalId} ${e.status}`);

let v1: string;

beforeAll(() => {
  v1 = synth((app) => {
    const happy = fixtureStack(app, 'Happy');
    const a = happy.resource('A', {
      CompleteOnPoll: 3,
      OnEventData: { FromOnEvent: 'on' },
      IsCompleteData: { FromIsComplete: 'ic' },
      Number: 42,
      Flag: true,
      Nested: { List: [1, false, 'x'] },
    }, Duration.seconds(300));
    const endpoint = new CfnResource(happy.stack, 'Endpoint', { type: 'AWS::DMS::Endpoint', properties: { EndpointType: 'source', EngineName: 'postgres' } });
    const b = happy.resource('B', { FromA: a.getAttString('FromOnEvent'), PollsOfA: a.getAttString('Polls'), RefA: a.ref, EndpointArn: endpoint.ref });
    new CfnOutput(happy.stack, 'PollsOfA', { value: a.getAttString('Polls') });
    new CfnOutput(happy.stack, 'RefB', { value: b.ref });

    fixtureStack(app, 'OnEventThrows').resource('A', { FailIn: 'onEvent', FailMessage: 'boom: bad input' });
    fixtureStack(app, 'IsCompleteThrows').resource('A', { CompleteOnPoll: 2, FailIn: 'isComplete', FailMessage: 'still broken' });
    fixtureStack(app, 'Never').resource('A', { NeverComplete: 'true' });
    fixtureStack(app, 'ServiceTimeout').resource('A', { NeverComplete: 'true' }, Duration.seconds(2));
    fixtureStack(app, 'TooLong').resource('A', { BigData: 5000 });
    fixtureStack(app, 'DataEarly').resource('A', { DataWhileIncomplete: 'true' });
    fixtureStack(app, 'LambdaTimeout', { onEventTimeout: Duration.seconds(1) }).resource('A', { SleepMs: 1500 });
    fixtureStack(app, 'Slow').resource('A', { CompleteOnPoll: 3 });
    fixtureStack(app, 'DeleteFails').resource('A', { FailIn: 'onEvent', FailOn: 'Delete', FailMessage: 'cannot delete' });
    fixtureStack(app, 'NoWaiter', { withIsComplete: false }).resource('A', { OnEventData: { Only: 'onEvent' }, CompleteOnPoll: 3 });
    fixtureStack(app, 'Sdk', { withIsComplete: false, onEventHandler: 'sdk.onEvent' }).resource('A', {});
    const raw = fixtureStack(app, 'Raw', { withIsComplete: false });
    new CustomResource(raw.stack, 'Direct', { serviceToken: raw.onEvent.functionArn });
  });
});

afterAll(() => {
  drivers.forEach((d) => d.dispose());
  tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

describe('deploy and destroy', () => {
  test('creates in dependency order, reports progress and restores process.env', async () => {
    const seen: ProgressEvent[] = [];
    const { driver } = driverFor(v1, 'Happy', { onProgress: (e) => seen.push(e) });
    const envBefore = { ...process.env };
    const result = await driver.deploy();

    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.failures).toEqual([]);
    expect(seen).toEqual(result.events);
    expect(result.events[0]).toMatchObject({ logicalId: 'Happy', resourceType: 'AWS::CloudFormation::Stack', status: 'CREATE_IN_PROGRESS' });
    expect(result.events[result.events.length - 1]).toMatchObject({ logicalId: 'Happy', status: 'CREATE_COMPLETE' });
    expect(statusesOf(result.events)).toEqual(['A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE', 'B CREATE_IN_PROGRESS', 'B CREATE_COMPLETE']);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(process.env).toEqual(envBefore);
  });

  test('events, properties, attributes, outputs, env and stats look like CloudFormation and the framework', async () => {
    const { driver, calls } = driverFor(v1, 'Happy');
    // A host profile must not leak into the "Lambda" environment.
    process.env.AWS_PROFILE = 'host-profile';
    try {
      expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
      expect(process.env.AWS_PROFILE).toBe('host-profile');
    } finally {
      delete process.env.AWS_PROFILE;
    }
    const log = calls();
    const aCreate = log.filter((c) => c.event.LogicalResourceId === 'A');
    expect(aCreate.map((c) => c.handler)).toEqual(['onEvent', 'isComplete', 'isComplete', 'isComplete']);
    expect(driver.stats('A')).toMatchObject({ requestType: 'Create', onEventInvocations: 1, isCompleteInvocations: 3 });
    // Two waits of 1 s (BackoffRate 1), in simulated time.
    expect(driver.stats('A')!.durationMs).toBeGreaterThanOrEqual(2000);

    const onEvent = aCreate[0];
    const a = driver.resources.get('A')!;
    expect(onEvent.event).toMatchObject({
      RequestType: 'Create',
      ServiceTimeout: '300',
      LogicalResourceId: 'A',
      ResourceType: 'Custom::Fixture',
      StackId: expect.stringMatching(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/Happy\//),
      ResponseURL: expect.stringMatching(/^https:\/\//),
      ResourceProperties: {
        ServiceToken: expect.stringMatching(/^arn:aws:lambda:us-east-1:123456789012:function:/),
        ServiceTimeout: '300',
        CompleteOnPoll: '3',
        Number: '42',
        Flag: 'true',
        Nested: { List: ['1', 'false', 'x'] },
      },
    });
    expect(onEvent.event.PhysicalResourceId).toBeUndefined();
    expect(onEvent.event.OldResourceProperties).toBeUndefined();
    // Default physical id of a Create is the RequestId; isComplete sees onEvent's result merged in.
    expect(a.physicalId).toBe(onEvent.event.RequestId);
    expect(aCreate[1].event).toMatchObject({ PhysicalResourceId: a.physicalId, Data: { FromOnEvent: 'on' } });
    expect(a.attributes).toEqual({ FromOnEvent: 'on', Polls: 3, FromIsComplete: 'ic' });

    // Env: function env (resolved), options.env, reserved Lambda vars; none of the host's AWS_* vars.
    expect(onEvent.env).toEqual({
      functionName: onEvent.context.functionName,
      region: 'us-east-1',
      fixtureMark: 'from-options',
      functionEnv: 'fn-env-us-east-1',
    });
    expect(onEvent.env.hostOnly).toBeUndefined();
    // The user function is invoked by the framework function the ServiceToken names, not directly.
    expect(onEvent.event.ResourceProperties.ServiceToken).not.toContain(onEvent.context.functionName);
    expect(onEvent.context.remainingMs).toBeGreaterThan(2000);
    expect(onEvent.context.remainingMs).toBeLessThanOrEqual(3000);

    // B got A's attributes as strings, and the DMS endpoint's ARN as its Ref.
    const bCreate = log.find((c) => c.event.LogicalResourceId === 'B' && c.handler === 'onEvent')!;
    expect(bCreate.event.ResourceProperties).toMatchObject({
      FromA: 'on',
      PollsOfA: '3',
      RefA: a.physicalId,
      EndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:ENDPOINT',
    });
    expect(driver.outputs()).toEqual({ PollsOfA: '3', RefB: driver.resources.get('B')!.physicalId });

    const destroyed = await driver.destroy();
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(destroyed.events)).toEqual(['B DELETE_IN_PROGRESS', 'B DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'A DELETE_COMPLETE']);
    const deletes = calls().filter((c) => c.event.RequestType === 'Delete' && c.handler === 'onEvent');
    expect(deletes.map((c) => c.event.LogicalResourceId)).toEqual(['B', 'A']);
    expect(deletes[1].event).toMatchObject({ PhysicalResourceId: a.physicalId, ResourceProperties: { CompleteOnPoll: '3' } });
    expect(deletes[1].event.OldResourceProperties).toBeUndefined();
    expect(driver.resources.size).toBe(0);
    // Framework functions and the waiter are deleted after the custom resources that use them.
    const order = destroyed.events.filter((e) => e.status === 'DELETE_COMPLETE').map((e) => e.logicalId);
    expect(order.indexOf('A')).toBeLessThan(order.findIndex((id) => id.startsWith('ProviderframeworkonEvent')));
  });
});

describe('failures', () => {
  test('a throwing onEvent fails the Create with the framework reason; the Delete that follows is skipped', async () => {
    const { driver, calls } = driverFor(v1, 'OnEventThrows');
    const result = await driver.deploy();
    expect(result.status).toBe('CREATE_FAILED');
    expect(result.failures).toHaveLength(1);
    const { logicalId, reason } = result.failures[0];
    expect(logicalId).toBe('A');
    const functionName = calls()[0].context.functionName;
    expect(reason.startsWith(`boom: bad input\n\nLogs: /aws/lambda/${functionName}\n\n    at `)).toBe(true);
    expect(driver.resources.get('A')).toMatchObject({ status: 'CREATE_FAILED', physicalId: CREATE_FAILED_PHYSICAL_ID_MARKER });
    expect(result.events[result.events.length - 1]).toMatchObject({ logicalId: 'OnEventThrows', status: 'CREATE_FAILED' });

    const destroyed = await driver.destroy();
    expect(destroyed.status).toBe('DELETE_COMPLETE');
    expect(driver.stats('A')).toMatchObject({ requestType: 'Delete', onEventInvocations: 0, isCompleteInvocations: 0 });
    expect(calls().filter((c) => c.event.RequestType === 'Delete')).toEqual([]);
  });

  test('a throwing isComplete fails the Create but keeps the physical id, so the Delete does run', async () => {
    const { driver, calls } = driverFor(v1, 'IsCompleteThrows');
    const result = await driver.deploy();
    expect(result.status).toBe('CREATE_FAILED');
    expect(result.failures[0].reason).toMatch(/^still broken\n\nLogs: \/aws\/lambda\/\S+\n\n {4}at /);
    const physicalId = driver.resources.get('A')!.physicalId;
    expect(physicalId).toBe(calls()[0].event.RequestId);

    await driver.destroy();
    const deletes = calls().filter((c) => c.event.RequestType === 'Delete');
    expect(deletes[0].event).toMatchObject({ PhysicalResourceId: physicalId });
  });

  test('never completing: "Operation timed out" after 1 + MaxAttempts isComplete calls', async () => {
    const { driver } = driverFor(v1, 'Never');
    const result = await driver.deploy();
    expect(result.failures).toEqual([{ logicalId: 'A', reason: 'Operation timed out' }]);
    // totalTimeout 5 s / queryInterval 1 s = MaxAttempts 5 retries after the first attempt.
    expect(driver.stats('A')).toMatchObject({ onEventInvocations: 1, isCompleteInvocations: 6 });
    expect(driver.stats('A')!.durationMs).toBeGreaterThanOrEqual(5000);
    expect(driver.stats('A')!.wallDurationMs).toBeLessThan(2000);
  });

  test('ServiceTimeout: CloudFormation gives up first', async () => {
    const { driver } = driverFor(v1, 'ServiceTimeout');
    const result = await driver.deploy();
    expect(result.failures[0].reason).toMatch(/^CloudFormation did not receive a response from your Custom Resource\. Please check your logs for requestId \[[0-9a-f-]{36}\]/);
    expect(driver.stats('A')).toMatchObject({ isCompleteInvocations: 2 });
    expect(driver.stats('A')!.durationMs).toBeGreaterThanOrEqual(2000);
    expect(driver.stats('A')!.durationMs).toBeLessThan(3000);
    // No response was accepted, so CloudFormation made up a physical id (and a later Delete gets it).
    expect(driver.resources.get('A')!.physicalId).toMatch(/^ServiceTimeout-A-/);
  });

  test('a response over 4096 bytes fails with "Response object is too long."', async () => {
    const { driver } = driverFor(v1, 'TooLong');
    const result = await driver.deploy();
    expect(result.failures).toEqual([{ logicalId: 'A', reason: 'Response object is too long.' }]);
  });

  test('Data with IsComplete: false is an error', async () => {
    const { driver } = driverFor(v1, 'DataEarly');
    const result = await driver.deploy();
    expect(result.failures[0].reason).toMatch(/^Error: "Data" is not allowed if "IsComplete" is "False"\n {4}at /);
  });

  test('a handler running past its Lambda timeout fails like Lambda does', async () => {
    const { driver } = driverFor(v1, 'LambdaTimeout');
    const result = await driver.deploy();
    // Lambda's timeout payload has no trace, so the framework reports its own Error's stack.
    expect(result.failures[0].reason).toMatch(/^Error: RequestId: \S+ Error: Task timed out after 1\.00 seconds\n\nLogs: \/aws\/lambda\/\S+\n/);
  });
});

describe('other shapes', () => {
  test('a Provider without isComplete answers right after onEvent', async () => {
    const { driver } = driverFor(v1, 'NoWaiter');
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    expect(driver.stats('A')).toMatchObject({ onEventInvocations: 1, isCompleteInvocations: 0 });
    expect(driver.resources.get('A')!.attributes).toEqual({ Only: 'onEvent' });
  });

  test('bundles that leave @aws-sdk external resolve it like the Lambda runtime, with Lambda credentials and region', async () => {
    const { driver } = driverFor(v1, 'Sdk', { region: 'eu-central-1' });
    const result = await driver.deploy();
    expect(result.failures).toEqual([]);
    expect(driver.resources.get('A')!.attributes).toEqual({ Client: 'function', Region: 'eu-central-1', AccessKeyId: 'ASIALIFECYCLEDRIVER0' });
  });

  test('a failed Delete keeps the resource and what it depends on', async () => {
    const { driver } = driverFor(v1, 'DeleteFails');
    await driver.deploy();
    const result = await driver.destroy();
    expect(result.status).toBe('DELETE_FAILED');
    expect(result.failures).toEqual([{ logicalId: 'A', reason: expect.stringMatching(/^cannot delete\n\nLogs: /) }]);
    expect(driver.resources.get('A')!.status).toBe('DELETE_FAILED');
    expect([...driver.resources.keys()].some((id) => id.startsWith('ProviderframeworkonEvent'))).toBe(true);
  });

  test('a custom resource not backed by a Provider fails clearly (or is simulated on request)', async () => {
    const failing = await driverFor(v1, 'Raw').driver.deploy();
    expect(failing.failures).toEqual([{ logicalId: 'Direct', reason: expect.stringContaining('is not a Provider framework onEvent function') }]);
    const simulated = driverFor(v1, 'Raw', { unsupportedCustomResources: 'simulate' }).driver;
    expect((await simulated.deploy()).status).toBe('CREATE_COMPLETE');
    expect(simulated.stats('Direct')).toBeUndefined();
  });
});

describe('update', () => {
  test('changed properties → Update; new physical id → old one deleted at cleanup; removed → deleted; added → created', async () => {
    const version = (n: 1 | 2) => synth((app) => {
      const { resource } = fixtureStack(app, 'Evolving', { functionEnv: `v${n}` });
      resource('A', { PhysicalId: `thing-${n}`, Version: n });
      resource('Keep', { Static: 'x' });
      if (n === 1) resource('Gone', { Static: 'y' });
      else resource('Added', { Static: 'z' });
    });
    const { driver, calls } = driverFor(version(1), 'Evolving');
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    expect(driver.resources.get('A')!.physicalId).toBe('thing-1');
    const before = calls().length;

    const result = await driver.update(version(2));
    expect(result.status).toBe('UPDATE_COMPLETE');
    const stackStatuses = result.events.filter((e) => e.logicalId === 'Evolving').map((e) => e.status);
    expect(stackStatuses).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE']);
    const statuses = statusesOf(result.events);
    expect(statuses.slice(0, 5)).toEqual(['A UPDATE_IN_PROGRESS', 'A UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE', 'Added CREATE_IN_PROGRESS', 'Added CREATE_COMPLETE']);
    expect(result.events.find((e) => e.logicalId === 'A' && e.reason)).toMatchObject({
      status: 'UPDATE_IN_PROGRESS', reason: 'Requested update required the provider to create a new physical resource', physicalId: 'thing-2',
    });
    // Cleanup (old A, removed Gone; independent of each other) after every create and update.
    expect(statuses.slice(5).sort()).toEqual(['A DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'Gone DELETE_COMPLETE', 'Gone DELETE_IN_PROGRESS']);
    const cleanupAt = result.events.findIndex((e) => e.status === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(result.events.findIndex((e) => e.logicalId === 'Gone' && e.status === 'DELETE_IN_PROGRESS')).toBeGreaterThan(cleanupAt);

    const onEvents = calls().slice(before).filter((c) => c.handler === 'onEvent').map((c) => c.event);
    const update = onEvents.find((e) => e.RequestType === 'Update')!;
    expect(update).toMatchObject({
      LogicalResourceId: 'A',
      PhysicalResourceId: 'thing-1',
      ResourceProperties: { PhysicalId: 'thing-2', Version: '2' },
      OldResourceProperties: { PhysicalId: 'thing-1', Version: '1' },
    });
    const oldDelete = onEvents.find((e) => e.RequestType === 'Delete' && e.LogicalResourceId === 'A')!;
    expect(oldDelete).toMatchObject({ PhysicalResourceId: 'thing-1', ResourceProperties: { Version: '1' } });
    expect(onEvents.filter((e) => e.LogicalResourceId === 'Keep')).toEqual([]);
    expect(driver.resources.get('A')!.physicalId).toBe('thing-2');
    expect([...driver.resources.keys()]).not.toContain('Gone');

    // The Lambda functions took their new environment without any handler call.
    expect(result.events.some((e) => e.resourceType === 'AWS::Lambda::Function' && e.status === 'UPDATE_COMPLETE')).toBe(true);
    const newCalls = calls().slice(before);
    expect(newCalls.every((c) => c.env.functionEnv === 'v2')).toBe(true);
  });
});

describe('timing', () => {
  test('intervalScale shrinks waiter waits but not simulated durations', async () => {
    const real = driverFor(v1, 'Slow', { intervalScale: 1 });
    const fast = driverFor(v1, 'Slow', { intervalScale: 0.05 });
    await real.driver.deploy();
    await fast.driver.deploy();
    const r = real.driver.stats('A')!;
    const f = fast.driver.stats('A')!;
    expect(r.isCompleteInvocations).toBe(3);
    expect(f.isCompleteInvocations).toBe(3);
    expect(r.wallDurationMs).toBeGreaterThanOrEqual(1900);
    expect(f.wallDurationMs).toBeLessThan(1000);
    expect(f.durationMs).toBeGreaterThanOrEqual(2000);
  });
});

describe('building blocks', () => {
  test('defaultPhysicalId gives DMS ARNs and stable names', () => {
    const ctx = { region: 'eu-west-1', account: '111122223333', stackName: 'S' };
    expect(defaultPhysicalId('Src', 'AWS::DMS::Endpoint', {}, ctx)).toBe('arn:aws:dms:eu-west-1:111122223333:endpoint:SRC');
    expect(defaultPhysicalId('Ri', 'AWS::DMS::ReplicationInstance', {}, ctx)).toBe('arn:aws:dms:eu-west-1:111122223333:rep:RI');
    expect(defaultPhysicalId('T', 'AWS::DMS::ReplicationTask', {}, ctx)).toBe('arn:aws:dms:eu-west-1:111122223333:task:T');
    expect(defaultPhysicalId('C', 'AWS::DMS::ReplicationConfig', {}, ctx)).toBe('arn:aws:dms:eu-west-1:111122223333:replication-config:C');
    expect(defaultPhysicalId('Fn', 'AWS::Lambda::Function', { FunctionName: 'named' }, ctx)).toBe('named');
    expect(defaultPhysicalId('Fn', 'AWS::Lambda::Function', {}, ctx)).toBe(defaultPhysicalId('Fn', 'AWS::Lambda::Function', {}, ctx));
  });

  test('the framework behaviours mirrored here still exist in the installed aws-cdk-lib', () => {
    const cfnResponse = fs.readFileSync(path.join(FRAMEWORK_RUNTIME, 'cfn-response.js'), 'utf8');
    const framework = fs.readFileSync(path.join(FRAMEWORK_RUNTIME, 'framework.js'), 'utf8');
    expect(cfnResponse).toContain(CREATE_FAILED_PHYSICAL_ID_MARKER);
    expect(framework).toContain('Operation timed out');
    expect(framework).toContain('Logs: /aws/lambda/');
    expect(framework).toContain('"Data" is not allowed if "IsComplete" is "False"');
  });
});
