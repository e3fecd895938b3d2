// Small position helpers shared by the editor features (completion, hover, navigation, symbols):
// LSP positions {line, character} (0-based, UTF-16) <-> offsets, and AST ranges -> LSP ranges.

import type { Position as LspPosition, Range as LspRange } from 'vscode-languageserver-types';
import type { Position as AstPosition, Range as AstRange } from '../parser/ast';
import { LineIndex } from '../parser/lineIndex';

let cached: { text: string; index: LineIndex } | undefined;

/** A line index for `text` (the last one is reused: features ask about the same text repeatedly). */
export function lineIndexOf(text: string): LineIndex {
  if (cached?.text !== text) cached = { text, index: new LineIndex(text) };
  return cached.index;
}

/** Offset of an LSP position in `text`; clamped to the line's end and the text's end. */
export function offsetAt(text: string, pos: LspPosition): number {
  const idx = lineIndexOf(text);
  if (pos.line >= idx.lineCount) return text.length;
  const start = idx.lineStarts[Math.max(0, pos.line)];
  let end = pos.line + 1 < idx.lineCount ? idx.lineStarts[pos.line + 1] : text.length;
  while (end > start && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return Math.min(start + Math.max(0, pos.character), end);
}

/** LSP position of an offset. */
export function positionAt(text: string, offset: number): LspPosition {
  const p = lineIndexOf(text).positionAt(Math.max(0, Math.min(offset, text.length)));
  return { line: p.line, character: p.column };
}

export function lspPos(p: AstPosition): LspPosition {
  return { line: p.line, character: p.column };
}

export function lspRange(r: AstRange): LspRange {
  return { start: lspPos(r.start), end: lspPos(r.end) };
}

/** A range inside one line: `from`/`to` are offsets, `base` an AST position on the same line. */
export function subRange(base: AstPosition, from: number, to: number): LspRange {
  return {
    start: { line: base.line, character: base.column + (from - base.offset) },
    end: { line: base.line, character: base.column + (to - base.offset) },
  };
}

export function contains(r: AstRange, offset: number): boolean {
  return r.start.offset <= offset && offset <= r.end.offset;
}
