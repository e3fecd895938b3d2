// Where values sit in a JSON text: JSON.parse gives no positions, and a failed assertion points at its
// entry in `.rsc-lint.json` (related information in the editor, `config` in the CLI's JSON). A small
// scanner over text JSON.parse has already accepted; on anything else it returns undefined, never throws.

import type { Range } from '../parser/ast';

/** A JSON value's extent (offsets) and, for objects and arrays, its members'. */
export interface JsonNode {
  start: number;
  end: number;
  /** Object members by key (the value's node), or array elements in order. */
  keys?: Map<string, JsonNode>;
  items?: JsonNode[];
}

class Scanner {
  i = 0;
  constructor(readonly t: string) {}
  ws(): void {
    while (this.i < this.t.length && /\s/.test(this.t[this.i])) this.i++;
  }
  str(): string {
    const start = this.i;
    this.i++; // opening quote
    while (this.i < this.t.length && this.t[this.i] !== '"') this.i += this.t[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.t.slice(start, this.i)) as string;
  }
  value(depth: number): JsonNode {
    if (depth > 200) throw new Error('too deep');
    this.ws();
    const start = this.i;
    const c = this.t[this.i];
    if (c === '{') {
      this.i++;
      const keys = new Map<string, JsonNode>();
      this.ws();
      if (this.t[this.i] === '}') this.i++;
      else {
        for (;;) {
          this.ws();
          const k = this.str();
          this.ws();
          this.i++; // :
          keys.set(k, this.value(depth + 1));
          this.ws();
          if (this.t[this.i++] === '}') break;
        }
      }
      return { start, end: this.i, keys };
    }
    if (c === '[') {
      this.i++;
      const items: JsonNode[] = [];
      this.ws();
      if (this.t[this.i] === ']') this.i++;
      else {
        for (;;) {
          items.push(this.value(depth + 1));
          this.ws();
          if (this.t[this.i++] === ']') break;
        }
      }
      return { start, end: this.i, items };
    }
    if (c === '"') {
      this.str();
      return { start, end: this.i };
    }
    while (this.i < this.t.length && /[^\s,\]}]/.test(this.t[this.i])) this.i++;
    if (this.i === start) throw new Error('unexpected character');
    return { start, end: this.i };
  }
}

/** The tree of a JSON text (a BOM is skipped; offsets count it), or undefined when it cannot be read. */
export function jsonTree(text: string): JsonNode | undefined {
  const s = new Scanner(text);
  if (text.charCodeAt(0) === 0xfeff) s.i = 1;
  try {
    return s.value(0);
  } catch {
    return undefined;
  }
}

/** A range (0-based lines and columns, UTF-16) of [start, end) in `text`. */
export function rangeOf(text: string, start: number, end: number): Range {
  const pos = (off: number) => {
    let line = 0;
    let col = 0;
    for (let i = 0; i < off && i < text.length; i++) {
      if (text[i] === '\n') {
        line++;
        col = 0;
      } else col++;
    }
    return { line, column: col, offset: off };
  };
  return { start: pos(start), end: pos(end) };
}
