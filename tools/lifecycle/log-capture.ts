/**
 * Console output of handlers, kept like CloudWatch Logs keeps it instead of being printed:
 * tests assert on it, and a failing test's own output stands out.
 */

/** One line a handler wrote. */
export interface LogLine {
  /** The function that wrote it. */
  readonly functionName: string;
  readonly line: string;
  /** The line parsed as JSON, when it is (our handlers log one JSON object per line). */
  readonly json?: Record<string, unknown>;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Runs `fn` with console output appended to `sink` as lines of `functionName`. Only one
 * capture may be active at a time (the runner invokes one handler at a time).
 */
export async function captureConsole<T>(functionName: string, sink: LogLine[], fn: () => Promise<T>): Promise<T> {
  const saved = METHODS.map((m) => console[m]);
  const write = (...args: unknown[]) => {
    const line = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
    sink.push({ functionName, line, json: parseObject(line) });
  };
  for (const m of METHODS) console[m] = write;
  try {
    return await fn();
  } finally {
    METHODS.forEach((m, i) => { console[m] = saved[i]; });
  }
}

/** A JSON object written on one line, else undefined. */
export function parseObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.stack ?? String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
