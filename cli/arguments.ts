import { parseArgs } from 'node:util';
import { DmsArn, parseDmsArn, parseDuration } from './option-values';
import { UsageError } from './usage-error';
import type { ConnectionPrecondition, ReplicationTarget } from '../lambda/dms';
import { ConnectionPreconditionMode, DefaultWait } from '../src/private/handler-contract';

export type CommandName = 'refresh-schemas' | 'test-connection' | 'stop-replication';

export interface WaitSettings {
  readonly timeoutMs: number;
  /** --poll-interval; undefined: the adaptive schedule (lambda/dms/poll-schedule.ts). */
  readonly pollIntervalMs?: number;
}

interface CommonSettings {
  /** Undefined without --wait: start, check once, report. */
  readonly wait?: WaitSettings;
  /** The DMS client's region: --region, else the ARNs' region. */
  readonly region: string;
  readonly quiet: boolean;
}

export interface RefreshSchemasCommand extends CommonSettings {
  readonly name: 'refresh-schemas';
  readonly endpointArn: string;
  readonly replicationInstanceArn: string;
  readonly connectionPrecondition: ConnectionPrecondition;
}

export interface TestConnectionCommand extends CommonSettings {
  readonly name: 'test-connection';
  readonly endpointArn: string;
  readonly replicationInstanceArn: string;
}

export interface StopReplicationCommand extends CommonSettings {
  readonly name: 'stop-replication';
  readonly target: ReplicationTarget;
}

/** A validated command line, ready to run. */
export type CliCommand = RefreshSchemasCommand | TestConnectionCommand | StopReplicationCommand;

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: 'run'; readonly command: CliCommand }
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' };

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder for the value in help, e.g. ARN. */
  readonly value?: string;
  readonly help: string;
  readonly short?: string;
}

