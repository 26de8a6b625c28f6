import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dms from 'aws-cdk-lib/aws-dms';
import { COMMANDS } from '../cli/arguments';
import { EXIT_CODE_HELP, ExitCode } from '../cli/exit-codes';
import { classifyError } from '../cli/output';
import { UsageError } from '../cli/usage-error';
import { cloudWatchClient, dmsClient, DmsOperationFailed, NothingStarted, WaitTimedOut } from '../lambda/dms';
import { ssmClient } from '../lambda/dms/ssm-client';
import { cloudFormation } from '../lambda/handler-kit/stack-status';
import {
  DmsConnectionTest, DmsCutoverReadiness, DmsPremigrationAssessment, DmsReplicationRun, DmsReplicationTeardown, DmsSchemaRefresh,
} from '../src';
import { codeSpans, readDoc, section, tableRows } from './support/markdown-tables';
import { synthStack } from './support/synth';
import { grantsOf, PERMISSION_CASES } from './support/synthesized-permissions';

/**
 * The docs state facts the code decides; each test here reads the fact from the code (or what
 * it synthesizes) and the doc's table, so a change to either that leaves them apart fails.
 */
const ROOT = path.join(__dirname, '..');

/** Each handler bundle's construct: the bundles are assets/lambda/<kind>/index/index.js. */
const CONSTRUCT_OF_BUNDLE: Record<string, string> = {
  'schema-refresh': 'DmsSchemaRefresh',
  'connection-test': 'DmsConnectionTest',
  'replication-run': 'DmsReplicationRun',
  'premigration-assessment': 'DmsPremigrationAssessment',
  'replication-teardown': 'DmsReplicationTeardown',
  'cutover-readiness': 'DmsCutoverReadiness',
};

/** The endpoint prefix of an AWS SDK client package, from its own endpoint rules (https://<prefix>.{Region}…). */
function endpointPrefix(sdkPackage: string): string {
  const source = fs.readFileSync(require.resolve(sdkPackage, { paths: [ROOT] }), 'utf8');
  const hosts = [...source.matchAll(/https:\/\/([a-z0-9-]+)\.\{Region\}/g)].map((m) => m[1]).filter((h) => !h.endsWith('-fips'));
  if (hosts.length === 0) throw new Error(`no endpoint host in ${sdkPackage}`);
  return hosts[0];
}

/**
 * endpoint prefix → constructs whose bundled handlers send a command of that service. A bundle
 * requires every SDK client the shared modules name, so a service counts only when the bundle
 * names one of its client's commands (`new DescribeStacksCommand`, `{ GetMetricDataCommand }`).
 */
function servicesCalledByHandlers(): Map<string, Set<string>> {
  const called = new Map<string, Set<string>>();
  for (const [kind, construct] of Object.entries(CONSTRUCT_OF_BUNDLE)) {
    const bundle = fs.readFileSync(path.join(ROOT, 'assets', 'lambda', kind, 'index', 'index.js'), 'utf8');
    const packages = new Set([...bundle.matchAll(/require\("(@aws-sdk\/client-[a-z-]+)"\)/g)].map((m) => m[1]));
    const commands = new Set([...bundle.matchAll(/\b([A-Z][A-Za-z]+Command)\b/g)].map((m) => m[1]));
    for (const pkg of packages) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const client: Record<string, unknown> = require(require.resolve(pkg, { paths: [ROOT] }));
      if (![...commands].some((c) => typeof client[c] === 'function')) continue;
      const prefix = endpointPrefix(pkg);
      called.set(prefix, new Set([...(called.get(prefix) ?? []), construct]));
    }
  }
  return called;
}

describe('docs/regulated-accounts.md: VPC endpoints', () => {
  const rows = tableRows(section(readDoc('regulated-accounts.md'), 'VPC endpoints'), ['endpoint', 'type', 'called by']);
  const constructsIn = (cell: string) => new Set(codeSpans(cell).filter((s) => s.startsWith('Dms')));

  test('every service our handlers call has a row naming exactly the constructs that call it', () => {
    const called = servicesCalledByHandlers();
    expect([...called.keys()].sort()).toEqual(expect.arrayContaining(['cloudformation', 'dms', 'monitoring']));
    for (const [prefix, constructs] of called) {
      const row = rows.find((r) => codeSpans(r.endpoint)[0] === prefix);
      expect({ prefix, listed: row ? [...constructsIn(row['called by'])].sort() : 'no row' }).toEqual({ prefix, listed: [...constructs].sort() });
    }
  });

  test('no row claims a handler calls a service it does not', () => {
    const called = servicesCalledByHandlers();
    const claimed = rows.filter((r) => constructsIn(r['called by']).size > 0).map((r) => codeSpans(r.endpoint)[0]);
    expect(claimed.sort()).toEqual([...called.keys()].sort());
  });
});

