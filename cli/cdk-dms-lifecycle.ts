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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // main() catches everything; this is the last guard.
    process.stderr.write(`cdk-dms-lifecycle: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = ExitCode.INTERNAL;
  },
);
