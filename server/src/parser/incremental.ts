// Incremental re-parse (issue 15, big files in the editor): after an edit, only the top-level commands
// the edit touched are lexed and parsed again; the tree before them is kept as it is, the tree after
// them is kept with its offsets shifted, and the new commands are spliced in between.
//
// Why this is sound. A parse is a left-to-right process whose state between two top-level statements,
// right after a line end, is: the lexer's mode stack (which `{ [ ( "` are open) and the parser's rule
// stack. Where the lexer is back at its base mode and no top-level statement spans the line end, the
// parser is in its top-level loop with nothing pending, exactly as at the start of a file, so the parse
// of the rest of the text is the parse of that rest alone, shifted. The whole-file parse records these
// restart points (`SyncCapture.points`: line ends at lexer depth 1, from a replay of the lexer's modes
// over the tokens); `validPoint` adds "no statement spans it". An edit re-parses the text between the
// restart point before the command ahead of the change and the first restart point after the command
// behind it. The stretch re-parsed must itself end at a restart point (it ends with a line end at lexer
// depth 1, its last statement ends before that line end, no Chevrotain recovery ran): then the whole
// new file's parse is in its top-level loop there too, and from there on it reads the same text as the
// old parse did from its restart point. Anything not proven (recovery anywhere in the old parse, a
// stretch that ends inside a `{ }` or a string, a range that is not offset-based, nesting given up on)
// falls back to a whole-file parse, as does an internal failure.
//
// Ownership: `update` reuses the previous tree's nodes (the suffix is shifted in place, and the
// LineIndex every node resolves positions through is updated to the new text), so the previous
// ParseResult must not be read after `update`: it is consumed. The Script object, the top-level
// statement list and embedded Scripts after the splice are new objects, so caches keyed by them
// (WeakMaps in rules/util) never see a stale entry.
//
// Invariant (test/parser/incremental.test.ts): `update(text)` equals `parse(text)`: the same tree,
// values and positions, the same errors, embedded errors and comments.
import type {
  ArrayElement, Command, Comment, Expression, ParseResult, Range, Script, Statement, StringPart, SyntaxError, Value,
} from './ast';
import { parse, parseWindow, type SyncCapture } from './index';
import type { LineIndex } from './lineIndex';
import { ArgNode, heldParts, linesOf, OffsetRange, Ranged, StringNode } from './offsetRange';

/** What the last `update` replaced (for incremental consumers: the lint reuses results through it). */
export interface Splice {
  /** Old offsets [from, oldTo) were re-parsed; they are new offsets [from, newTo). */
  from: number;
  oldTo: number;
  newTo: number;
  /** newText.length - oldText.length: offsets at or after oldTo moved by this much. */
  delta: number;
  /** The text that differs: old [editFrom, editOldTo) is new [editFrom, editNewTo). */
  editFrom: number;
  editOldTo: number;
  editNewTo: number;
  /** Index of the first replaced top-level statement. */
  first: number;
  /** The old top-level statements replaced (detached from the tree, offsets unchanged). */
  removed: Statement[];
  /** How many new top-level statements took their place. */
  added: number;
  /** The old comments in [from, oldTo) and the new ones in [from, newTo). */
  removedComments: Comment[];
  addedComments: Comment[];
}

/** Thrown by the shift when a node is not offset-based (then the whole file is parsed). */
class Unshiftable extends Error {}

const NESTING_GIVEN_UP = 'nesting too deep';

function newCapture(): SyncCapture {
  return { points: [], recovered: false, endDepth: 1, lastNewlineEnd: -1, lastTokenEnd: -1 };
}

const startOf = (s: Statement): number => (s.range as Ranged).startOffset;
const endOf = (s: Statement): number => (s.range as Ranged).endOffset;

/** First index in [0, n] whose element satisfies `pred` (monotone: false ... false true ... true). */
function firstIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** One document's parse, kept up to date edit by edit. */
export class IncrementalParser {
  text: string;
  result: ParseResult;
  /** The splice the last `update` made (undefined after a whole-file parse). */
  lastSplice: Splice | undefined;
  /** Parses done, for tests and the bench. */
  readonly counts = { full: 0, incremental: 0 };
  /** Restart points of `text` (see SyncCapture), ascending. */
  private points: number[] = [];
  /** False when the parse used Chevrotain's recovery or gave up on nesting: the next update is a full parse. */
  private trusted = false;

