// The CLI's window on the world, so commands can be run in-process by tests and by other commands.
// `nodeIO()` binds it to the real process.

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
    env: process.env,
    cwd: process.cwd(),
  };
}
