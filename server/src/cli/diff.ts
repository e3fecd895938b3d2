// `rsc-lint diff OLD NEW`: what a change to a firewall script does. Both files go through the lint's
// parse and model; the verdict changes come from the one semantics (semantics/diff.ts), grouped for
// people by features/firewallDiff.ts. Exit status: 0 no change, 1 changes (with `--fail-on widened`:
// only something from the WAN newly accepted), 2 could not run (unreadable file, syntax errors, bad
// option, or the difference could not be proven within the work budget).

import * as path from 'node:path';
import { lint } from '../lint';
import { ConfigError, ConfigResolver } from '../lintConfig';
import { readConfigFile } from '../lintConfigNode';
import { inputTooLarge } from '../limits';
import { diffJson, diffMarkdown, diffText, firewallDiff, isWidenedFromWan, type DiffInput, type DiffReport } from '../features/firewallDiff';
import { CliError, type CliIO } from './io';
import { readScriptOperand } from './inputs';
import { escapeControl } from './formats';
import type { Subcommand } from './subcommands';

export const DIFF_USAGE = `Usage: rsc-lint diff OLD NEW [options]

Compares the firewalls OLD and NEW build (raw, mangle and filter tables, IPv4 and IPv6) over every
packet, not a sample, and lists the traffic whose verdict changes: one line per hook, direction (from
WAN / from LAN / from router), protocol, merged ports and addresses, with the rule that decides it in
each file. A reordering that changes no verdict is reported as no change. Either file may be - for
standard input.

Options:
  -f, --format text|json|markdown   output format (default text; json is versioned, see docs/diff-json.md;
                                    markdown is for a pull-request comment)
      --fail-on any|widened         exit 1 on any change (default), or only when something arriving from
                                    the WAN is newly accepted
      --wan LIST[,LIST]             interface lists that are the WAN side (default: .rsc-lint.json "wan",
                                    else a list named WAN, else the default route's interface, ...)
      --lan LIST[,LIST]             interface lists that are the LAN side
      --config FILE | --no-config   the .rsc-lint.json to read "wan"/"lan" from (default: the nearest to NEW)
      --budget N                    work budget of each analysis (default 100000 cube splits): a larger one
                                    lets a heavily fragmenting firewall finish, at the cost of time
  -h, --help                        show this help

Exit status: 0 no change, 1 changes (see --fail-on), 2 could not run: unreadable file, syntax errors,
bad option, the analysis ran out of its work budget, or no change was found but it rests on rules that
may not be there as modelled (inside :if/loops, unknown positions): the difference is not proven.

Example:
  git show HEAD:router.rsc | rsc-lint diff - router.rsc --fail-on widened`;

interface DiffArgs {
  files: string[];
  format: 'text' | 'json' | 'markdown';
  failOn: 'any' | 'widened';
  wan?: string[];
  lan?: string[];
  config?: string;
  noConfig: boolean;
  budget?: number;
  help: boolean;
}

function listValue(v: string, name: string): string[] {
  const l = v.split(',').map((s) => s.trim());
  if (l.some((s) => s === '')) throw new CliError(`${name}: "${v}" is not a comma-separated list of interface list names`);
  return l;
}

