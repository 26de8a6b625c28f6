/**
 * Runs schema refresh trials against one DMS emulator (in this process): each trial deploys a
 * trial stack (ours or the plain baseline) in its own child process, with its own emulator
 * endpoint whose refresh takes a given time. All trials start together once every worker is
 * loaded, so their waits overlap and the CPU is idle while refreshes finish.
 *
 * Per trial it records when DMS finished the refresh (the emulator's LastRefreshDate +
 * refreshDurationMs, i.e. when the status became `successful`), when the driver saw
 * CREATE_COMPLETE, the provider-framework round trips (isComplete invocations) and every DMS
 * call made for the trial's endpoint.
 */
import { ChildProcess, fork } from 'child_process';
import { DmsEmulator } from '../dms-emulator';
import { REPO_ROOT, RUNTIME_MODULES_DIR } from './paths';
import { FromWorker, ToWorker, TrialOutcome } from './trial-protocol';
import { ENDPOINT_PARAMETER, INSTANCE_PARAMETER, ProviderUnderTest, TrialStack } from './trial-stacks';

/** One trial to run. */
export interface TrialSpec {
  readonly id: string;
  readonly provider: ProviderUnderTest;
  /** How long the emulator's refresh takes. */
  readonly refreshDurationMs: number;
  /** Short refreshes measure detection latency; a long one measures round trips per minute. */
  readonly purpose: 'latency' | 'long-wait';
}

/** What one trial measured. */
export interface TrialResult {
  readonly spec: TrialSpec;
  readonly status: string;
  readonly failure?: string;
  /** Epoch ms: deploy() called, DMS started and finished the refresh, the driver saw CREATE_COMPLETE. */
  readonly deployStartedAt: number;
  readonly refreshStartedAt?: number;
  readonly refreshFinishedAt?: number;
  readonly completeAt?: number;
  /** completeAt − refreshFinishedAt. */
  readonly detectionLatencyMs?: number;
  readonly onEventInvocations: number;
  readonly isCompleteInvocations: number;
  /** From the user onEvent to the resource's completion (the driver's durationMs). */
  readonly waitMs: number;
  /** DMS calls made for this trial's endpoint, by operation. */
  readonly dmsCalls: Record<string, number>;
  readonly dmsCallsTotal: number;
}

