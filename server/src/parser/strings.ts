// Decoding of RouterOS string literals: escapes, line continuations, `$var` interpolation, and an
// offset map from every decoded character back to the source (used to parse code held in strings).
//
// Escapes: \" \\ \$ \? \n \r \t \_ (space) \a \b \f \v and \XX (two UPPERCASE hex digits, a byte;
// consecutive bytes that form valid UTF-8 decode to the character). A `\` followed by optional blanks
// and a line end joins lines: the line end and the next line's leading blanks are dropped (the
// /export wrapping). An unknown escape `\c` stands for `c`.

/**
 * Collects decoded text and, when asked, the source range of every decoded UTF-16 unit.
 * Pieces are joined once at the end (`text`): repeated `+=` would leave a deep rope of cons strings that
 * every later `charCodeAt`/regex/slice on the code held in a string has to walk or flatten. The map lives
 * in typed arrays sized up front (a decoded string is never longer than its source).
 */
export class DecodeBuffer {
  /** Decoded length so far (UTF-16 units). */
  length = 0;
  private chunks: string[] = [];
  /** Source offset of decoded unit i (a range start), when built with a map. */
  readonly starts: Int32Array | null;
  /** Source offset just after decoded unit i (a range end), when built with a map. */
  readonly ends: Int32Array | null;

  /** `capacity`: the source length to be decoded (only needed with a map). */
  constructor(withMap: boolean, capacity = 0) {
    this.starts = withMap ? new Int32Array(capacity) : null;
    this.ends = withMap ? new Int32Array(capacity) : null;
  }

  /** The decoded text (one flat string). */
  get text(): string {
    const c = this.chunks;
    if (c.length === 1) return c[0];
    if (c.length === 0) return '';
    const s = c.join('');
    this.chunks = [s];
    return s;
  }

  push(s: string, start: number, end: number): void {
    if (this.starts) {
      const at = this.length;
      for (let k = 0; k < s.length; k++) {
        this.starts[at + k] = start;
        this.ends![at + k] = end;
      }
    }
    this.chunks.push(s);
    this.length += s.length;
  }

  /** Append source text[from, to) unchanged (plain characters map one to one). */
  copy(text: string, from: number, to: number): void {
    if (to <= from) return;
    if (this.starts) {
      const starts = this.starts;
      const ends = this.ends!;
      let at = this.length;
      for (let k = from; k < to; k++, at++) {
        starts[at] = k;
        ends[at] = k + 1;
      }
    }
    this.chunks.push(text.slice(from, to));
    this.length += to - from;
  }
}

function isUpperHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}

