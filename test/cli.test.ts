import * as commands from '../cli/commands';
import { CliIo, main } from '../cli/main';
import { parseDuration } from '../cli/option-values';
import { version } from '../package.json';
import { runCliInProcess } from './support/cli-in-process';
import { assertCliBundleFresh, runCli } from './support/cli-process';
import { useEmulatedDms } from './support/emulated-dms';
import { useSimulatedTime } from './support/simulated-time';

useSimulatedTime();
const dms = useEmulatedDms();
beforeAll(assertCliBundleFresh);

/** main() in-process on simulated time, pointed at the emulator. */
const cli = (...args: string[]) => runCliInProcess(args, dms().env());
/** The bundled CLI in a child process: its usage errors, help and version (its exit codes as a shell sees them). */
const bundled = (...args: string[]) => runCli(args, dms().env());
const POLL = ['--poll-interval', '1s'];

let n = 0;
type EndpointBehavior = Parameters<ReturnType<typeof dms>['addEndpoint']>[1];
/** A fresh endpoint + instance pair with a successful connection record. */
function pair(behavior: EndpointBehavior = {}) {
  const endpointArn = dms().endpointArn(`CLI-E${++n}`);
  const replicationInstanceArn = dms().instanceArn(`CLI-I${n}`);
  dms().addReplicationInstance(replicationInstanceArn);
  dms().addEndpoint(endpointArn, { refreshDurationMs: 1_200, ...behavior });
  dms().addConnection(endpointArn, replicationInstanceArn, 'successful');
  return { endpointArn, replicationInstanceArn };
}
const pairArgs = (p: { endpointArn: string; replicationInstanceArn: string }) => [
  '--endpoint-arn', p.endpointArn, '--replication-instance-arn', p.replicationInstanceArn,
];
const callsFor = (arn: string) =>
  dms().calls.filter((c) => [c.input?.EndpointArn, c.input?.ReplicationConfigArn, c.input?.ReplicationTaskArn].includes(arn));

describe('refresh-schemas', () => {
  test('--wait: exit 0 once DMS reports our refresh successful', async () => {
    const p = pair();
    const before = Date.now();
    const run = await cli('refresh-schemas', ...pairArgs(p), '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.json).toMatchObject({
      command: 'refresh-schemas',
      subject: `the schema refresh of endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}`,
      done: true,
      status: 'successful',
      attributes: { Status: 'successful' },
    });
    expect(new Date(run.json.attributes.LastRefreshDate).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(run.json.elapsedSeconds).toBeGreaterThanOrEqual(1.2);
    expect(dms().refreshStatus(p.endpointArn)?.Status).toBe('successful');
    // Progress is human-readable and on stderr only.
    expect(run.stderr).toMatch(/refreshing/);
    expect(run.stderr).toMatch(/successful\n {2}done after/);
    // test-unless-successful (the default) reuses the successful connection record.
    expect(callsFor(p.endpointArn).map((c) => c.operation)).not.toContain('TestConnection');
  });

  test('without --wait: exit 0 as soon as the refresh is started, done false', async () => {
    const p = pair({ refreshDurationMs: 10_000 });
    const run = await cli('refresh-schemas', ...pairArgs(p), '--connection-precondition', 'none');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'refresh-schemas', done: false, status: 'refreshing', attributes: {} });
    expect(run.json.elapsedSeconds).toBeLessThan(5);
    expect(dms().refreshStatus(p.endpointArn)?.Status).toBe('refreshing');
  });

  test('a failed refresh: exit 1 with DMS\'s LastFailureMessage', async () => {
    const p = pair({ refreshOutcome: 'failed', refreshFailureMessage: 'ORA-01017: invalid username/password; logon denied' });
    const run = await cli('refresh-schemas', ...pairArgs(p), '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      command: 'refresh-schemas',
      error: 'DmsOperationFailed',
      message: `Schema refresh failed for endpoint ${p.endpointArn} on replication instance ${p.replicationInstanceArn}: ` +
        'ORA-01017: invalid username/password; logon denied',
    });
    expect(run.stderr).toMatch(/DmsOperationFailed: .*ORA-01017/);
  });

  test('an unknown endpoint: exit 1 with DMS\'s ResourceNotFoundFault', async () => {
    const endpointArn = dms().endpointArn('CLI-MISSING');
    const replicationInstanceArn = dms().instanceArn('CLI-I-MISSING');
    dms().addReplicationInstance(replicationInstanceArn);
    const run = await cli('refresh-schemas', ...pairArgs({ endpointArn, replicationInstanceArn }), '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', code: 'ResourceNotFoundFault' });
    expect(run.json.message).toMatch(new RegExp(`failed for endpoint ${endpointArn}.*ResourceNotFoundFault`));
  });

  test('past --timeout: exit 3 with the wait, the last status and the CLI\'s knob', async () => {
    const p = pair({ refreshDurationMs: 30_000 });
    const run = await cli('refresh-schemas', ...pairArgs(p), '--wait', '--timeout', '2s', ...POLL);
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ command: 'refresh-schemas', error: 'WaitTimedOut' });
    expect(run.json.message).toMatch(
      new RegExp(`^Timed out after 2s waiting for the schema refresh of endpoint ${p.endpointArn} .*; last status: refreshing`),
    );
    expect(run.json.message).toMatch(/Raise --timeout/);
    expect(run.json.message).not.toMatch(/timeout prop/);
  });
});

