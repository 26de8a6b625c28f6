/**
 * The CLI's exit codes. One table feeds both the code and `--help`, so the
 * documented codes cannot drift from the ones returned.
 */
export const ExitCode = {
  SUCCESS: 0,
  DMS_FAILURE: 1,
  USAGE: 2,
  TIMED_OUT: 3,
  INTERNAL: 4,
  NOT_STARTED: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.SUCCESS, 'success: done (with --wait), or started (without --wait)'],
  [ExitCode.DMS_FAILURE, 'DMS reported a failure, or a DMS API call failed (e.g. ResourceNotFoundFault, AccessDenied, no credentials)'],
  [ExitCode.USAGE, 'bad usage: unknown command or option, missing or conflicting ARNs, malformed duration or ARN'],
  [ExitCode.TIMED_OUT, 'timed out: --wait gave up after --timeout; the DMS operation itself goes on'],
  [ExitCode.INTERNAL, 'unexpected internal error (a bug: please report it)'],
  [ExitCode.NOT_STARTED, 'not started: the command started nothing and waited for nothing, so there is no verdict (assess without --wait while another assessment is under way, or while a serverless replication is not at rest); the message says why'],
];