  constructor(text: string) {
    this.text = text;
    this.result = this.full(text);
  }

  /**
   * The parse of `text`, reusing the previous one where that is proven sound (see the file comment).
   * The previous ParseResult is consumed.
   */
  update(text: string): ParseResult {
    if (text === this.text) return this.result;
    let out: ParseResult | undefined;
    if (this.trusted) {
      try {
        out = this.splice(text);
      } catch (e) {
        if (!(e instanceof Unshiftable)) throw e;
        out = undefined;
      }
    }
    if (!out) {
      this.lastSplice = undefined;
      out = this.full(text);
    }
    this.text = text;
    this.result = out;
    return out;
  }

  private full(text: string): ParseResult {
    const sync = newCapture();
    const r = parse(text, { sync });
    this.counts.full++;
    this.points = sync.points;
    this.trusted = !sync.recovered && !givenUp(r);
    return r;
  }

  /** Line-end offset of the line end that ends right before `x` (`\r\n` counts from the `\r`). */
  private static nlStart(text: string, x: number): number {
    return text.charCodeAt(x - 1) === 10 && text.charCodeAt(x - 2) === 13 ? x - 2 : x - 1;
  }

  /** `x` (a restart point of the old text) lies between top-level statements. */
  private validPoint(x: number, stmts: readonly Statement[]): boolean {
    const j = firstIndex(stmts, (s) => startOf(s) >= x) - 1;
    return j < 0 || endOf(stmts[j]) <= IncrementalParser.nlStart(this.text, x);
  }

  private splice(text: string): ParseResult | undefined {
    const old = this.text;
    const oldLen = old.length;
    const newLen = text.length;
    const max = Math.min(oldLen, newLen);
    const p = commonPrefix(old, text, max);
    const s = commonSuffix(old, text, max - p);
    const qOld = oldLen - s;
    const qNew = newLen - s;
    const delta = newLen - oldLen;
    const prev = this.result;
    const stmts = prev.script.statements;
    const n = stmts.length;
    const points = this.points;

    // start: a restart point at or before the command ahead of the one the edit begins in
    const i = firstIndex(stmts, (st) => endOf(st) >= p);
    let limitA = p;
    if (i - 1 >= 0) limitA = Math.min(limitA, startOf(stmts[i - 1]));
    else if (i < n) limitA = Math.min(limitA, startOf(stmts[i]));
    let a = 0;
    for (let k = firstIndex(points, (x) => x > limitA) - 1, tries = 0; k >= 0 && tries < 64; k--, tries++) {
      const x = points[k];
      // at the edit itself only after `\n`: a `\r` there could become `\r\n`
      if (x === p && old.charCodeAt(x - 1) !== 10) continue;
      if (this.validPoint(x, stmts)) {
        a = x;
        break;
      }
    }

    // end: a restart point after the command behind the one the edit ends in (or the end of the file)
    const k0 = firstIndex(stmts, (st) => startOf(st) >= qOld);
    const limitB = k0 < n ? Math.max(qOld + 1, endOf(stmts[k0])) : qOld + 1;
    const nextPoint = (from: number): number => {
      for (let k = firstIndex(points, (x) => x >= from), tries = 0; k < points.length && tries < 64; k++, tries++) {
        if (this.validPoint(points[k], stmts)) return points[k];
      }
      return oldLen;
    };
    let bOld = limitB > oldLen ? oldLen : nextPoint(limitB);

    // the nodes resolve positions through this index: it now describes the new text
    if (!(prev.script.range instanceof Ranged)) return undefined;
    const lines = linesOf(prev.script.range);
    lines.update(text);

    for (let attempt = 0; attempt < 4; attempt++) {
      const bNew = bOld + delta;
      const cap = newCapture();
      const w = parseWindow(text.slice(a, bNew), lines, a, cap);
      if (cap.recovered || givenUp(w)) return undefined;
      if (bOld === oldLen || this.endsClean(w, cap, text, bNew)) {
        return this.splitAndJoin(text, lines, w, cap, a, bOld, bNew, delta, { p, qOld, qNew });
      }
      if (bOld === oldLen) return undefined;
      bOld = nextPoint(bOld + 1);
    }
    return undefined;
  }