export interface CommandSpec {
  readonly name: CommandName;
  readonly summary: string;
  readonly synopsis: string;
  /** Help paragraphs after the synopsis. */
  readonly description: readonly string[];
  /** The command's own options; commonOptions() adds the ones every command takes. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly defaultTimeout: string;
  build(values: OptionValues, common: (arns: DmsArn[]) => CommonSettings): CliCommand;
}

const PRECONDITIONS: readonly ConnectionPrecondition[] = Object.values(ConnectionPreconditionMode);
/** A default timeout of the constructs, as a CLI duration. */
const defaultTimeout = (kind: keyof typeof DefaultWait.TIMEOUT_SECONDS) => `${DefaultWait.TIMEOUT_SECONDS[kind] / 60}m`;

/** Options every command takes; only the default timeout differs between commands. */
function commonOptions(spec: Pick<CommandSpec, 'defaultTimeout'>): Record<string, OptionSpec> {
  return {
    'wait': { type: 'boolean', help: 'Wait until DMS finishes. Without it: start, check once, exit' },
    'timeout': { type: 'string', value: 'DURATION', help: `With --wait: give up after this long (default ${spec.defaultTimeout})` },
    'poll-interval': { type: 'string', value: 'DURATION', help: 'With --wait: check DMS this often (default: every 2s at first, then less often as the wait goes on, at most every 60s)' },
    'region': { type: 'string', value: 'REGION', help: 'AWS region to call; defaults to the ARNs\' region and must match it' },
    'quiet': { type: 'boolean', help: 'No progress lines on stderr (errors are still printed)' },
    'help': { type: 'boolean', short: 'h', help: 'Show this help' },
  };
}

const PAIR_OPTIONS: Record<string, OptionSpec> = {
  'endpoint-arn': { type: 'string', value: 'ARN', help: 'The DMS endpoint (required)' },
  'replication-instance-arn': { type: 'string', value: 'ARN', help: 'The DMS replication instance (required)' },
};

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  'refresh-schemas': {
    name: 'refresh-schemas',
    summary: 'Refresh an endpoint\'s schemas using a replication instance',
    synopsis: '--endpoint-arn ARN --replication-instance-arn ARN [--connection-precondition MODE] [--wait] [--timeout 30m] [--poll-interval 2s] [--region R]',
    description: [
      'Done when a refresh that DMS started no earlier than this command is successful; an older successful refresh never counts, and a refresh already running is waited for before ours starts.',
    ],
    options: {
      ...PAIR_OPTIONS,
      'connection-precondition': {
        type: 'string',
        value: 'MODE',
        help: 'test-unless-successful (default): test the connection first unless DMS shows it successful; always-test; none: refresh at once',
      },
    },
    defaultTimeout: defaultTimeout('schema-refresh'),
    build(values, common) {
      const pair = endpointAndInstance(values);
      const precondition = values.string('connection-precondition') ?? ConnectionPreconditionMode.TEST_UNLESS_SUCCESSFUL;
      if (!(PRECONDITIONS as readonly string[]).includes(precondition)) {
        throw new UsageError(`--connection-precondition must be one of ${PRECONDITIONS.join(', ')}; got "${precondition}"`);
      }
      return {
        name: 'refresh-schemas',
        endpointArn: pair.endpoint.arn,
        replicationInstanceArn: pair.instance.arn,
        connectionPrecondition: precondition as ConnectionPrecondition,
        ...common([pair.endpoint, pair.instance]),
      };
    },
  },
  'test-connection': {
    name: 'test-connection',
    summary: 'Test an endpoint\'s connection from a replication instance',
    synopsis: '--endpoint-arn ARN --replication-instance-arn ARN [--wait] [--timeout 10m] [--poll-interval 2s] [--region R]',
    description: ['Always starts a new test, even when DMS shows an earlier one successful.'],
    options: PAIR_OPTIONS,
    defaultTimeout: defaultTimeout('connection-test'),
    build(values, common) {
      const pair = endpointAndInstance(values);
      return {
        name: 'test-connection',
        endpointArn: pair.endpoint.arn,
        replicationInstanceArn: pair.instance.arn,
        ...common([pair.endpoint, pair.instance]),
      };
    },
  },
  'stop-replication': {
    name: 'stop-replication',
    summary: 'Stop a replication (Serverless config or task) if it runs',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) [--wait] [--timeout 30m] [--poll-interval 2s] [--region R]',
    description: [
      'Only ever stops: a replication that runs or is starting is stopped, one already stopping is waited for, and one that is stopped, created, ready, failed or no longer exists is left as it is (exit 0, status as DMS reports it, or not-found).',
    ],
    options: {
      'replication-config-arn': { type: 'string', value: 'ARN', help: 'A DMS Serverless replication config' },
      'replication-task-arn': { type: 'string', value: 'ARN', help: 'A replication task (give exactly one of the two)' },
    },
    defaultTimeout: defaultTimeout('replication-teardown'),
    build(values, common) {
      const configArn = values.string('replication-config-arn');
      const taskArn = values.string('replication-task-arn');
      if (configArn !== undefined && taskArn !== undefined) {
        throw new UsageError('give either --replication-config-arn or --replication-task-arn, not both');
      }
      if (configArn === undefined && taskArn === undefined) {
        throw new UsageError('--replication-config-arn or --replication-task-arn is required');
      }
      const arn = configArn !== undefined
        ? parseDmsArn('--replication-config-arn', configArn, 'replication-config')
        : parseDmsArn('--replication-task-arn', taskArn!, 'task');
      return {
        name: 'stop-replication',
        target: { kind: configArn !== undefined ? 'replication-config' : 'replication-task', arn: arn.arn },
        ...common([arn]),
      };
    },
  },
};

export function isCommandName(word: string): word is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, word);
}

/** All options of a command, its own first. */
export function optionsOf(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...commonOptions(spec) };
}

/**
 * Reads the command line: `<command> [options]`, or `--help` / `--version` alone.
 * Throws UsageError for anything else.
 */