export interface TrialRunOptions {
  /** The trial stacks, synthesized. */
  readonly stacks: Record<ProviderUnderTest, TrialStack>;
  /** The bundled trial worker (esbuild-bundles.ts). */
  readonly workerFile: string;
  /** Called once every 'latency' trial has finished (long waits may still run). */
  readonly onLatencyTrialsDone?: () => void;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Workers that take longer than the refresh plus this are killed and reported as failed. */
const TRIAL_SLACK_MS = 90_000;

/** Runs `specs` in parallel; resolves when all are done. */
export async function runProviderTrials(specs: readonly TrialSpec[], options: TrialRunOptions): Promise<TrialResult[]> {
  const log = options.log ?? (() => undefined);
  const emulator = await DmsEmulator.start();
  const workers: Worker[] = [];
  try {
    for (const spec of specs) {
      const endpointArn = emulator.endpointArn(`bench-${spec.id}`);
      const instanceArn = emulator.instanceArn(`bench-${spec.id}`);
      emulator.addReplicationInstance(instanceArn);
      emulator.addEndpoint(endpointArn, { refreshDurationMs: spec.refreshDurationMs });
      emulator.addConnection(endpointArn, instanceArn, 'successful');
      const stack = options.stacks[spec.provider];
      workers.push(new Worker(spec, endpointArn, options.workerFile, {
        type: 'prepare',
        trial: {
          assemblyDir: stack.assemblyDir,
          stackName: stack.stackName,
          logicalId: stack.logicalId,
          parameters: { [ENDPOINT_PARAMETER]: endpointArn, [INSTANCE_PARAMETER]: instanceArn },
          env: emulator.env(),
          runtimeModulesDir: RUNTIME_MODULES_DIR,
        },
      }));
    }
    await Promise.all(workers.map((w) => w.ready));
    log(`${workers.length} trial workers loaded; starting all trials`);
    workers.forEach((w) => w.go());

    const latencyTrials = workers.filter((w) => w.spec.purpose === 'latency');
    void Promise.all(latencyTrials.map((w) => w.done.catch(() => undefined))).then(() => options.onLatencyTrialsDone?.());
    const outcomes = await Promise.all(workers.map((w) => w.done.then(
      (outcome) => ({ outcome, error: undefined }),
      (error: Error) => ({ outcome: undefined, error }),
    )));
    return workers.map((w, i) => resultOf(w, outcomes[i].outcome, outcomes[i].error, emulator));
  } finally {
    workers.forEach((w) => w.kill());
    await emulator.close();
  }
}

function resultOf(worker: Worker, outcome: TrialOutcome | undefined, error: Error | undefined, emulator: DmsEmulator): TrialResult {
  const calls = emulator.calls.filter((c) => mentions(c.input, worker.endpointArn));
  const dmsCalls: Record<string, number> = {};
  for (const c of calls) dmsCalls[c.operation] = (dmsCalls[c.operation] ?? 0) + 1;
  const refresh = emulator.refreshStatus(worker.endpointArn);
  const refreshStartedAt = refresh?.Status === 'successful' ? refresh.LastRefreshDate : undefined;
  const refreshFinishedAt = refreshStartedAt !== undefined ? refreshStartedAt + worker.spec.refreshDurationMs : undefined;
  const ok = outcome?.status === 'CREATE_COMPLETE' && outcome.completeAt !== undefined && refreshFinishedAt !== undefined;
  return {
    spec: worker.spec,
    status: outcome?.status ?? 'WORKER_FAILED',
    failure: error ? error.message : outcome?.failures.map((f) => `${f.logicalId}: ${f.reason}`).join('\n') || undefined,
    deployStartedAt: outcome?.deployStartedAt ?? NaN,
    refreshStartedAt,
    refreshFinishedAt,
    completeAt: outcome?.completeAt,
    detectionLatencyMs: ok ? outcome!.completeAt! - refreshFinishedAt! : undefined,
    onEventInvocations: outcome?.stats?.onEventInvocations ?? 0,
    isCompleteInvocations: outcome?.stats?.isCompleteInvocations ?? 0,
    waitMs: outcome?.stats?.durationMs ?? NaN,
    dmsCalls,
    dmsCallsTotal: calls.length,
  };
}

/** Whether a DMS request names the endpoint (EndpointArn, or a Filters value as in DescribeConnections). */
function mentions(input: any, endpointArn: string): boolean {
  if (!input || typeof input !== 'object') return false;
  if (input.EndpointArn === endpointArn) return true;
  return Array.isArray(input.Filters) && input.Filters.some((f: any) => Array.isArray(f?.Values) && f.Values.includes(endpointArn));
}

/** One child process running one trial. */
class Worker {
  public readonly ready: Promise<void>;
  public readonly done: Promise<TrialOutcome>;
  private readonly child: ChildProcess;
  private output = '';
  private timer: NodeJS.Timeout | undefined;

  public constructor(public readonly spec: TrialSpec, public readonly endpointArn: string, workerFile: string, prepare: ToWorker) {
    this.child = fork(workerFile, [], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    // Handler logs: kept (the tail) for the failure report only.
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    // 'close' comes after the output is drained, so a worker that dies is reported with its own last words.
    const exited = new Promise<never>((_, reject) => {
      this.child.on('close', (code, signal) => reject(new Error(
        `trial worker ${spec.id} exited (${signal ?? code}) before reporting; the end of its output:\n${this.outputTail() || '(no output)'}`,
      )));
    });
    const message = (type: FromWorker['type']) => new Promise<FromWorker>((resolve, reject) => {
      this.child.on('message', (m: FromWorker) => {
        if (m.type === type) resolve(m);
        else if (m.type === 'error') reject(new Error(`trial worker ${spec.id}: ${m.message}`));
      });
    });
    this.ready = Promise.race([message('ready'), exited]).then(() => undefined);
    this.done = Promise.race([message('done'), exited]).then((m) => (m as Extract<FromWorker, { type: 'done' }>).outcome);
    this.ready.catch(() => undefined);
    void this.done.catch(() => undefined).finally(() => clearTimeout(this.timer));
    this.child.send(prepare);
  }

  public go(): void {
    this.timer = setTimeout(() => this.kill(), this.spec.refreshDurationMs + TRIAL_SLACK_MS);
    this.child.send({ type: 'go' } satisfies ToWorker);
  }

  /** Stops the worker if it still runs (this process started it; by its own handle). */
  public kill(): void {
    clearTimeout(this.timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  public outputTail(): string {
    return this.output.split('\n').slice(-15).join('\n');
  }
}
