import type { Position } from './ast';

/**
 * Offset <-> line/column for one text. Lines end at `\r\n`, `\r` or `\n` (RouterOS accepts all three,
 * and files mix them). Columns count UTF-16 code units, like JavaScript strings and LSP.
 * Lookups use binary search over the line starts, with a fast path for nearby offsets (the parser
 * asks in mostly increasing order).
 *
 * `positionAt` returns the same Position object for an offset asked for again soon (a small direct-mapped
 * cache): a command's start is its verb's start, an argument's end its value's end, and so on, so the
 * tree shares those objects instead of holding a copy each (about 40% fewer Position objects on a full
 * /export). Positions are plain values that nothing mutates, so sharing them is invisible.
 */
/** A `\r` that is a line end on its own (old Mac files, or mixed ones). */
const LONE_CR = /\r(?!\n)/;

export class LineIndex {
  /** Offset where each line starts; lineStarts[0] === 0. */
  /** Replaced only by `update`. */
  lineStarts: number[];
  length: number;
  private last = 0;
  private readonly cacheKeys: Int32Array;
  private readonly cacheVals: Position[];

  constructor(text: string) {
    const starts = [0];
    const n = text.length;
    if (text.indexOf('\r') < 0 || !LONE_CR.test(text)) {
      // the common cases, `\n` or `\r\n` line ends: a line starts after each `\n` (native search)
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
    this.length = n;
    // a power of two covering the text, at most 4096 slots
    let size = 64;
    while (size < 4096 && size <= n) size <<= 1;
    this.cacheKeys = new Int32Array(size).fill(-1);
    this.cacheVals = new Array<Position>(size);
  }

  /**
   * Makes this index describe `text` instead (incremental.ts: the nodes of a tree that is spliced keep
   * pointing at one index). Positions read from it before the update must not be kept.
   */
  update(text: string): void {
    const fresh = new LineIndex(text);
    this.lineStarts = fresh.lineStarts;
    this.length = fresh.length;
    this.last = 0;
    this.cacheKeys.fill(-1);
    this.cacheVals.fill(undefined as unknown as Position);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The 0-based line holding `offset` (clamped into the text). */
  lineAt(offset: number): number {
    const starts = this.lineStarts;
    if (offset <= 0) return 0;
    if (offset > this.length) offset = this.length;
    let l = this.last;
    if (starts[l] <= offset) {
      // fast path: same or one of the next few lines
      for (let k = 0; k < 4; k++) {
        if (l + 1 >= starts.length || starts[l + 1] > offset) {
          this.last = l;
          return l;
        }
        l++;
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }

  positionAt(offset: number): Position {
    if (offset < 0) offset = 0;
    if (offset > this.length) offset = this.length;
    const h = offset & (this.cacheKeys.length - 1);
    if (this.cacheKeys[h] === offset) return this.cacheVals[h];
    const line = this.lineAt(offset);
    const p: Position = { line, column: offset - this.lineStarts[line], offset };
    this.cacheKeys[h] = offset;
    this.cacheVals[h] = p;
    return p;
  }

  /** Offset of a line/column; columns past the line end are clamped to the line end. */
  offsetAt(pos: { line: number; column: number }): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.length;
    const start = this.lineStarts[pos.line];
    const next = pos.line + 1 < this.lineStarts.length ? this.lineStarts[pos.line + 1] : this.length;
    return Math.max(start, Math.min(start + Math.max(0, pos.column), next));
  }
}
