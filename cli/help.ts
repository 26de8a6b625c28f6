import { version } from '../package.json';
import { COMMANDS, CommandName, CommandSpec, optionsOf } from './arguments';
import { EXIT_CODE_HELP } from './exit-codes';

export const PROGRAM = 'cdk-dms-lifecycle';

/** esbuild inlines the version at bundle time, and projen bundles after bumping it for a release. */
export const VERSION: string = version;

const DURATIONS = 'Durations are whole seconds, minutes or hours: 90, 90s, 5m, 1h (at most 24h).';

/** `cdk-dms-lifecycle --help`. */
export function generalHelp(): string {
  const specs = Object.values(COMMANDS);
  const width = Math.max(...specs.map((s) => s.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    `       ${PROGRAM} --help | <command> --help | --version`,
    '',
    'Runs one operational step of an AWS DMS migration, the same steps the',
    'cdk-dms-lifecycle constructs run as custom resources, and with --wait waits',
    'until DMS has finished it.',
    '',
    'Commands:',
    ...specs.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    ...specs.flatMap((s) => synopsis(`  ${PROGRAM} ${s.name}`, s.synopsis)),
    '',
    ...commonSection(),
    '',
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

/** `cdk-dms-lifecycle <command> --help`. */
export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  return [
    ...synopsis(`Usage: ${PROGRAM} ${spec.name}`, spec.synopsis),
    '',
    `${spec.summary}.`,
    ...spec.description.flatMap((paragraph) => ['', ...wrap(paragraph, 78)]),
    '',
    'Options:',
    ...optionLines(spec),
    '',
    ...commonSection(),
    '',
  ].join('\n');
}

/** Output, credentials and exit codes: the same for every command. */
function commonSection(): string[] {
  return [
    DURATIONS,
    '',
    'Output: one JSON object on stdout, for example',
    '  {"command":"refresh-schemas","subject":"…","done":true,"status":"successful",',
    '   "attributes":{"Status":"successful","LastRefreshDate":"…"},',
    '   "elapsedSeconds":12.3}',
    '  or on failure {"command":"…","error":"DmsOperationFailed","message":"…"}',
    '  where error is DmsOperationFailed, WaitTimedOut, UsageError, NotStarted or',
    '  InternalError.',
    'Progress (each status change) and errors go to stderr.',
    '',
    'Credentials and the endpoint come from the AWS SDK\'s usual sources',
    '(AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance roles,',
    'AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE, and AWS_ENDPOINT_URL_CLOUDWATCH for',
    'cut-over readiness); the region is the one in the ARNs.',
    '',
    'Exit codes:',
    ...EXIT_CODE_HELP.flatMap(([code, text]) => hanging(`  ${code}  `, wrap(text, 73))),
  ];
}

/** `prefix --flag ARN [--opt]…`, wrapped with a hanging indent. */
function synopsis(prefix: string, text: string): string[] {
  // Break only between bracketed groups or flag/value pairs, never inside one.
  const parts = text.match(/\[[^\]]*\]|\([^)]*\)|--\S+ [A-Z]+|\S+/g) ?? [];
  const indent = '      ';
  return wrapWords([prefix, ...parts], 79 - indent.length).map((line, i) => (i === 0 ? line : `${indent}${line}`));
}

function hanging(prefix: string, lines: string[]): string[] {
  return lines.map((line, i) => `${i === 0 ? prefix : ''.padEnd(prefix.length)}${line}`);
}

function optionLines(spec: CommandSpec): string[] {
  const entries = Object.entries(optionsOf(spec)).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  return entries.flatMap(([flag, help]) => {
    const [first, ...more] = wrap(help, 76 - width);
    return [`  ${flag.padEnd(width)}  ${first}`, ...more.map((line) => `  ${''.padEnd(width)}  ${line}`)];
  });
}

function wrap(text: string, width: number): string[] {
  return wrapWords(text.split(/\s+/), width);
}

function wrapWords(words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}