function hexVal(c: number): number {
  return c <= 57 ? c - 48 : c - 55;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

export interface InterpolatedVar {
  /** Source offsets of `$name`. */
  start: number;
  end: number;
  name: string;
  /** `$"name"` form. */
  quoted?: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  $: '$',
  '?': '?',
  n: '\n',
  r: '\r',
  t: '\t',
  _: ' ',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode source text[from, to) (string content without quotes) into `buf`.
 * `$name` interpolations are kept as written in the decoded text and reported through `onVar`
 * with their source range (the caller builds parts from it). Returns nothing; `buf` accumulates.
 */
export function decodeInto(
  text: string,
  from: number,
  to: number,
  buf: DecodeBuffer,
  onVar: ((v: InterpolatedVar, decodedAt: number) => void) | null,
): void {
  let i = from;
  let runStart = from; // start of a run of plain characters not yet pushed
  // next `\` and `$` at or after i, found by the engine's native search within the content only (a
  // search of `text` could run on to the end of the file for every string); `to` when there is none
  const content = text.slice(from, to);
  let nextEsc = -1;
  let nextVar = -1;
  while (i < to) {
    if (nextEsc < i) {
      const k = content.indexOf('\\', i - from);
      nextEsc = k < 0 ? to : from + k;
    }
    if (nextVar < i) {
      const k = onVar ? content.indexOf('$', i - from) : -1;
      nextVar = k < 0 ? to : from + k;
    }
    // skip the plain run up to the next character that needs a look
    i = nextEsc < nextVar ? nextEsc : nextVar;
    if (i >= to) break;
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      buf.copy(text, runStart, i);
      if (i + 1 >= to) {
        buf.push('\\', i, i + 1);
        i++;
        runStart = i;
        continue;
      }
      const n = text.charCodeAt(i + 1);
      // line continuation: \ [blanks] EOL [blanks]
      let j = i + 1;
      while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      const e = text.charCodeAt(j);
      if (j < to && (e === 10 || e === 13)) {
        j += e === 13 && text.charCodeAt(j + 1) === 10 ? 2 : 1;
        while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
        i = j;
        runStart = i;
        continue;
      }
      if (isUpperHex(n) && i + 2 < to && isUpperHex(text.charCodeAt(i + 2))) {
        // a run of \XX bytes: decode as UTF-8 when valid, else byte by byte
        const bytes: number[] = [];
        const bStart: number[] = [];
        let k = i;
        while (
          k + 2 < to &&
          text.charCodeAt(k) === 92 &&
          isUpperHex(text.charCodeAt(k + 1)) &&
          isUpperHex(text.charCodeAt(k + 2))
        ) {
          bytes.push(hexVal(text.charCodeAt(k + 1)) * 16 + hexVal(text.charCodeAt(k + 2)));
          bStart.push(k);
          k += 3;
        }
        let decoded: string | null = null;
        if (bytes.some((b) => b >= 0x80)) {
          try {
            decoded = utf8.decode(new Uint8Array(bytes));
          } catch {
            decoded = null;
          }
        }
        if (decoded !== null) {
          // map each UTF-16 unit to the escapes of its code point
          let bi = 0;
          for (const ch of decoded) {
            const cp = ch.codePointAt(0)!;
            const nb = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            const s = bStart[bi];
            const en = bStart[bi + nb - 1] + 3;
            buf.push(ch, s, en);
            bi += nb;
          }
        } else {
          for (let b = 0; b < bytes.length; b++) buf.push(String.fromCharCode(bytes[b]), bStart[b], bStart[b] + 3);
        }
        i = k;
        runStart = i;
        continue;
      }
      const ch = text[i + 1];
      const rep = SIMPLE_ESCAPES[ch];
      buf.push(rep ?? ch, i, i + 2);
      i += 2;
      runStart = i;
      continue;
    }
    if (c === 36 /* $ */ && onVar && i + 1 < to && text.charCodeAt(i + 1) === 34) {
      // $"quoted-name" inside a string
      // only `$"name-chars"`: a `$` right before the closing quote (`"^abc$"`) is a plain dollar
      let j = i + 2;
      while (j < to && (isNameChar(text.charCodeAt(j)) || text.charCodeAt(j) === 45)) j++;
      if (j > i + 2 && j < to && text.charCodeAt(j) === 34) {
        buf.copy(text, runStart, i);
        j++;
        const decodedAt = buf.length;
        buf.copy(text, i, j);
        onVar({ start: i, end: j, name: text.slice(i + 2, j - 1), quoted: true }, decodedAt);
        i = j;
        runStart = i;
        continue;
      }
    }
    if (c === 36 /* $ */ && onVar && i + 1 < to && isNameChar(text.charCodeAt(i + 1))) {
      buf.copy(text, runStart, i);
      let j = i + 1;
      while (j < to && isNameChar(text.charCodeAt(j))) j++;
      const decodedAt = buf.length;
      // keep the interpolation as written in the decoded value
      buf.copy(text, i, j);
      onVar({ start: i, end: j, name: text.slice(i + 1, j) }, decodedAt);
      i = j;
      runStart = i;
      continue;
    }
    i++;
  }
  buf.copy(text, runStart, to);
}
