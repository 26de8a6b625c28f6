/**
 * Runs a bundled Node.js Lambda handler in-process the way the Lambda runtime would:
 * a task root, the handler string, reserved environment variables, a context, the function
 * timeout, and an Invoke-API-like result (`Payload` JSON, `FunctionError` on failure).
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import { captureConsole, type LogLine } from './log-capture';

/** A Lambda function as the runner needs it (resolved from the template). */
export interface LambdaFunctionSpec {
  readonly functionName: string;
  readonly functionArn: string;
  /** `file.export`, e.g. `index.onEvent` (may have a directory prefix, `dir/index.onEvent`). */
  readonly handler: string;
  /** Directory holding the function code, or inline code (`Code.ZipFile`, saved as `index.js`). */
  readonly code: { readonly directory: string } | { readonly inline: string };
  /** @default 3 */
  readonly timeoutSeconds?: number;
  /** @default 128 */
  readonly memorySizeMb?: number;
  readonly runtime?: string;
  /** The function's `Environment.Variables`. */
  readonly environment?: Record<string, string>;
}

/** What Lambda's Invoke API returns. */
export interface LambdaInvokeResult {
  /** JSON text: the handler's result, or the runtime's error object. */
  readonly Payload: string;
  /** `Unhandled` when the function failed. */
  readonly FunctionError?: string;
  /** Wall-clock duration of the invocation. */
  readonly durationMs: number;
}

/** One invocation, as Lambda's metrics would count it. */
export interface LambdaInvocationRecord {
  readonly functionName: string;
  /** The function's handler string, e.g. `index.onEvent` (the Provider framework's own: `framework.onEvent`). */
  readonly handler: string;
  /** When the invocation began (epoch ms, the process clock: simulated under the time warp). */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The custom resource request it served, when its event is one (RequestType and LogicalResourceId). */
  readonly request?: { readonly requestType: string; readonly logicalId: string };
  /** The runtime's errorType when the invocation failed, e.g. `Sandbox.Timedout`. */
  readonly errorType?: string;
}

/** Options of a {@link HandlerRunner}. */
export interface HandlerRunnerOptions {
  readonly region: string;
  readonly account: string;
  /** Set last for every invocation. */
  readonly extraEnv?: Record<string, string>;
  /** `node_modules` whose `@aws-sdk` scope stands in for the SDK the Lambda runtime ships. */
  readonly runtimeModulesDir?: string;
}

type Handler = (event: unknown, context: unknown, callback: (err?: unknown, result?: unknown) => void) => unknown;

/**
 * Invocations swap process.env, so at most one may run at a time in this process,
 * whichever runner (driver) started it.
 */
let invocationQueue: Promise<unknown> = Promise.resolve();

/**
 * Loads handlers from a private copy of each code directory (one per runner, so every driver
 * gets fresh module state) and invokes them one at a time.
 */
export class HandlerRunner {
  /** What the handlers wrote to the console, in order (CloudWatch Logs' part). */
  public readonly logs: LogLine[] = [];
  /** Every invocation, in order. */
  public readonly invocations: LambdaInvocationRecord[] = [];
  private workDir: string | undefined;
  private readonly taskRoots = new Map<string, string>();

  constructor(private readonly options: HandlerRunnerOptions) {}

  /** Invokes `spec` with `payload` (JSON text), like `lambda.invoke({ FunctionName, Payload })`. */
  public invoke(spec: LambdaFunctionSpec, payload: string): Promise<LambdaInvokeResult> {
    const result = invocationQueue.then(async () => {
      const startedAt = Date.now();
      const outcome = await captureConsole(spec.functionName, this.logs, () => this.invokeNow(spec, payload));
      const errorType = outcome.FunctionError ? String(JSON.parse(outcome.Payload)?.errorType) : undefined;
      const request = requestOf(payload);
      const { functionName, handler } = spec;
      this.invocations.push({ functionName, handler, startedAt, durationMs: outcome.durationMs, errorType, ...(request ? { request } : {}) });
      return outcome;
    });
    invocationQueue = result.catch(() => undefined);
    return result;
  }

