// The formatter: one canonical layout, the one RouterOS prints in `/export`.
//
//   - menu header lines and relative commands at the top level: `/ip firewall filter add ...` becomes
//     `/ip firewall filter` on its own line and `add ...` below it (consecutive commands share a header);
//   - one space between arguments (only where the source had blanks: `a=b` stays glued);
//   - long commands continued with ` \` and 4 more spaces of indentation, lines at most `width` (79)
//     columns, breaking where /export breaks: between arguments, right after `name=`, and inside quoted
//     strings (never inside an escape or a `$var`; a blank at the start of a continued string line is
//     written `\_`; a string that is split also breaks before each `\n` escape, as /export does);
//   - `{ }` and multi-line `[ ]` bodies indented 4 spaces per level;
//   - comments kept where they are (own line or after the command), blank lines kept (runs collapsed).
//
// It works on the lexer's tokens: RouterOS skips blanks and `\` continuations between tokens, so
// changing only what lies between tokens (and re-wrapping a string's continuations, which its value
// drops) cannot change the token stream. Whether two tokens touch is kept exactly (it decides `a=b`
// against `a= b`). Header lines are the one structural change, made only at the top level and with the
// menu of every later command kept (a header re-establishes the old menu where needed).
//
// Safety net: the result is parsed again and its meaning (`meaning.ts`: every command with its menu and
// decoded values) compared with the original's; on any difference, or when the input has syntax
// errors, the text is returned unchanged with a reason.
//
// Pure: text in, text (and edits) out.

import { tokenMatcher, type IToken } from 'chevrotain';
import type { Command, Script, Statement } from '../parser/ast';
import { parse } from '../parser';
import { resolveMenu } from '../parser/walk';
import {
  Equals,
  EqOrOp,
  LBrace,
  LBracket,
  LParen,
  Newline,
  RBrace,
  RBracket,
  RParen,
  StringEnd,
  StringSimple,
  StringStart,
  tokenize,
} from '../parser/lexer';
import { scriptKey } from './meaning';

export type PathStyle = 'keep' | 'spaced' | 'slashed';

export interface FormatOptions {
  /** Maximum line length, `\` included (RouterOS /export: 79). */
  width?: number;
  /** Absolute menu paths: as written, `/ip firewall filter`, or `/ip/firewall/filter`. */
  pathStyle?: PathStyle;
  /** Turn top-level `/menu verb ...` commands into header lines with relative commands. Default true. */
  headers?: boolean;
}

export interface TextEdit {
  /** Offsets into the original text; `end` exclusive. */
  start: number;
  end: number;
  newText: string;
}

export interface FormatResult {
  /** The formatted text (the input unchanged when `skipped`). */
  text: string;
  changed: boolean;
  /** Minimal replacements turning the input into `text` (whole lines). */
  edits: TextEdit[];
  /** Why nothing was formatted (syntax errors, or the safety check failed). */
  skipped?: string;
}

export const DEFAULT_WIDTH = 79;
const INDENT = 4;

/** Formats a whole script. Never throws. */
export function formatScript(text: string, options: FormatOptions = {}): FormatResult {
  return run(text, options, undefined);
}

/**
 * Formats the lines that [start, end) touches (offsets). Header conversion is off: a range edit must not
 * change which menu the lines outside it run in.
 */
export function formatRange(text: string, start: number, end: number, options: FormatOptions = {}): FormatResult {
  return run(text, { ...options, headers: false }, { start, end });
}

function unchanged(text: string, skipped: string): FormatResult {
  return { text, changed: false, edits: [], skipped };
}

