// `rsc-lint assert [FILE...]`: proves the firewall assertions of `.rsc-lint.json` (docs/assertions.md)
// over the whole packet space of each script, or prints a counterexample packet with its simulated
// trace and the rule that decides it. Exit status: 0 every assertion holds, 1 one fails or cannot be
// proven, 2 could not run (bad usage, unreadable file, bad config or assertion, no assertion applies).

import * as path from 'node:path';
import { lint } from '../lint';
import { ConfigError, ConfigResolver, CONFIG_FILE_NAME, type ResolvedConfig } from '../lintConfig';
import { readConfigFile } from '../lintConfigNode';
import { evaluateAssertion } from '../assert/evaluate';
import { AssertionError, type AssertionSpec } from '../assert/spec';
import { type FileResult, resultLines, resultsJson, summaryLine } from '../assert/report';
import { CliError, type CliIO } from './io';
import { escapeControl } from './formats';
import { readScriptOperand, resolveInputs, STDIN_NAME } from './inputs';
import type { Subcommand } from './subcommands';

export const ASSERT_USAGE = `Usage: rsc-lint assert [FILE...] [options]

Checks the firewall assertions of .rsc-lint.json ("assertions", see docs/assertions.md) against the firewall
each FILE builds: proven over every packet (sets of packets, not samples), or a counterexample packet with
its trace and the rule that decides it. An answer that rests on what the script cannot know (conditions in
:if, run-time values, limit=, NAT, an analysis that hit its work budget) is "cannot prove", never "holds".

FILE: scripts or folders (their .rsc files); each gets the assertions of its nearest .rsc-lint.json whose
"files" patterns match it (an assertion without "files" applies to every script). Without FILE: every .rsc
file under the folder of the .rsc-lint.json nearest the working folder.

Options:
  -c, --config FILE      use this .rsc-lint.json for every script
  -f, --format FORMAT    text (default) or json
  -h, --help             show this help

Exit status: 0 every assertion holds, 1 some assertion fails or cannot be proven, 2 could not run.

Example .rsc-lint.json:
  { "assertions": [ { "name": "WAN management closed", "files": ["router.rsc"],
      "packets": "chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291 src-address-list=!secured connection-state=new",
      "expect": "never-accepted" } ] }`;

interface AssertArgs {
  files: string[];
  config?: string;
  format: 'text' | 'json';
  help: boolean;
}

export function parseAssertArgs(argv: string[]): AssertArgs {
  const a: AssertArgs = { files: [], format: 'text', help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const take = (what: string): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${name} needs ${what} (see rsc-lint assert --help)`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        a.help = true;
        break;
      case '-c':
      case '--config': {
        const v = take('a file');
        if (v === '') throw new CliError('--config needs a file, not an empty string');
        a.config = v;
        break;
      }
      case '-f':
      case '--format': {
        const f = take('text or json').toLowerCase();
        if (f !== 'text' && f !== 'json') throw new CliError(`unknown format "${f}": use text or json`);
        a.format = f;
        break;
      }
      default:
        if (raw.startsWith('-') && raw !== '-') throw new CliError(`unknown option ${raw} (see rsc-lint assert --help)`);
        a.files.push(raw);
    }
  }
  return a;
}

async function runAssert(argv: string[], io: CliIO): Promise<number> {
  const args = parseAssertArgs(argv);
  if (args.help) {
    io.out(`${ASSERT_USAGE}\n`);
    return 0;
  }
  const resolver = new ConfigResolver({ readFile: (f) => readConfigFile(f) }, { explicit: args.config !== undefined ? path.resolve(io.cwd, args.config) : undefined });
  const configFor = (abs: string, dir = false): ResolvedConfig | undefined => {
    try {
      return dir ? resolver.forDir(abs) : resolver.forFile(abs);
    } catch (e) {
      if (e instanceof ConfigError) throw new CliError(e.message);
      throw e;
    }
  };
  let operands = args.files;
  if (operands.length === 0) {
    const cfg = configFor(io.cwd, true);
    if (!cfg) throw new CliError(`no ${CONFIG_FILE_NAME} here or in a parent folder: write one with "assertions" (docs/assertions.md), or give --config FILE`);
    operands = [path.relative(io.cwd, path.dirname(cfg.file)) || '.'];
  }
  const inputs = await resolveInputs(operands, io);
  const display = (f: string) => path.relative(io.cwd, f) || f;
  const all: FileResult[] = [];
  let anyAssertion = false;
  for (const input of inputs) {
    const abs = input.absolute ?? path.join(io.cwd, STDIN_NAME);
    const cfg = configFor(abs);
    if (cfg?.ignores(abs)) continue;
    const specs: AssertionSpec[] = cfg?.assertionsFor(abs) ?? [];
    if (specs.length === 0) continue;
    anyAssertion = true;
    const { text, display: name } = await readScriptOperand(input.absolute ? input.display : '-', io);
    const r = lint(text, { checks: [] });
    if (r.parse.errors.length > 0 && args.format === 'text') {
      io.err(`rsc-lint: ${escapeControl(name)} has ${r.parse.errors.length} syntax error(s); checking what could be read (rsc-lint ${name} lists them)\n`);
    }
    const fr: FileResult = { file: name, config: cfg ? display(cfg.file) : undefined, results: [] };
    for (const spec of specs) {
      try {
        fr.results.push({ spec, result: evaluateAssertion({ script: r.parse.script, model: r.model, knocks: r.knocks }, spec) });
      } catch (e) {
        if (e instanceof AssertionError) throw new CliError(e.message);
        throw e;
      }
    }
    all.push(fr);
  }
  if (!anyAssertion) {
    throw new CliError(
      `no assertion applies to ${inputs.length === 1 ? inputs[0].display : 'these files'}: add "assertions" to ${CONFIG_FILE_NAME} (docs/assertions.md), or check their "files" patterns`,
    );
  }
  const failed = all.some((f) => f.results.some((x) => x.result.status !== 'holds'));
  if (args.format === 'json') io.out(`${JSON.stringify(resultsJson(all), null, 2)}\n`);
  else {
    const lines: string[] = [];
    for (const f of all) lines.push(...resultLines(f), '');
    lines.push(summaryLine(all));
    io.out(`${lines.map(escapeControl).join('\n')}\n`);
  }
  return failed ? 1 : 0;
}

export const command: Subcommand = {
  name: 'assert',
  summary: 'prove the firewall assertions of .rsc-lint.json (or print a counterexample packet with its trace)',
  run: runAssert,
};
export default command;