describe('docs/permissions.md: one table per construct against the synthesized policies', () => {
  const doc = readDoc('permissions.md');
  const rowsOf = (heading: string) => tableRows(section(doc, heading), ['action', 'role', 'on', 'when']);
  const applies = (when: string, given: readonly string[]) =>
    when === 'always' || when.split(',').map((w) => w.trim()).every((w) => given.includes(w));

  test.each(PERMISSION_CASES.map((c) => [`${c.construct} [${c.when.join(', ') || 'defaults'}]`, c] as const))('%s', (_name, c) => {
    // The shared rows apply to every construct; the 'Every construct' cases are built with a schema refresh.
    const headings = ['Every construct', c.construct === 'Every construct' ? '`DmsSchemaRefresh`' : `\`${c.construct}\``];
    const documented = headings.flatMap(rowsOf).filter((r) => applies(r.when, c.when)).map((r) => ({
      action: codeSpans(r.action)[0],
      roles: r.role.split(',').map((s) => s.trim()).sort(),
      onStar: codeSpans(r.on).includes('*'),
    }));
    const synthesized = [...grantsOf(c.build).values()].map((g) => ({ action: g.action, roles: [...g.roles].sort(), onStar: g.onStar }));
    const byAction = (a: { action: string }, b: { action: string }) => a.action.localeCompare(b.action);
    expect(documented.sort(byAction)).toEqual(synthesized.sort(byAction));
  });
});

describe('docs/reliability.md: default timeouts', () => {
  const rows = tableRows(section(readDoc('reliability.md'), 'Timeouts'), ['construct', 'default `timeout`']);
  const E = 'arn:aws:dms:us-east-1:123456789012:endpoint:E';
  const I = 'arn:aws:dms:us-east-1:123456789012:rep:I';
  const task = (s: Stack) => new dms.CfnReplicationTask(s, 'Task', {
    migrationType: 'full-load-and-cdc', replicationInstanceArn: I, sourceEndpointArn: E, targetEndpointArn: E, tableMappings: '{"rules":[]}',
  });
  const builds: Record<string, (s: Stack) => void> = {
    DmsSchemaRefresh: (s) => { new DmsSchemaRefresh(s, 'C', { endpointArn: E, replicationInstanceArn: I }); },
    DmsConnectionTest: (s) => { new DmsConnectionTest(s, 'C', { endpointArn: E, replicationInstanceArn: I }); },
    DmsReplicationRun: (s) => { DmsReplicationRun.forReplicationTask(s, 'C', task(s)); },
    DmsPremigrationAssessment: (s) => { DmsPremigrationAssessment.forReplicationTask(s, 'C', task(s)); },
    DmsReplicationTeardown: (s) => { DmsReplicationTeardown.forReplicationTask(s, 'C', task(s)); },
    DmsCutoverReadiness: (s) => { DmsCutoverReadiness.forReplicationTask(s, 'C', task(s)); },
  };

  test('the table lists every construct once', () => {
    expect(rows.map((r) => codeSpans(r.construct)[0]).sort()).toEqual(Object.keys(builds).sort());
  });

  test.each(Object.keys(builds))('%s: the documented default is the TimeoutSeconds it synthesizes', (construct) => {
    const { template } = synthStack(builds[construct]);
    // The lifecycle resources carry TimeoutSeconds; a run's guard carries none.
    const timeouts = Object.values(Template.fromJSON(template).toJSON().Resources as Record<string, any>)
      .map((r) => r.Properties?.TimeoutSeconds).filter((t) => t !== undefined).map(Number);
    expect(timeouts.length).toBeGreaterThan(0);
    const row = rows.find((r) => codeSpans(r.construct)[0] === construct)!;
    const minutes = Number(/^(\d+) minutes$/.exec(row['default `timeout`'])?.[1]);
    expect(new Set(timeouts)).toEqual(new Set([minutes * 60]));
  });
});