export function parseArguments(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError(`no command given; expected one of ${Object.keys(COMMANDS).join(', ')}`);
  if (first.startsWith('-')) {
    let global: OptionValues;
    try {
      global = readOptions(argv, {
        help: { type: 'boolean', short: 'h', help: '' },
        version: { type: 'boolean', help: '' },
      });
    } catch (err) {
      throw new UsageError(`${(err as Error).message}; the command comes first, then its options`);
    }
    if (global.flag('help')) return { kind: 'help' };
    if (global.flag('version')) return { kind: 'version' };
  }
  if (!isCommandName(first)) {
    throw new UsageError(`unknown command "${first}"; expected one of ${Object.keys(COMMANDS).join(', ')}`);
  }
  const spec = COMMANDS[first];
  const values = readOptions(rest, optionsOf(spec));
  if (values.flag('help')) return { kind: 'help', command: spec.name };
  return { kind: 'run', command: spec.build(values, (arns) => commonSettings(spec, values, arns)) };
}

/** The parsed options of one command line, read by name. */
export class OptionValues {
  public constructor(private readonly values: Record<string, string | boolean | undefined>) {}

  public string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  public required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  }

  public flag(name: string): boolean {
    return this.values[name] === true;
  }
}

/** parseArgs in strict mode, with its errors turned into UsageErrors and repeated options refused. */
function readOptions(args: readonly string[], options: Record<string, OptionSpec>): OptionValues {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: false, tokens: true });
  } catch (err) {
    // Node's messages are good; keep them on one line for the JSON output.
    throw new UsageError((err as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  // parseArgs lets the last of a repeated option win; two ARNs for one flag is a mistake worth stopping for.
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  return new OptionValues(parsed.values as Record<string, string | boolean | undefined>);
}

function endpointAndInstance(values: OptionValues): { endpoint: DmsArn; instance: DmsArn } {
  return {
    endpoint: parseDmsArn('--endpoint-arn', values.required('endpoint-arn'), 'endpoint'),
    instance: parseDmsArn('--replication-instance-arn', values.required('replication-instance-arn'), 'rep'),
  };
}

/** --wait/--timeout/--poll-interval, --region (checked against the ARNs) and --quiet. */
function commonSettings(spec: CommandSpec, values: OptionValues, arns: DmsArn[]): CommonSettings {
  const timeout = values.string('timeout');
  const pollInterval = values.string('poll-interval');
  const wait = values.flag('wait');
  // Without --wait nothing is waited for: a timeout there is most likely a forgotten --wait.
  if (!wait && (timeout !== undefined || pollInterval !== undefined)) {
    throw new UsageError(`${timeout !== undefined ? '--timeout' : '--poll-interval'} needs --wait`);
  }

  // A DMS client talks to one region, and DMS resources are found only in their own.
  const arnRegions = [...new Set(arns.map((a) => a.region))];
  if (arnRegions.length > 1) {
    throw new UsageError(`the ARNs are in different regions (${arnRegions.join(', ')}); DMS needs them in one`);
  }
  const regionFlag = values.string('region');
  if (regionFlag !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+$/.test(regionFlag)) {
    throw new UsageError(`--region must be an AWS region such as us-east-1; got "${regionFlag}"`);
  }
  if (regionFlag !== undefined && arnRegions[0] !== undefined && regionFlag !== arnRegions[0]) {
    throw new UsageError(`--region ${regionFlag} does not match the region of the ARNs (${arnRegions[0]})`);
  }
  const region = regionFlag ?? arnRegions[0];

  return {
    wait: wait
      ? {
        timeoutMs: parseDuration('--timeout', timeout ?? spec.defaultTimeout),
        pollIntervalMs: pollInterval === undefined ? undefined : parseDuration('--poll-interval', pollInterval),
      }
      : undefined,
    region,
    quiet: values.flag('quiet'),
  };
}
