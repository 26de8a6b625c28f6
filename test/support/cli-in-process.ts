import type { CliRun } from './cli-process';
import { main } from '../../cli/main';

/**
 * Runs the CLI's main() in this process with the given environment, returning what
 * runCli (the bundled CLI in a child process) returns. In-process runs follow the
 * suite's simulated time (useSimulatedTime), so their polls and waits cost no wall time.
 * The CLI reads its endpoints and graces from process.env (SDK clients are cached per
 * endpoint and region), so the environment is set for the run and restored after it.
 */
export async function runCliInProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const saved = new Map(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined; // --help and --version print text
    }
    return { code, stdout, stderr, json };
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
