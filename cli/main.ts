import { CliCommand, CutoverCommand, Invocation, isCommandName, parseArguments, StatusCommand } from './arguments';
import { operationFor } from './commands';
import { cutoverTable, runCutover } from './cutover';
import { ExitCode } from './exit-codes';
import { commandHelp, generalHelp, PROGRAM, VERSION } from './help';
import { classifyError, errorOutput, resultOutput } from './output';
import { runOperation } from './run';
import { runStatus } from './status';
import { watchStatus } from './status-watch';
import { ASSESSMENT_RUN_CREATION_DATE, formatDuration, Progress } from '../lambda/dms';

/** Where the CLI writes: injected so tests can run main() in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs one command line and returns the exit code. Never throws: every outcome
 * is one JSON object on stdout (help and --version print text instead), and
 * stderr gets progress and a readable error.
 */
export async function main(argv: readonly string[], io: CliIo = processIo, interrupt?: AbortSignal): Promise<ExitCode> {
  const commandWord = argv[0] !== undefined && isCommandName(argv[0]) ? argv[0] : undefined;
  let invocation: Invocation;
  try {
    invocation = parseArguments(argv);
  } catch (err) {
    const failure = classifyError(err, undefined);
    io.stdout(`${JSON.stringify(errorOutput(commandWord, failure))}\n`);
    io.stderr(`${PROGRAM}: ${failure.message}\nRun '${PROGRAM}${commandWord ? ` ${commandWord}` : ''} --help' for usage.\n`);
    return failure.exitCode;
  }

  switch (invocation.kind) {
    case 'help':
      io.stdout(invocation.command ? commandHelp(invocation.command) : generalHelp());
      return ExitCode.SUCCESS;
    case 'version':
      io.stdout(`${VERSION}\n`);
      return ExitCode.SUCCESS;
    case 'run':
      switch (invocation.command.name) {
        case 'status': return status(invocation.command, io, interrupt);
        case 'cutover': return cutover(invocation.command, io);
        default: return run(invocation.command, io);
      }
  }
}

/** `status` looks once and prints a table or JSON (or, with --watch, looks until ready): it runs no operation. */
async function status(command: StatusCommand, io: CliIo, interrupt: AbortSignal | undefined): Promise<ExitCode> {
  try {
    if (command.watch) {
      const stream = { write: io.stdout, isTTY: io === processIo && process.stdout.isTTY === true };
      const { end } = await watchStatus(command, stream, interrupt ?? new AbortController().signal);
      return end === 'stopped' ? ExitCode.DMS_FAILURE : ExitCode.SUCCESS;
    }
    io.stdout(await runStatus(command));
    return ExitCode.SUCCESS;
  } catch (err) {
    const failure = classifyError(err, command.target.arn);
    io.stdout(`${JSON.stringify(errorOutput(command.name, failure, { subject: command.target.arn }))}\n`);
    io.stderr(`${PROGRAM}: ${failure.error}: ${failure.message}\n`);
    return failure.exitCode;
  }
}

/** What a run without --wait started, as DMS named it: an assessment run by its ARN and DMS's creation time. */
function startedWhat(result: Progress): string {
  const runArn = result.attributes?.AssessmentRunArn;
  if (!runArn) return 'started';
  const createdAt = result.attributes?.[ASSESSMENT_RUN_CREATION_DATE];
  return `started assessment run ${runArn}${createdAt ? `, created by DMS at ${createdAt}` : ''} (${result.status})`;
}

/** `cutover`: several DMS operations in a row (cli/cutover.ts), then the final statistics. */
async function cutover(command: CutoverCommand, io: CliIo): Promise<ExitCode> {
  const began = Date.now();
  try {
    const result = await runCutover(command, (line) => {
      if (!command.quiet) io.stderr(`${line}\n`);
    });
    // The table is the result, not progress: printed with --quiet too.
    io.stderr(cutoverTable(result));
    io.stdout(`${JSON.stringify(result)}\n`);
    return ExitCode.SUCCESS;
  } catch (err) {
    const failure = classifyError(err, command.target.arn);
    io.stdout(`${JSON.stringify(errorOutput(command.name, failure, { subject: command.target.arn, elapsedMs: Date.now() - began }))}\n`);
    io.stderr(`${PROGRAM}: ${failure.error}: ${failure.message}\n`);
    if (failure.exitCode === ExitCode.INTERNAL && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return failure.exitCode;
  }
}

async function run(command: Exclude<CliCommand, StatusCommand | CutoverCommand>, io: CliIo): Promise<ExitCode> {
  const began = Date.now();
  const progress = (line: string) => {
    if (!command.quiet) io.stderr(`${line}\n`);
  };
  const elapsed = () => formatDuration(Date.now() - began);
  let subject: string | undefined;
  try {
    const operation = operationFor(command);
    subject = operation.subject;
    const waiting = command.wait
      ? `waiting up to ${formatDuration(command.wait.timeoutMs)}, ${command.wait.pollIntervalMs === undefined ? 'checking every 2s at first, less often later' : `checking every ${formatDuration(command.wait.pollIntervalMs)}`}`
      : 'starting it without waiting (no --wait)';
    progress(`${PROGRAM} ${command.name}: ${subject}; ${waiting}`);

    const result = await runOperation(operation, command.wait, (p) =>
      progress(`  [${elapsed()}] ${p.status}${p.detail ? ` (${p.detail})` : ''}`),
    );
    progress(result.done ? `  done after ${elapsed()}` : `  ${startedWhat(result)}; DMS goes on without us (use --wait to wait)`);
    io.stdout(`${JSON.stringify(resultOutput(command.name, subject, result, Date.now() - began))}\n`);
    return ExitCode.SUCCESS;
  } catch (err) {
    const failure = classifyError(err, subject);
    io.stdout(`${JSON.stringify(errorOutput(command.name, failure, { subject, elapsedMs: Date.now() - began }))}\n`);
    io.stderr(`${PROGRAM}: ${failure.error}: ${failure.message}\n`);
    // A bug report needs the trace; expected failures carry none worth showing.
    if (failure.exitCode === ExitCode.INTERNAL && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return failure.exitCode;
  }
}
