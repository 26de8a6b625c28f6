import { parseArgs } from 'node:util';
import { DmsArn, parseDmsArn, parseDuration } from './option-values';
import { READINESS_OPTIONS, readinessCriteria } from './readiness-options';
import { UsageError } from './usage-error';
import type { AssessmentRunChoice, ConnectionPrecondition, ReadinessCriteria, ReplicationGoal, ReplicationTarget, StopPositionKind } from '../lambda/dms';
import { ConnectionPreconditionMode, DefaultWait, ReplicationWaitTarget, ReplicationWaitTargetValue } from '../src/private/handler-contract';

export type CommandName =
  | 'refresh-schemas' | 'test-connection' | 'stop-replication' | 'start-replication' | 'wait-replication' | 'status'
  | 'assess' | 'wait-assessment' | 'cutover';

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

export interface StartReplicationCommand extends CommonSettings {
  readonly name: 'start-replication';
  readonly target: ReplicationTarget;
  readonly until: ReplicationWaitTargetValue;
  readonly reload: boolean;
  readonly cdcStartTime?: Date;
  readonly cdcStartPosition?: string;
}

export interface WaitReplicationCommand extends CommonSettings {
  readonly name: 'wait-replication';
  readonly target: ReplicationTarget;
  readonly until: ReplicationGoal | typeof CUTOVER_READY;
  /** With --until cutover-ready. */
  readonly readiness?: ReadinessCriteria;
}

/** Prints the replication's cut-over readiness, table by table (one look, no wait). */
export interface StatusCommand extends CommonSettings {
  readonly name: 'status';
  readonly target: ReplicationTarget;
  readonly readiness: ReadinessCriteria;
  /** JSON on stdout instead of the table. */
  readonly json: boolean;
  /** --watch: look again every intervalMs until ready, stopped or interrupted (cli/status-watch.ts). */
  readonly watch?: { readonly intervalMs: number };
}

export interface AssessCommand extends CommonSettings {
  readonly name: 'assess';
  readonly target: ReplicationTarget;
  /** Tasks: where DMS writes the results, with which role. */
  readonly resultBucket?: string;
  readonly serviceRoleArn?: string;
  readonly resultFolder: string;
  readonly resultKmsKeyArn?: string;
  readonly includeOnly?: string[];
  readonly exclude?: string[];
  readonly failOnWarning: boolean;
  /** Serverless: where CDC starts if the assessment's StartReplication is the first. */
  readonly cdcStartTime?: Date;
  readonly cdcStartPosition?: string;
}

export interface WaitAssessmentCommand extends CommonSettings {
  readonly name: 'wait-assessment';
  readonly target: ReplicationTarget;
  /** --assessment-run-arn, or --created-after: the one run it judges. */
  readonly run: AssessmentRunChoice;
  readonly failOnWarning: boolean;
}

/** The last step: stop CDC at a position at or after the freeze of writes (cli/cutover.ts). */
export interface CutoverCommand extends CommonSettings {
  readonly name: 'cutover';
  readonly target: ReplicationTarget;
  /** When writes to the source stopped (UTC). */
  readonly freezeTime: Date;
  /** Added to the freeze time for clock skew and commits in flight. */
  readonly skewMarginMs: number;
  readonly stopAt: StopPositionKind;
  /** commit_time only: fall back to a server_time position after this long without a stop; undefined: never. */
  readonly fallbackAfterMs?: number;
  /** Waited for before the stop (and its schema selection for the final statistics). */
  readonly readiness: ReadinessCriteria;
}

/** A validated command line, ready to run. */
export type CliCommand =
  | RefreshSchemasCommand | TestConnectionCommand | StopReplicationCommand | StartReplicationCommand | WaitReplicationCommand | StatusCommand
  | AssessCommand | WaitAssessmentCommand | CutoverCommand;

