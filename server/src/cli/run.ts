// `rsc-lint`: argument parsing, subcommand dispatch and the lint command itself.
// `runCli(args, io)` never throws and resolves to the exit status:
//   0  nothing at error severity was found
//   1  at least one finding at error severity
//   2  could not run: bad option, unknown rule id, missing or unreadable input (one line on stderr)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import pkg from '../../../package.json';
import type { Severity, SeveritySetting } from '../rules/types';
import { isSeveritySetting, lint, ruleInfos, validateRuleId } from '../lint';
import { CliError, type CliIO } from './io';
import { FORMATS, formatJson, formatSarif, formatText, type FileReport, type Format } from './formats';
import { loadInputs, resolveInputs } from './inputs';
import { availableSubcommands, loadSubcommand, SUBCOMMAND_NAMES } from './subcommands';
import { isMarkdownFile, lintMarkdown } from '../markdown/fences';

export const VERSION: string = (pkg as { version?: string }).version ?? '0.0.0';

export interface LintArgs {
  format: Format;
  severities: Record<string, SeveritySetting>;
  /** true/false forced by --color/--no-color; undefined = decide from the terminal and NO_COLOR. */
  color?: boolean;
  quiet: boolean;
  operands: string[];
  help: boolean;
  version: boolean;
  listRules: boolean;
}

const USAGE = `Usage: rsc-lint [options] FILE|DIR|- ...

Lints MikroTik RouterOS scripts (.rsc): syntax, and the firewall the script builds
(port-knocking sequences, rule order, timeouts, blacklists).

Operands:
  FILE                 a script file (any extension)
  DIR                  searched recursively for *.rsc (node_modules and .dot directories skipped)
  -                    read the script from standard input (reported as <stdin>)

Options:
  -f, --format FORMAT  text (default), json or sarif (SARIF 2.1.0, for GitHub code scanning)
  -r, --rule ID=LEVEL  set a rule's severity: off, hint, info, warning or error; repeatable,
                       or comma-separated: --rule knock-weak-port=off,knock-no-interface=error
  -q, --quiet          report errors only
      --color          colour the text output even when not writing to a terminal
      --no-color       never colour (the NO_COLOR environment variable does the same)
      --list-rules     list every rule id with its default severity and description
  -h, --help           show this help
  -V, --version        show the version

Suppress a finding in the script itself with a comment on the line before the command:
  # rsc-lint disable=knock-weak-port,knock-sequential-ports
(before the first command of the file, it applies to the whole file).

Exit status: 0 no error-severity finding, 1 some error-severity finding, 2 could not run.
Docs: docs/rules/<rule-id>.md`;

function takeValue(args: string[], i: number, opt: string, what: string): string {
  const v = args[i + 1];
  if (v === undefined) throw new CliError(`${opt} needs ${what} (see rsc-lint --help)`);
  return v;
}

function parseFormat(v: string): Format {
  const f = v.toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as Format;
  throw new CliError(`unknown format "${v}": use text, json or sarif`);
}

function parseRule(spec: string, into: Record<string, SeveritySetting>): void {
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.lastIndexOf('=');
    if (eq <= 0) {
      throw new CliError(`bad --rule "${item}": write ID=LEVEL, e.g. --rule knock-weak-port=off`);
    }
    const id = item.slice(0, eq).trim();
    const level = item.slice(eq + 1).trim().toLowerCase();
    const bad = validateRuleId(id);
    if (bad) throw new CliError(`${bad} in --rule ${item} (rsc-lint --list-rules shows the ids)`);
    if (!isSeveritySetting(level)) {
      throw new CliError(`bad severity "${item.slice(eq + 1)}" in --rule ${item}: use off, hint, info, warning or error`);
    }
    into[id] = level;
  }
}

export function parseLintArgs(args: string[]): LintArgs {
  const out: LintArgs = {
    format: 'text',
    severities: {},
    quiet: false,
    operands: [],
    help: false,
    version: false,
    listRules: false,
  };
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (optionsDone || a === '-' || !a.startsWith('-')) {
      out.operands.push(a);
      continue;
    }
    if (a === '--') {
      optionsDone = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const noInline = () => {
      if (inline !== undefined) throw new CliError(`${name} takes no value (see rsc-lint --help)`);
    };
    switch (name) {
      case '-f':
      case '--format':
        out.format = parseFormat(inline ?? takeValue(args, i++, name, 'text, json or sarif'));
        break;
      case '-r':
      case '--rule':
        parseRule(inline ?? takeValue(args, i++, name, 'ID=LEVEL, e.g. knock-weak-port=off'), out.severities);
        break;
      case '-q':
      case '--quiet':
        noInline();
        out.quiet = true;
        break;
      case '--color':
      case '--colour':
        noInline();
        out.color = true;
        break;
      case '--no-color':
      case '--no-colour':
        noInline();
        out.color = false;
        break;
      case '--list-rules':
        noInline();
        out.listRules = true;
        break;
      case '-h':
      case '--help':
        noInline();
        out.help = true;
        break;
      case '-V':
      case '--version':
        noInline();
        out.version = true;
        break;
      default:
        throw new CliError(`unknown option ${name} (see rsc-lint --help)`);
    }
  }
  return out;
}

