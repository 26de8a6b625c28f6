/**
 * Child-process entry of the scale measurements (run with ts-node): synthesizing hundreds of
 * constructs takes the CPU for seconds, which must not stall the emulator that the long-wait
 * trials are polling in the parent.
 */
import { runScaleSuite, ScaleOptions } from './scale-suite';

process.on('message', (options: Omit<ScaleOptions, 'log'>) => {
  try {
    const report = runScaleSuite({ ...options, log: (line) => process.send!({ type: 'log', line }) });
    process.send!({ type: 'done', report }, undefined, {}, () => process.exit(0));
  } catch (e) {
    process.send!({ type: 'error', message: String((e as Error)?.stack ?? e) }, undefined, {}, () => process.exit(1));
  }
});