describe('test-connection', () => {
  function untested(behavior: { outcome?: 'successful' | 'failed'; failureMessage?: string } = {}) {
    const p = pair();
    dms().setConnectionBehavior(p.endpointArn, p.replicationInstanceArn, { testDurationMs: 800, ...behavior });
    return p;
  }

  test('exit 0 when the test succeeds; a successful record is tested again', async () => {
    const p = untested();
    const run = await cli('test-connection', ...pairArgs(p), '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'test-connection', done: true, status: 'successful', attributes: { Status: 'successful' } });
    expect(run.stderr).toMatch(/successful\n {2}done after/);
    expect(callsFor(p.endpointArn).map((c) => c.operation)).toContain('TestConnection');
  });

  test('exit 1 with the database\'s message when the test fails', async () => {
    const p = untested({ outcome: 'failed', failureMessage: "Can't connect to MySQL server on 'db.internal' (110)" });
    const run = await cli('test-connection', ...pairArgs(p), '--wait', ...POLL);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      error: 'DmsOperationFailed',
      message: `Connection test failed between endpoint ${p.endpointArn} and replication instance ${p.replicationInstanceArn}: ` +
        "Can't connect to MySQL server on 'db.internal' (110)",
    });
  });

  test('AccessDenied on DescribeConnections: exit 1 with the call, the pair and the code', async () => {
    const p = untested();
    // Persistent: a start retries AccessDenied (IAM propagation) for a while, shortened here.
    dms().failNext('DescribeConnections', 'AccessDeniedFault', 'not authorized to perform dms:DescribeConnections', 100);
    const run = await runCliInProcess(['test-connection', ...pairArgs(p), '--wait', ...POLL], { ...dms().env(), DMS_LIFECYCLE_IAM_PROPAGATION_SECONDS: '1' });
    dms().clearFaults('DescribeConnections');
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ error: 'DmsOperationFailed', code: 'AccessDeniedFault' });
    expect(run.json.message).toMatch(/^DMS DescribeConnections failed for endpoint .* and replication instance .*: AccessDeniedFault: not authorized/);
  });
});

describe('stop-replication', () => {
  test('a running replication config is stopped: exit 0 and DMS shows it stopped', async () => {
    const arn = dms().replicationConfigArn(`CLI-C${++n}`);
    dms().addReplication(arn, { status: 'running', stopDurationMs: 800 });
    const run = await cli('stop-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'stop-replication', done: true, status: 'stopped', attributes: { Status: 'stopped' } });
    expect(dms().replication(arn)?.Status).toBe('stopped');
    expect(callsFor(arn).filter((c) => c.operation === 'StopReplication')).toHaveLength(1);
  });

  test('a running replication task is stopped: exit 0 and DMS shows it stopped', async () => {
    const arn = dms().taskArn(`CLI-T${++n}`);
    dms().addReplicationTask(arn, { status: 'running', stopDurationMs: 800 });
    const run = await cli('stop-replication', '--replication-task-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ status: 'stopped', done: true });
    expect(dms().replicationTask(arn)?.Status).toBe('stopped');
    expect(callsFor(arn).filter((c) => c.operation === 'StopReplicationTask')).toHaveLength(1);
  });

  test('a config already stopped: exit 0 without a stop call', async () => {
    const arn = dms().replicationConfigArn(`CLI-C${++n}`);
    dms().addReplication(arn, { status: 'stopped' });
    const run = await cli('stop-replication', '--replication-config-arn', arn, '--wait', ...POLL);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ done: true, status: 'stopped' });
    expect(callsFor(arn).map((c) => c.operation)).not.toContain('StopReplication');
  });

  test('without --wait: exit 0 once the stop is asked for, done false while stopping', async () => {
    const arn = dms().replicationConfigArn(`CLI-C${++n}`);
    dms().addReplication(arn, { status: 'running', stopDurationMs: 10_000 });
    const run = await cli('stop-replication', '--replication-config-arn', arn);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ done: false, status: 'stopping' });
    expect(dms().replication(arn)?.Status).toBe('stopping');
  });
});