export function parseDiffArgs(argv: string[]): DiffArgs {
  const a: DiffArgs = { files: [], format: 'text', failOn: 'any', noConfig: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs a value (see rsc-lint diff --help)`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-f':
      case '--format': {
        const f = take();
        if (f !== 'text' && f !== 'json' && f !== 'markdown') throw new CliError(`--format: "${f}" is not one of text, json, markdown`);
        a.format = f;
        break;
      }
      case '--fail-on': {
        const f = take();
        if (f !== 'any' && f !== 'widened') throw new CliError(`--fail-on: "${f}" is not one of any, widened`);
        a.failOn = f;
        break;
      }
      case '--wan':
        a.wan = listValue(take(), '--wan');
        break;
      case '--lan':
        a.lan = listValue(take(), '--lan');
        break;
      case '--config':
        a.config = take();
        break;
      case '--no-config':
        a.noConfig = true;
        break;
      case '--budget': {
        const v = take();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1e9) throw new CliError(`--budget: "${v}" is not a whole number from 1 to 1000000000`);
        a.budget = Number(v);
        break;
      }
      default:
        if (raw.startsWith('-') && raw !== '-') throw new CliError(`unknown option ${raw} (see rsc-lint diff --help)`);
        a.files.push(raw);
    }
  }
  return a;
}

async function load(file: string, io: CliIO): Promise<DiffInput> {
  const { text, display } = await readScriptOperand(file, io);
  const big = inputTooLarge(Buffer.byteLength(text), display);
  if (big) throw new CliError(big);
  const r = lint(text);
  const errors = r.parse.errors;
  if (errors.length > 0) {
    const e = errors[0];
    const at = e.range.start;
    throw new CliError(
      `${display}:${at.line + 1}:${at.column + 1}: syntax error (${escapeControl(e.message)}): the firewall it builds is not known, fix the file first`,
    );
  }
  return { name: display, text, parse: r.parse, model: r.model };
}

function wanLan(args: DiffArgs, io: CliIO, newFile: string): { wanLists?: string[]; lanLists?: string[] } {
  let fromConfig: { wanLists?: string[]; lanLists?: string[] } = {};
  try {
    const resolver = new ConfigResolver(
      { readFile: (f) => readConfigFile(f) },
      { explicit: args.config !== undefined ? path.resolve(io.cwd, args.config) : undefined, disabled: args.noConfig },
    );
    const c = newFile === '-' ? resolver.forDir(io.cwd) : resolver.forFile(path.resolve(io.cwd, newFile));
    const env = c?.options.env;
    if (env) fromConfig = { wanLists: env.wanLists ? [...env.wanLists] : undefined, lanLists: env.lanLists ? [...env.lanLists] : undefined };
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
  return { wanLists: args.wan ?? fromConfig.wanLists, lanLists: args.lan ?? fromConfig.lanLists };
}

/** Exit status of a report: 2 unproven, 1 changes (per `failOn`), 0 none. */
export function diffExitCode(report: DiffReport, failOn: 'any' | 'widened'): number {
  if (!report.complete || report.unproven) return 2;
  if (failOn === 'widened') return report.changes.some(isWidenedFromWan) ? 1 : 0;
  return report.changes.length > 0 ? 1 : 0;
}

export async function runDiffCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseDiffArgs(argv);
  if (args.help) {
    io.out(`${DIFF_USAGE}\n`);
    return 0;
  }
  if (args.files.length !== 2) throw new CliError(`rsc-lint diff needs two files, OLD and NEW (got ${args.files.length}; see rsc-lint diff --help)`);
  if (args.files[0] === '-' && args.files[1] === '-') throw new CliError('only one of OLD and NEW can be - (standard input)');
  const env = wanLan(args, io, args.files[1]);
  const before = await load(args.files[0], io);
  const after = await load(args.files[1], io);
  const report = firewallDiff(before, after, { env, budget: args.budget });
  const out = args.format === 'json' ? `${JSON.stringify(diffJson(report), null, 2)}\n` : args.format === 'markdown' ? diffMarkdown(report) : diffText(report);
  io.out(args.format === 'json' ? out : out.split('\n').map(escapeControl).join('\n'));
  if (!report.complete) io.err('rsc-lint: the difference could not be proven: the analysis ran out of its work budget (exit 2)\n');
  else if (report.unproven) io.err('rsc-lint: no change found, but not proven: rules inside :if/loops or at unknown positions are compared as written (exit 2)\n');
  return diffExitCode(report, args.failOn);
}

export const command: Subcommand = {
  name: 'diff',
  summary: 'compare the firewalls two scripts build: the traffic whose verdict changes, with the deciding rules',
  run: runDiffCommand,
};
export default command;
