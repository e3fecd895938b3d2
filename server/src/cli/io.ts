// The CLI's window on the world, so commands can be run in-process by tests and by other commands.
// `nodeIO()` binds it to the real process.

import { fstatSync } from 'node:fs';

export interface CliIO {
  /** Writes to standard output (no newline added). */
  out(text: string): void;
  /** Writes to standard error (no newline added). */
  err(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<Buffer>;
  /** True when standard output is a terminal (colour by default). */
  stdoutIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when standard error is a terminal (the progress line of long runs). */
  stderrIsTTY?: boolean;
  /** True when standard input is a directory (`rsc-lint - < dir`): an error, not an empty script. */
  stdinIsDirectory?: () => boolean;
  /** Resolves once standard output has taken what was written (backpressure: memory stays bounded). */
  drain?: () => Promise<void>;
}

/**
 * A problem with how the command was called or with its inputs (bad option, unreadable file): printed
 * as one line `rsc-lint: <message>` without a stack trace, exit status 2 unless `exitCode` says otherwise.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function nodeIO(): CliIO {
  return {
    out: (t) => {
      process.stdout.write(t);
    },
    err: (t) => {
      process.stderr.write(t);
    },
    readStdin: () =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
        process.stdin.on('error', reject);
      }),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    stdinIsDirectory: () => {
      try {
        return fstatSync(0).isDirectory();
      } catch {
        return false;
      }
    },
    drain: () =>
      process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve(),
  };
}

/** One line for a failed write to standard output (full disk, closed pipe, ...). */
export function writeFailure(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EPIPE':
    case 'ERR_STREAM_DESTROYED':
      return 'cannot write the output: the reader closed the pipe';
    case 'ENOSPC':
      return 'cannot write the output: no space left on the device';
    case 'EDQUOT':
      return 'cannot write the output: disk quota exceeded';
    case 'EIO':
      return 'cannot write the output: input/output error';
    case 'EACCES':
    case 'EPERM':
      return 'cannot write the output: permission denied';
    default:
      return `cannot write the output: ${e.message.split('\n')[0]}`;
  }
}
