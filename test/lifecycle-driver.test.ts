import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CfnResource, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import {
  CREATE_FAILED_PHYSICAL_ID_MARKER,
  defaultPhysicalId,
  generatedName,
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
  /** What DescribeStacks answered the handler (AskStackStatus). */
  stackStatus?: string;
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

/** A stack A → New (v2 only) → B where B's Update to v2 fails; every onEvent asks DescribeStacks. */
function rollbackStack(stackName: string, n: 1 | 2, options: { rollbackFails?: boolean } = {}) {
  return synth((app) => {
    const { resource } = fixtureStack(app, stackName);
    const ask = { AskStackStatus: 'true' };
    const a = resource('A', { ...ask, PhysicalId: `a-${n}`, Version: n });
    const added = n === 2 ? resource('New', { ...ask, Static: 'n' }) : undefined;
    const failsOnUpdate = n === 2 || options.rollbackFails ? { FailIn: 'onEvent', FailOn: 'Update', FailMessage: `B cannot take v${n}` } : {};
    resource('B', { ...ask, Version: n, RefA: a.ref, ...(added ? { RefNew: added.ref } : {}), ...failsOnUpdate });
  });
}

const stackEvents = (events: ProgressEvent[], stackName: string) => events.filter((e) => e.logicalId === stackName).map((e) => e.status);

describe('update rollback', () => {
  test('a failed Update rolls back: updated resources get their old properties, created ones are deleted', async () => {
    const { driver, calls } = driverFor(rollbackStack('Rollback', 1), 'Rollback');
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    const bBefore = { ...driver.resources.get('B')! };
    const before = calls().length;

    const result = await driver.update(rollbackStack('Rollback', 2));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(driver.stackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stackEvents(result.events, 'Rollback')).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(result.events.find((e) => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS')!.reason).toBe('The following resource(s) failed to update: [B].');
    expect(result.failures).toEqual([{ logicalId: 'B', reason: expect.stringMatching(/^B cannot take v2\n\nLogs: /) }]);
    const rollbackAt = result.events.findIndex((e) => e.status === 'UPDATE_ROLLBACK_IN_PROGRESS');
    const cleanupAt = result.events.findIndex((e) => e.status === 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(statusesOf(result.events.slice(0, rollbackAt))).toEqual([
      'A UPDATE_IN_PROGRESS', 'A UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE', 'New CREATE_IN_PROGRESS', 'New CREATE_COMPLETE', 'B UPDATE_IN_PROGRESS', 'B UPDATE_FAILED',
    ]);
    // Rollback: A goes back to a-1 (a new physical id again), B gets its old properties.
    expect(statusesOf(result.events.slice(rollbackAt, cleanupAt))).toEqual([
      'A UPDATE_IN_PROGRESS', 'A UPDATE_IN_PROGRESS', 'A UPDATE_COMPLETE', 'B UPDATE_IN_PROGRESS', 'B UPDATE_COMPLETE',
    ]);
    // Cleanup: the resource this update created and the physical id the rollback replaced.
    expect(statusesOf(result.events.slice(cleanupAt)).sort()).toEqual(['A DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'New DELETE_COMPLETE', 'New DELETE_IN_PROGRESS']);
    expect(result.events.find((e) => e.logicalId === 'A' && e.status === 'DELETE_IN_PROGRESS')!.physicalId).toBe('a-2');

    const onEvents = calls().slice(before).filter((c) => c.handler === 'onEvent');
    const summary = onEvents.map((c) => `${c.event.RequestType} ${c.event.LogicalResourceId} ${c.event.PhysicalResourceId ?? '-'} ${c.stackStatus}`);
    expect(summary.slice(0, 5)).toEqual([
      'Update A a-1 UPDATE_IN_PROGRESS',
      expect.stringMatching(/^Create New - UPDATE_IN_PROGRESS$/),
      `Update B ${bBefore.physicalId} UPDATE_IN_PROGRESS`,
      'Update A a-2 UPDATE_ROLLBACK_IN_PROGRESS',
      `Update B ${bBefore.physicalId} UPDATE_ROLLBACK_IN_PROGRESS`,
    ]);
    expect(summary.slice(5).sort()).toEqual([
      'Delete A a-2 UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      expect.stringMatching(/^Delete New \S+ UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS$/),
    ]);
    // Rollback Updates: ResourceProperties = the old ones, OldResourceProperties = the failed new ones.
    const [, , bForward, aBack, bBack] = onEvents.map((c) => c.event);
    expect(aBack).toMatchObject({ ResourceProperties: { PhysicalId: 'a-1', Version: '1' }, OldResourceProperties: { PhysicalId: 'a-2', Version: '2' } });
    expect(bBack.ResourceProperties).toEqual(bBefore.properties);
    expect(bBack.OldResourceProperties).toEqual(bForward.ResourceProperties);
    expect(bBack.OldResourceProperties).toMatchObject({ FailIn: 'onEvent', RefA: 'a-2' });

    // State: as before the update; the stack can be updated again.
    expect(driver.resources.get('A')).toMatchObject({ physicalId: 'a-1', properties: { Version: '1' }, status: 'UPDATE_COMPLETE' });
    expect(driver.resources.get('B')).toMatchObject({ physicalId: bBefore.physicalId, properties: bBefore.properties });
    expect(driver.resources.has('New')).toBe(false);
    const again = await driver.update(rollbackStack('Rollback', 1), { stackName: 'Rollback' });
    expect(again.status).toBe('UPDATE_COMPLETE');
    expect(statusesOf(again.events)).toEqual([]);
  });

  test('a failed rollback Update ends UPDATE_ROLLBACK_FAILED, with nothing cleaned up; disableRollback leaves UPDATE_FAILED', async () => {
    const { driver } = driverFor(rollbackStack('RollbackFails', 1, { rollbackFails: true }), 'RollbackFails');
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    const result = await driver.update(rollbackStack('RollbackFails', 2, { rollbackFails: true }));
    expect(result.status).toBe('UPDATE_ROLLBACK_FAILED');
    expect(stackEvents(result.events, 'RollbackFails')).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED']);
    expect(result.failures.map((f) => `${f.logicalId} ${f.reason.split('\n')[0]}`)).toEqual(['B B cannot take v2', 'B B cannot take v1']);
    expect(driver.resources.get('B')!.status).toBe('UPDATE_FAILED');
    expect(driver.resources.get('New')!.status).toBe('CREATE_COMPLETE');
    await expect(driver.update(rollbackStack('RollbackFails', 1))).rejects.toThrow(/is in UPDATE_ROLLBACK_FAILED state and can not be updated/);

    const noRollback = driverFor(rollbackStack('Rollback', 1), 'Rollback');
    await noRollback.driver.deploy();
    const before = noRollback.calls().length;
    const failed = await noRollback.driver.update(rollbackStack('Rollback', 2), { disableRollback: true });
    expect(failed.status).toBe('UPDATE_FAILED');
    expect(noRollback.calls().slice(before).filter((c) => c.handler === 'onEvent').map((c) => c.event.LogicalResourceId)).toEqual(['A', 'New', 'B']);
  });
});

describe('create rollback', () => {
  test("onFailure 'ROLLBACK' deletes what was created; the Delete handlers see ROLLBACK_IN_PROGRESS", async () => {
    const dir = synth((app) => {
      const { resource } = fixtureStack(app, 'CreateRollback');
      const a = resource('A', { AskStackStatus: 'true', CompleteOnPoll: 2 });
      resource('B', { RefA: a.ref, FailIn: 'onEvent', FailMessage: 'B cannot be created' });
    });
    const { driver, calls } = driverFor(dir, 'CreateRollback');
    const result = await driver.deploy({ onFailure: 'ROLLBACK' });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(stackEvents(result.events, 'CreateRollback')).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(result.events.find((e) => e.status === 'ROLLBACK_IN_PROGRESS')!.reason)
      .toBe('The following resource(s) failed to create: [B]. Rollback requested by user.');
    expect(statusesOf(result.events)).toEqual([
      'A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE', 'B CREATE_IN_PROGRESS', 'B CREATE_FAILED',
      'B DELETE_IN_PROGRESS', 'B DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'A DELETE_COMPLETE',
    ]);
    expect(driver.resources.size).toBe(0);
    // B's Create failed in onEvent: the framework skips its Delete. A's Delete ran during the rollback.
    const deletes = calls().filter((c) => c.handler === 'onEvent' && c.event.RequestType === 'Delete');
    expect(deletes.map((c) => `${c.event.LogicalResourceId} ${c.stackStatus}`)).toEqual(['A ROLLBACK_IN_PROGRESS']);
    await expect(driver.update(dir)).rejects.toThrow(/ROLLBACK_COMPLETE state and can not be updated/);
    expect((await driver.destroy()).status).toBe('DELETE_COMPLETE');
  });
});

describe('CloudFormation endpoint (DescribeStacks)', () => {
  const describeStacks = (url: string, params: Record<string, string>) => fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Action: 'DescribeStacks', Version: '2010-05-15', ...params }).toString(),
  });
  const tag = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

  test('answers the live status by StackId or name in the Query protocol XML; unknown stacks are ValidationError', async () => {
    // stackStatus is live: at every stack event it is that event's status.
    const stackStatusAtEvents: string[] = [];
    const { driver, calls } = driverFor(rollbackStack('Described', 1), 'Described', {
      onProgress: (e) => {
        if (e.resourceType === 'AWS::CloudFormation::Stack') stackStatusAtEvents.push(`${e.status} ${driver.stackStatus}`);
      },
    });
    const url = await driver.cloudFormationEndpoint();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await driver.deploy();
    expect(stackStatusAtEvents).toEqual(['CREATE_IN_PROGRESS CREATE_IN_PROGRESS', 'CREATE_COMPLETE CREATE_COMPLETE']);
    // Handlers got the endpoint and saw the stack being created.
    expect(calls().filter((c) => c.handler === 'onEvent').map((c) => c.stackStatus)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS']);

    const response = await describeStacks(url, { StackName: driver.stackId });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    const xml = await response.text();
    expect(xml).toMatch(/^<DescribeStacksResponse xmlns="http:\/\/cloudformation\.amazonaws\.com\/doc\/2010-05-15\/"><DescribeStacksResult><Stacks><member>/);
    expect(xml).toMatch(/<\/member><\/Stacks><\/DescribeStacksResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeStacksResponse>$/);
    expect(tag(xml, 'StackId')).toEqual([driver.stackId]);
    expect(tag(xml, 'StackName')).toEqual(['Described']);
    expect(tag(xml, 'StackStatus')).toEqual(['CREATE_COMPLETE']);
    expect(new Date(tag(xml, 'CreationTime')[0]).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(tag(await (await describeStacks(url, { StackName: 'Described' })).text(), 'StackStatus')).toEqual(['CREATE_COMPLETE']);
    expect(tag(await (await describeStacks(url, {})).text(), 'StackName')).toEqual(['Described']);

    // Live during an update and its rollback, as the handlers saw it.
    const result = await driver.update(rollbackStack('Described', 2));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const during = calls().filter((c) => c.handler === 'onEvent' && c.event.RequestType === 'Update').map((c) => `${c.event.LogicalResourceId} ${c.stackStatus}`);
    expect(during).toEqual(['A UPDATE_IN_PROGRESS', 'B UPDATE_IN_PROGRESS', 'A UPDATE_ROLLBACK_IN_PROGRESS', 'B UPDATE_ROLLBACK_IN_PROGRESS']);
    const afterUpdate = await (await describeStacks(url, { StackName: driver.stackId })).text();
    expect(tag(afterUpdate, 'StackStatus')).toEqual(['UPDATE_ROLLBACK_COMPLETE']);
    expect(tag(afterUpdate, 'LastUpdatedTime')).toHaveLength(1);

    // Unknown stack: HTTP 400 ValidationError in the Query protocol's error shape.
    const unknown = await describeStacks(url, { StackName: 'NoSuchStack' });
    expect(unknown.status).toBe(400);
    const error = await unknown.text();
    expect(error).toMatch(/^<ErrorResponse xmlns="http:\/\/cloudformation\.amazonaws\.com\/doc\/2010-05-15\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>Stack with id NoSuchStack does not exist<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    const other = await fetch(url, { method: 'POST', body: 'Action=DeleteStack&Version=2010-05-15&StackName=Described' });
    expect(other.status).toBe(400);
    expect(tag(await other.text(), 'Code')).toEqual(['InvalidAction']);

    // Destroyed: still found by id (DELETE_COMPLETE), no longer by name.
    const stackId = driver.stackId;
    await driver.destroy();
    expect(tag(await (await describeStacks(url, { StackName: stackId })).text(), 'StackStatus')).toEqual(['DELETE_COMPLETE']);
    expect((await describeStacks(url, { StackName: 'Described' })).status).toBe(400);
    expect(driver.cloudFormationCalls.filter((c) => c.errorCode === 'ValidationError').map((c) => c.stackName)).toEqual(['NoSuchStack', 'Described']);
  });
});

describe('replay and cancel', () => {
  test('replay re-sends the last request exactly and returns what the handlers answered; the stack does not change', async () => {
    const dir = synth((app) => {
      fixtureStack(app, 'Replay').resource('A', { CompleteOnPoll: 2, OnEventData: { On: 'x' } });
    });
    const { driver, calls } = driverFor(dir, 'Replay');
    await driver.deploy();
    const a = { ...driver.resources.get('A')! };
    const original = calls().find((c) => c.handler === 'onEvent')!.event;

    const replayed = await driver.replay('A');
    expect(replayed).toMatchObject({ status: 'SUCCESS', physicalResourceId: a.physicalId, data: { On: 'x', Polls: 3 } });
    expect(replayed.stats).toMatchObject({ requestType: 'Create', onEventInvocations: 1, isCompleteInvocations: 1 });
    const again = calls().filter((c) => c.handler === 'onEvent');
    expect(again).toHaveLength(2);
    expect(again[1].event).toEqual(original);
    expect(driver.resources.get('A')).toEqual(a);

    // After destroy the Delete is replayed, even though the provider's functions are gone.
    await driver.destroy();
    const replayedDelete = await driver.replay('A');
    expect(replayedDelete).toMatchObject({ status: 'SUCCESS', request: { RequestType: 'Delete', PhysicalResourceId: a.physicalId } });
    const deletes = calls().filter((c) => c.handler === 'onEvent' && c.event.RequestType === 'Delete');
    expect(deletes.map((c) => c.event.RequestId)).toEqual([replayedDelete.request.RequestId, replayedDelete.request.RequestId]);
    await expect(driver.replay('Nope')).rejects.toThrow(/No request was sent to custom resource Nope/);
  });

  test('cancelAfterMs: Delete reaches a resource whose Create is still being polled; its waiter polls on in the background', async () => {
    const dir = synth((app) => {
      const { resource } = fixtureStack(app, 'Cancel');
      const a = resource('A', {});
      resource('B', { AskStackStatus: 'true', PhysicalId: 'b-from-on-event', CompleteOnPoll: 4, RefA: a.ref });
    });
    const { driver, calls } = driverFor(dir, 'Cancel');
    const result = await driver.deploy({ cancelAfterMs: 1_500 });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(stackEvents(result.events, 'Cancel')).toEqual(['CREATE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE']);
    expect(result.events.find((e) => e.status === 'ROLLBACK_IN_PROGRESS')!.reason)
      .toBe('Stack creation cancelled after 1500 ms. The following resource(s) failed to create: [B].');
    expect(result.failures).toEqual([{ logicalId: 'B', reason: 'Resource creation cancelled' }]);
    expect(statusesOf(result.events)).toEqual([
      'A CREATE_IN_PROGRESS', 'A CREATE_COMPLETE', 'B CREATE_IN_PROGRESS', 'B CREATE_FAILED',
      'B DELETE_IN_PROGRESS', 'B DELETE_COMPLETE', 'A DELETE_IN_PROGRESS', 'A DELETE_COMPLETE',
    ]);
    expect(driver.resources.size).toBe(0);
    await driver.settle();

    const log = calls().filter((c) => c.event.LogicalResourceId === 'B');
    const create = log[0].event;
    const deleteAt = log.findIndex((c) => c.handler === 'onEvent' && c.event.RequestType === 'Delete');
    // CloudFormation never accepted a response for the cancelled create: its Delete carries a physical id it made up.
    expect(log[deleteAt]).toMatchObject({ stackStatus: 'ROLLBACK_IN_PROGRESS', event: { PhysicalResourceId: generatedName('Cancel', 'B') } });
    // Two polls before the cancel (at 0 s and 1 s), and more of the same Create afterwards.
    const createPolls = log.map((c, i) => ({ c, i })).filter(({ c }) => c.handler === 'isComplete' && c.event.RequestId === create.RequestId);
    expect(createPolls.filter(({ i }) => i < deleteAt)).toHaveLength(2);
    expect(createPolls.filter(({ i }) => i > deleteAt).length).toBeGreaterThan(0);

    // Cancelled before anything started: nothing is created.
    const early = driverFor(dir, 'Cancel');
    const none = await early.driver.deploy({ cancelAfterMs: 0 });
    expect(none.status).toBe('ROLLBACK_COMPLETE');
    expect(none.events.filter((e) => e.status === 'CREATE_COMPLETE')).toEqual([]);
    expect(early.calls()).toEqual([]);
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

describe('retained resources and replacements (resource types with a handler)', () => {
  /** An in-memory resource type whose `Key` is create-only: its change replaces the resource. */
  function store() {
    const live = new Map<string, any>();
    let next = 0;
    const handler = {
      replacedOnChange: ['Key'],
      create: async (_id: string, p: any) => {
        const id = `thing-${++next}`;
        live.set(id, p);
        return id;
      },
      update: async (id: string, p: any) => void live.set(id, p),
      delete: async (id: string) => void live.delete(id),
    };
    return { live, resourceTypes: { 'Test::Thing': handler } };
  }

  /** A `Test::Thing` with the given policy; `fail`: a fixture resource after it fails. */
  function thingStack(name: string, key: string, policy: 'Delete' | 'Retain' | 'RetainExceptOnCreate', fail = false) {
    return synth((app) => {
      const { stack, resource } = fixtureStack(app, name);
      const thing = new CfnResource(stack, 'Thing', { type: 'Test::Thing', properties: { Key: key, Note: 'n' } });
      thing.cfnOptions.deletionPolicy = policy as any;
      thing.cfnOptions.updateReplacePolicy = (policy === 'RetainExceptOnCreate' ? 'Retain' : policy) as any;
      if (fail) resource('Fails', { RefThing: thing.ref, FailIn: 'onEvent', FailMessage: 'fails after the thing' });
    });
  }
  const thingEvents = (events: ProgressEvent[]) => events.filter((e) => e.logicalId === 'Thing').map((e) => e.status);
  const retainFlag = async (driver: LifecycleDriver) => {
    const body = new URLSearchParams({ Action: 'DescribeStacks', Version: '2010-05-15', StackName: driver.stackId }).toString();
    const xml = await (await fetch(await driver.cloudFormationEndpoint(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body })).text();
    return /<RetainExceptOnCreate>([^<]*)<\/RetainExceptOnCreate>/.exec(xml)?.[1];
  };

  test('a create-only change replaces it: the cleanup deletes the old one, or keeps it with UpdateReplacePolicy Retain', async () => {
    for (const policy of ['Delete', 'Retain'] as const) {
      const { live, resourceTypes } = store();
      const { driver } = driverFor(thingStack(`Replace${policy}`, 'a', policy), `Replace${policy}`, { resourceTypes });
      expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
      const updated = await driver.update(thingStack(`Replace${policy}`, 'b', policy));
      expect(updated.status).toBe('UPDATE_COMPLETE');
      expect(driver.resources.get('Thing')!.physicalId).toBe('thing-2');
      expect(thingEvents(updated.events)).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE', ...(policy === 'Retain' ? ['DELETE_SKIPPED'] : ['DELETE_IN_PROGRESS', 'DELETE_COMPLETE'])]);
      expect([...live.keys()]).toEqual(policy === 'Retain' ? ['thing-1', 'thing-2'] : ['thing-2']);
    }
  });

  test('a rolled-back replacement goes back to the old one and deletes the new one', async () => {
    const { live, resourceTypes } = store();
    const { driver } = driverFor(thingStack('ReplaceBack', 'a', 'Delete'), 'ReplaceBack', { resourceTypes });
    expect((await driver.deploy()).status).toBe('CREATE_COMPLETE');
    const updated = await driver.update(thingStack('ReplaceBack', 'b', 'Delete', true));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(driver.resources.get('Thing')!.physicalId).toBe('thing-1');
    expect([...live.entries()]).toEqual([['thing-1', { Key: 'a', Note: 'n' }]]);
  });

  test('a create rollback keeps Retain, deletes RetainExceptOnCreate, and deletes Retain too with the stack-level flag (DescribeStacks shows it)', async () => {
    const cases = [['Retain', false, true], ['RetainExceptOnCreate', false, false], ['Retain', true, false]] as const;
    for (const [policy, flag, kept] of cases) {
      const name = `CreateBack${policy}${flag}`;
      const { live, resourceTypes } = store();
      const { driver } = driverFor(thingStack(name, 'a', policy, true), name, { resourceTypes });
      const result = await driver.deploy({ onFailure: 'ROLLBACK', retainExceptOnCreate: flag });
      expect(result.status).toBe('ROLLBACK_COMPLETE');
      expect(await retainFlag(driver)).toBe(String(flag));
      expect(thingEvents(result.events).at(-1)).toBe(kept ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE');
      expect(live.size).toBe(kept ? 1 : 0);
    }
  });

  test('an update rollback deletes what the update created unless it is Retain without the flag; the flag is per operation', async () => {
    for (const flag of [false, true]) {
      const name = `UpdateBack${flag}`;
      const { live, resourceTypes } = store();
      const { driver } = driverFor(synth((app) => fixtureStack(app, name).resource('Other', {})), name, { resourceTypes });
      expect((await driver.deploy({ retainExceptOnCreate: true })).status).toBe('CREATE_COMPLETE');
      expect(await retainFlag(driver)).toBe('true');
      const result = await driver.update(thingStack(name, 'a', 'Retain', true), { retainExceptOnCreate: flag });
      expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(await retainFlag(driver)).toBe(String(flag));
      expect(live.size).toBe(flag ? 0 : 1);
    }
  });
});