describe('usage', () => {
  const endpoint = 'arn:aws:dms:us-east-1:123456789012:endpoint:E1';
  const instance = 'arn:aws:dms:us-east-1:123456789012:rep:I1';
  const config = 'arn:aws:dms:us-east-1:123456789012:replication-config:C1';
  const task = 'arn:aws:dms:us-east-1:123456789012:task:T1';

  test.each([
    ['no command', [], /^no command given/],
    ['both ARNs for stop-replication', ['stop-replication', '--replication-config-arn', config, '--replication-task-arn', task], /not both/],
    ['a malformed duration', ['refresh-schemas', '--endpoint-arn', endpoint, '--replication-instance-arn', instance, '--wait', '--timeout', '5 minutes'], /^--timeout must be/],
    ['an ARN of the wrong type', ['refresh-schemas', '--endpoint-arn', instance, '--replication-instance-arn', instance], /^--endpoint-arn must be a DMS endpoint ARN .*got the ARN of a replication instance/],
    ['an unknown flag', ['test-connection', '--endpoint-arn', endpoint, '--replication-instance-arn', instance, '--wiat'], /^Unknown option '--wiat'/],
  ])('the bundled CLI exits 2 for %s', async (_case, args, message) => {
    dms().resetCalls();
    const run = await bundled(...args);
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ error: 'UsageError' });
    expect(run.json.message).toMatch(message);
    expect(run.stderr).toMatch(/--help' for usage/);
    expect(dms().calls).toEqual([]);
  });

  test('--help exits 0 and documents every exit code', async () => {
    const run = await bundled('--help');
    expect(run.code).toBe(0);
    for (const command of ['refresh-schemas', 'test-connection', 'stop-replication']) expect(run.stdout).toContain(command);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}success.*\n {2}1 {2}DMS reported a failure[^]*\n {2}2 {2}bad usage[^]*\n {2}3 {2}timed out[^]*\n {2}4 {2}unexpected/);
  });

  test('<command> --help exits 0 and lists its options', async () => {
    const run = await bundled('stop-replication', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: cdk-dms-lifecycle stop-replication/);
    expect(run.stdout).toContain('--replication-task-arn ARN');
    expect(run.stdout).toContain('Exit codes:');
  });

  test('--version prints the package version', async () => {
    const run = await bundled('--version');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });
});

/** main() in-process, with captured output. */
async function mainIn(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) };
  const code = await main(argv, io);
  return { code, ...out, json: out.stdout.startsWith('{') ? JSON.parse(out.stdout) : undefined };
}

