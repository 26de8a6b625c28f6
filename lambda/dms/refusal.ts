import { DmsOperationFailed, quote } from './errors';
import { graceMs } from './grace';
import type { Progress } from './operation';

/** How soon a refused call is tried again, whatever the poll schedule says. */
const RECHECK_MS = 5_000;

/**
 * DMS refused a call because of a resource's state (InvalidResourceStateFault) and a
 * Describe showed that nothing of ours is under way: not progress, a refusal. Its
 * message is the user's reason.
 */
export class DmsRefusal extends DmsOperationFailed {
  public constructor(
    public readonly call: string,
    public readonly resource: string,
    public readonly dmsMessage: string,
    lastedMs?: number,
  ) {
    super(
      `DMS ${call} refused for ${resource}: ${quote(dmsMessage)}${lastedMs !== undefined ? ` (still refused after ${Math.round(lastedMs / 1000)} s)` : ''}`,
      'InvalidResourceStateFault',
    );
  }

  /** For progress details and timeout reasons. */
  public get detail(): string {
    return `DMS ${this.call} refused: ${quote(this.dmsMessage)}`;
  }
}

/**
 * The refusals one invocation has seen while checking an operation: a refusal that
 * lasts the grace fails the operation with DMS's message; the last one is quoted in
 * every later progress detail (and so in a timeout reason).
 */
export class RefusalWatch {
  private since: number | undefined;
  private last: DmsRefusal | undefined;

  public constructor(private readonly limitMs = graceMs('refusal'), private readonly now: () => number = Date.now) {}

  /**
   * Notes a refusal; throws it once refusals have lasted the grace. Returns what the
   * check's progress carries: DMS's message, and a request to look again soon and to
   * stay in this invocation (only it remembers when the refusals began) until the grace ends.
   */
  public refused(refusal: DmsRefusal): Pick<Progress, 'detail' | 'recheckAt' | 'holdUntil'> {
    const now = this.now();
    this.since ??= now;
    this.last = refusal;
    if (now - this.since >= this.limitMs) {
      throw new DmsRefusal(refusal.call, refusal.resource, refusal.dmsMessage, now - this.since);
    }
    return { detail: refusal.detail, recheckAt: now + RECHECK_MS, holdUntil: this.since + this.limitMs + RECHECK_MS };
  }

  /** The call went through: a later refusal starts a new grace. */
  public accepted(): void {
    this.since = undefined;
  }

  /** `detail`, with the last refusal seen this invocation appended unless it already says it. */
  public detail(detail?: string): string | undefined {
    const refusal = this.last && `last ${this.last.detail}`;
    if (!refusal || detail?.includes(this.last!.detail)) return detail;
    return detail ? `${detail}; ${refusal}` : refusal;
  }
}