function run(text: string, options: FormatOptions, range: { start: number; end: number } | undefined): FormatResult {
  let res;
  try {
    res = parse(text);
  } catch (e) {
    return unchanged(text, `internal parser error: ${(e as Error).message}`);
  }
  if (res.errors.length > 0) {
    const e = res.errors[0];
    const more = res.errors.length > 1 ? ` (and ${res.errors.length - 1} more)` : '';
    return unchanged(text, `not formatted: syntax error at line ${e.range.start.line + 1}: ${e.message}${more}`);
  }
  let pieces: Piece[];
  try {
    pieces = layout(text, res.script, options);
  } catch (e) {
    if (process.env.RSC_FMT_DEBUG) console.error(e);
    return unchanged(text, `not formatted: internal formatter error: ${(e as Error).message}`);
  }
  let chosen = pieces;
  if (range) {
    chosen = pieces.map((p) =>
      p.end > range.start && p.start < Math.max(range.end, range.start + 1) ? p : { ...p, text: text.slice(p.start, p.end) },
    );
  }
  const out = chosen.map((p) => p.text).join('');
  if (out === text) return { text, changed: false, edits: [] };
  // safety net: the same commands, menus and values, and no new syntax error
  const again = parse(out);
  if (again.errors.length > 0 || scriptKey(again.script) !== scriptKey(res.script)) {
    return unchanged(text, 'not formatted: the formatted text would not mean the same (a formatter bug; please report it)');
  }
  const edits: TextEdit[] = [];
  for (const p of chosen) {
    if (p.text === text.slice(p.start, p.end)) continue;
    const last = edits[edits.length - 1];
    if (last && last.end === p.start) {
      last.end = p.end;
      last.newText += p.text;
    } else edits.push({ start: p.start, end: p.end, newText: p.text });
  }
  return { text: out, changed: true, edits };
}

// ---------------------------------------------------------------------------------------------
// Atoms: the tokens, with strings that hold `$( )`/`$[ ]` collapsed into one verbatim atom, comments
// merged in, and path rewrites applied.

type AtomKind = 'tok' | 'string' | 'verbatim' | 'comment' | 'nl';

interface Atom {
  start: number;
  end: number;
  kind: AtomKind;
  /** Output text (single line unless kind is verbatim). */
  text: string;
  /** `=` (a continuation may follow it with the value still attached). */
  eq?: boolean;
  /** `=` or a comparison operator: a `\` continuation right after it keeps the value attached. */
  eqOrOp?: boolean;
  open?: boolean;
  close?: boolean;
  /** For strings: the content cut into units that must stay on one line, quotes included. */
  units?: string[];
  /** Separated from the atom before it by a blank (words of a rewritten path). */
  space?: boolean;
  /** Start of a dropped region right before this atom (a header is keyed by the command's start). */
  alias?: number;
}

interface Piece {
  start: number;
  end: number;
  text: string;
  blank?: boolean;
}

/** A region of the source replaced by `text` (path rewrites, header conversion). */
interface Rewrite {
  end: number;
  text: string;
}

/** The tokens of `text` with its comments merged in, in offset order. */
function lexAll(text: string): IToken[] {
  const lex = tokenize(text);
  const comments = (lex.groups.comments as IToken[] | undefined) ?? [];
  return comments.length > 0 ? mergeByOffset(lex.tokens, comments) : lex.tokens;
}