/** wait-replication's goal that waits for cut-over readiness (lambda/dms/cutover-readiness.ts). */
export const CUTOVER_READY = 'cutover-ready';

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
  /** Waits without --wait (a command that only waits). */
  readonly alwaysWaits?: boolean;
  /** Never waits: no --wait, --timeout or --poll-interval. */
  readonly neverWaits?: boolean;
  build(values: OptionValues, common: (arns: DmsArn[]) => CommonSettings): CliCommand;
}

const PRECONDITIONS: readonly ConnectionPrecondition[] = Object.values(ConnectionPreconditionMode);
/** A default timeout of the constructs, as a CLI duration. */
const defaultTimeout = (kind: keyof typeof DefaultWait.TIMEOUT_SECONDS) => `${DefaultWait.TIMEOUT_SECONDS[kind] / 60}m`;

/** Options every command takes; only the default timeout differs between commands. */
function commonOptions(spec: Pick<CommandSpec, 'defaultTimeout' | 'alwaysWaits' | 'neverWaits'>): Record<string, OptionSpec> {
  return {
    ...(spec.alwaysWaits || spec.neverWaits ? {} : { wait: { type: 'boolean', help: 'Wait until DMS finishes. Without it: start, check once, exit' } as OptionSpec }),
    ...(spec.neverWaits ? {} : {
      'timeout': { type: 'string', value: 'DURATION', help: `With --wait: give up after this long (default ${spec.defaultTimeout})` } as OptionSpec,
      'poll-interval': {
        type: 'string',
        value: 'DURATION',
        help: 'With --wait: check DMS this often (default: every 2s at first, then less often as the wait goes on, at most every 60s)',
      } as OptionSpec,
    }),
    region: { type: 'string', value: 'REGION', help: 'AWS region to call; defaults to the ARNs\' region and must match it' },
    quiet: { type: 'boolean', help: 'No progress lines on stderr (errors are still printed)' },
    help: { type: 'boolean', short: 'h', help: 'Show this help' },
  };
}

const REPLICATION_OPTIONS: Record<string, OptionSpec> = {
  'replication-config-arn': { type: 'string', value: 'ARN', help: 'A DMS Serverless replication config' },
  'replication-task-arn': { type: 'string', value: 'ARN', help: 'A replication task (give exactly one of the two)' },
};
const START_GOALS: readonly string[] = Object.values(ReplicationWaitTarget);
const WAIT_GOALS: readonly string[] = [...START_GOALS, 'stopped', CUTOVER_READY];

const PAIR_OPTIONS: Record<string, OptionSpec> = {
  'endpoint-arn': { type: 'string', value: 'ARN', help: 'The DMS endpoint (required)' },
  'replication-instance-arn': { type: 'string', value: 'ARN', help: 'The DMS replication instance (required)' },
};

