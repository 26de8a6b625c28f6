/** What one status check of a DMS operation found. */
export interface Progress {
  /** True when the operation reached the state we wait for. */
  readonly done: boolean;
  /** The DMS status seen, for logs, timeouts and the CLI. */
  readonly status: string;
  /** Extra facts worth quoting if we time out (stop reason, failure messages). */
  readonly detail?: string;
  /**
   * True while a precondition is still being met and the operation proper has not
   * started (a refresh waiting for its connection test): a caller that only starts
   * the operation (the CLI without --wait) waits through this phase.
   */
  readonly preparing?: boolean;
  /**
   * Epoch ms: this check asked DMS for something that a Describe may not show before
   * then (read lag). The caller keeps checking until then rather than hand back, since
   * only this invocation remembers the request.
   */
  readonly holdUntil?: number;
  /** Epoch ms: check again no later than this, whatever the poll schedule says (a refusal being ridden out). */
  readonly recheckAt?: number;
  /** Attributes to hand back when done (custom resource Data, CLI output). */
  readonly attributes?: Record<string, string>;
}

/** JSON-serialisable state that `start` hands to every later `check`. */
export type OperationMark = Record<string, string | number | boolean>;

/**
 * A DMS operation we start once and then check until done. Implementations are
 * stateless: every fact `check` needs comes from DMS or from the mark, so a check
 * may run late, twice, or in another process (the provider's isComplete, the CLI).
 */
export interface DmsOperation {
  /** Names what we wait for, e.g. "the schema refresh of endpoint arn:…". */
  readonly subject: string;
  /** What a timeout reason advises, when it is not the caller's usual advice (a command that finishes the job). */
  readonly timeoutAdvice?: string;
  /** Starts the operation (or decides there is nothing to start). */
  start(): Promise<OperationMark>;
  /** Checks once. Throws DmsOperationFailed when DMS reports a failure. */
  check(mark: OperationMark): Promise<Progress>;
}