function buildAtoms(text: string, all: IToken[], rewrites: Map<number, Rewrite>): Atom[] {
  const atoms: Atom[] = [];
  let alias: number | undefined;
  const push = (a: Atom) => {
    if (alias !== undefined) a.alias = alias;
    alias = undefined;
    atoms.push(a);
  };
  for (let i = 0; i < all.length; i++) {
    const t = all[i];
    const s = t.startOffset;
    const e = s + t.image.length;
    const rw = rewrites.get(s);
    if (rw) {
      // drop every token of the region; emit the replacement (nothing for an empty one)
      while (i + 1 < all.length && all[i + 1].startOffset < rw.end) i++;
      if (rw.text === '') alias = s;
      else {
        // one atom per word (`/ip firewall filter`), so a second run breaks the line where this one could
        const words = rw.text.split(' ');
        words.forEach((w, k) => push({ start: s, end: rw.end, kind: 'tok', text: w, ...(k > 0 ? { space: true } : {}) }));
      }
      continue;
    }
    if (t.tokenType.GROUP === 'comments' || t.tokenType.name === 'Comment') {
      push({ start: s, end: e, kind: 'comment', text: t.image.replace(/[ \t]+$/, '') });
      continue;
    }
    if (tokenMatcher(t, Newline)) {
      push({ start: s, end: e, kind: 'nl', text: t.image });
      continue;
    }
    if (t.tokenType === StringStart) {
      // a string with `$( )`/`$[ ]`: kept exactly as written, from its quote to its closing quote
      let depth = 1;
      let j = i;
      while (depth > 0 && j + 1 < all.length) {
        j++;
        const u = all[j];
        if (u.tokenType === StringStart) depth++;
        else if (u.tokenType === StringEnd) depth--;
      }
      const end = all[j].startOffset + all[j].image.length;
      push({ start: s, end, kind: 'verbatim', text: text.slice(s, end) });
      i = j;
      continue;
    }
    if (t.tokenType === StringSimple) {
      const units = stringUnits(t.image);
      if (units) push({ start: s, end: e, kind: 'string', text: units.join(''), units });
      else push({ start: s, end: e, kind: 'verbatim', text: t.image });
      continue;
    }
    const a: Atom = { start: s, end: e, kind: 'tok', text: t.image };
    if (t.tokenType === Equals) a.eq = true;
    if (tokenMatcher(t, EqOrOp)) a.eqOrOp = true;
    if (t.tokenType === LBrace || t.tokenType === LBracket || t.tokenType === LParen) a.open = true;
    else if (t.tokenType === RBrace || t.tokenType === RBracket || t.tokenType === RParen) a.close = true;
    push(a);
  }
  return atoms;
}

