// Entry point of dist/cli.js (bin/rsc-lint.js requires it). Everything testable lives in run.ts.
import { nodeIO } from './io';
import { runCli } from './run';

// `rsc-lint ... | head`: the reader went away. Stop quietly instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

void runCli(process.argv.slice(2), nodeIO()).then((code) => {
  process.exitCode = code;
});
