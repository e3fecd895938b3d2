// Reading what the router printed for `/import file-name=X verbose=yes [dry-run]` and deciding what
// happened. Success is only ever the router's positive marker; an exit status or HTTP 200 proves
// nothing (RouterOS answers both even when the import stopped half-way).
//
// Error forms recognised (RouterOS console wording):
//   syntax error (line N column M)            expected end of command (line N column M)
//   bad command name foo (line N column M)    expected closing brace (line N column M)
//   failure: already have such entry (line N) input does not match any value of action
// "line N column M" count logical lines (continuation lines joined, see lines.ts), 1-based.
// Syntax-class errors come from parsing, which RouterOS v7 does for the whole file before running
// anything: nothing was applied. Run-time errors stop the import at that command: everything before
// it took effect. With verbose=yes the router echoes each command before running it, which locates a
// run-time error that carries no line number (the last echoed command is the one that failed).

import { LogicalLines } from './lines';
import type { Outcome, RouterProblem, RouterVersion } from './types';

export const SUCCESS_MARKER = 'Script file loaded and executed successfully';
const SUCCESS_RE = /Script file loaded and executed successfully/i;
/** What a dry run prints when the file parses (without executing). */
const DRY_RUN_OK_RE = /Script file loaded (?:and validated )?successfully|Script file loaded and executed successfully/i;

const SYNTAX_RE =
  /^(?:syntax error|expected end of command|expected [a-z ]+|bad command name|bad argument name|missing value|unterminated|unmatched|ambiguous command|no such command)\b/i;
const RUNTIME_RE =
  /^(?:failure:|input does not match any value of|invalid value|value of .* out of range|no such item|already have|script error|error\b|executing script .* failed|interrupted|not enough permissions|couldn't|could not)/i;
const POS_RE = /\(line (\d+)(?: column (\d+))?\)/i;

/** `7.16.1 (stable)` -> {7,16,1}. Undefined when the text holds no version. */
export function parseVersion(text: string): RouterVersion | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?(?:[a-z]+\d*)?(?:\s*\(([a-z]+)\))?/i.exec(text);
  if (!m) return undefined;
  return { raw: m[0].trim(), major: +m[1], minor: +m[2], patch: m[3] ? +m[3] : 0 };
}

/** `/import ... dry-run` exists from RouterOS 7.16 on (the console's import argument list). */
export function supportsDryRun(v: RouterVersion | undefined): boolean | undefined {
  if (!v) return undefined;
  return v.major > 7 || (v.major === 7 && v.minor >= 16);
}

/**
 * True when the router's answer says it does not know the `dry-run` argument of our own command
 * `command` (older RouterOS): "bad argument name dry-run", or "expected end of command (line 1
 * column C)" where C is exactly where `dry-run` starts in the command we sent.
 */
export function dryRunRejected(output: string, command: string): boolean {
  if (/bad argument name dry-run|no such argument \(dry-run\)/i.test(output)) return true;
  const col = command.indexOf('dry-run') + 1;
  const m = /expected end of command \(line 1 column (\d+)\)/i.exec(output);
  return !!m && col > 0 && +m[1] === col && !/Script file/i.test(output);
}

export interface ImportReading {
  success: boolean;
  dryRunOk: boolean;
  problems: RouterProblem[];
  /** 0-based logical line index of the last command the router echoed (verbose), if any. */
  lastEchoed?: number;
  echoed: number;
}

