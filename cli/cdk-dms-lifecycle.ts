/**
 * Entry of the `cdk-dms-lifecycle` command (bundled by projen to
 * assets/cli/cdk-dms-lifecycle/index.js). Sets the exit code rather than calling
 * process.exit(), so piped stdout is flushed before the process ends.
 */
import { ExitCode } from './exit-codes';
import { main } from './main';

// The SDK warns on every run under Node < 22 that its future versions will need
// Node 22. The SDK here is bundled and fixed, so the warning is noise to CLI users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Ctrl-C ends `status --watch` cleanly (exit 0, its last view kept); other commands keep Node's default.
const interrupt = new AbortController();
const onSigint = () => interrupt.abort();
const watching = process.argv[2] === 'status' && process.argv.includes('--watch');
if (watching) process.once('SIGINT', onSigint);

main(process.argv.slice(2), undefined, interrupt.signal).then(
  (code) => {
    process.removeListener('SIGINT', onSigint);
    process.exitCode = code;
  },
  (err: unknown) => {
    // main() catches everything; this is the last guard.
    process.stderr.write(`cdk-dms-lifecycle: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = ExitCode.INTERNAL;
  },
);
