// Small position helpers shared by the editor features (completion, hover, navigation, symbols):
// LSP positions {line, character} (0-based, UTF-16) <-> offsets, and AST ranges -> LSP ranges.

import type { Position as LspPosition, Range as LspRange } from 'vscode-languageserver-types';
import type { Position as AstPosition, Range as AstRange } from '../parser/ast';

/**
 * Offset of an LSP position in `text`; clamped to the line's end and the text's end. Lines end at
 * `\r\n`, `\n` or `\r` (as in the parser's LineIndex). A plain scan: no per-text table to build,
 * which matters when every keystroke brings a new text.
 */
export function offsetAt(text: string, pos: LspPosition): number {
  const n = text.length;
  let i = 0;
  for (let line = 0; line < pos.line; line++) {
    for (;;) {
      if (i >= n) return n;
      const c = text.charCodeAt(i++);
      if (c === 10) break;
      if (c === 13) {
        if (text.charCodeAt(i) === 10) i++;
        break;
      }
    }
  }
  const start = i;
  const want = start + Math.max(0, pos.character);
  while (i < want && i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** LSP position of an offset. */
export function positionAt(text: string, offset: number): LspPosition {
  offset = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
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
