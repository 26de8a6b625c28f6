import { parseDuration } from './option-values';
import { UsageError } from './usage-error';
import type { ReadinessCriteria } from '../lambda/dms';
import { DefaultReadiness } from '../src/private/handler-contract';

/** The readiness criteria's options, shared by `wait-replication --until cutover-ready` and `status`. */
export const READINESS_OPTIONS: Record<string, { readonly type: 'string' | 'boolean'; readonly value?: string; readonly help: string }> = {
  'max-source-latency': { type: 'string', value: 'DURATION', help: `cutover-ready: highest CDCLatencySource allowed in the window (default ${DefaultReadiness.MAX_LATENCY_SECONDS}s)` },
  'max-target-latency': { type: 'string', value: 'DURATION', help: `cutover-ready: highest CDCLatencyTarget allowed in the window (default ${DefaultReadiness.MAX_LATENCY_SECONDS}s)` },
  'latency-window': { type: 'string', value: 'DURATION', help: `cutover-ready: how long latency must have stayed under its maximum, at least 60s (default ${DefaultReadiness.LATENCY_WINDOW_SECONDS / 60}m)` },
  'waive-validation': { type: 'boolean', help: 'cutover-ready: accept tables whatever their validation state' },
  'schemas': { type: 'string', value: 'S1,S2', help: 'cutover-ready: only the tables of these schemas (comma-separated)' },
};

/** The criteria from the options, and the first readiness option given (if any), to refuse it where it means nothing. */
export function readinessCriteria(values: {
  string(name: string): string | undefined;
  flag(name: string): boolean;
}): { criteria: ReadinessCriteria; given?: string } {
  const given = Object.keys(READINESS_OPTIONS).find((name) => values.string(name) !== undefined || values.flag(name));
  const duration = (name: string, defaultSeconds: number) => parseDuration(`--${name}`, values.string(name) ?? `${defaultSeconds}s`);
  const latencyWindowMs = duration('latency-window', DefaultReadiness.LATENCY_WINDOW_SECONDS);
  if (latencyWindowMs < DefaultReadiness.MIN_LATENCY_WINDOW_SECONDS * 1000) {
    throw new UsageError(`--latency-window must be at least 60s: DMS publishes its latency once a minute; got "${values.string('latency-window')}"`);
  }
  const schemas = values.string('schemas')?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.string('schemas') !== undefined && !schemas?.length) throw new UsageError('--schemas must name at least one schema, such as sales or sales,billing');
  return {
    given: given && `--${given}`,
    criteria: {
      maxSourceLatencyMs: duration('max-source-latency', DefaultReadiness.MAX_LATENCY_SECONDS),
      maxTargetLatencyMs: duration('max-target-latency', DefaultReadiness.MAX_LATENCY_SECONDS),
      latencyWindowMs,
      waiveValidation: values.flag('waive-validation'),
      ...(schemas?.length ? { schemaNames: schemas } : {}),
    },
  };
}