  /** Removes the private copies of handler code (a later invoke makes new ones). */
  public dispose(): void {
    if (this.workDir) fs.rmSync(this.workDir, { recursive: true, force: true });
    this.workDir = undefined;
    this.taskRoots.clear();
  }

  private async invokeNow(spec: LambdaFunctionSpec, payload: string): Promise<LambdaInvokeResult> {
    const started = Date.now();
    const requestId = randomUUID();
    const timeoutMs = (spec.timeoutSeconds ?? 3) * 1000;
    const deadline = started + timeoutMs;
    const taskRoot = this.taskRootFor(spec);
    const restoreEnv = applyEnvironment(this.lambdaEnvironment(spec, taskRoot));
    const done = (result: { payload: unknown; error?: boolean }): LambdaInvokeResult => ({
      Payload: JSON.stringify(result.payload === undefined ? null : result.payload),
      FunctionError: result.error ? 'Unhandled' : undefined,
      durationMs: Date.now() - started,
    });
    try {
      let handler: Handler;
      try {
        handler = loadHandler(taskRoot, spec.handler);
      } catch (e) {
        return done({ payload: (e as InitError).payload ?? errorPayload(e), error: true });
      }
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: spec.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: spec.functionArn,
        memoryLimitInMB: String(spec.memorySizeMb ?? 128),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${spec.functionName}`,
        logStreamName: `${new Date(started).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      };
      const outcome = await withTimeout(callHandler(handler, JSON.parse(payload), context), timeoutMs);
      if (outcome.timedOut) {
        // Lambda stops the function here; in-process it keeps running, but its result is dropped.
        return done({
          payload: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` },
          error: true,
        });
      }
      if (outcome.error !== undefined) {
        return done({ payload: errorPayload(outcome.error.value), error: true });
      }
      try {
        return done({ payload: JSON.parse(JSON.stringify(outcome.value ?? null)) });
      } catch (e) {
        return done({ payload: { errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to stringify response body: ${(e as Error).message}` }, error: true });
      }
    } finally {
      restoreEnv();
    }
  }

  /** Reserved Lambda variables, then the function's own, then the caller's extra ones. */
  private lambdaEnvironment(spec: LambdaFunctionSpec, taskRoot: string): Record<string, string> {
    const { region, extraEnv } = this.options;
    return {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime ?? 'nodejs'}`,
      AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySizeMb ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
      // Lambda gives every function temporary credentials; fake ones keep the SDK off IMDS and the host profile.
      AWS_ACCESS_KEY_ID: 'ASIALIFECYCLEDRIVER0',
      AWS_SECRET_ACCESS_KEY: 'lifecycle-driver-fake-secret-access-key',
      AWS_SESSION_TOKEN: 'lifecycle-driver-fake-session-token',
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: spec.handler,
      ...spec.environment,
      ...extraEnv,
    };
  }

  private taskRootFor(spec: LambdaFunctionSpec): string {
    const key = 'directory' in spec.code ? `dir:${path.resolve(spec.code.directory)}` : `inline:${spec.code.inline}`;
    let root = this.taskRoots.get(key);
    if (!root) {
      root = path.join(this.ensureWorkDir(), `task-${this.taskRoots.size + 1}`);
      if ('directory' in spec.code) {
        if (!fs.existsSync(spec.code.directory) || !fs.statSync(spec.code.directory).isDirectory()) {
          throw new Error(`Code of ${spec.functionName} is not a directory: ${spec.code.directory} (zip files are not supported)`);
        }
        fs.cpSync(spec.code.directory, root, { recursive: true });
      } else {
        fs.mkdirSync(root);
        fs.writeFileSync(path.join(root, 'index.js'), spec.code.inline);
      }
      this.taskRoots.set(key, root);
    }
    return root;
  }

  /** A temp dir holding the task roots and, like the Lambda runtime, an `@aws-sdk` they can resolve. */
  private ensureWorkDir(): string {
    if (!this.workDir) {
      this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-driver-'));
      const sdk = path.join(this.options.runtimeModulesDir ?? findRuntimeModulesDir() ?? '', '@aws-sdk');
      if (this.options.runtimeModulesDir !== undefined || fs.existsSync(sdk)) {
        fs.mkdirSync(path.join(this.workDir, 'node_modules'));
        fs.symlinkSync(sdk, path.join(this.workDir, 'node_modules', '@aws-sdk'), 'dir');
      }
    }
    return this.workDir;
  }
}

/** The custom resource request an event carries (the Provider framework hands it on to every function), if any. */
function requestOf(payload: string): LambdaInvocationRecord['request'] {
  try {
    const event = JSON.parse(payload);
    return typeof event?.RequestType === 'string' && typeof event?.LogicalResourceId === 'string'
      ? { requestType: event.RequestType, logicalId: event.LogicalResourceId }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Error while loading the handler, carrying the runtime's error payload. */
class InitError extends Error {
  constructor(public readonly payload: { errorType: string; errorMessage: string; trace: string[] }) {
    super(payload.errorMessage);
  }
}

/** Mirrors the Node.js runtime's handler lookup: `[dir/]module.export[.nested]`, module tried as .js then .cjs. */
function loadHandler(taskRoot: string, handlerString: string): Handler {
  const slash = handlerString.lastIndexOf('/');
  const moduleRoot = handlerString.slice(0, slash + 1);
  const match = handlerString.slice(slash + 1).match(/^([^.]*)\.(.*)$/);
  if (!match) {
    throw initError('Runtime.MalformedHandlerName', "Bad handler '" + handlerString + "'");
  }
  const [, moduleName, exportPath] = match;
  const base = path.join(taskRoot, moduleRoot, moduleName);
  if (fs.existsSync(`${base}.mjs`) && !fs.existsSync(`${base}.js`)) {
    throw initError('Runtime.ImportModuleError', `Error: ${moduleName}.mjs is an ES module; the lifecycle driver loads CommonJS handlers only`);
  }
  const file = ['.js', '.cjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    throw initError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'`);
  }
  let mod: any;
  try {
    // Plain require (jest's inside jest), so the handler shares this realm's process.env.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (e) {
    const err = e as Error;
    const type = err?.name === 'SyntaxError' ? 'Runtime.UserCodeSyntaxError' : 'Runtime.ImportModuleError';
    throw initError(type, `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`);
  }
  const fn = exportPath.split('.').reduce((obj, key) => (obj == null ? undefined : obj[key]), mod);
  if (typeof fn !== 'function') {
    throw initError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  return fn as Handler;
}

