// The progress line of long runs: on a terminal's standard error only, after the first second, at most
// four updates a second, erased before anything else is printed and at the end. Never in pipes or CI logs.
import type { CliIO } from './io';
import type { Counts } from './formats';

export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly io: CliIO,
    private readonly enabled: boolean,
  ) {}

  tick(files: number, c: Counts): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.last < 250) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = Math.round(files / secs);
    this.io.err(`\r\u001b[2Krsc-lint: ${files} files, ${c.error} errors, ${c.warning} warnings (${rate} files/s)`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.io.err('\r\u001b[2K');
  }
}