function mergeByOffset(a: IToken[], b: IToken[]): IToken[] {
  const out: IToken[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].startOffset < b[j].startOffset)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A quoted string cut into the pieces a line break may fall between, with its `\` line continuations
 * removed (the value drops them). Null when the string holds a real line break (kept as written).
 * The opening quote sticks to the first piece and the closing quote to the last.
 */
export function stringUnits(raw: string): string[] | null {
  const units: string[] = [];
  let pending = '';
  const push = (u: string) => {
    units.push(pending + u);
    pending = '';
  };
  const n = raw.length - 1; // the closing quote
  let i = 1;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === 10 || c === 13) return null;
    if (c === 92 /* \ */) {
      // continuation: \ [blanks] EOL [blanks] -> nothing
      let j = i + 1;
      while (j < n && (raw.charCodeAt(j) === 32 || raw.charCodeAt(j) === 9)) j++;
      const e = raw.charCodeAt(j);
      if (j < n && (e === 10 || e === 13)) {
        j += e === 13 && raw.charCodeAt(j + 1) === 10 ? 2 : 1;
        while (j < n && (raw.charCodeAt(j) === 32 || raw.charCodeAt(j) === 9)) j++;
        i = j;
        continue;
      }
      if (i + 2 < n && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) {
        // a run of \XX bytes decodes together (UTF-8): one piece
        let k = i;
        while (k + 2 < n && raw.charCodeAt(k) === 92 && isHex(raw.charCodeAt(k + 1)) && isHex(raw.charCodeAt(k + 2))) k += 3;
        push(raw.slice(i, k));
        i = k;
        continue;
      }
      if (i + 1 >= n) return null; // a lone `\` before the quote: cannot happen in a lexed string
      const len = isSurrogateStart(raw.charCodeAt(i + 1)) ? 3 : 2;
      push(raw.slice(i, i + len));
      i += len;
      continue;
    }
    if (c === 36 /* $ */) {
      let j = i + 1;
      if (raw.charCodeAt(j) === 34) {
        let k = j + 1;
        while (k < n && (isNameChar(raw.charCodeAt(k)) || raw.charCodeAt(k) === 45)) k++;
        if (k > j + 1 && k < n && raw.charCodeAt(k) === 34) j = k + 1;
      } else {
        while (j < n && isNameChar(raw.charCodeAt(j))) j++;
      }
      if (j === i + 1) {
        // a plain `$` sticks to what follows it (a break after it could make `$(` of `$` and `(`)
        pending += '$';
      } else push(raw.slice(i, j));
      i = j;
      continue;
    }
    const len = isSurrogateStart(c) ? 2 : 1;
    push(raw.slice(i, i + len));
    i += len;
  }
  if (pending !== '') units.push(pending);
  if (units.length === 0) return ['""'];
  units[0] = '"' + units[0];
  units[units.length - 1] += '"';
  return units;
}

function isSurrogateStart(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

// ---------------------------------------------------------------------------------------------
// Paths and header lines (decided on the tree, applied as rewrites of token regions)

function plainSegments(cmd: Command, text: string): string[] | null {
  const p = cmd.path;
  if (!p || !p.absolute || p.segments.length === 0) return null;
  const segs = p.segments.map((s) => s.text);
  if (segs.some((s) => s === '' || s === '.' || s === '..' || /[\s/\\]/.test(s))) return null;
  // only paths written plainly: the segments after one `/`, separated by `/` or blanks
  const src = text.slice(p.range.start.offset, p.range.end.offset).replace(/\s+/g, ' ');
  if (src !== '/' + segs.join(' ') && src !== '/' + segs.join('/')) return null;
  return segs;
}

function pathText(segs: string[], style: PathStyle, slashedInSource: boolean): string {
  const slashed = style === 'slashed' || (style === 'keep' && slashedInSource);
  return '/' + segs.join(slashed ? '/' : ' ');
}

function isSlashed(text: string, cmd: Command): boolean {
  const p = cmd.path!;
  return p.segments.length > 1 && !/\s/.test(text.slice(p.range.start.offset, p.range.end.offset));
}

/** Commands of a statement list and everything nested in their arguments (not code held in strings). */
function eachCommand(stmts: Statement[], visit: (c: Command) => void): void {
  for (const s of stmts) {
    if (s.kind === 'block') {
      eachCommand(s.statements, visit);
      continue;
    }
    visit(s);
    for (const a of s.args) if (a.value) eachValue(a.value, visit);
  }
}

function eachValue(v: unknown, visit: (c: Command) => void): void {
  if (!v || typeof v !== 'object') return;
  const n = v as { kind?: string; statements?: Statement[]; expression?: unknown; elements?: { value: unknown }[]; value?: unknown; left?: unknown; right?: unknown; operand?: unknown };
  switch (n.kind) {
    case 'code':
    case 'substitution':
      eachCommand(n.statements ?? [], visit);
      return;
    case 'paren':
      eachValue(n.expression, visit);
      return;
    case 'array':
      for (const e of n.elements ?? []) eachValue(e.value, visit);
      return;
    case 'negated':
      eachValue(n.value, visit);
      return;
    case 'binary':
      eachValue(n.left, visit);
      eachValue(n.right, visit);
      return;
    case 'unary':
      eachValue(n.operand, visit);
      return;
    default:
      return;
  }
}

function isMenuChange(cmd: Command): boolean {
  return !!cmd.path && !cmd.verb && !cmd.callee && cmd.args.length === 0;
}

function sameMenu(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** True when a top-level statement cannot depend on the current menu (a global command without nested code). */
function menuIndependent(s: Statement, text: string): boolean {
  if (s.kind !== 'command' || s.path || !s.verb || !s.verb.text.startsWith(':')) return false;
  const src = text.slice(s.range.start.offset, s.range.end.offset);
  return !/[[{(]/.test(src);
}

/** True when `header` on its own line is read as a change to the menu `segs` (`/log` alone is not). */
function headerOk(header: string, segs: string[]): boolean {
  const r = parse(header + '\n');
  const st = r.script.statements;
  return r.errors.length === 0 && st.length === 1 && st[0].kind === 'command' && isMenuChange(st[0]) && sameMenu(resolveMenu(st[0], []), segs);
}

interface Plan {
  rewrites: Map<number, Rewrite>;
  /** Header text to put on its own line before the logical line starting at this offset. */
  headers: Map<number, string>;
  /**
   * Statements (by start) whose header goes above the comments and blank lines before them: those comments
   * hold a `# rsc-lint disable=` directive, which applies to the next command and must keep doing so.
   */
  headerAbove: Set<number>;
}

function plan(text: string, script: Script, atomsLineStart: (offset: number) => boolean, endsLine: (offset: number) => boolean, o: Required<FormatOptions>): Plan {
  const rewrites = new Map<number, Rewrite>();
  const headers = new Map<number, string>();
  const headerAbove = new Set<number>();
  // a directive in the comments between the previous top-level statement and this one (not for the first
  // statement: a directive there covers the whole file, and the header becomes the first statement)
  const directiveAbove = (k: number): boolean => {
    if (k === 0) return false;
    const from = script.statements[k - 1].range.end.offset;
    const to = script.statements[k].range.start.offset;
    return script.comments.some((c) => !c.trailing && c.range.start.offset >= from && c.range.start.offset < to && /^\s*rsc-lint\s+disable\s*=/.test(c.text));
  };
  const converted = new Set<Command>();
  const top = new Set<Statement>(script.statements);

  if (o.headers) {
    let orig: string[] = [];
    let fmt: string[] = [];
    for (let k = 0; k < script.statements.length; k++) {
      const s = script.statements[k];
      const start = s.range.start.offset;
      if (s.kind === 'command') {
        const segs = plainSegments(s, text);
        if (segs && isMenuChange(s)) {
          orig = fmt = segs;
          continue;
        }
        if (
          segs &&
          s.verb &&
          !s.callee &&
          !s.verb.text.startsWith(':') &&
          s.verb.range.start.offset >= s.path!.range.end.offset &&
          atomsLineStart(start) &&
          endsLine(s.range.end.offset) &&
          (sameMenu(fmt, segs) || headerOk(pathText(segs, o.pathStyle, isSlashed(text, s)), segs))
        ) {
          converted.add(s);
          if (!sameMenu(fmt, segs)) {
            headers.set(start, pathText(segs, o.pathStyle, isSlashed(text, s)));
            if (directiveAbove(k)) headerAbove.add(start);
            fmt = segs;
          }
          const p = s.path!;
          const glued = !/[\s\\]/.test(text.slice(p.range.end.offset, s.verb.range.start.offset));
          if (glued) rewrites.set(p.range.start.offset, { end: s.verb.range.end.offset, text: s.verb.text });
          else rewrites.set(p.range.start.offset, { end: p.range.end.offset, text: '' });
          continue;
        }
      }
      if (!sameMenu(fmt, orig) && !menuIndependent(s, text)) {
        const h = orig.length === 0 ? '/' : pathText(orig, o.pathStyle, false);
        if (!atomsLineStart(start) || !headerOk(h, orig)) throw new Error(`the menu ${h} cannot be re-established here`);
        headers.set(start, h);
        if (directiveAbove(k)) headerAbove.add(start);
        fmt = orig;
      }
      if (s.kind === 'command' && isMenuChange(s)) {
        orig = resolveMenu(s, orig);
        fmt = orig;
      }
    }
  }

  if (o.pathStyle !== 'keep') {
    eachCommand(script.statements, (c) => {
      if (converted.has(c)) return;
      const segs = plainSegments(c, text);
      if (!segs) return;
      const p = c.path!;
      // `/ip/firewall/filter/add`: path and verb are one token; left as written (`/log/print` spaced
      // would read as the command `log` with an argument)
      if (c.verb && !/[\s\\]/.test(text.slice(p.range.end.offset, c.verb.range.start.offset))) return;
      rewrites.set(p.range.start.offset, { end: p.range.end.offset, text: pathText(segs, o.pathStyle, false) });
    });
  }
  void top;
  return { rewrites, headers, headerAbove };
}

// ---------------------------------------------------------------------------------------------
// Layout

function layout(text: string, script: Script, options: FormatOptions): Piece[] {
  const o: Required<FormatOptions> = {
    width: Math.max(20, Math.floor(options.width ?? DEFAULT_WIDTH)),
    pathStyle: options.pathStyle ?? 'keep',
    headers: options.headers ?? true,
  };
  // first pass: the plain token stream, to know where lines start and end
  const tokens = lexAll(text);
  const plain = buildAtoms(text, tokens, new Map());
  const lineStarts = new Set<number>();
  const lineEnds = new Set<number>();
  let prevNl = true;
  for (let i = 0; i < plain.length; i++) {
    const a = plain[i];
    if (a.kind === 'nl') {
      prevNl = true;
      continue;
    }
    if (prevNl) lineStarts.add(a.start);
    prevNl = false;
    const next = plain[i + 1];
    if (a.kind !== 'comment' && (!next || next.kind === 'nl' || (next.kind === 'comment' && (!plain[i + 2] || plain[i + 2].kind === 'nl')))) lineEnds.add(a.end);
  }
  const pl = plan(text, script, (off) => lineStarts.has(off), (off) => lineEnds.has(off), o);
  const atoms = pl.rewrites.size > 0 ? buildAtoms(text, tokens, pl.rewrites) : plain;
  const eol = /\r\n/.test(text.slice(0, 4096)) || (!text.includes('\n') && text.includes('\r\n')) ? '\r\n' : '\n';

  const pieces: Piece[] = [];
  let depth = 0;
  let pieceStart = 0;
  let line: Atom[] = [];
  let lastBlank = true; // no blank line at the start of the file
  let emittedAny = false;
  /** Index of the first piece after the last line with code (where a header may go above comments). */
  let afterCode = 0;

  const flush = (end: number) => {
    let out = '';
    const blank = line.length === 0;
    if (blank) {
      // a blank line: keep one of a run
      if (!lastBlank && emittedAny) out = eol;
      lastBlank = true;
    } else {
      lastBlank = false;
      let d = depth;
      for (const a of line) {
        if (a.close) d--;
        else break;
      }
      const key = pl.headers.has(line[0].start) ? line[0].start : line[0].alias;
      const header = key !== undefined ? pl.headers.get(key) : undefined;
      if (header !== undefined) {
        if (pl.headerAbove.has(key!) && afterCode < pieces.length) pieces[afterCode].text = header + eol + pieces[afterCode].text;
        else out += header + eol;
      }
      out += layoutLine(text, line, Math.max(0, d), o.width, eol);
      out += eol;
      emittedAny = true;
      if (line.some((a) => a.kind !== 'comment')) afterCode = pieces.length + 1;
      for (const a of line) {
        if (a.open) depth++;
        else if (a.close) depth = Math.max(0, depth - 1);
      }
    }
    pieces.push({ start: pieceStart, end, text: out, blank });
    pieceStart = end;
    line = [];
  };
  for (const a of atoms) {
    if (a.kind === 'nl') flush(a.end);
    else line.push(a);
  }
  flush(text.length);
  // no blank lines at the end of the file
  for (let k = pieces.length - 1; k >= 0 && pieces[k].blank; k--) pieces[k].text = '';
  return pieces;
}

function layoutLine(text: string, atoms: Atom[], depth: number, width: number, eol: string): string {
  const indent = ' '.repeat(depth * INDENT);
  const cont = ' '.repeat(depth * INDENT + INDENT);
  const contCol = cont.length;
  let out = indent;
  let col = indent.length;
  const n = atoms.length;

  // how each atom attaches to the one before it
  const sep: ('space' | 'glue' | 'eq')[] = atoms.map((a, i) => {
    if (i === 0) return 'glue';
    if (a.space) return 'space';
    const p = atoms[i - 1];
    if (a.start === p.end) return p.eq ? 'eq' : 'glue';
    // `name=\` + continuation + value: still attached (RouterOS joins them)
    if (p.eqOrOp && text.charCodeAt(p.end) === 92) return p.eq ? 'eq' : 'glue';
    return 'space';
  });
  const width1 = (a: Atom): number => {
    if (a.kind !== 'verbatim') return a.text.length;
    const k = a.text.search(/[\r\n]/);
    return k < 0 ? a.text.length : k;
  };
  const endsCode = (i: number): boolean => i + 1 >= n || atoms[i + 1].kind === 'comment';
  /** Length of the unbreakable run starting at i, and whether the line ends after it. */
  const run = (i: number): { len: number; last: boolean } => {
    let len = 0;
    for (let j = i; ; j++) {
      len += width1(atoms[j]);
      if (atoms[j].kind === 'verbatim' && /[\r\n]/.test(atoms[j].text)) return { len, last: endsCode(j) };
      if (endsCode(j)) return { len, last: true };
      if (sep[j + 1] !== 'glue') return { len, last: false };
    }
  };
  const breakLine = (withSpace: boolean) => {
    out += (withSpace ? ' \\' : '\\') + eol + cont;
    col = contCol;
  };

  for (let i = 0; i < n; i++) {
    const a = atoms[i];
    if (a.kind === 'comment') {
      if (i > 0 && sep[i] === 'space') {
        out += ' ';
        col++;
      }
      out += a.text;
      col += a.text.length;
      continue;
    }
    const r = run(i);
    const reserve = r.last ? 0 : 2;
    const splittable = a.kind === 'string';
    if (sep[i] === 'space') {
      const fits = col + 1 + r.len + reserve <= width;
      if (!fits && col > contCol && !(splittable && contCol + r.len + reserve > width && col + 8 < width)) breakLine(true);
      else {
        out += ' ';
        col++;
      }
    } else if (sep[i] === 'eq') {
      const fits = col + r.len + reserve <= width;
      if (!fits && col > contCol && !(splittable && contCol + r.len + reserve > width && col + 8 < width)) breakLine(false);
    }
    if (splittable && col + a.text.length + (r.last || sep[i + 1] !== 'glue' ? reserve : 2) > width) {
      // split the string over continuation lines
      const units = a.units!;
      const splitNl = true;
      let lineLen = 0; // units on the current line
      for (let k = 0; k < units.length; k++) {
        let u = units[k];
        const atContStart = lineLen === 0 && k > 0;
        if (atContStart) u = escapeLead(u);
        const isNl = splitNl && k > 0 && units[k].startsWith('\\n');
        if (lineLen > 0 && (isNl || col + u.length + 1 > width)) {
          out += '\\' + eol + cont;
          col = contCol;
          lineLen = 0;
          u = escapeLead(units[k]);
        }
        out += u;
        col += u.length;
        lineLen++;
      }
      continue;
    }
    out += a.text;
    if (a.kind === 'verbatim') {
      const k = Math.max(a.text.lastIndexOf('\n'), a.text.lastIndexOf('\r'));
      col = k < 0 ? col + a.text.length : a.text.length - k - 1;
    } else col += a.text.length;
  }
  return out.replace(/[ \t]+$/, '');
}

/** A blank at the start of a continued string line would be dropped: write it as an escape. */
function escapeLead(u: string): string {
  const c = u.charCodeAt(0);
  if (c === 32) return '\\_' + u.slice(1);
  if (c === 9) return '\\t' + u.slice(1);
  return u;
}

/** @internal For debugging the formatter: the layout without the safety net. */
export function __layoutForDebug(text: string, options: FormatOptions = {}): string {
  return layout(text, parse(text).script, options).map((p) => p.text).join('');
}
