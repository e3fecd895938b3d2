// `rsc-lint`: argument parsing, subcommand dispatch and the lint command itself.
// `runCli(args, io)` never throws and resolves to the exit status:
//   0  nothing at error severity was found
//   1  at least one finding at error severity
//   2  could not run: bad option, unknown rule id, missing or unreadable input (one line on stderr)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import pkg from '../../../package.json';
import type { Finding, SeveritySetting } from '../rules/types';
import { isSeveritySetting, ruleInfos, validateRuleId, type LintOptions } from '../lint';
import { ConfigError, ConfigResolver, mergeLintOptions, type ResolvedConfig } from '../lintConfig';
import { readConfigFile } from '../lintConfigNode';
import { CliError, type CliIO } from './io';
import {
  FORMATS,
  formatSarif,
  githubLines,
  textLines,
  textSummary,
  toJsonFinding,
  type Counts,
  type FileReport,
  type Format,
} from './formats';
import { readStdinScript, streamInputs, STDIN_NAME, type Input } from './inputs';
import { availableSubcommands, loadSubcommand, SUBCOMMAND_NAMES } from './subcommands';
import { LintCache, settingsKey } from './cache';
import type { FixMode, LintRequest, LintResponse } from './lintJob';
import { inProcessRunner, runOrdered, windowFor, workerEntry, workerRunner, type JobRunner } from './pool';
import { Progress } from './progress';

export const VERSION: string = (pkg as { version?: string }).version ?? '0.0.0';

export interface LintArgs {
  format: Format;
  severities: Record<string, SeveritySetting>;
  /** --target: the RouterOS version to check against (over `.rsc-lint.json`'s `target`). */
  target?: string;
  /** true/false forced by --color/--no-color; undefined = decide from the terminal and NO_COLOR. */
  color?: boolean;
  quiet: boolean;
  operands: string[];
  help: boolean;
  version: boolean;
  listRules: boolean;
  /** Worker threads; 1 = in-process. Default: the number of cores. */
  jobs?: number;
  cache: boolean;
  cacheLocation?: string;
  /** `--shard i/n`: lint the i-th of n deterministic parts (1-based). */
  shard?: { index: number; count: number };
  config?: string;
  noConfig: boolean;
  fix: FixMode;
  maxWarnings?: number;
  stdinFilename?: string;
  errorOnUnmatched: boolean;
  /** undefined: on when standard error is a terminal. */
  progress?: boolean;
}

const USAGE = `Usage: rsc-lint [options] FILE|DIR|- ...

Lints MikroTik RouterOS scripts (.rsc): syntax, and the firewall the script builds
(port-knocking sequences, rule order, timeouts, blacklists).

Operands:
  FILE                 a script file (any extension)
  DIR                  searched recursively for *.rsc (node_modules and .dot directories skipped)
  -                    read the script from standard input (reported as <stdin>)

Options:
  -f, --format FORMAT  text (default), json, sarif (SARIF 2.1.0, for GitHub code scanning) or
                       github (workflow command annotations on the pull request)
  -r, --rule ID=LEVEL  set a rule's severity: off, hint, info, warning or error; repeatable,
                       or comma-separated: --rule knock-weak-port=off,knock-no-interface=error
  -t, --target VERSION RouterOS version to check against, e.g. 7.16 (default: .rsc-lint.json's target,
                       else the file's /export header, else the newest known)
  -q, --quiet          report errors only
      --max-warnings N exit 1 when more than N warnings are found
  -c, --config FILE    use this .rsc-lint.json for every input (default: the nearest one from each
                       file's folder upwards)
      --no-config      ignore .rsc-lint.json files
      --fix            apply the safe fixes (the editor's "fix all") to the files, then report what remains
      --fix-dry-run    report what would remain after --fix, write nothing
  -j, --jobs N         lint on N worker threads (default: the number of cores; 1 = no threads)
      --cache          skip files whose content and settings did not change since the last --cache run
      --cache-location PATH  cache file, or folder for .rsc-lint-cache (default ./.rsc-lint-cache)
      --shard I/N      lint only the I-th of N parts of the files (a CI matrix; same split on every machine)
      --stdin-filename NAME  name standard input (-) as NAME in reports and for .rsc-lint.json lookup
      --no-error-on-unmatched-pattern  a DIR without .rsc files is not an error
      --no-progress    no progress line on a terminal's standard error
      --color          colour the text output even when not writing to a terminal
      --no-color       never colour (the NO_COLOR environment variable does the same)
      --list-rules     list every rule id with its default severity and description
  -h, --help           show this help
  -V, --version        show the version

Suppress a finding in the script itself with a comment on the line before the command:
  # rsc-lint disable=knock-weak-port,knock-sequential-ports
(before the first command of the file, it applies to the whole file).

Config: .rsc-lint.json {"rules": {ID: LEVEL}, "thresholds": {...}, "target": "7.16", "wan": [LIST],
"lan": [LIST], "ignore": [GLOB]} (schema: schemas/rsc-lint.schema.json). --rule wins over it.

Exit status: 0 no error-severity finding, 1 some error-severity finding (or more than --max-warnings
warnings), 2 could not run (bad option or config, unreadable input, output not writable).
Docs: docs/rules/<rule-id>.md`;