/** cutover: the margin added to the freeze time, and how long a commit_time position is waited for on its own. */
const DEFAULT_SKEW_MARGIN_MS = 60_000;
const DEFAULT_FALLBACK_AFTER_MS = 10 * 60_000;
/** status --watch: how often it looks. */
const DEFAULT_WATCH_INTERVAL_MS = 10_000;

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
    options: REPLICATION_OPTIONS,
    defaultTimeout: defaultTimeout('replication-teardown'),
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      return { name: 'stop-replication', target, ...common([arn]) };
    },
  },
  'start-replication': {
    name: 'start-replication',
    summary: 'Start (or resume) a replication with the start type DMS requires',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) [--reload-target] [--cdc-start-time TIME | --cdc-start-position POS] [--wait] [--until running] [--timeout 30m] [--poll-interval 2s] [--region R]',
    description: [
      'start-replication for a replication that never ran, resume-processing for one that did (reload-target for a full-load-only one stopped before it finished), nothing for one that runs or a full-load-only one that finished. It waits while DMS is modifying, stopping or deprovisioning (DMS refuses a start meanwhile).',
      'With --wait it waits --until accepted (DMS took the start), running (default) or full-load-finished (CDC goes on). A full-load-only replication that loaded everything and stopped counts as done; one that fails or stops with an error exits 1 with DMS\'s stop reason.',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      'reload-target': { type: 'boolean', help: 'Load every table again (reload-target), stopping the replication first if it runs' },
      'cdc-start-time': { type: 'string', value: 'TIME', help: 'ISO 8601 time where CDC starts, on a first run' },
      'cdc-start-position': { type: 'string', value: 'POS', help: 'DMS CDC position where CDC starts, on a first run (not with --cdc-start-time)' },
      'until': { type: 'string', value: 'GOAL', help: `With --wait: ${START_GOALS.join(', ')} (default running)` },
    },
    defaultTimeout: defaultTimeout('replication-run'),
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      const { time, position } = cdcStart(values);
      const settings = common([arn]);
      const until = values.string('until');
      if (until !== undefined && !settings.wait) throw new UsageError('--until needs --wait');
      return {
        name: 'start-replication',
        target,
        until: goal('--until', until ?? 'running', START_GOALS) as ReplicationWaitTargetValue,
        reload: values.flag('reload-target'),
        cdcStartTime: time !== undefined ? new Date(time) : undefined,
        cdcStartPosition: position,
        ...settings,
      };
    },
  },
  'wait-replication': {
    name: 'wait-replication',
    summary: 'Wait until a replication is running, done with its full load, stopped, or ready for cut-over',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) --until GOAL [--criterion latency-window|drained|both] [--max-source-latency 10s] [--max-target-latency 10s] [--latency-window 5m] [--drained-window 5m] [--waive-validation] [--accept-conditional-check-failures T=N,*=N] [--schemas S] [--timeout 6h] [--poll-interval 2s] [--region R]',
    description: [
      'Starts nothing; for pipeline steps that wait longer than the hour CloudFormation gives a custom resource (serverless capacity provisioning, a large full load). GOAL: accepted, running, full-load-finished, stopped or cutover-ready. A replication that fails, or stops with an error while waiting for running or full-load-finished, exits 1 with DMS\'s stop reason.',
      'cutover-ready: the replication runs, every table loaded and none errored, validation Validated wherever it is enabled (unless --waive-validation; where it is off or waived, no full-load error rows and no more conditional-check failures than accepted), and CDC caught up by --criterion: latency-window (writes still flowing: CDCLatencySource and CDCLatencyTarget at or under their maximum for the whole --latency-window), drained (writes frozen: CDCIncomingChanges, CDCChangesMemorySource/Target and CDCChangesDiskSource/Target at 0 for the whole --drained-window; this does not prove the source\'s log was read to the end) or both; a data point every minute (no data points is unknown, not zero).',
      'A replication that failed or stopped for good (FATAL_ERROR, stopped by a user, any stop reason DMS does not recover from by itself), a table in Table error, or --schemas naming a schema DMS does not report exit 1 at once with DMS\'s words; RECOVERABLE_ERROR is waited for. A timeout (exit 3) says what still held readiness back. Run the status command to see it table by table.',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      until: { type: 'string', value: 'GOAL', help: `${WAIT_GOALS.join(', ')} (required)` },
      ...READINESS_OPTIONS,
    },
    defaultTimeout: '6h',
    alwaysWaits: true,
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      const until = goal('--until', values.required('until'), WAIT_GOALS) as ReplicationGoal | typeof CUTOVER_READY;
      const readiness = readinessCriteria(values);
      if (until !== CUTOVER_READY && readiness.given) throw new UsageError(`${readiness.given} needs --until ${CUTOVER_READY}`);
      return { name: 'wait-replication', target, until, ...(until === CUTOVER_READY ? { readiness: readiness.criteria } : {}), ...common([arn]) };
    },
  },
  'status': {
    name: 'status',
    summary: 'Show whether a replication is ready for cut-over, table by table, and what holds it back',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) [--json | --watch [--poll-interval 10s]] [--criterion latency-window|drained|both] [--max-source-latency 10s] [--max-target-latency 10s] [--latency-window 5m] [--drained-window 5m] [--waive-validation] [--accept-conditional-check-failures T=N,*=N] [--schemas S] [--region R]',
    description: [
      'One look at DMS\'s table statistics and CloudWatch\'s CDC latency and backlog, judged by the rules of wait-replication --until cutover-ready. Prints a table (each table\'s load and validation state, its failed, pending and suspended records, and why it is not ready), or with --json one JSON object with the same facts. Exits 0 whether or not the replication is ready: read "ready" in the JSON.',
      'With --watch it looks again every --poll-interval until the replication is ready (exit 0), stops for good or fails (exit 1: it will not become ready by itself), or Ctrl-C (exit 0). On a terminal it redraws the table; otherwise (a pipe, a pipeline log) it prints one line each time what holds readiness back changes.',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      ...READINESS_OPTIONS,
      'json': { type: 'boolean', help: 'Print one JSON object instead of the table' },
      'watch': { type: 'boolean', help: 'Look again and again until ready, stopped or Ctrl-C: a redrawn table on a terminal, a line per change otherwise' },
      'poll-interval': { type: 'string', value: 'DURATION', help: `With --watch: look this often (default ${DEFAULT_WATCH_INTERVAL_MS / 1000}s)` },
    },
    defaultTimeout: '0s',
    neverWaits: true,
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      const watch = values.flag('watch');
      if (watch && values.flag('json')) throw new UsageError('give either --watch or --json: --json prints one look as one JSON object');
      const interval = values.string('poll-interval');
      if (interval !== undefined && !watch) throw new UsageError('--poll-interval needs --watch');
      return {
        name: 'status',
        target,
        readiness: readinessCriteria(values).criteria,
        json: values.flag('json'),
        ...(watch ? { watch: { intervalMs: interval === undefined ? DEFAULT_WATCH_INTERVAL_MS : parseDuration('--poll-interval', interval) } } : {}),
        ...common([arn]),
      };
    },
  },
  'assess': {
    name: 'assess',
    summary: 'Run a premigration assessment and fail on a failed check',
    synopsis: '(--replication-task-arn ARN --result-bucket NAME --service-role-arn ARN | --replication-config-arn ARN) [--include-only NAMES | --exclude NAMES] [--fail-on-warning] [--result-folder PREFIX] [--result-kms-key-arn ARN] [--wait] [--timeout 45m] [--poll-interval 2s] [--region R]',
    description: [
      'A task: StartReplicationTaskAssessmentRun (results in --result-bucket, written with --service-role-arn). A serverless config: DMS assesses only as part of StartReplication, so this starts the replication (start-replication if it never ran, resume-processing otherwise) and DMS runs it only if the assessment passes; a running replication is refused.',
      'With --wait it waits for the run and its individual assessments: exit 1 when a check failed (or the run warned, with --fail-on-warning), naming the checks, their status and the report\'s S3 location. For pipeline steps longer than the hour CloudFormation gives a custom resource.',
      'Without --wait it prints the run it started: attributes AssessmentRunArn and AssessmentRunCreationDate (DMS\'s own creation time) and Status, for a serverless config as DescribeReplications shows the assessment. Hand either to wait-assessment (--assessment-run-arn or --created-after). Another assessment under way (DMS runs one at a time) is waited for with --wait; without it nothing is started and assess exits 5, saying why; it never takes over a run it did not start.',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      'result-bucket': { type: 'string', value: 'NAME', help: 'Tasks: the S3 bucket DMS writes the results to (required for a task)' },
      'service-role-arn': { type: 'string', value: 'ARN', help: 'Tasks: the role DMS writes them with (required for a task)' },
      'result-folder': { type: 'string', value: 'PREFIX', help: 'Key prefix for the results; each run gets its own subfolder (default premigration-assessments)' },
      'result-kms-key-arn': { type: 'string', value: 'ARN', help: 'Encrypt the results with this KMS key (SSE-KMS); default SSE-S3' },
      'include-only': { type: 'string', value: 'NAMES', help: 'Run only these individual assessments (comma-separated)' },
      'exclude': { type: 'string', value: 'NAMES', help: 'Run every applicable assessment but these (not with --include-only)' },
      'fail-on-warning': { type: 'boolean', help: 'Exit 1 also when the run ends warning (warnings, or every check skipped)' },
      'cdc-start-time': { type: 'string', value: 'TIME', help: 'Serverless, first start: ISO 8601 time where CDC starts' },
      'cdc-start-position': { type: 'string', value: 'POS', help: 'Serverless, first start: DMS CDC position where CDC starts' },
    },
    defaultTimeout: defaultTimeout('premigration-assessment'),
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      const includeOnly = assessmentNames(values, 'include-only');
      const exclude = assessmentNames(values, 'exclude');
      if (includeOnly && exclude) throw new UsageError('give either --include-only or --exclude, not both (DMS refuses both)');
      const isTask = target.kind === 'replication-task';
      const taskOnly = ['result-bucket', 'service-role-arn'].find((flag) => values.string(flag) !== undefined);
      if (!isTask && taskOnly) throw new UsageError(`--${taskOnly} is for a task: DMS Serverless writes assessment results to a bucket it manages`);
      const { time, position } = cdcStart(values);
      if (isTask && (time ?? position) !== undefined) throw new UsageError('--cdc-start-time and --cdc-start-position are for a serverless config (its assessment starts it)');
      const kmsKey = values.string('result-kms-key-arn');
      if (kmsKey !== undefined && !/^arn:aws[a-z-]*:kms:/.test(kmsKey)) throw new UsageError(`--result-kms-key-arn must be a KMS key ARN; got "${kmsKey}"`);
      return {
        name: 'assess',
        target,
        resultBucket: isTask ? values.required('result-bucket') : undefined,
        serviceRoleArn: isTask ? values.required('service-role-arn') : undefined,
        resultFolder: (values.string('result-folder') ?? 'premigration-assessments').replace(/^\/+|\/+$/g, ''),
        resultKmsKeyArn: kmsKey,
        includeOnly,
        exclude,
        failOnWarning: values.flag('fail-on-warning'),
        cdcStartTime: time !== undefined ? new Date(time) : undefined,
        cdcStartPosition: position,
        ...common([arn]),
      };
    },
  },
  'wait-assessment': {
    name: 'wait-assessment',
    summary: 'Wait for a premigration assessment to finish; exit 1 if a check failed',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) (--assessment-run-arn ARN | --created-after TIME) [--fail-on-warning] [--timeout 1h] [--poll-interval 2s] [--region R]',
    description: [
      'Starts nothing. Waits for one assessment run and its individual assessments: the run with --assessment-run-arn, or the oldest one DMS created at or after --created-after (compared with DMS\'s own creation time: pass the AssessmentRunCreationDate that assess printed). Never just the newest run: within DMS\'s read lag that can be the previous one. Exit 1 when a check failed (or the run warned, with --fail-on-warning), naming the checks, their status and the report\'s S3 location, or when DMS still shows no such run after its read lag (about 10 s).',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      'assessment-run-arn': { type: 'string', value: 'ARN', help: 'The run to judge (AssessmentRunArn as assess prints it)' },
      'created-after': { type: 'string', value: 'TIME', help: 'Or: judge the oldest run DMS created at or after this ISO 8601 time (AssessmentRunCreationDate as assess prints it)' },
      'fail-on-warning': { type: 'boolean', help: 'Exit 1 also when the run ends warning' },
    },
    defaultTimeout: '1h',
    alwaysWaits: true,
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      return { name: 'wait-assessment', target, run: assessmentRunChoice(values), failOnWarning: values.flag('fail-on-warning'), ...common([arn]) };
    },
  },
  'cutover': {
    name: 'cutover',
    summary: 'Once ready, stop CDC at a position after the freeze of writes; print the final statistics',
    synopsis: '(--replication-config-arn ARN | --replication-task-arn ARN) --freeze-time TIME [--skew-margin 60s] [--stop-at commit-time] [--fallback-after 10m] [--criterion latency-window|drained|both] [--max-source-latency 10s] [--max-target-latency 10s] [--latency-window 5m] [--drained-window 5m] [--waive-validation] [--accept-conditional-check-failures T=N,*=N] [--schemas S] [--timeout 6h] [--poll-interval 2s] [--region R]',
    description: [
      'Stop writes to the source first, then give the time they stopped (UTC). The command waits until the replication is ready for cut-over (the criteria of wait-replication --until cutover-ready; with writes frozen, --criterion drained), records the stop position --freeze-time + --skew-margin (rounded up to the second) as a tag on the replication, stops it, resumes it with that CdcStopPosition (DMS takes one only with a start), waits until DMS reports STOPPED_AT_COMMIT_TIME or STOPPED_AT_SERVER_TIME, and prints the final table statistics, the tables judged again after the stop: JSON on stdout, a table on stderr. A replication that fails or stops for good on the way exits 1 at once with DMS\'s stop reason.',
      'commit-time (default) stops once DMS reads a source commit at or after the position: everything committed before it was applied. An idle source may never commit again: after --fallback-after (default 10m; never: no fallback) the command stops and resumes it with a server_time position instead, at least --skew-margin from then. Idempotent: a rerun with the same options that finds it stopped at the position exits 0 with the statistics, and one after a kill goes on from where DMS is.',
    ],
    options: {
      ...REPLICATION_OPTIONS,
      'freeze-time': { type: 'string', value: 'TIME', help: 'When writes to the source stopped, in UTC: 2026-11-01T22:00:00Z (required)' },
      'skew-margin': { type: 'string', value: 'DURATION', help: 'Added to --freeze-time for clock skew and commits in flight (default 60s)' },
      'stop-at': { type: 'string', value: 'KIND', help: 'commit-time (default): the source\'s commit times; server-time: the DMS server\'s clock' },
      'fallback-after': { type: 'string', value: 'DURATION', help: 'commit-time: fall back to server-time when DMS has not stopped this long after the resume (default 10m; never: wait until --timeout)' },
      ...READINESS_OPTIONS,
    },
    defaultTimeout: '6h',
    alwaysWaits: true,
    build(values, common) {
      const { target, arn } = replicationTarget(values);
      const settings = common([arn]);
      const freezeTime = utcTime('--freeze-time', values.required('freeze-time'));
      const skewMarginMs = values.string('skew-margin') === undefined ? DEFAULT_SKEW_MARGIN_MS : parseDuration('--skew-margin', values.string('skew-margin')!);
      if (freezeTime.getTime() > Date.now() + skewMarginMs) {
        throw new UsageError(`--freeze-time ${values.string('freeze-time')} is in the future: stop the writes first, then give the time they stopped`);
      }
      const stopAt = goal('--stop-at', values.string('stop-at') ?? 'commit-time', ['commit-time', 'server-time']) === 'commit-time' ? 'commit_time' : 'server_time';
      const fallback = values.string('fallback-after');
      if (fallback !== undefined && stopAt === 'server_time') throw new UsageError('--fallback-after is for --stop-at commit-time: a server time is always reached');
      const fallbackAfterMs = fallback === 'never' ? undefined : parseDuration('--fallback-after', fallback ?? `${DEFAULT_FALLBACK_AFTER_MS / 1000}s`);
      return {
        name: 'cutover',
        target,
        freezeTime,
        skewMarginMs,
        stopAt,
        ...(stopAt === 'commit_time' && fallbackAfterMs !== undefined ? { fallbackAfterMs } : {}),
        readiness: readinessCriteria(values).criteria,
        ...settings,
      };
    },
  },
};


