/**
 * Jest setup: the handlers' structured JSON log lines (one object per line, as CloudWatch
 * would keep them) are collected instead of printed, so that a failing test's own output
 * stands out. Tests read them with {@link handlerLogLines}. Anything else is printed as usual.
 */
import { parseObject } from '../../tools/lifecycle/log-capture';

const collected: Record<string, unknown>[] = [];
for (const method of ['log', 'info', 'warn'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    const json = args.length === 1 && typeof args[0] === 'string' ? parseObject(args[0]) : undefined;
    if (json) collected.push(json);
    else original(...args);
  };
}

/** Structured log lines written by handlers running in this test file, in order. */
export function handlerLogLines(): readonly Record<string, unknown>[] {
  return collected;
}

// The SDK's notice that its future versions need a newer Node.js is not the test's output.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;