  /** The re-parsed stretch ends at a restart point of the new text (see the file comment). */
  private endsClean(w: ParseResult, cap: SyncCapture, text: string, bNew: number): boolean {
    if (cap.endDepth !== 1 || cap.lastNewlineEnd !== bNew || cap.lastTokenEnd !== bNew) return false;
    const st = w.script.statements;
    if (st.length === 0) return true;
    return endOf(st[st.length - 1]) <= IncrementalParser.nlStart(text, bNew);
  }

  private splitAndJoin(
    text: string,
    lines: LineIndex,
    w: ParseResult,
    cap: SyncCapture,
    a: number,
    bOld: number,
    bNew: number,
    delta: number,
    edit: { p: number; qOld: number; qNew: number },
  ): ParseResult | undefined {
    const prev = this.result;
    const oldLen = this.text.length;
    const stmts = prev.script.statements;
    const iA = firstIndex(stmts, (st) => startOf(st) >= a);
    const jB = bOld === oldLen ? stmts.length : firstIndex(stmts, (st) => startOf(st) >= bOld);
    // errors first: one that straddles a bound means the bounds are not what they seem
    const errors = spliceList(prev.errors, w.errors, a, bOld, oldLen, delta);
    const embeddedErrors = spliceList(prev.embeddedErrors ?? [], w.embeddedErrors ?? [], a, bOld, oldLen, delta);
    if (!errors || !embeddedErrors) return undefined;

    const tail = stmts.slice(jB);
    for (const st of tail) shiftStatement(st, delta);
    const statements = stmts.slice(0, iA).concat(w.script.statements, tail);
    const oc = prev.script.comments;
    const cA = firstIndex(oc, (c) => startOfRange(c.range) >= a);
    const cB = bOld === oldLen ? oc.length : firstIndex(oc, (c) => startOfRange(c.range) >= bOld);
    const ctail = oc.slice(cB);
    for (const c of ctail) shiftRange(c.range, delta);
    const comments = oc.slice(0, cA).concat(w.script.comments, ctail);
    const script: Script = { kind: 'script', statements, comments, range: new OffsetRange(0, text.length, lines) };

    // restart points: the old ones before the window, the window's, the old ones after it shifted
    const pts = this.points;
    const out: number[] = [];
    for (let k = 0; k < pts.length && pts[k] <= a; k++) out.push(pts[k]);
    for (const x of cap.points) if (x > a && x <= bNew) out.push(x);
    if (bOld < oldLen) {
      for (let k = firstIndex(pts, (x) => x > bOld); k < pts.length; k++) out.push(pts[k] + delta);
    }
    this.points = out;
    this.counts.incremental++;
    this.lastSplice = {
      from: a,
      oldTo: bOld,
      newTo: bNew,
      delta,
      editFrom: edit.p,
      editOldTo: edit.qOld,
      editNewTo: edit.qNew,
      first: iA,
      removed: stmts.slice(iA, jB),
      added: w.script.statements.length,
      removedComments: oc.slice(cA, cB),
      addedComments: w.script.comments,
    };
    return { script, errors, embeddedErrors };
  }
}

/** Block size of the text comparison: whole blocks compare natively (a character loop over a 1.6 MB text cost ~13 ms). */
const BLOCK = 2048;

function commonPrefix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + BLOCK <= max && a.substring(i, i + BLOCK) === b.substring(i, i + BLOCK)) i += BLOCK;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common end of `a` and `b`, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  let s = 0;
  while (s + BLOCK <= max && a.substring(la - s - BLOCK, la - s) === b.substring(lb - s - BLOCK, lb - s)) s += BLOCK;
  while (s < max && a.charCodeAt(la - 1 - s) === b.charCodeAt(lb - 1 - s)) s++;
  return s;
}

function givenUp(r: ParseResult): boolean {
  return r.errors.some((e) => e.message.startsWith(NESTING_GIVEN_UP));
}

function startOfRange(r: Range): number {
  if (!(r instanceof Ranged)) throw new Unshiftable('a range that is not offset-based');
  return r.startOffset;
}

/**
 * Old errors before `a` and (shifted) from `bOld` on, the window's between. Undefined when an old error
 * straddles a bound.
 */
