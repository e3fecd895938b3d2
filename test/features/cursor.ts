// Langium-style cursor markers for feature tests: `<|>` in .rsc text marks the cursor.
import { parse } from '../../server/src/parser';
import type { ParseResult } from '../../server/src/parser/ast';
import { positionAt } from '../../server/src/features/textPos';

export interface Marked {
  text: string;
  parse: ParseResult;
  /** The cursor positions, in order. */
  cursors: Array<{ line: number; character: number }>;
  cursor: { line: number; character: number };
}

export function marked(src: string): Marked {
  const parts = src.split('<|>');
  const text = parts.join('');
  const cursors: Array<{ line: number; character: number }> = [];
  let offset = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    offset += parts[i].length;
    cursors.push(positionAt(text, offset));
  }
  return { text, parse: parse(text), cursors, cursor: cursors[0] ?? { line: 0, character: 0 } };
}

/** The text a range covers. */
export function textOf(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
}
