/**
 * Errors the lifecycle code raises on purpose. Their messages become the
 * CloudFormation failure reason, so they are written for the user and kept short:
 * CloudFormation rejects a custom-resource response over 4096 bytes, and the
 * provider framework adds the log group and the trace to the message.
 */

/** Longest piece of DMS-provided text we quote in a reason. */
const MAX_QUOTED_CHARS = 700;
/** Longest reason we raise. */
const MAX_REASON_CHARS = 1500;

/** Base class of the failures we expect: no stack trace, just the reason. */
export abstract class LifecycleError extends Error {
  protected constructor(message: string) {
    super(clip(message, MAX_REASON_CHARS));
    this.name = new.target.name;
    // The trace of an expected failure helps nobody and costs response bytes.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** DMS reported that the operation failed (status `failed`, or an API error we cannot recover from). */
export class DmsOperationFailed extends LifecycleError {
  /** @param code the DMS error code, when a DMS API call failed */
  public constructor(message: string, public readonly code?: string) {
    super(message);
  }
}

/** What to do about a timeout, as the constructs' users read it. */
export const CONSTRUCT_TIMEOUT_ADVICE = 'Raise the timeout prop (at most 1 hour) or look at the resource in the DMS console.';

/** The operation did not finish before its deadline. */
export class WaitTimedOut extends LifecycleError {
  public constructor(
    subject: string,
    public readonly waitedMs: number,
    public readonly lastStatus: string,
    detail: string | undefined,
    advice: string,
  ) {
    super(`Timed out after ${formatDuration(waitedMs)} waiting for ${subject}; last status: ${lastStatus}${detail ? `; ${detail}` : ''}. ${advice}`);
  }
}

/** The SDK error code (`name`) of a DMS API error, if it is one. */
export function errorCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  // Network failures are plain Errors named "Error" with a system code (ECONNREFUSED…).
  const systemCode = (err as { code?: unknown }).code;
  return err.name === 'Error' && typeof systemCode === 'string' ? systemCode : err.name;
}

/** The DMS error code behind an SDK error or a DmsOperationFailed that wraps one. */
function dmsCode(err: unknown): string | undefined {
  return err instanceof DmsOperationFailed ? err.code : errorCode(err);
}

export function isNotFound(err: unknown): boolean {
  return errorCode(err) === 'ResourceNotFoundFault';
}

export function isInvalidState(err: unknown): boolean {
  return errorCode(err) === 'InvalidResourceStateFault';
}

/** Access denied: right after a policy change this may only be IAM propagation. */
export function isAccessDenied(err: unknown): boolean {
  const code = dmsCode(err);
  return code === 'AccessDeniedFault' || code === 'AccessDeniedException';
}

/** Throttling that outlived the SDK's own retries: worth another try at the next poll, not a failure. */
export function isTransient(err: unknown): boolean {
  const code = dmsCode(err) ?? '';
  return /Throttl|TooManyRequests|RequestLimitExceeded|ServiceUnavailable|InternalFailure/.test(code);
}

/** Wraps a DMS API error in a reason that says which call failed and for what. */
export function apiFailure(operation: string, subject: string, err: unknown): DmsOperationFailed {
  const code = errorCode(err) ?? 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return new DmsOperationFailed(`DMS ${operation} failed for ${subject}: ${code}: ${quote(message)}`, code);
}

/** DMS text quoted in a reason, clipped so the reason stays small. */
export function quote(text: string | undefined): string {
  return clip((text ?? '').trim() || '(DMS gave no message)', MAX_QUOTED_CHARS);
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `1h 2m 3s` style, for reasons and CLI output. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', h || m ? `${m}m` : '', `${s}s`].filter(Boolean).join(' ');
}