describe('docs/cli.md: output format and default timeout per command', () => {
  const rows = tableRows(section(readDoc('cli.md'), 'Commands'), ['command', 'what it does', 'stdout', 'default `--timeout`']);

  test('the table lists every command once', () => {
    expect(rows.map((r) => codeSpans(r.command)[0]).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  test.each(Object.values(COMMANDS).map((spec) => [spec.name, spec] as const))('%s', (_name, spec) => {
    const row = rows.find((r) => codeSpans(r.command)[0] === spec.name)!;
    // A command with a --json option prints a table unless asked for JSON; the others print one JSON object.
    expect(row.stdout).toBe('json' in spec.options ? 'a table; one JSON object with `--json`' : 'one JSON object');
    expect(row['default `--timeout`']).toBe(spec.neverWaits ? '—' : `\`${spec.defaultTimeout}\``);
  });
});

describe('docs/cli.md: exit codes', () => {
  const rows = tableRows(section(readDoc('cli.md'), 'Exit codes'), ['code', '`error`', 'meaning']);
  /** One error of each kind the CLI can end on: what it exits with and names is up to classifyError. */
  const ENDINGS = [
    new DmsOperationFailed('DMS failed'),
    new UsageError('bad usage'),
    new WaitTimedOut('something', 1_000, 'running', undefined, 'wait longer'),
    new Error('a bug'),
    new NothingStarted('nothing started'),
  ];

  test('the table lists every exit code of cli/exit-codes.ts (and of --help) once', () => {
    const codes = rows.map((r) => Number(r.code));
    expect(codes).toEqual([...Object.values(ExitCode)].sort());
    expect(codes).toEqual(EXIT_CODE_HELP.map(([code]) => code));
  });

  test('each failure code names the error the CLI prints with it', () => {
    const classified = ENDINGS.map((err) => classifyError(err, undefined)).map((c) => ({ code: String(c.exitCode), error: `\`${c.error}\`` }));
    const documented = rows.filter((r) => r.code !== String(ExitCode.SUCCESS)).map((r) => ({ code: r.code, error: r['`error`'] }));
    expect(documented).toEqual(classified.sort((a, b) => Number(a.code) - Number(b.code)));
  });
});

describe('docs/reliability.md: one retry layer, and each client bounded', () => {
  const rows = tableRows(section(readDoc('reliability.md'), 'Retries'), ['client', 'used for', 'attempts per send', 'connect timeout', 'request timeout']);
  const requestTimeoutOverride = process.env.DMS_LIFECYCLE_REQUEST_TIMEOUT_MS;
  beforeAll(() => { delete process.env.DMS_LIFECYCLE_REQUEST_TIMEOUT_MS; });
  afterAll(() => { if (requestTimeoutOverride !== undefined) process.env.DMS_LIFECYCLE_REQUEST_TIMEOUT_MS = requestTimeoutOverride; });

  type SdkClient = { config: { maxAttempts: () => Promise<number>; requestHandler: unknown } };
  type HttpHandler = { configProvider: Promise<{ connectionTimeout: number; requestTimeout: number }> };
  const CLIENTS: Record<string, () => Promise<unknown>> = {
    DMS: async () => dmsClient('us-east-1'),
    CloudFormation: cloudFormation,
    CloudWatch: async () => cloudWatchClient('us-east-1'),
    SSM: async () => ssmClient('us-east-1'),
  };

  test('the table lists every client once', () => {
    expect(rows.map((r) => r.client).sort()).toEqual(Object.keys(CLIENTS).sort());
  });

  test.each(Object.keys(CLIENTS))('%s: attempts per send and timeouts as the client is built', async (name) => {
    const client = await CLIENTS[name]() as SdkClient;
    const handler = await (client.config.requestHandler as HttpHandler).configProvider;
    const row = rows.find((r) => r.client === name)!;
    expect({ attempts: row['attempts per send'], connect: row['connect timeout'], request: row['request timeout'] }).toEqual({
      attempts: String(await client.config.maxAttempts()),
      connect: `${handler.connectionTimeout / 1000} s`,
      request: `${handler.requestTimeout / 1000} s`,
    });
  });
});

describe('links', () => {
  const REPO_DOCS = 'https://github.com/cdk-dms-lifecycle/cdk-dms-lifecycle/blob/main/';
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
  const anchorsOf = (file: string) => new Set([...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
  const linksOf = (file: string) => [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const check = (from: string, target: string) => {
    const [file, anchor] = target.split('#');
    const resolved = file === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), file));
    expect({ from, target, exists: fs.existsSync(path.join(ROOT, resolved)) }).toEqual({ from, target, exists: true });
    if (anchor) expect({ from, target, anchor: anchorsOf(resolved).has(anchor) }).toEqual({ from, target, anchor: true });
  };

  test('the README links to the repository with absolute links (npm and Construct Hub show only the README), each to a file and heading that exist', () => {
    const repository = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).repository.url.replace(/\.git$/, '');
    expect(`${repository}/blob/main/`).toBe(REPO_DOCS);
    const links = linksOf('README.md');
    expect(links.filter((l) => !/^(https:|#)/.test(l))).toEqual([]);
    for (const link of links.filter((l) => l.startsWith(REPO_DOCS))) check('README.md', link.slice(REPO_DOCS.length));
    for (const link of links.filter((l) => l.startsWith('#'))) check('README.md', link);
    expect(links.filter((l) => l.startsWith(`${REPO_DOCS}docs/`)).length).toBeGreaterThanOrEqual(10);
  });

  test.each(['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md')))('%s: relative links resolve to files and headings', (file) => {
    for (const link of linksOf(file).filter((l) => !/^[a-z]+:/.test(l))) check(file, link);
  });
});