function spliceList(old: SyntaxError[], mid: SyntaxError[], a: number, bOld: number, oldLen: number, delta: number): SyntaxError[] | undefined {
  const out: SyntaxError[] = [];
  const after: SyntaxError[] = [];
  for (const e of old) {
    const r = e.range;
    if (!(r instanceof Ranged)) return undefined;
    if (r.startOffset < a) {
      if (r.endOffset > a) return undefined;
      out.push(e);
    } else if (r.startOffset >= bOld && bOld < oldLen) {
      after.push(e);
    } else if (r.endOffset > bOld) {
      return undefined;
    }
  }
  for (const e of mid) out.push(e);
  for (const e of after) {
    shiftRange(e.range, delta);
    out.push(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shifting a subtree's offsets in place (every node of the AST, by kind)

function shiftRange(r: Range, d: number): void {
  if (!(r instanceof Ranged)) throw new Unshiftable('a range that is not offset-based');
  r.startOffset += d;
  r.endOffset += d;
}

function shiftStatements(list: readonly Statement[], d: number): void {
  for (const s of list) shiftStatement(s, d);
}

function shiftStatement(s: Statement, d: number): void {
  if (s.kind === 'command') shiftCommand(s, d);
  else if (s.kind === 'block') {
    shiftRange(s.range, d);
    shiftStatements(s.statements, d);
  } else throw new Unshiftable(`statement kind ${(s as { kind: string }).kind}`);
}

function shiftCommand(c: Command, d: number): void {
  shiftRange(c.range, d);
  if (c.path) {
    shiftRange(c.path.range, d);
    for (const w of c.path.segments) shiftRange(w.range, d);
  }
  if (c.verb) shiftRange(c.verb.range, d);
  if (c.callee) shiftRange(c.callee.range, d);
  for (const a of c.args) {
    if (a.range !== a.value?.range && a.range !== a.name?.range) shiftRange(a.range, d);
    if (a instanceof ArgNode) {
      if (a.equalsStart >= 0) {
        a.equalsStart += d;
        a.equalsEnd += d;
      }
    } else if (a.equals) throw new Unshiftable('an argument with a separate equals range');
    if (a.name) shiftRange(a.name.range, d);
    if (a.value) shiftValue(a.value, d);
  }
}

function shiftValue(v: Value | Expression, d: number): void {
  switch (v.kind) {
    case 'word':
    case 'variable':
      shiftRange(v.range, d);
      return;
    case 'string': {
      shiftRange(v.range, d);
      const parts: StringPart[] | null = v instanceof StringNode ? heldParts(v) : v.parts;
      if (parts) {
        for (const part of parts) {
          if (part.kind === 'interpolation') {
            shiftValue(part.value, d);
            // the part's range is its value's own range object
            if (part.range !== part.value.range) shiftRange(part.range, d);
          } else shiftRange(part.range, d);
        }
      }
      if (v.embedded) v.embedded = shiftScript(v.embedded, d);
      return;
    }
    case 'substitution':
    case 'code':
      shiftRange(v.range, d);
      shiftStatements(v.statements, d);
      return;
    case 'paren':
      shiftRange(v.range, d);
      if (v.expression) shiftValue(v.expression, d);
      return;
    case 'array':
      shiftRange(v.range, d);
      for (const el of v.elements) shiftElement(el, d);
      return;
    case 'negated':
      if (v.range !== v.value?.range) shiftRange(v.range, d);
      if (v.value) shiftValue(v.value, d);
      return;
    case 'binary':
      shiftRange(v.range, d);
      if (v.left) shiftValue(v.left, d);
      if (v.right) shiftValue(v.right, d);
      return;
    case 'unary':
      if (v.range !== v.operand?.range) shiftRange(v.range, d);
      if (v.operand) shiftValue(v.operand, d);
      return;
    default:
      throw new Unshiftable(`value kind ${(v as { kind: string }).kind}`);
  }
}

function shiftElement(el: ArrayElement, d: number): void {
  // an element without a key is its value's range (the same object)
  if (el.range !== el.value?.range && el.range !== el.key?.range) shiftRange(el.range, d);
  if (el.key) shiftValue(el.key, d);
  if (el.value) shiftValue(el.value, d);
}

/** An embedded script, shifted, as a new Script object (caches keyed by the old one must not match). */
function shiftScript(s: Script, d: number): Script {
  shiftStatements(s.statements, d);
  for (const c of s.comments) shiftRange(c.range, d);
  shiftRange(s.range, d);
  return { kind: 'script', statements: s.statements, comments: s.comments, range: s.range };
}
