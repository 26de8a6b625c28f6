/**
 * Errors the lifecycle code raises on purpose. Their messages become the
 * CloudFormation failure reason, so they are written for the user and kept short:
 * CloudFormation rejects a custom-resource response over 4096 bytes, and the
 * provider framework adds the log group and the trace to the message.
 */

/**
 * Longest piece of DMS-provided text we quote in a reason, in UTF-8 bytes. The
 * framework repeats a reason's lines as the trace, so a reason counts about twice
 * toward CloudFormation's 4096-byte response: keep it to about a quarter.
 */
const MAX_QUOTED_BYTES = 500;
/** Longest reason we raise, in UTF-8 bytes. */
const MAX_REASON_BYTES = 1000;

/** Base class of the failures we expect: no stack trace, just the reason. */
export abstract class LifecycleError extends Error {
  protected constructor(message: string) {
    super(clip(message, MAX_REASON_BYTES));
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

/**
 * Nothing was started, on purpose: the caller asked not to wait for what stood in the way
 * (the CLI's assess without --wait while another assessment is under way). Neither success
 * nor DMS's failure: no verdict exists to pass on.
 */
export class NothingStarted extends LifecycleError {
  public constructor(message: string) {
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
  if (err.name === 'Error' && typeof systemCode === 'string') return systemCode;
  // A dropped connection or a request timeout, as the SDK reports it without retries of its own.
  const wrapped = /^AWS SDK error wrapper for (\w+)/.exec(err.message)?.[1];
  if (err.name === 'Error' && wrapped) return /socket hang up/.test(err.message) ? 'ECONNRESET' : wrapped;
  return err.name;
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

/** DMS's answers when a role, bucket policy or key grant does not let it in (yet). */
const ACCESS_DENIED = new Set(['AccessDeniedFault', 'AccessDeniedException', 'S3AccessDeniedFault', 'KMSAccessDeniedFault']);

/** Access denied: right after a role, bucket policy or key grant was created or changed, this may only be IAM propagation. */
export function isAccessDenied(err: unknown): boolean {
  return ACCESS_DENIED.has(dmsCode(err) ?? '');
}

/** A denial that outlived the IAM propagation grace: DMS's words, and how long it was retried. */
export function stillDenied(err: DmsOperationFailed, lastedMs: number): DmsOperationFailed {
  return new DmsOperationFailed(`${err.message} (still denied after ${Math.round(lastedMs / 1000)} s, retried while IAM may propagate)`, err.code);
}

/** DMS throttled the call (its API rate is shared by the whole account): back off, never fail for it. */
export function isThrottling(err: unknown): boolean {
  return /Throttl|TooManyRequests|RequestLimitExceeded/.test(dmsCode(err) ?? '');
}

/**
 * A fault that outlived the SDK's own retries but may pass: throttling, a 5xx,
 * a dropped connection or a request timeout. Worth another try at the next poll.
 */
export function isTransient(err: unknown): boolean {
  const code = dmsCode(err) ?? '';
  // InternalServiceFault: CloudWatch's 500 (InternalServiceError on the wire), once wrapped without its HTTP status.
  if (/Throttl|TooManyRequests|RequestLimitExceeded|ServiceUnavailable|InternalFailure|InternalError|InternalServiceFault|InternalServiceError|TimeoutError|RequestTimeout/.test(code)) return true;
  if (/^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND)$/.test(code)) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** Wraps a DMS API error in a reason that says which call failed and for what. */
export function apiFailure(operation: string, subject: string, err: unknown): DmsOperationFailed {
  const code = errorCode(err) ?? 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return new DmsOperationFailed(`DMS ${operation} failed for ${subject}: ${code}: ${quote(message)}`, code);
}

/**
 * DMS text quoted in a reason: on one line (a multi-line message would come back
 * once more as trace lines) and clipped, so the reason stays small.
 */
export function quote(text: string | undefined): string {
  return clip((text ?? '').replace(/\s+/g, ' ').trim() || '(DMS gave no message)', MAX_QUOTED_BYTES);
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (never inside a character), marked with … when cut. */
export function clip(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = Buffer.byteLength('…');
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return `${out}…`;
}

/** `1h 2m 3s` style, for reasons and CLI output. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h}h` : '', h || m ? `${m}m` : '', `${s}s`].filter(Boolean).join(' ');
}