describe('main() in-process', () => {
  const endpoint = 'arn:aws:dms:us-east-1:123456789012:endpoint:E1';
  const instance = 'arn:aws:dms:us-east-1:123456789012:rep:I1';
  const pairFlags = ['--endpoint-arn', endpoint, '--replication-instance-arn', instance];

  test.each([
    ['an unknown command', ['refresh'], /^unknown command "refresh"; expected one of refresh-schemas, test-connection, stop-replication, start-replication, wait-replication, status, assess, wait-assessment, cutover$/],
    ['options before the command', ['--endpoint-arn', endpoint, 'refresh-schemas'], /^Unknown option '--endpoint-arn'.*; the command comes first/],
    ['a missing endpoint ARN', ['refresh-schemas', '--replication-instance-arn', instance], /^--endpoint-arn is required$/],
    ['neither stop ARN', ['stop-replication', '--wait'], /^--replication-config-arn or --replication-task-arn is required$/],
    ['a task ARN given as a config ARN', ['stop-replication', '--replication-config-arn', 'arn:aws:dms:us-east-1:123456789012:task:T1'], /got the ARN of a replication task/],
    ['something that is no ARN', ['test-connection', '--endpoint-arn', 'E1', '--replication-instance-arn', instance], /^--endpoint-arn must be a DMS endpoint ARN such as arn:aws:dms:/],
    ['an unknown precondition', ['refresh-schemas', ...pairFlags, '--connection-precondition', 'sometimes'], /^--connection-precondition must be one of test-unless-successful, always-test, none/],
    ['--timeout without --wait', ['refresh-schemas', ...pairFlags, '--timeout', '5m'], /^--timeout needs --wait$/],
    ['a zero duration', ['refresh-schemas', ...pairFlags, '--wait', '--poll-interval', '0s'], /^--poll-interval must be a positive whole number/],
    ['a fractional duration', ['refresh-schemas', ...pairFlags, '--wait', '--timeout', '1.5m'], /^--timeout must be/],
    ['a duration beyond 24h', ['refresh-schemas', ...pairFlags, '--wait', '--timeout', '25h'], /^--timeout must be at most 24h/],
    ['a value-less option', ['refresh-schemas', ...pairFlags, '--wait', '--timeout'], /^Option '--timeout <value>' argument missing/],
    ['an option given twice', ['refresh-schemas', ...pairFlags, '--endpoint-arn', endpoint], /^--endpoint-arn is given more than once$/],
    ['a positional argument', ['test-connection', ...pairFlags, 'now'], /^Unexpected argument 'now'/],
    ['ARNs in different regions', ['test-connection', '--endpoint-arn', endpoint, '--replication-instance-arn', 'arn:aws:dms:eu-west-1:123456789012:rep:I1'], /different regions \(us-east-1, eu-west-1\)/],
    ['--region other than the ARNs\'', ['test-connection', ...pairFlags, '--region', 'eu-west-1'], /^--region eu-west-1 does not match the region of the ARNs \(us-east-1\)$/],
  ])('exit 2 for %s', async (_case, argv, message) => {
    const run = await mainIn(argv);
    expect(run.code).toBe(2);
    expect(run.stdout.split('\n')).toEqual([expect.any(String), '']);
    expect(run.json.error).toBe('UsageError');
    expect(run.json.message).toMatch(message);
    // The hint names the command's own help when the command is known.
    expect(run.stderr).toContain(argv[0]?.endsWith('-schemas') ? "'cdk-dms-lifecycle refresh-schemas --help'" : '--help');
  });

  test('durations: bare seconds, s, m and h', () => {
    expect(parseDuration('--timeout', '90')).toBe(90_000);
    expect(parseDuration('--timeout', '90s')).toBe(90_000);
    expect(parseDuration('--timeout', '5m')).toBe(300_000);
    expect(parseDuration('--timeout', '1h')).toBe(3_600_000);
  });

  test('--quiet keeps stderr empty; without it, each status change is a line', async () => {
    const arn = dms().replicationConfigArn(`CLI-Q${++n}`);
    dms().addReplication(arn, { status: 'stopped' });
    const quiet = await mainIn(['stop-replication', '--replication-config-arn', arn, '--wait', '--poll-interval', '1s', '--quiet']);
    expect(quiet).toMatchObject({ code: 0, stderr: '', json: { status: 'stopped' } });
    const loud = await mainIn(['stop-replication', '--replication-config-arn', arn, '--wait', '--timeout', '5m', '--poll-interval', '1s']);
    expect(loud.stderr).toMatch(new RegExp(
      `^cdk-dms-lifecycle stop-replication: replication config ${arn} to stop; waiting up to 5m 0s, checking every 1s\n` +
        ' {2}\\[\\d+s\\] stopped\n {2}done after \\d+s\n$',
    ));
  });

  test('an unexpected error: exit 4 with InternalError, and the stack on stderr', async () => {
    const spy = jest.spyOn(commands, 'operationFor').mockImplementation(() => {
      throw new TypeError('Cannot read properties of undefined');
    });
    try {
      const run = await mainIn(['stop-replication', '--replication-task-arn', 'arn:aws:dms:us-east-1:123456789012:task:T1']);
      expect(run.code).toBe(4);
      expect(run.json).toMatchObject({ command: 'stop-replication', error: 'InternalError', message: 'TypeError: Cannot read properties of undefined' });
      expect(run.stderr).toMatch(/at .*cli\.test\.ts/);
    } finally {
      spy.mockRestore();
    }
  });
});
