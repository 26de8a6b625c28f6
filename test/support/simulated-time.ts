/**
 * Simulated time for a test file (tools/lifecycle/time-warp.ts): waits cost no wall time.
 *
 * Every suite under test/lifecycle/ and test/handlers/ runs on it by default: this module is a jest setup file
 * (setupFilesAfterEnv) and installs it for them. A lifecycle suite that must run in real time
 * says `@real-time` in its first doc comment (LIFECYCLE_REAL_TIME=1 in the environment puts them
 * all on the wall clock, to compare). Any other suite opts in with one line at its top:
 *
 *     useSimulatedTime();
 */
import { readFileSync } from 'fs';
import { TimeWarp } from '../../tools/lifecycle/time-warp';

/** Installs simulated time for this test file (until its afterAll); returns a getter for it. */
export function useSimulatedTime(): () => TimeWarp {
  if (!installed) {
    const warp = TimeWarp.install();
    installed = warp;
    afterAll(() => warp.dispose());
  }
  const warp = installed;
  return () => warp;
}

let installed: TimeWarp | undefined;

/** The suite's first doc comment asks for real time. */
function wantsRealTime(testPath: string): boolean {
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(testPath, 'utf8'))?.[1] ?? '';
  return /@real-time\b/.test(doc);
}

const testPath = expect.getState().testPath ?? '';
if (/[\\/]test[\\/](lifecycle|handlers)[\\/]/.test(testPath) && !process.env.LIFECYCLE_REAL_TIME && !wantsRealTime(testPath)) useSimulatedTime();