function useColor(args: LintArgs, io: CliIO): boolean {
  if (args.color !== undefined) return args.color;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false') return true;
  if (io.env.TERM === 'dumb') return false;
  return io.stdoutIsTTY;
}

function findPackageRoot(): string | undefined {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let k = 0; k < 6; k++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'docs'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Where the rule pages live: the GitHub repository when package.json names one, else the installed copy. */
export function docsBase(): string {
  const repo = (pkg as { repository?: string | { url?: string } }).repository;
  const url = typeof repo === 'string' ? repo : repo?.url;
  const m = url ? /github\.com[/:]([^/]+)\/([^/#]+?)(?:\.git)?(?:#.*)?$/.exec(url) : null;
  if (m) return `https://github.com/${m[1]}/${m[2]}/blob/HEAD/docs/rules/`;
  const root = findPackageRoot() ?? process.cwd();
  return pathToFileURL(path.join(root, 'docs', 'rules')).href + '/';
}

function listRules(): string {
  const infos = ruleInfos();
  const width = Math.max(...infos.map((r) => r.id.length));
  return infos.map((r) => `${r.id.padEnd(width)}  ${r.defaultSeverity.padEnd(7)}  ${r.description}`).join('\n') + '\n';
}

const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** The lint command (everything that is not a subcommand). */
export async function runLint(argv: string[], io: CliIO): Promise<number> {
  const args = parseLintArgs(argv);
  if (args.help) {
    const subs = await availableSubcommands();
    let text = USAGE;
    if (subs.length > 0) {
      text += `\n\nCommands:\n${subs.map((s) => `  rsc-lint ${s.name.padEnd(10)} ${s.summary}`).join('\n')}`;
    }
    io.out(`${text}\n`);
    return 0;
  }
  if (args.version) {
    io.out(`rsc-lint ${VERSION}\n`);
    return 0;
  }
  if (args.listRules) {
    io.out(listRules());
    return 0;
  }
  if (args.operands.length === 0) {
    throw new CliError('no input: give FILE, DIR or - for standard input (see rsc-lint --help)');
  }
  const notes: string[] = [];
  const inputs = await resolveInputs(args.operands, io, notes);
  const loaded = await loadInputs(inputs, io);
  for (const n of notes) io.err(`rsc-lint: ${n}\n`);

  const reports: FileReport[] = loaded.map((inp) => {
    // a Markdown file: its ```routeros / ```rsc / ```mikrotik blocks, positions in the .md
    const findings = isMarkdownFile(inp.display) ? lintMarkdown(inp.text, { severities: args.severities }) : lint(inp.text, { severities: args.severities }).findings;
    return { file: inp.display, findings: args.quiet ? findings.filter((f) => f.severity === 'error') : findings };
  });
  const hasError = reports.some((r) => r.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.error));

  switch (args.format) {
    case 'text':
      io.out(formatText(reports, useColor(args, io)));
      break;
    case 'json':
      io.out(formatJson(reports));
      break;
    case 'sarif':
      io.out(formatSarif(reports, { version: VERSION, rules: ruleInfos(), docsBase: docsBase(), cwd: io.cwd }));
      break;
  }
  return hasError ? 1 : 0;
}

/** Entry point: dispatches subcommands, runs the lint otherwise, turns every failure into exit 2. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const first = argv[0];
    if (first !== undefined && !first.startsWith('-')) {
      // Like git: a subcommand name wins over a file of that name (lint that one as ./knock).
      const sub = await loadSubcommand(first);
      if (sub) return await sub.run(argv.slice(1), io);
      if (SUBCOMMAND_NAMES.includes(first) && !fs.existsSync(path.resolve(io.cwd, first))) {
        throw new CliError(`the "${first}" command is not available in this build (rsc-lint --help lists the commands)`);
      }
    }
    return await runLint(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`rsc-lint: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`rsc-lint: internal error: ${msg} (a bug; please report it. RSC_LINT_DEBUG=1 shows the stack trace)\n`);
    if (io.env.RSC_LINT_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return 2;
  }
}
