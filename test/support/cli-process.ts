import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
/** The CLI as npm installs it: projen's esbuild bundle (`npx projen bundle`). */
export const CLI_BUNDLE = path.join(ROOT, 'assets', 'cli', 'cdk-dms-lifecycle', 'index.js');
/** Sources that end up in the bundle. */
const BUNDLED_SOURCES = ['cli', path.join('lambda', 'dms')];

/**
 * Fails early, and says how to fix it, when the bundle is missing or older than
 * its sources: otherwise the tests would quietly run yesterday's CLI.
 */
export function assertCliBundleFresh(): void {
  if (!fs.existsSync(CLI_BUNDLE)) {
    throw new Error(`${path.relative(ROOT, CLI_BUNDLE)} is missing: run \`npx projen bundle\` first (npm test does it)`);
  }
  const bundled = fs.statSync(CLI_BUNDLE).mtimeMs;
  const newer = BUNDLED_SOURCES.flatMap((dir) => tsFiles(path.join(ROOT, dir))).filter((f) => fs.statSync(f).mtimeMs > bundled);
  if (newer.length > 0) {
    throw new Error(
      `${path.relative(ROOT, CLI_BUNDLE)} is older than ${newer.map((f) => path.relative(ROOT, f)).join(', ')}: run \`npx projen bundle\``,
    );
  }
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(file);
    return e.name.endsWith('.ts') ? [file] : [];
  });
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed; the CLI prints exactly one JSON object per run. */
  readonly json: any;
}

/**
 * Runs the bundled CLI in a child process with only the given environment
 * (plus PATH and HOME). Asynchronous on purpose: the emulator answers from this
 * process's event loop, which a spawnSync would block.
 */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI_BUNDLE, ...args],
      // NODE_NO_WARNINGS: the SDK's notice about future Node.js versions is not the test's output.
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', ...env }, timeout: 45_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`CLI did not exit normally (${err.signal ?? err.code ?? err.message}); stderr:\n${stderr}`));
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined; // --help and --version print text
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr, json });
      },
    );
  });
}

/** A CLI run in a child process that the test can watch and kill (a pipeline step killed mid-way). */
export interface SpawnedCli {
  /** Resolves when the process ended, with its exit code (null when killed) and output. */
  readonly ended: Promise<CliRun>;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Resolves once stderr matched the pattern. */
  stderrMatches(pattern: RegExp): Promise<void>;
  kill(): void;
  /** Ctrl-C. */
  interrupt(): void;
}

export function spawnCli(args: readonly string[], env: Record<string, string>): SpawnedCli {
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    for (const w of watchers.filter((x) => x.pattern.test(stderr))) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve();
    }
  });
  const ended = new Promise<CliRun>((resolve) => child.on('close', (code) => {
    let json: unknown;
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
    resolve({ code, stdout, stderr, json });
  }));
  return {
    stderrMatches: (pattern) => new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr)) return resolve();
      watchers.push({ pattern, resolve });
      void ended.then(() => reject(new Error(`the CLI ended before stderr matched ${pattern}; stderr:\n${stderr}`)));
    }),
    ended,
    stdout: () => stdout,
    kill: () => child.kill('SIGKILL'),
    interrupt: () => child.kill('SIGINT'),
  };
}