function takeValue(args: string[], i: number, opt: string, what: string): string {
  const v = args[i + 1];
  if (v === undefined) throw new CliError(`${opt} needs ${what} (see rsc-lint --help)`);
  return v;
}

function parseFormat(v: string): Format {
  const f = v.toLowerCase();
  if ((FORMATS as readonly string[]).includes(f)) return f as Format;
  throw new CliError(`unknown format "${v}": use text, json, sarif or github`);
}

function parseCount(v: string, opt: string, min: number, max = 1_000_000): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new CliError(`${opt} must be a whole number from ${min} to ${max}, not "${v}"`);
  return Number(v);
}

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 10000) {
    throw new CliError(`--shard must be I/N with 1 <= I <= N (e.g. --shard 2/4), not "${v}"`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
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
    cache: false,
    noConfig: false,
    fix: 'none',
    errorOnUnmatched: true,
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
        out.format = parseFormat(inline ?? takeValue(args, i++, name, 'text, json, sarif or github'));
        break;
      case '-j':
      case '--jobs':
        out.jobs = parseCount(inline ?? takeValue(args, i++, name, 'a number of threads'), name, 1, 256);
        break;
      case '--cache':
        noInline();
        out.cache = true;
        break;
      case '--cache-location': {
        const v = inline ?? takeValue(args, i++, name, 'a file or folder');
        if (v === '') throw new CliError('--cache-location needs a file or folder, not an empty string');
        out.cacheLocation = v;
        break;
      }
      case '--shard':
        out.shard = parseShard(inline ?? takeValue(args, i++, name, 'I/N, e.g. 2/4'));
        break;
      case '-c':
      case '--config': {
        const v = inline ?? takeValue(args, i++, name, 'a .rsc-lint.json file');
        if (v === '') throw new CliError('--config needs a file, not an empty string');
        out.config = v;
        break;
      }
      case '--no-config':
        noInline();
        out.noConfig = true;
        break;
      case '--fix':
        noInline();
        out.fix = 'write';
        break;
      case '--fix-dry-run':
        noInline();
        out.fix = 'dry-run';
        break;
      case '--max-warnings':
        out.maxWarnings = parseCount(inline ?? takeValue(args, i++, name, 'a number'), name, 0, Number.MAX_SAFE_INTEGER);
        break;
      case '--stdin-filename': {
        const v = inline ?? takeValue(args, i++, name, 'a file name');
        if (v === '') throw new CliError('--stdin-filename needs a name, not an empty string');
        out.stdinFilename = v;
        break;
      }
      case '--no-error-on-unmatched-pattern':
        noInline();
        out.errorOnUnmatched = false;
        break;
      case '--progress':
        noInline();
        out.progress = true;
        break;
      case '--no-progress':
        noInline();
        out.progress = false;
        break;
      case '-r':
      case '--rule':
        parseRule(inline ?? takeValue(args, i++, name, 'ID=LEVEL, e.g. knock-weak-port=off'), out.severities);
        break;
      case '-t':
      case '--target': {
        const v = inline ?? takeValue(args, i++, name, 'a RouterOS version, e.g. 7.16');
        if (!/^\s*v?\d+\.\d+(\.\d+)?\s*$/.test(v)) throw new CliError(`bad --target "${v}": write a RouterOS version, e.g. --target 7.16`);
        out.target = v.trim().replace(/^v/, '');
        break;
      }
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
  if (args.config !== undefined && args.noConfig) throw new CliError('--config and --no-config exclude each other');
  if (args.stdinFilename !== undefined && !args.operands.includes('-')) {
    throw new CliError('--stdin-filename names standard input: give - as the operand too');
  }
  if (args.fix === 'write' && args.operands.includes('-')) {
    throw new CliError('--fix cannot write standard input back: use --fix-dry-run, or give the file');
  }
  return lintCommand(args, io);
}

/** FNV-1a of the path with `/` separators: the shard of a file is the same on every machine. */
export function shardOf(display: string, count: number): number {
  let h = 0x811c9dc5;
  const s = path.normalize(display).split(path.sep).join('/');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

async function* sharded(source: AsyncIterable<Input>, shard: { index: number; count: number } | undefined): AsyncGenerator<Input> {
  for await (const inp of source) {
    // Standard input is not part of a fleet: every shard lints it.
    if (!shard || inp.absolute === undefined || shardOf(inp.display, shard.count) === shard.index) yield inp;
  }
}

function configError(e: unknown): never {
  if (e instanceof ConfigError) throw new CliError(e.message);
  throw e;
}

async function lintCommand(args: LintArgs, io: CliIO): Promise<number> {
  const resolver = new ConfigResolver(
    { readFile: (f) => readConfigFile(f) },
    { explicit: args.config !== undefined ? path.resolve(io.cwd, args.config) : undefined, disabled: args.noConfig },
  );
  const configFor = (abs: string, isDir = false): ResolvedConfig | undefined => {
    try {
      return isDir ? resolver.forDir(abs) : resolver.forFile(abs);
    } catch (e) {
      return configError(e);
    }
  };
  // Fail on a bad --config before any output.
  if (args.config !== undefined) configFor(io.cwd, true);

  const cliOptions: LintOptions = { severities: args.severities, ...(args.target ? { env: { targetVersion: args.target } } : {}) };
  const stdinPath = args.stdinFilename !== undefined ? path.resolve(io.cwd, args.stdinFilename) : path.join(io.cwd, STDIN_NAME);
  const optionsFor = (abs: string | undefined): { options: LintOptions; key: string } => {
    const cfg = configFor(abs ?? stdinPath);
    const options = cfg ? mergeLintOptions(cfg.optionsFor(abs ?? stdinPath), cliOptions) : cliOptions;
    return { options, key: settingsKey(VERSION, [cfg?.key ?? null, args.severities, args.target ?? null]) };
  };

  const notes: string[] = [];
  const source = sharded(
    streamInputs(
      args.operands,
      io,
      {
        allowUnmatched: !args.errorOnUnmatched,
        // A folder is judged by the config that applies where it sits (its parent's), like a file.
        ignored: (abs, isDir) => configFor(abs)?.ignores(abs, isDir) ?? false,
        onIgnored: (display) => notes.push(`${display} is ignored by an "ignore" pattern of its .rsc-lint.json (not linted)`),
      },
      notes,
    ),
    args.shard,
  );

  const cache = args.cache ? new LintCache(LintCache.locate(io.cwd, args.cacheLocation), VERSION) : undefined;
  cache?.load();

  // One file: no worker threads (starting one costs more than linting a small file).
  const peek: Input[] = [];
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  while (peek.length < 2) {
    const n = await it.next();
    if (n.done) {
      ended = true;
      break;
    }
    peek.push(n.value);
  }
  async function* all(): AsyncGenerator<Input> {
    yield* peek;
    if (!ended) {
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    }
  }
  for (const n of notes.splice(0)) io.err(`rsc-lint: ${n}\n`);

  const jobs = args.jobs ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const entry = jobs > 1 && peek.length > 1 ? workerEntry() : undefined;
  const runner: JobRunner = entry ? workerRunner(entry, jobs) : inProcessRunner();
  const window = windowFor(jobs);

  const color = useColor(args, io);
  const counts: Counts = { error: 0, warning: 0, info: 0, hint: 0 };
  let files = 0;
  let jsonRows = 0;
  const sarifReports: FileReport[] = [];
  const readErrors: string[] = [];
  const progress = new Progress(io, args.progress ?? Boolean(io.stderrIsTTY));
  let sinceDrain = 0;
  const out = async (text: string) => {
    // The progress line is only in the way when the report goes to the same terminal.
    if (io.stdoutIsTTY) progress.clear();
    io.out(text);
    sinceDrain += text.length;
    if (io.drain && sinceDrain > 1 << 16) {
      sinceDrain = 0;
      await io.drain();
    }
  };
  const note = (text: string) => {
    progress.clear();
    io.err(`rsc-lint: ${text}\n`);
  };

  interface Item {
    input: Input;
    key: string;
    options: LintOptions;
    cached?: Finding[];
  }
  const prepare = async (input: Input): Promise<LintRequest | { ready: LintResponse }> => {
    const { options, key } = optionsFor(input.absolute);
    const item = input as Input & { _item?: Item };
    item._item = { input, key, options };
    if (input.absolute === undefined) {
      const text = await readStdinScript(io);
      return { display: args.stdinFilename ?? input.display, text, options, fix: args.fix };
    }
    const hit = cache?.get(input.absolute, key);
    let size: number | undefined;
    try {
      const st = fs.statSync(input.absolute);
      size = st.size;
      if (hit && !(args.fix !== 'none' && hit.fixable) && st.size === hit.size && st.mtimeMs === hit.mtimeMs) {
        return { ready: { findings: hit.findings, cacheHit: true, hash: hit.hash, size: hit.size, mtimeMs: hit.mtimeMs } };
      }
    } catch {
      // unreadable now: the worker says why
    }
    return { absolute: input.absolute, display: input.display, options, fix: args.fix, size, cachedHash: args.fix !== 'none' && hit?.fixable ? undefined : hit?.hash };
  };

  const emit = async (input: Input, res: LintResponse) => {
    const item = (input as Input & { _item?: Item })._item!;
    if (res.error) {
      readErrors.push(res.error);
      cache?.delete(input.absolute!);
      return;
    }
    let findings = res.findings;
    if (res.cacheHit && input.absolute !== undefined) {
      const hit = cache?.get(input.absolute, item.key);
      findings = hit?.findings ?? [];
      if (hit && res.mtimeMs !== undefined && (hit.mtimeMs !== res.mtimeMs || hit.size !== res.size)) {
        cache!.set(input.absolute, { ...hit, mtimeMs: res.mtimeMs, size: res.size! });
      }
    } else if (cache && input.absolute !== undefined && res.hash && !(args.fix === 'dry-run' && res.fixed)) {
      cache.set(input.absolute, { size: res.size!, mtimeMs: res.mtimeMs!, hash: res.hash, key: item.key, findings, ...(res.fixable ? { fixable: true } : {}) });
    }
    if (res.note) note(res.note);
    if (res.fixed) note(`${args.fix === 'write' ? 'fixed' : 'would fix'} ${res.fixed} problem${res.fixed === 1 ? '' : 's'} in ${input.display}`);
    files++;
    const report: FileReport = {
      file: input.absolute === undefined ? (args.stdinFilename ?? input.display) : input.display,
      findings: args.quiet ? findings.filter((f) => f.severity === 'error') : findings,
    };
    for (const f of report.findings) counts[f.severity]++;
    switch (args.format) {
      case 'text': {
        const lines = textLines(report, color);
        if (lines.length > 0) await out(`${lines.join('\n')}\n`);
        break;
      }
      case 'json':
        for (const f of report.findings) {
          await out(`${jsonRows === 0 ? '[\n  ' : ',\n  '}${JSON.stringify(toJsonFinding(report.file, f))}`);
          jsonRows++;
        }
        break;
      case 'github': {
        const lines = githubLines(report, io.cwd);
        if (lines.length > 0) await out(`${lines.join('\n')}\n`);
        break;
      }
      case 'sarif':
        sarifReports.push(report);
        break;
    }
    progress.tick(files, counts);
  };

  try {
    await runOrdered(all(), runner, window, prepare, emit);
  } finally {
    progress.clear();
    await runner.close();
  }
  for (const n of notes) io.err(`rsc-lint: ${n}\n`);

  switch (args.format) {
    case 'text':
      io.out(`${textSummary(counts, files, color)}\n`);
      break;
    case 'json':
      io.out(jsonRows === 0 ? '[]\n' : '\n]\n');
      break;
    case 'sarif':
      io.out(formatSarif(sarifReports, { version: VERSION, rules: ruleInfos(), docsBase: docsBase(), cwd: io.cwd }));
      break;
    case 'github':
      break;
  }
  const cacheProblem = cache?.save();
  if (cacheProblem) io.err(`rsc-lint: warning: ${cacheProblem}\n`);
  if (readErrors.length > 0) throw new CliError(readErrors.join('\nrsc-lint: '));
  if (counts.error > 0) return 1;
  if (args.maxWarnings !== undefined && counts.warning > args.maxWarnings) {
    io.err(`rsc-lint: too many warnings (${counts.warning}; --max-warnings is ${args.maxWarnings})\n`);
    return 1;
  }
  return 0;
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