/** A time given in UTC, to the second or finer: 2026-11-01T22:00:00Z (or +00:00). Other zones are refused: DMS's positions carry none. */
function utcTime(flag: string, text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(\.\d+)?)(Z|\+00:?00)$/i.exec(text.trim());
  const date = m ? new Date(`${m[1]}T${m[2]}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} must be a UTC time such as 2026-11-01T22:00:00Z (Z or +00:00: DMS's stop positions are UTC here); got "${text}"`);
  }
  return date;
}

/** --cdc-start-time or --cdc-start-position, validated. */
function cdcStart(values: OptionValues): { time?: string; position?: string } {
  const time = values.string('cdc-start-time');
  const position = values.string('cdc-start-position');
  if (time !== undefined && position !== undefined) throw new UsageError('give either --cdc-start-time or --cdc-start-position, not both');
  if (time !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(time) || Number.isNaN(Date.parse(time)))) {
    throw new UsageError(`--cdc-start-time must be an ISO 8601 time such as 2026-11-01T00:00:00Z; got "${time}"`);
  }
  return { time, position };
}

/** wait-assessment's one run: --assessment-run-arn or --created-after, exactly one. */
function assessmentRunChoice(values: OptionValues): AssessmentRunChoice {
  const runArn = values.string('assessment-run-arn');
  const createdAfter = values.string('created-after');
  if (runArn !== undefined && createdAfter !== undefined) throw new UsageError('give either --assessment-run-arn or --created-after, not both');
  if (runArn !== undefined) {
    if (!/^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:assessment-run:\S+$/.test(runArn)) {
      throw new UsageError(`--assessment-run-arn must be a DMS assessment run ARN such as arn:aws:dms:us-east-1:123456789012:assessment-run:ABC; got "${runArn}"`);
    }
    return { runArn };
  }
  if (createdAfter !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(createdAfter) || Number.isNaN(Date.parse(createdAfter))) {
      throw new UsageError(`--created-after must be an ISO 8601 time such as 2026-11-01T12:00:00.000Z (the AssessmentRunCreationDate assess printed); got "${createdAfter}"`);
    }
    return { createdAfter: Date.parse(createdAfter) };
  }
  throw new UsageError(
    'wait-assessment needs --assessment-run-arn or --created-after (the AssessmentRunArn or AssessmentRunCreationDate that assess printed): '
    + 'the newest run DMS shows may be another one, within DMS\'s read lag the previous run',
  );
}

/** Assessment names given as NAME,NAME (or space-separated). */
function assessmentNames(values: OptionValues, flag: string): string[] | undefined {
  const raw = values.string(flag);
  if (raw === undefined) return undefined;
  const names = raw.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((name) => !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name));
  if (names.length === 0 || bad !== undefined) {
    throw new UsageError(`--${flag} takes DMS's individual assessment names separated by commas, such as unsupported-data-types-in-source,postgres-check-wal-level; got "${raw}"`);
  }
  return names;
}

function goal(flag: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value;
}

/** --replication-config-arn or --replication-task-arn: exactly one. */
function replicationTarget(values: OptionValues): { target: ReplicationTarget; arn: DmsArn } {
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
  return { target: { kind: configArn !== undefined ? 'replication-config' : 'replication-task', arn: arn.arn }, arn };
}

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
  const wait = spec.alwaysWaits === true || values.flag('wait');
  // Without --wait nothing is waited for: a timeout there is most likely a forgotten --wait.
  // (A command that never waits reads its own --poll-interval, if it has one: status --watch.)
  if (!wait && !spec.neverWaits && (timeout !== undefined || pollInterval !== undefined)) {
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
