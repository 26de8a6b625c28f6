import { AsyncLocalStorage } from 'async_hooks';

/**
 * The time by which every DMS call of the current invocation must have answered.
 * The handlers set it from the Lambda's remaining time, so that a DMS that hangs on
 * call after call ends in a reason of ours, never in Lambda's bare "Task timed out".
 * Kept in async context rather than passed down: every call site reads it the same way.
 */
const budget = new AsyncLocalStorage<{ readonly deadline: number }>();

/** Runs `fn` with every DMS call in it bounded by `deadline` (epoch ms). */
export function withCallDeadline<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
  return budget.run({ deadline }, fn);
}

/** The invocation's call deadline, if one was set. */
export function callDeadline(): number | undefined {
  const deadline = budget.getStore()?.deadline;
  return deadline === Infinity ? undefined : deadline;
}

/** A call could not be made, or was abandoned, because the invocation's time was spent. */
export class CallBudgetSpent extends Error {
  public constructor() {
    super('the invocation\'s time for DMS calls was spent');
    this.name = 'CallBudgetSpent';
  }
}

/** Options for `client.send(command, options)`: an abort signal at the invocation's deadline. */
function callOptions(): { abortSignal?: AbortSignal } {
  const deadline = callDeadline();
  if (deadline === undefined || deadline === Infinity) return {};
  const left = deadline - Date.now();
  if (left <= 0) throw new CallBudgetSpent();
  return { abortSignal: AbortSignal.timeout(left) };
}

/** True for a call abandoned at the invocation's deadline (the SDK's AbortError, or ours). */
export function isBudgetSpent(err: unknown): boolean {
  if (err instanceof CallBudgetSpent) return true;
  // Raw from the SDK (name), or wrapped in a reason of ours that kept the code.
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  const aborted = [name, code].some((c) => c === 'AbortError' || c === 'TimeoutError');
  const deadline = callDeadline();
  return aborted && deadline !== undefined && Date.now() >= deadline - 50;
}

/**
 * `client` with every `send` bounded by the current call deadline (if any): one place
 * for all DMS and CloudFormation calls, however they are made. The abort signal ends
 * the request and the SDK's retry pauses; a timer at the deadline also ends the call
 * in case the Lambda runtime's SDK does not honour the signal everywhere.
 */
export function boundedByCallDeadline<C extends { send: (...args: any[]) => Promise<any> }>(client: C): C {
  const send = client.send.bind(client) as (command: unknown, options?: object) => Promise<unknown>;
  client.send = (async (command: unknown, options?: object) => {
    const deadline = callDeadline();
    const call = send(command, { ...callOptions(), ...options });
    if (deadline === undefined) return call;
    let timer: NodeJS.Timeout | undefined;
    const cutOff = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallBudgetSpent()), Math.max(0, deadline - Date.now()) + 100);
    });
    try {
      return await Promise.race([call, cutOff]);
    } finally {
      clearTimeout(timer);
      call.catch(() => undefined); // abandoned past the deadline: its late outcome is not ours
    }
  }) as C['send'];
  return client;
}
