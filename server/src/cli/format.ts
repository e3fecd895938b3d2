// `rsc-lint format [--check] [--write] FILE|DIR|- ...`: the canonical /export layout
// (server/src/format). Like prettier and gofmt: without options the formatted text goes to standard
// output; --write rewrites the files that change; --check lists the files that would change and exits 1.

import { promises as fs } from 'node:fs';
import { formatScript, DEFAULT_WIDTH, type FormatOptions, type PathStyle } from '../format/format';
import { CliError, type CliIO } from './io';
import { loadInputs, resolveInputs } from './inputs';
import { isMarkdownFile } from '../markdown/fences';
import type { Subcommand } from './subcommands';

export const FORMAT_USAGE = `Usage: rsc-lint format [options] FILE|DIR|- ...

Formats RouterOS scripts the way RouterOS prints them in /export: menu header lines with relative
add/set below, one space between arguments, long commands continued with \\ and 4 spaces at 79
columns (also inside quoted strings), { } bodies indented 4 spaces. Comments stay where they are.
It never changes what a script does; a file with a syntax error is left as it is (and reported).

Options:
      --check            write nothing; list the files that are not formatted, exit 1 if any
  -w, --write            rewrite the files in place (standard input is printed instead)
      --width N          maximum line length (default ${DEFAULT_WIDTH})
      --paths STYLE      absolute menu paths: keep (default), spaced (/ip firewall filter) or
                         slashed (/ip/firewall/filter)
      --no-headers       keep "/menu add ..." commands as written instead of header lines
  -h, --help             show this help

Without --check or --write the formatted text goes to standard output.
DIR is searched for *.rsc. Exit status: 0 done (with --check: everything formatted), 1 --check found
files to format or a file could not be formatted, 2 bad usage or unreadable input.`;

interface FormatArgs {
  check: boolean;
  write: boolean;
  options: FormatOptions;
  operands: string[];
  help: boolean;
}

export function parseFormatArgs(argv: string[]): FormatArgs {
  const a: FormatArgs = { check: false, write: false, options: {}, operands: [], help: false };
  let done = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (done || raw === '-' || !raw.startsWith('-')) {
      a.operands.push(raw);
      continue;
    }
    if (raw === '--') {
      done = true;
      continue;
    }
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (what: string): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs ${what} (see rsc-lint format --help)`);
      return v;
    };
    const flag = () => {
      if (eq > 0) throw new CliError(`${name} takes no value (see rsc-lint format --help)`);
    };
    switch (name) {
      case '--check':
        flag();
        a.check = true;
        break;
      case '-w':
      case '--write':
        flag();
        a.write = true;
        break;
      case '--width': {
        const v = take('a number');
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 20 || n > 1000) throw new CliError(`--width: "${v}" is not a line length from 20 to 1000`);
        a.options.width = n;
        break;
      }
      case '--paths': {
        const v = take('keep, spaced or slashed');
        if (v !== 'keep' && v !== 'spaced' && v !== 'slashed') throw new CliError(`--paths: "${v}" is not keep, spaced or slashed`);
        a.options.pathStyle = v as PathStyle;
        break;
      }
      case '--no-headers':
        flag();
        a.options.headers = false;
        break;
      case '-h':
      case '--help':
        flag();
        a.help = true;
        break;
      default:
        throw new CliError(`unknown option ${name} for format (see rsc-lint format --help)`);
    }
  }
  if (a.check && a.write) throw new CliError('--check and --write do not go together: --check only reports');
  return a;
}

export async function runFormat(argv: string[], io: CliIO): Promise<number> {
  const args = parseFormatArgs(argv);
  if (args.help) {
    io.out(`${FORMAT_USAGE}\n`);
    return 0;
  }
  if (args.operands.length === 0) throw new CliError('no input: give FILE, DIR or - for standard input (see rsc-lint format --help)');
  const notes: string[] = [];
  const inputs = await resolveInputs(args.operands, io, notes);
  const loaded = await loadInputs(inputs, io);
  for (const n of notes) io.err(`rsc-lint: ${n}\n`);

  let status = 0;
  const unformatted: string[] = [];
  for (const inp of loaded) {
    if (isMarkdownFile(inp.display)) {
      io.err(`rsc-lint: ${inp.display}: Markdown files are not formatted (only scripts)\n`);
      status = 1;
      continue;
    }
    const r = formatScript(inp.text, args.options);
    if (r.skipped) {
      io.err(`rsc-lint: ${inp.display}: ${r.skipped}\n`);
      status = 1;
    }
    if (args.check) {
      if (r.changed) unformatted.push(inp.display);
      continue;
    }
    if (args.write && inp.absolute !== undefined) {
      if (r.changed) {
        try {
          await fs.writeFile(inp.absolute, r.text, 'utf8');
        } catch (e) {
          throw new CliError(`cannot write ${inp.display}: ${(e as Error).message}`);
        }
        io.err(`formatted ${inp.display}\n`);
      }
      continue;
    }
    // standard output: the text (several inputs: each after a header line, as `head` does)
    if (loaded.length > 1) io.out(`# ==> ${inp.display} <==\n`);
    io.out(r.text);
  }
  if (args.check) {
    for (const f of unformatted) io.out(`${f}\n`);
    if (unformatted.length > 0) {
      io.err(`rsc-lint: ${unformatted.length} file${unformatted.length === 1 ? '' : 's'} not formatted (rsc-lint format --write to fix)\n`);
      return 1;
    }
  }
  return status;
}

export const command: Subcommand = {
  name: 'format',
  summary: 'format scripts like /export (--check lists files that would change, --write rewrites them)',
  run: runFormat,
};