function stripPrompt(s: string): string {
  return s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** Splits the router's output into echoes, errors and the success marker, mapped into `fileText`. */
export function readImportOutput(output: string, fileText: string): ImportReading {
  const logical = new LogicalLines(fileText);
  const norm = logical.lines.map((l) => l.text.trim());
  const reading: ImportReading = { success: false, dryRunOk: false, problems: [], echoed: 0 };
  let cursor = 0;
  for (const rawLine of stripPrompt(output).split('\n')) {
    const line = rawLine.trim();
    if (!line) continue;
    if (SUCCESS_RE.test(line)) reading.success = true;
    if (DRY_RUN_OK_RE.test(line)) {
      reading.dryRunOk = true;
      continue;
    }
    // An echo of the next command(s) in the file?
    let echoAt = -1;
    for (let k = cursor; k < norm.length; k++) {
      if (norm[k] === line) {
        echoAt = k;
        break;
      }
    }
    if (echoAt >= 0 && !(SYNTAX_RE.test(line) || RUNTIME_RE.test(line))) {
      reading.lastEchoed = echoAt;
      reading.echoed++;
      cursor = echoAt + 1;
      continue;
    }
    const body = line.replace(/^(?:[^:]*\.rsc:\s*)/i, '');
    const syntax = SYNTAX_RE.test(body);
    const runtime = !syntax && (RUNTIME_RE.test(body) || POS_RE.test(body));
    if (!syntax && !runtime) continue;
    const problem: RouterProblem = { message: body, raw: rawLine.replace(/\r/g, ''), kind: syntax ? 'syntax' : 'runtime' };
    const pos = POS_RE.exec(body);
    let mapped: { line: number; column: number; endLine: number } | undefined;
    if (pos) mapped = logical.toPhysical(+pos[1], pos[2] !== undefined ? +pos[2] : undefined);
    else if (reading.lastEchoed !== undefined) mapped = logical.toPhysical(reading.lastEchoed + 1);
    if (mapped) {
      problem.line = mapped.line;
      problem.column = mapped.column;
      problem.endLine = mapped.endLine;
      problem.endColumn = (fileText.split(/\r?\n/)[mapped.endLine] ?? '').length;
      if (problem.endLine === problem.line && problem.endColumn <= problem.column) problem.endColumn = problem.column + 1;
    }
    reading.problems.push(problem);
  }
  return reading;
}

/** Whether a logical line does something when run (not blank, not a comment, not a bare menu change). */
function isEffective(text: string): boolean {
  const t = text.trim();
  if (!t || t.startsWith('#')) return false;
  // `/ip firewall filter` alone only changes the current menu.
  if (/^\/[a-z0-9\- /]*$/i.test(t) && !/\s(add|set|remove|enable|disable|print|export|import|reset|run|save|load)\b/i.test(t)) return false;
  return true;
}

export interface Classification {
  outcome: Outcome;
  /** One sentence for the user. */
  summary: string;
  problems: RouterProblem[];
}

/**
 * Decides what an import did. `mode` 'dry-run' never applies anything. Unknown unless the router
 * said so: no marker and no recognised error means we cannot tell.
 */
export function classifyImport(
  output: string,
  fileText: string,
  mode: 'import' | 'dry-run',
  version?: RouterVersion,
): Classification {
  const r = readImportOutput(output, fileText);
  const logical = new LogicalLines(fileText);
  if (mode === 'dry-run') {
    if (r.problems.length) {
      return { outcome: 'not-applied', summary: `The router rejected the script in a dry run (${r.problems[0].message}); nothing was applied.`, problems: r.problems };
    }
    if (r.dryRunOk) return { outcome: 'validated', summary: 'The router parsed the script in a dry run without errors.', problems: [] };
    return { outcome: 'unknown', summary: 'The dry run ended without the router confirming the script; nothing was applied.', problems: [] };
  }
  if (r.success && r.problems.length === 0) {
    return { outcome: 'applied', summary: 'The router ran the whole script successfully.', problems: [] };
  }
  const first = r.problems[0];
  if (!first) {
    return {
      outcome: 'unknown',
      summary: 'The router did not confirm the import ("' + SUCCESS_MARKER + '" missing) and reported no error; check the router.',
      problems: [],
    };
  }
  const failedLogical = first.line !== undefined ? logical.logicalIndexOf(first.line) : r.lastEchoed;
  const parsesFirst = !version || version.major >= 7;
  const where = first.line !== undefined ? ` at line ${first.line + 1}` : '';
  if (first.kind === 'syntax' && parsesFirst) {
    return { outcome: 'not-applied', summary: `The router rejected the script${where} (${first.message}); nothing was applied.`, problems: r.problems };
  }
  if (failedLogical === undefined) {
    return {
      outcome: 'unknown',
      summary: `The import failed (${first.message}) at a place the router did not name; some commands may have been applied.`,
      problems: r.problems,
    };
  }
  const before = logical.lines.slice(0, failedLogical).some((l) => isEffective(l.text));
  if (!before) {
    return { outcome: 'not-applied', summary: `The first command failed${where} (${first.message}); nothing was applied.`, problems: r.problems };
  }
  const lastApplied = logical.lines[failedLogical - 1]?.endLine ?? 0;
  return {
    outcome: 'partly-applied',
    summary: `The import stopped${where} (${first.message}); the commands on lines 1-${lastApplied + 1} were applied, the rest was not.`,
    problems: r.problems,
  };
}