function initError(errorType: string, errorMessage: string): InitError {
  return new InitError({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`] });
}

/** Promise handlers are awaited; others finish through the callback (or return null, as Lambda does). */
function callHandler(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let returned: unknown;
    try {
      returned = handler(event, context, (err, result) => (err !== undefined && err !== null ? reject(err) : resolve(result)));
    } catch (e) {
      reject(e);
      return;
    }
    if (returned && typeof (returned as any).then === 'function') {
      (returned as Promise<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      resolve(null);
    }
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<{ timedOut?: true; value?: T; error?: { value: unknown } }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ timedOut: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timedOut: true }), ms);
  });
  try {
    return await Promise.race([
      promise.then((value) => ({ value }), (value: unknown) => ({ error: { value } })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Node.js runtime's error object: errorType, errorMessage and the stack split into lines. */
function errorPayload(e: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  const err = e as any;
  if (util.types.isNativeError(e) || (err && typeof err.name === 'string' && typeof err.message === 'string' && typeof err.stack === 'string')) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  return { errorType: typeof e, errorMessage: String(e), trace: [] };
}

/** Replaces the host's AWS_* variables with `vars` (a Lambda sandbox has none of the host's); returns the undo. */
function applyEnvironment(vars: Record<string, string>): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_')) delete process.env[key];
  }
  for (const [key, value] of Object.entries(vars)) {
    process.env[key] = value;
  }
  return () => {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) delete process.env[key];
    }
    for (const [key, value] of Object.entries(saved)) {
      process.env[key] = value;
    }
  };
}

function findRuntimeModulesDir(): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules');
      if (fs.existsSync(path.join(candidate, '@aws-sdk'))) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}
