// How RouterOS numbers the lines of an imported file, and the checks on the raw text before upload.
//
// RouterOS joins a line that ends in an (unescaped) backslash with the next one before it parses, so
// the router's "line N column M" counts *logical* lines: continuation lines do not count, and the
// column runs on through the joined text (the backslash and line break removed). Both numbers are
// 1-based. LogicalLines maps such a position back to the physical line/column (0-based) in the file.

export interface Segment {
  /** 0-based physical line. */
  line: number;
  /** Offset of this segment's first character in the logical line's joined text. */
  joinedStart: number;
  /** Length of the segment's text in the joined line (without the trailing backslash). */
  length: number;
}

export interface LogicalLine {
  /** 0-based first physical line. */
  startLine: number;
  /** 0-based last physical line (the same as startLine when the line has no continuation). */
  endLine: number;
  /** The joined text, as the router sees it. */
  text: string;
  segments: Segment[];
}

function endsWithContinuation(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export function splitPhysicalLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export class LogicalLines {
  readonly lines: LogicalLine[] = [];

  constructor(text: string) {
    const phys = splitPhysicalLines(text);
    let i = 0;
    while (i < phys.length) {
      const ll: LogicalLine = { startLine: i, endLine: i, text: '', segments: [] };
      for (;;) {
        const raw = phys[i];
        const cont = endsWithContinuation(raw) && i + 1 < phys.length;
        const part = cont ? raw.slice(0, -1) : raw;
        ll.segments.push({ line: i, joinedStart: ll.text.length, length: part.length });
        ll.text += part;
        ll.endLine = i;
        i++;
        if (!cont) break;
      }
      this.lines.push(ll);
    }
  }

  /** The logical line (0-based index) that holds a physical line. */
  logicalIndexOf(physLine: number): number {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const l = this.lines[mid];
      if (physLine < l.startLine) hi = mid - 1;
      else if (physLine > l.endLine) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /**
   * Maps the router's 1-based (line, column) to a 0-based physical position. Without a column the
   * position is the start of the logical line. Undefined when the line is past the end of the file.
   */
  toPhysical(routerLine: number, routerColumn?: number): { line: number; column: number; endLine: number } | undefined {
    const ll = this.lines[routerLine - 1];
    if (!ll || routerLine < 1) return undefined;
    if (routerColumn === undefined || routerColumn < 1) {
      return { line: ll.startLine, column: firstNonBlank(ll.text), endLine: ll.endLine };
    }
    const off = routerColumn - 1;
    for (let k = ll.segments.length - 1; k >= 0; k--) {
      const s = ll.segments[k];
      if (off >= s.joinedStart || k === 0) {
        const col = Math.max(0, Math.min(off - s.joinedStart, s.length));
        return { line: s.line, column: col, endLine: ll.endLine };
      }
    }
    return undefined;
  }
}

function firstNonBlank(s: string): number {
  const m = /\S/.exec(s);
  return m ? m.index : 0;
}

/** A line with characters RouterOS cannot store as they are (it is not UTF-8 aware). */
export interface NonAsciiLine {
  /** 0-based physical line. */
  line: number;
  column: number;
  char: string;
}

/** Every line holding a character outside printable ASCII + tab (at most `limit` lines reported). */
export function findNonAscii(text: string, limit = 20): NonAsciiLine[] {
  const out: NonAsciiLine[] = [];
  const phys = splitPhysicalLines(text);
  for (let i = 0; i < phys.length && out.length < limit; i++) {
    const l = phys[i];
    for (let c = 0; c < l.length; c++) {
      const code = l.charCodeAt(c);
      if (code > 0x7e || (code < 0x20 && code !== 0x09)) {
        out.push({ line: i, column: c, char: String.fromCodePoint(l.codePointAt(c) ?? code) });
        break;
      }
    }
  }
  return out;
}

/** True when the file holds nothing the router would run (only blanks and comments). */
export function isEffectivelyEmpty(text: string): boolean {
  return splitPhysicalLines(text.replace(/^\uFEFF/, '')).every((l) => /^\s*(#.*)?$/.test(l));
}
