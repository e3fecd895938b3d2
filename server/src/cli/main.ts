// Entry point of dist/cli.js (bin/rsc-lint.js requires it). Everything testable lives in run.ts.
import { nodeIO, writeFailure } from './io';
import { runCli } from './run';

// Any failure to write the output (`> /dev/full`, a reader that closed the pipe) is exit 2 with one
// line on standard error, never a stack trace and never the "errors found" status 1.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  try {
    process.stderr.write(`rsc-lint: ${writeFailure(e)}\n`);
  } catch {
    // standard error is gone too
  }
  process.exit(2);
});
process.stderr.on('error', () => process.exit(2));

void runCli(process.argv.slice(2), nodeIO()).then((code) => {
  process.exitCode = code;
});
