import { ExitCode } from './exit-codes';
import { UsageError } from './usage-error';
import { apiFailure, DmsOperationFailed, NothingStarted, Progress, WaitTimedOut } from '../lambda/dms';

/** The one JSON object a successful run prints on stdout. */
export interface ResultOutput {
  readonly command: string;
  readonly subject: string;
  readonly done: boolean;
  readonly status: string;
  readonly attributes: Record<string, string>;
  readonly detail?: string;
  readonly elapsedSeconds: number;
}

/** The one JSON object a failed run prints on stdout. */
export interface ErrorOutput {
  readonly command: string | null;
  readonly error: 'DmsOperationFailed' | 'WaitTimedOut' | 'UsageError' | 'NotStarted' | 'InternalError';
  readonly message: string;
  /** The DMS error code, when a DMS API call failed. */
  readonly code?: string;
  readonly subject?: string;
  readonly elapsedSeconds?: number;
}

export function resultOutput(command: string, subject: string, progress: Progress, elapsedMs: number): ResultOutput {
  return {
    command,
    subject,
    done: progress.done,
    status: progress.status,
    attributes: progress.attributes ?? {},
    ...(progress.detail ? { detail: progress.detail } : {}),
    elapsedSeconds: seconds(elapsedMs),
  };
}

export interface ClassifiedError {
  readonly exitCode: ExitCode;
  readonly error: ErrorOutput['error'];
  readonly message: string;
  readonly code?: string;
}

/**
 * Maps what a run threw to an exit code. The DMS module already turns DMS
 * failures into DmsOperationFailed and deadlines into WaitTimedOut; what is left
 * to do here is an AWS SDK error it let through unwrapped (or one from the SDK's
 * credential and network layers), reported like the module reports API errors.
 */
export function classifyError(err: unknown, subject: string | undefined): ClassifiedError {
  if (err instanceof UsageError) return { exitCode: ExitCode.USAGE, error: 'UsageError', message: err.message };
  if (err instanceof NothingStarted) return { exitCode: ExitCode.NOT_STARTED, error: 'NotStarted', message: err.message };
  if (err instanceof WaitTimedOut) {
    return { exitCode: ExitCode.TIMED_OUT, error: 'WaitTimedOut', message: err.message };
  }
  if (err instanceof DmsOperationFailed) {
    return { exitCode: ExitCode.DMS_FAILURE, error: 'DmsOperationFailed', message: err.message, ...code(err.code) };
  }
  if (isAwsCallError(err)) {
    const wrapped = apiFailure('API call', subject ?? 'DMS', err);
    return { exitCode: ExitCode.DMS_FAILURE, error: 'DmsOperationFailed', message: wrapped.message, ...code(wrapped.code) };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { exitCode: ExitCode.INTERNAL, error: 'InternalError', message };
}

export function errorOutput(
  command: string | undefined,
  failure: ClassifiedError,
  extra: { subject?: string; elapsedMs?: number } = {},
): ErrorOutput {
  return {
    command: command ?? null,
    error: failure.error,
    message: failure.message,
    ...code(failure.code),
    ...(extra.subject ? { subject: extra.subject } : {}),
    ...(extra.elapsedMs !== undefined ? { elapsedSeconds: seconds(extra.elapsedMs) } : {}),
  };
}

/** An error from calling AWS: a service error (it carries `$metadata`), missing credentials, or the network. */
function isAwsCallError(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  const systemCode = (err as { code?: unknown }).code;
  return '$metadata' in err
    || err.name === 'CredentialsProviderError'
    || err.name === 'TimeoutError'
    || (typeof systemCode === 'string' && /^E[A-Z_]+$/.test(systemCode)); // ECONNREFUSED, ENOTFOUND, …
}

/** The DMS error code, if there is one: a bare `Error` (a network failure, say) names nothing. */
function code(value: string | undefined): { code?: string } {
  return value && value !== 'Error' ? { code: value } : {};
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
