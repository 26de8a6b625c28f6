import { parseDuration } from './option-values';
import { UsageError } from './usage-error';
import type { ReadinessCriteria } from '../lambda/dms';
import { CdcCriterionName, DefaultReadiness } from '../src/private/handler-contract';
import { parseAllowance } from '../src/private/load-error-allowance';
import { MAX_WINDOW_SECONDS, windowProblem } from '../src/private/readiness-bounds';

const CRITERIA = {
  [CdcCriterionName.LATENCY_WINDOW]: [CdcCriterionName.LATENCY_WINDOW],
  [CdcCriterionName.DRAINED]: [CdcCriterionName.DRAINED],
  both: [CdcCriterionName.LATENCY_WINDOW, CdcCriterionName.DRAINED],
} as const;
const LATENCY_FLAGS = ['max-source-latency', 'max-target-latency', 'latency-window'];

/**
 * The readiness criteria's options, shared by `wait-replication --until cutover-ready`, `status`
 * and `cutover`: spread them into a command's options and read them with {@link readinessCriteria}.
 */
export const READINESS_OPTIONS: Record<string, { readonly type: 'string' | 'boolean'; readonly value?: string; readonly help: string }> = {
  'criterion': {
    type: 'string',
    value: 'C',
    help: `cutover-ready: the CDC criterion: ${Object.keys(CRITERIA).join(', ')} (default ${CdcCriterionName.LATENCY_WINDOW}; drained once writes are frozen)`,
  },
  'max-source-latency': { type: 'string', value: 'DURATION', help: `cutover-ready: highest CDCLatencySource allowed in the window (default ${DefaultReadiness.MAX_LATENCY_SECONDS}s)` },
  'max-target-latency': { type: 'string', value: 'DURATION', help: `cutover-ready: highest CDCLatencyTarget allowed in the window (default ${DefaultReadiness.MAX_LATENCY_SECONDS}s)` },
  'latency-window': { type: 'string', value: 'DURATION', help: `cutover-ready: how long latency must have stayed under its maximum, 60s to ${MAX_WINDOW_SECONDS / 60}m (default ${DefaultReadiness.LATENCY_WINDOW_SECONDS / 60}m)` },
  'drained-window': { type: 'string', value: 'DURATION', help: `cutover-ready with --criterion drained or both: how long every CDC backlog metric must have stayed at 0, 60s to ${MAX_WINDOW_SECONDS / 60}m (default ${DefaultReadiness.DRAINED_WINDOW_SECONDS / 60}m)` },
  'waive-validation': { type: 'boolean', help: 'cutover-ready: accept tables whatever their validation state' },
  'accept-conditional-check-failures': {
    type: 'string',
    value: 'T=N,*=N',
    help: 'cutover-ready: full-load conditional-check failures accepted where validation is off or waived, per schema.table and * for all other tables together (default none)',
  },
  'schemas': { type: 'string', value: 'S1,S2', help: 'cutover-ready: only the tables of these schemas (comma-separated)' },
};

/** The criteria from the options, and the first readiness option given (if any), to refuse it where it means nothing. */
export function readinessCriteria(values: {
  string(name: string): string | undefined;
  flag(name: string): boolean;
}): { criteria: ReadinessCriteria; given?: string } {
  const given = Object.keys(READINESS_OPTIONS).find((name) => values.string(name) !== undefined || values.flag(name));
  const criterionText = values.string('criterion') ?? CdcCriterionName.LATENCY_WINDOW;
  if (!(criterionText in CRITERIA)) {
    throw new UsageError(`--criterion must be one of ${Object.keys(CRITERIA).join(', ')}; got "${criterionText}"`);
  }
  const cdc: readonly string[] = CRITERIA[criterionText as keyof typeof CRITERIA];
  const latency = cdc.includes(CdcCriterionName.LATENCY_WINDOW);
  const drained = cdc.includes(CdcCriterionName.DRAINED);
  const latencyFlag = LATENCY_FLAGS.find((name) => values.string(name) !== undefined);
  if (!latency && latencyFlag) throw new UsageError(`--${latencyFlag} needs --criterion ${CdcCriterionName.LATENCY_WINDOW} or both`);
  if (!drained && values.string('drained-window') !== undefined) throw new UsageError(`--drained-window needs --criterion ${CdcCriterionName.DRAINED} or both`);
  const duration = (name: string, defaultSeconds: number) => parseDuration(`--${name}`, values.string(name) ?? `${defaultSeconds}s`);
  const window = (name: string, defaultSeconds: number) => {
    // A window is no timer: its bound is CloudWatch's (readiness-bounds.ts), checked next.
    const ms = parseDuration(`--${name}`, values.string(name) ?? `${defaultSeconds}s`, { maxSeconds: Infinity });
    const problem = windowProblem(`--${name}`, ms / 1000);
    if (problem) throw new UsageError(problem);
    return ms;
  };
  const schemas = values.string('schemas')?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.string('schemas') !== undefined && !schemas?.length) throw new UsageError('--schemas must name at least one schema, such as sales or sales,billing');
  const allowanceText = values.string('accept-conditional-check-failures');
  const allowance = allowanceText === undefined ? undefined : parseAllowance('--accept-conditional-check-failures', allowanceText);
  if (typeof allowance === 'string') throw new UsageError(allowance);
  return {
    given: given && `--${given}`,
    criteria: {
      ...(latency ? {
        latency: {
          maxSourceLatencyMs: duration('max-source-latency', DefaultReadiness.MAX_LATENCY_SECONDS),
          maxTargetLatencyMs: duration('max-target-latency', DefaultReadiness.MAX_LATENCY_SECONDS),
          windowMs: window('latency-window', DefaultReadiness.LATENCY_WINDOW_SECONDS),
        },
      } : {}),
      ...(drained ? { drained: { windowMs: window('drained-window', DefaultReadiness.DRAINED_WINDOW_SECONDS) } } : {}),
      waiveValidation: values.flag('waive-validation'),
      ...(schemas?.length ? { schemaNames: schemas } : {}),
      ...(allowance ? { acceptedConditionalCheckFailures: allowance } : {}),
    },
  };
}
