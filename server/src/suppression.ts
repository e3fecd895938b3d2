// Suppression comments: `# rsc-lint disable=ID[,ID...]` (or `disable=all`).
//
// Semantics (ShellCheck-style, see docs and README):
// - A directive on its own line applies to the NEXT command after it (only comments and blank lines
//   may stand between them): findings whose range starts inside that command are dropped. The command
//   may be a block-carrying one (`:if ... do={ ... }`), then everything inside it is covered.
// - A directive before the first statement of the file applies to the whole file.
// - A directive trailing a command on the same line (`add ...; # rsc-lint disable=x`) applies to the
//   command(s) that end on that line.
// - Text after the id list is ignored, so a reason can follow: `# rsc-lint disable=knock-weak-port legacy`.
// Pure: used by the lint pipeline; `suppressionEdit` builds the "disable for this command / file"
// quick fix for the language server.

import type { Command, Comment, ParseResult } from './parser/ast';
import type { TextEdit } from './rules/types';
import { walkCommands } from './parser';

const DIRECTIVE = /^\s*rsc-lint\s+disable\s*=\s*([A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*)/;

/** The ids of a directive comment's text (the text after `#`), lowercased; undefined if it is not one. */
export function parseDirective(commentText: string): string[] | undefined {
  const m = DIRECTIVE.exec(commentText);
  if (!m) return undefined;
  return m[1].split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
}

export interface SuppressionScope {
  /** [start, end) offsets of the command the directive covers. */
  start: number;
  end: number;
  ids: Set<string>;
}

export interface Suppressions {
  /** Ids silenced for the whole file (`all` silences everything). */
  file: Set<string>;
  /** Sorted by start offset. */
  scopes: SuppressionScope[];
  /** maxEnd[i] = the largest `end` among scopes[0..i] (lets a lookup stop early). */
  maxEnd: number[];
}

function collectCommands(parse: ParseResult): Command[] {
  const cmds: Command[] = [];
  walkCommands(parse.script, (c: Command) => {
    cmds.push(c);
  });
  cmds.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return cmds;
}

/** First index in `cmds` (sorted by start) whose start offset is >= `offset`. */
function lowerBound(cmds: Command[], offset: number): number {
  let lo = 0;
  let hi = cmds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmds[mid].range.start.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reads every directive of the file. Returns undefined when there is none (the common, fast case). */
export function collectSuppressions(parse: ParseResult): Suppressions | undefined {
  const directives: Array<{ comment: Comment; ids: string[] }> = [];
  for (const c of parse.script.comments) {
    if (!c.text.includes('rsc-lint')) continue;
    const ids = parseDirective(c.text);
    if (ids && ids.length > 0) directives.push({ comment: c, ids });
  }
  if (directives.length === 0) return undefined;

  const cmds = collectCommands(parse);
  const first = parse.script.statements[0];
  const firstStart = first ? first.range.start.offset : Number.POSITIVE_INFINITY;
  const result: Suppressions = { file: new Set(), scopes: [], maxEnd: [] };
  for (const { comment, ids } of directives) {
    if (comment.trailing) {
      const line = comment.range.start.line;
      for (const cmd of cmds) {
        if (cmd.range.start.offset >= comment.range.start.offset) break;
        if (cmd.range.end.line === line) {
          result.scopes.push({ start: cmd.range.start.offset, end: cmd.range.end.offset, ids: new Set(ids) });
        }
      }
      continue;
    }
    if (comment.range.end.offset <= firstStart) {
      for (const id of ids) result.file.add(id);
      continue;
    }
    const i = lowerBound(cmds, comment.range.end.offset);
    if (i < cmds.length) {
      const cmd = cmds[i];
      result.scopes.push({ start: cmd.range.start.offset, end: cmd.range.end.offset, ids: new Set(ids) });
    }
  }
  result.scopes.sort((a, b) => a.start - b.start);
  let max = -1;
  for (const sc of result.scopes) result.maxEnd.push((max = Math.max(max, sc.end)));
  return result;
}

/** True when a finding of rule `rule` starting at `offset` is silenced. */
export function isSuppressed(s: Suppressions, rule: string, offset: number): boolean {
  const id = rule.toLowerCase();
  if (s.file.has(id) || s.file.has('all')) return true;
  // Last scope starting at or before the offset, then backwards while an earlier scope may still reach it.
  let lo = 0;
  let hi = s.scopes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.scopes[mid].start <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && (s.maxEnd[i] > offset || s.scopes[i].start === offset); i--) {
    const sc = s.scopes[i];
    // A zero-length command (should not happen) still covers a finding at its start.
    if ((offset < sc.end || offset === sc.start) && (sc.ids.has(id) || sc.ids.has('all'))) return true;
  }
  return false;
}

function lineStartAt(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

function eolOf(text: string): string {
  const i = text.indexOf('\n');
  if (i > 0 && text[i - 1] === '\r') return '\r\n';
  if (i < 0 && text.includes('\r')) return '\r';
  return '\n';
}

/** The directive comment directly above the line starting at `lineStart`, if the line above is one. */
function directiveAbove(parse: ParseResult, text: string, lineStart: number): { comment: Comment; ids: string[] } | undefined {
  if (lineStart === 0) return undefined;
  const prevLineStart = lineStartAt(text, text[lineStart - 1] === '\n' && text[lineStart - 2] === '\r' ? lineStart - 2 : lineStart - 1);
  for (const c of parse.script.comments) {
    if (c.range.start.offset < prevLineStart) continue;
    if (c.range.start.offset >= lineStart) break;
    if (c.trailing) return undefined;
    const ids = parseDirective(c.text);
    if (ids) return { comment: c, ids };
  }
  return undefined;
}

/** Rewrites a directive comment so that it also lists `rule`. */
function mergeEdit(text: string, comment: Comment, ids: string[], rule: string): TextEdit | undefined {
  if (ids.includes(rule) || ids.includes('all')) return undefined;
  const raw = text.slice(comment.range.start.offset, comment.range.end.offset);
  const m = /rsc-lint\s+disable\s*=\s*[A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*/.exec(raw);
  if (!m) return undefined;
  const at = comment.range.start.offset + m.index + m[0].length;
  return { start: at, end: at, newText: `,${rule}` };
}

/**
 * The edit that silences `rule` for the command containing `offset` (scope 'command') or for the whole
 * file (scope 'file'): inserts a directive line, or adds the id to an existing directive right there.
 * Returns undefined when no command contains `offset` or the rule is already silenced there.
 */
export function suppressionEdit(
  text: string,
  parse: ParseResult,
  rule: string,
  offset: number,
  scope: 'command' | 'file',
): TextEdit | undefined {
  const eol = eolOf(text);
  const id = rule.toLowerCase();
  if (scope === 'file') {
    const first = parse.script.statements[0];
    const firstStart = first ? first.range.start.offset : text.length;
    for (const c of parse.script.comments) {
      if (c.range.end.offset > firstStart) break;
      const ids = parseDirective(c.text);
      if (ids && !c.trailing) return mergeEdit(text, c, ids, id);
    }
    const at = text.startsWith('\uFEFF') ? 1 : 0;
    return { start: at, end: at, newText: `# rsc-lint disable=${id}${eol}` };
  }
  // Innermost command containing the offset.
  let best: Command | undefined;
  for (const cmd of collectCommands(parse)) {
    const { start, end } = cmd.range;
    if (start.offset <= offset && (offset < end.offset || offset === start.offset)) {
      if (!best || end.offset - start.offset <= best.range.end.offset - best.range.start.offset) best = cmd;
    }
  }
  if (!best) return undefined;
  const cmdStart = best.range.start.offset;
  const lineStart = lineStartAt(text, cmdStart);
  const before = text.slice(lineStart, cmdStart);
  const indent = /^[ \t]*/.exec(before)![0];
  if (before.trim() === '') {
    const existing = directiveAbove(parse, text, lineStart);
    if (existing) return mergeEdit(text, existing.comment, existing.ids, id);
    return { start: lineStart, end: lineStart, newText: `${indent}# rsc-lint disable=${id}${eol}` };
  }
  // Another command precedes this one on its line: break the line so the directive stands right before it.
  return { start: cmdStart, end: cmdStart, newText: `${eol}${indent}# rsc-lint disable=${id}${eol}${indent}` };
}
