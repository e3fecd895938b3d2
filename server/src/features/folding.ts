// Folding ranges: `{ }` blocks, `[ ]` and `( )` spanning lines, commands continued over several lines
// (`\` at line end), menu sections (`/ip firewall filter` up to the next section) and comment blocks.

import type { FoldingRange } from 'vscode-languageserver-types';
import type { Node, ParseResult } from '../parser/ast';
import type { Schema } from '../schema';
import { walkScript } from '../schema/walk';

const BRACKETED = new Set(['block', 'code', 'array', 'substitution', 'paren']);

export function foldingRanges(parse: ParseResult, schema: Schema): FoldingRange[] {
  const byStart = new Map<number, FoldingRange>();
  const add = (startLine: number, endLine: number, kind?: 'comment' | 'region', override = false) => {
    if (endLine <= startLine) return;
    const old = byStart.get(startLine);
    if (old && old.endLine >= endLine && !override) return;
    const r: FoldingRange = { startLine, endLine };
    if (kind) r.kind = kind;
    byStart.set(startLine, r);
  };

  // Continued commands and sections.
  let section: { start: number; end: number } | undefined;
  const closeSection = () => {
    if (section) add(section.start, section.end, 'region');
    section = undefined;
  };
  walkScript(parse.script, schema, {
    command(v) {
      const r = v.command.range;
      if (r.end.line > r.start.line) add(r.start.line, r.end.line);
      if (v.depth !== 0) return;
      if (v.menuChange) {
        closeSection();
        section = { start: r.start.line, end: r.end.line };
      } else if (v.global || v.command.path?.absolute) {
        // `:global ...` or `/other menu add ...`: no longer part of the section.
        closeSection();
      } else if (section) {
        section.end = Math.max(section.end, r.end.line);
      }
    },
  });
  closeSection();

  // Brackets: every node of a bracketed kind; the closing line stays visible (wins over the command
  // fold that starts on the same line).
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 200) return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const n = node as Node & { kind?: string; closed?: boolean };
    if (n.kind && BRACKETED.has(n.kind) && n.range) {
      const end = n.closed === false ? n.range.end.line : n.range.end.line - 1;
      add(n.range.start.line, end, undefined, true);
    }
    for (const [k, v] of Object.entries(n)) {
      if (k === 'range' || k === 'comments' || !v || typeof v !== 'object') continue;
      visit(v, depth + 1);
    }
  };
  visit(parse.script.statements, 0);

  // Runs of full-line comments.
  let run: { start: number; end: number } | undefined;
  for (const c of parse.script.comments ?? []) {
    if (c.trailing) continue;
    const line = c.range.start.line;
    if (run && line === run.end + 1) run.end = line;
    else {
      if (run) add(run.start, run.end, 'comment');
      run = { start: line, end: line };
    }
  }
  if (run) add(run.start, run.end, 'comment');

  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}
