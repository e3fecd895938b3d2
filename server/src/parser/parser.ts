// The RouterOS script parser: a Chevrotain EmbeddedActionsParser that builds the AST (ast.ts) directly
// in its actions (no CST). One instance is built lazily and reused for every parse.
//
// Speed: every OR/MANY/OPTION argument is a cached object (no per-call arrays or closures), actions run
// under `if (!this.RECORDING_PHASE)` instead of ACTION closures, and per-invocation state lives in
// arrays indexed by Chevrotain's rule-stack depth (`frame()`), which Chevrotain restores in a
// `finally` even when recovery unwinds a rule. Cached alternatives read their rule's state from there.
// The commonest shapes (line ends and word-led commands at the top level, `name=word`, `name="string"`
// and lone-word arguments, plain strings in expressions) are taken by fast paths (plainStatements,
// plainArg, plainValueAt) that consume with SKIP_TOKEN and build exactly what the grammar's
// alternatives build; everything else goes through the grammar. The parser reads a few Chevrotain
// internals (RULE_STACK, RULE_STACK_IDX, fullRuleNameToShort, currIdx, tokVector; Chevrotain 13.2).
//
// Error handling: closers (`}` `]` `)` `"`) are optional in the grammar and a missing one is reported
// with the opener's range; stray closers and junk are consumed with an error; Chevrotain's own
// recovery (recoveryEnabled) re-syncs anything else. Results of sub-rules may be undefined after
// recovery; every action tolerates that.
import { EmbeddedActionsParser, EOF, LLkLookaheadStrategy, type ILookaheadStrategy, type IToken, type TokenType } from 'chevrotain';
import type {
  Argument, ArrayElement, ArrayLiteral, BlockStatement, CodeBlock, Command, Expression, MenuPath,
  Negated, ParenExpr, Range, Statement, StringLiteral, StringPart, Substitution, Value,
  VariableRef, Word,
} from './ast';
import {
  allTokens, Bang, Closer, Comma, EqOrOp, Equals, ExprColonCmd, ExprIdent, ExprIPv6, ExprNumber, ExprOp, ExprPrefix, InterpBracket,
  InterpParen, Junk, LBrace, LBracket, LParen, Newline, NewlineExpr, RBrace, RBracket, RParen, Semicolon,
  StrayInBrace, StrayParen, StringChunk, StringEnd, StringSimple, StringStart, Variable, Word as WordTok, WordPart,
  WordStart,
} from './lexer';
import type { LineIndex } from './lineIndex';
import {
  ArgNode, BinaryNode, CommandNode, endOffsetOf, OffsetRange, ParenNode, PositionalArgNode, startOffsetOf, StringNode,
  VariableNode, WordNode,
} from './offsetRange';
import { DecodeBuffer, decodeInto } from './strings';
import {
  CODE_ARGS, CODE_KEYWORDS, CODE_POSITIONAL_VERBS, CODE_STRING_VERBS, GLOBAL_COMMANDS, isPathWord, VERBS,
} from './words';

/** Maps offsets of the text being parsed to offsets in the file. */
export interface PositionMapper {
  /** The file's line index (ranges resolve their positions through it). */
  lines: LineIndex;
  /** File offset of the character at `offset` (a range start). */
  start(offset: number): number;
  /** File offset just after the character before `offset` (an exclusive range end). */
  end(offset: number): number;
  /** start and end are the identity (the text is the file). */
  direct?: boolean;
}

export interface PendingEmbed {
  literal: StringLiteral;
  /** Content offsets (without quotes) in the text being parsed. */
  from: number;
  to: number;
  /**
   * Source offsets (in the text being parsed) of each unit of `literal.value`: where it starts and
   * where it ends. Null when the content needed no decoding: `value` is then the source text itself.
   */
  starts: Int32Array | null;
  ends: Int32Array | null;
}

export interface RawError {
  message: string;
  start: number;
  end: number;
}

/** State of one `command` invocation. */
interface CmdState {
  start: number;
  path: MenuPath | null;
  /** Offset (in this parse's text) where `path` starts. */
  pathStart: number;
  verb: Word | null;
  callee: VariableRef | undefined;
  /** Scratch list of the arguments so far (the first nArgs entries): reused by each command at a depth. */
  args: Argument[];
  nArgs: number;
  pathOpen: boolean;
  lastPositionalWord: string | null;
  positionalCount: number;
  /** A positional `where` was seen: `( )` after it may hold conditions side by side. */
  where: boolean;
}

type BraceMode = 0 /* auto */ | 1 /* code */ | 2 /* array */;

const PRECEDENCE: Record<string, number> = {
  '->': 12, '*': 11, '/': 11, '%': 11, '+': 10, '-': 10, '.': 9, '<<': 8, '>>': 8,
  '<': 7, '>': 7, '<=': 7, '>=': 7, '=': 6, '!=': 6, '~': 6, in: 6, '&': 5, '^': 4, '|': 3,
  '&&': 2, and: 2, '||': 1, or: 1, ',': 0,
};

/**
 * Deep nesting. The parser is recursive (Chevrotain rules), so the nesting it can follow is bounded by
 * the JavaScript stack. At rule depth DEFER_DEPTH a well-formed `{ }` or `[ ]` body (every opener
 * inside closed by its own closer) is not parsed in place: its tokens are set aside and parsed after the
 * current parse, from the top, into the node's (then empty) statement list; a body nested deeper in it
 * is set aside again, so any depth parses, one stretch of about DEFER_DEPTH rules at a time (an explicit
 * work list instead of recursion). Anything else nested beyond MAX_RULE_DEPTH (arrays, parentheses,
 * strings with interpolation, or unclosed blocks) stops the parse there with an error at that opener.
 */
export const DEFER_DEPTH = 150;
export const MAX_RULE_DEPTH = 300;

interface DeferredBody {
  /** 1: `{ }` statements (braceBody), 2: `[ ]` statements (bracketBody). */
  kind: 1 | 2;
  tokens: IToken[];
  into: Statement[];
}

/**
 * For each opener (`{`, `[`, `$[`, `(`, `$(`, `"` with interpolation) in `v`, the index of its closer
 * when everything between is closed by its own closer (no other closer, no line end that ends an
 * expression, no end of input first): a body that can be set aside (see DEFER_DEPTH). -1 otherwise.
 */
function matchClosers(v: IToken[]): Int32Array {
  const out = new Int32Array(v.length).fill(-1);
  const stack: number[] = [];
  const want: TokenType[] = [];
  const fail = () => {
    stack.length = 0;
    want.length = 0;
  };
  for (let i = 0; i < v.length; i++) {
    const tt = v[i].tokenType;
    if (tt === LBrace) {
      stack.push(i);
      want.push(RBrace);
    } else if (tt === LBracket || tt === InterpBracket) {
      stack.push(i);
      want.push(RBracket);
    } else if (tt === LParen || tt === InterpParen) {
      stack.push(i);
      want.push(RParen);
    } else if (tt === StringStart) {
      stack.push(i);
      want.push(StringEnd);
    } else if (tt === RBrace || tt === RBracket || tt === RParen || tt === StringEnd) {
      if (want.length === 0 || want[want.length - 1] !== tt) fail();
      else {
        want.pop();
        out[stack.pop()!] = i;
      }
    } else if (tt === NewlineExpr) fail();
  }
  return out;
}

/** Stands in for a token the parser no longer needs (see RscParser.releaseTokens). */
const RELEASED: IToken = { image: '', startOffset: -1, tokenTypeIdx: 0, tokenType: EOF } as unknown as IToken;

/** A code argument whose string value is code to parse (`source="..."`), not a `do=`-style body. */
function holdsCodeString(name: string): boolean {
  return name !== 'do' && name !== 'else' && name !== 'on-error' && name !== 'command';
}

function tokEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

function hasCategory(t: IToken, type: TokenType): boolean {
  const tt = t.tokenType;
  if (tt === type) return true;
  const cats = tt.CATEGORIES;
  if (!cats) return false;
  for (let i = 0; i < cats.length; i++) if (cats[i] === type) return true;
  return false;
}

type LookaheadFn = (this: unknown, alts?: unknown) => unknown;

/**
 * Chevrotain's LL(k) lookahead, each function built when first called instead of all of them in
 * `performSelfAnalysis` (that was most of the parser's construction, about a sixth of a cold `rsc-lint`
 * run, and the fast paths mean a typical file reaches only some of the grammar's alternatives). A
 * function is computed from the rule's grammar, which does not change after the analysis, so building
 * it later gives the same function. Once built it replaces its stand-in in the parser's cache.
 */
class LazyLookahead implements ILookaheadStrategy {
  private readonly inner: ILookaheadStrategy;
  constructor(maxLookahead: number) {
    this.inner = new LLkLookaheadStrategy({ maxLookahead });
  }
  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ReturnType<ILookaheadStrategy['validate']> {
    return this.inner.validate(options);
  }
  buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]): ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> {
    return lazyFn(() => this.inner.buildLookaheadForAlternation(options) as LookaheadFn) as ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
  }
  buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]): ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> {
    return lazyFn(() => this.inner.buildLookaheadForOptional(options) as LookaheadFn) as ReturnType<ILookaheadStrategy['buildLookaheadForOptional']>;
  }
}

function lazyFn(build: () => LookaheadFn): LookaheadFn {
  let real: LookaheadFn | undefined;
  const standIn: LookaheadFn = function (this: unknown, alts?: unknown) {
    if (real === undefined) {
      real = build();
      // Chevrotain calls it from the current rule's function list: put the real one there
      const list = (this as { currRuleLookaheadFuncs?: unknown[] } | undefined)?.currRuleLookaheadFuncs;
      if (Array.isArray(list)) {
        const at = list.indexOf(standIn);
        if (at >= 0) list[at] = real;
      }
    }
    return real.call(this, alts);
  };
  return standIn;
}

export class RscParser extends EmbeddedActionsParser {
  // ---- per-parse state (set by run()) ----
  private text = '';
  private map!: PositionMapper;
  /** The text is the file itself (not code inside a string): offsets need no mapping. */
  private direct = true;
  private errs: RawError[] = [];
  private embeds: PendingEmbed[] = [];
  /** Bodies set aside at DEFER_DEPTH, parsed after the current parse (see DEFER_DEPTH). */
  private deferred: DeferredBody[] = [];
  /** The parse stopped at MAX_RULE_DEPTH: the closers it skipped are not reported as missing. */
  private gaveUp = false;

  // ---- per-invocation state, indexed by rule depth ----
  private fStmts: Statement[][] = [];
  private fCmd: CmdState[] = [];
  private fMode: BraceMode[] = [];
  private fCode: boolean[] = [];
  private fTok: IToken[] = [];
  private fTok2: (IToken | undefined)[] = [];
  private fParts: StringPart[][] = [];
  private fValue: string[] = [];
  private fElems: ArrayElement[][] = [];
  /** An expression's operands and operators, once it has a first operator (null until then). */
  private fOperands: ((Expression | null)[] | null)[] = [];
  private fOps: (IToken[] | null)[] = [];
  private fFirst: (Expression | null)[] = [];
  /** Inputs of `value` / `braceValue` / `stringLit`, set by the caller right before SUBRULE. */
  private vMode: BraceMode = 0;
  private vCode = false;
  /** Input of `paren`: it is a `where` condition (conditions side by side are allowed). */
  private vWhere = false;
  private fWhere: boolean[] = [];
  private fExpr: (Expression | null)[] = [];

  /**
   * `validate`: run Chevrotain's grammar checks (a test does; they need Object.groupBy, which Node 20
   * lacks, so production skips them as Langium does).
   */
  constructor(validate = false) {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 1, skipValidations: !validate, lookaheadStrategy: new LazyLookahead(1) });
    this.performSelfAnalysis();
    this.argumentRule = (this as unknown as { fullRuleNameToShort: Record<string, number> }).fullRuleNameToShort.argument;
  }

  run(tokens: IToken[], text: string, map: PositionMapper): { statements: Statement[]; errors: RawError[]; embeds: PendingEmbed[]; chevErrors: { message: string; token: IToken }[] } {
    this.text = text;
    this.map = map;
    this.direct = map.direct === true;
    this.errs = [];
    this.embeds = [];
    this.input = tokens;
    this.released = 0;
    this.deferred = [];
    this.gaveUp = false;
    const statements = (this.script() as Statement[] | undefined) ?? [];
    const chevErrors = this.errors.map((e) => ({ message: e.message, token: e.token }));
    // bodies set aside at DEFER_DEPTH, each parsed from the top (a body deeper inside is set aside again)
    for (let k = 0; k < this.deferred.length; k++) {
      const d = this.deferred[k];
      this.deferred[k] = undefined as unknown as DeferredBody;
      this.input = d.tokens;
      const stmts = ((d.kind === 1 ? this.braceBody() : this.bracketBody()) as Statement[] | undefined) ?? [];
      for (const st of stmts) d.into.push(st);
      for (const e of this.errors) chevErrors.push({ message: e.message, token: e.token });
    }
    this.deferred = [];
    this.matchFor = this.matches = undefined;
    const out = { statements, errors: this.errs, embeds: this.embeds, chevErrors };
    this.errs = [];
    this.embeds = [];
    this.text = '';
    this.input = [];
    // drop references held by the frames
    this.fStmts.length = this.fCmd.length = this.fTok.length = this.fTok2.length = 0;
    this.fParts.length = this.fValue.length = this.fElems.length = this.fOperands.length = this.fOps.length = this.fFirst.length = 0;
    return out;
  }

  // ---- helpers ----

  /**
   * Depth of the `command` rule whose arguments are being parsed. The argument alternatives run inside
   * the command rule (its MANY over arguments: no rule invocation per argument) or, for a command that
   * starts with an argument, inside the `argument` rule one level deeper.
   */
  private cmdDepth(): number {
    const d = this.frame();
    return (this as unknown as { RULE_STACK: number[] }).RULE_STACK[d] === this.argumentRule ? d - 1 : d;
  }
  private argumentRule = -1;

  /** Depth of the rule being executed (Chevrotain's rule stack index). */
  private frame(): number {
    return (this as unknown as { RULE_STACK_IDX: number }).RULE_STACK_IDX;
  }

  // The node builders below test `direct` themselves rather than calling fileStart/fileEnd: measured, the
  // calls cost a few percent of a parse.
  private range(start: number, end: number): OffsetRange {
    const m = this.map;
    return this.direct ? new OffsetRange(start, end, m.lines) : new OffsetRange(m.start(start), m.end(end), m.lines);
  }

  private err(message: string, start: number, end: number): void {
    // after giving up on deep nesting, the closers it skipped are not missing
    if (this.gaveUp && message.startsWith('missing ')) return;
    this.errs.push({ message, start, end });
  }

  /**
   * At DEFER_DEPTH, right after the opener of a `{ }` (kind 1) or `[ ]` (kind 2) body: when the body is
   * well formed, its tokens are set aside for a later parse and consumed with the closer; returns the
   * (still empty) statement list and the closer. Undefined (nothing consumed) otherwise.
   */
  private deferBody(kind: 1 | 2): { statements: Statement[]; close: IToken } | undefined {
    if (this.frame() < DEFER_DEPTH) return undefined;
    const self = this as unknown as { currIdx: number; tokVector: IToken[] };
    const v = self.tokVector;
    if (this.matchFor !== v) {
      this.matchFor = v;
      this.matches = matchClosers(v);
    }
    const openAt = self.currIdx;
    const closeAt = this.matches![openAt];
    if (closeAt === undefined || closeAt < 0) return undefined;
    const into: Statement[] = [];
    this.deferred.push({ kind, tokens: v.slice(openAt + 1, closeAt), into });
    // consumed up to the closer (what SKIP_TOKEN does, token by token)
    self.currIdx = closeAt;
    return { statements: into, close: v[closeAt] };
  }
  /** The token vector `matches` was computed for, and for each opener in it the index of its closer. */
  private matchFor: IToken[] | undefined;
  private matches: Int32Array | undefined;

  /**
   * Beyond MAX_RULE_DEPTH (after an opener that could not be set aside): an error at the opener, and the
   * rest of this text is skipped. True when it gave up.
   */
  private tooDeep(open: IToken): boolean {
    if (this.frame() < MAX_RULE_DEPTH) return false;
    this.err(
      `nesting too deep: more than ${MAX_RULE_DEPTH} levels of rules (brackets, parentheses, strings with $( ), unclosed blocks); the rest of the file is not parsed`,
      open.startOffset,
      tokEnd(open),
    );
    this.gaveUp = true;
    while (this.LA(1).tokenType !== EOF) this.SKIP_TOKEN();
    return true;
  }

  private word(t: IToken): Word {
    return this.wordAt(t.image, t.startOffset);
  }

  private wordAt(text: string, start: number): Word {
    return this.wordSpan(text, start, start + text.length);
  }

  /** File offset of a range start at `o` in this parse's text. */
  private fileStart(o: number): number {
    return this.direct ? o : this.map.start(o);
  }

  /** File offset of a range end at `o` in this parse's text. */
  private fileEnd(o: number): number {
    return this.direct ? o : this.map.end(o);
  }

  /** A string literal over [start, end) of this parse's text. */
  private stringNode(raw: string, value: string, constant: boolean, parts: StringPart[], start: number, end: number): StringNode {
    const m = this.map;
    return this.direct
      ? new StringNode(raw, value, constant, parts, start, end, m.lines)
      : new StringNode(raw, value, constant, parts, m.start(start), m.end(end), m.lines);
  }

  /** An argument over [start, end) of this parse's text. */
  private arg(name: Word | null, value: Value | null, start: number, end: number): ArgNode {
    const m = this.map;
    return this.direct ? new ArgNode(name, value, start, end, m.lines) : new ArgNode(name, value, m.start(start), m.end(end), m.lines);
  }

  /** A positional argument: the value alone (same range). */
  private argOver(v: Value): Argument {
    const r = v.range;
    return new PositionalArgNode(v, startOffsetOf(r), endOffsetOf(r), this.map.lines);
  }

  /** A word node over [start, end) of this parse's text. */
  private wordSpan(text: string, start: number, end: number): Word {
    const m = this.map;
    return this.direct ? new WordNode(text, start, end, m.lines) : new WordNode(text, m.start(start), m.end(end), m.lines);
  }

  private lastEnd(fallback: number): number {
    const t = this.LA(0);
    if (!t || t.tokenType === EOF || isNaN(t.startOffset)) return fallback;
    const e = tokEnd(t);
    return e > fallback ? e : fallback;
  }

  private adjacent(a: IToken, b: IToken): boolean {
    return b.tokenType !== EOF && !!a && tokEnd(a) === b.startOffset;
  }

  /** LA(k) is `=`/operator glued to LA(k-1). */
  private adjEqAt(k: number): boolean {
    const t = this.LA(k);
    return t.tokenType !== EOF && hasCategory(t, EqOrOp) && this.adjacent(this.LA(k - 1), t);
  }

  /** The value after `name=` continues when nothing or only a `\` line continuation separates them. */
  private joinable(eq: IToken, next: IToken): boolean {
    if (next.tokenType === EOF) return false;
    const e = tokEnd(eq);
    if (e === next.startOffset) return true;
    return this.text.charCodeAt(e) === 92; // `\` (the lexer skipped a continuation)
  }

  private isNewline(t: IToken): boolean {
    return t.tokenType === Newline || (t.tokenType !== EOF && hasCategory(t, Newline));
  }

  /** For `{` in auto mode: does the block hold commands (code) rather than array elements? */
  private looksLikeCode(): boolean {
    let k = 2;
    let t = this.LA(k);
    while (this.isNewline(t) || t.tokenType === Semicolon) {
      k++;
      t = this.LA(k);
    }
    if (t.tokenType === WordTok) {
      const img = t.image;
      const c = img.charCodeAt(0);
      if (c === 58 /* : */ || c === 47 /* / */) return true;
      if ((VERBS.has(img) || GLOBAL_COMMANDS.has(img)) && !this.adjEqAt(k + 1)) return true;
    }
    return false;
  }


  private variable(t: IToken): VariableRef {
    const img = t.image;
    const quoted = img.charCodeAt(1) === 34;
    let name = img.slice(1);
    if (quoted) {
      const buf = new DecodeBuffer(false);
      decodeInto(img, 2, img.length - 1, buf, null);
      name = buf.text;
    }
    return new VariableNode(name, quoted, this.fileStart(t.startOffset), this.fileEnd(tokEnd(t)), this.map.lines);
  }

  /** Set by decodeParts: the string had no interpolation / its offset map was filled. */
  private dConstant = true;
  private dMapped = false;

  /**
   * Decode source [from, to) into parts; returns the decoded value (constant: see dConstant).
   * `map` (for a string that holds code) also receives the decoded-to-source offset map; it stays
   * empty when the string needs no decoding (the map is then the identity shifted by `from`).
   */
  private decodeParts(from: number, to: number, parts: StringPart[], map: DecodeBuffer | null = null): string {
    const text = this.text;
    const raw = text.slice(from, to);
    if (raw.indexOf('\\') < 0 && raw.indexOf('$') < 0) {
      const value = raw;
      if (to > from) parts.push({ kind: 'text', text: value, range: this.range(from, to) });
      this.dConstant = true;
      this.dMapped = false;
      return value;
    }
    const buf = map ?? new DecodeBuffer(false);
    let textStart = from;
    let textDecodedStart = 0;
    let constant = true;
    // text parts get their text once the whole value is decoded (slices of one flat string)
    const pending: { part: { kind: 'text'; text: string; range: Range }; from: number; to: number }[] = [];
    decodeInto(text, from, to, buf, (v, decodedAt) => {
      constant = false;
      if (v.start > textStart) {
        const part = { kind: 'text' as const, text: '', range: this.range(textStart, v.start) };
        parts.push(part);
        pending.push({ part, from: textDecodedStart, to: decodedAt });
      }
      const ref: VariableRef = new VariableNode(v.name, !!v.quoted, this.fileStart(v.start), this.fileEnd(v.end), this.map.lines);
      parts.push({ kind: 'interpolation', value: ref, range: ref.range });
      textStart = v.end;
      textDecodedStart = decodedAt + (v.end - v.start);
    });
    const value = buf.text;
    for (const p of pending) p.part.text = value.slice(p.from, p.to);
    if (to > textStart) parts.push({ kind: 'text', text: value.slice(textDecodedStart), range: this.range(textStart, to) });
    this.dConstant = constant;
    this.dMapped = true;
    return value;
  }

  private simpleString(t: IToken, code = false): StringLiteral {
    const start = t.startOffset;
    const end = tokEnd(t);
    if (this.direct) {
      const content = this.text.slice(start + 1, end - 1);
      if (content.indexOf('\\') < 0 && content.indexOf('$') < 0) {
        // no escapes, no variables: the value is the content, its one text part built when read
        const plain = new StringNode(t.image, content, true, null, start, end, this.map.lines);
        if (code) this.embeds.push({ literal: plain, from: start + 1, to: end - 1, starts: null, ends: null });
        return plain;
      }
    }
    const parts: StringPart[] = [];
    const map = code ? new DecodeBuffer(true, end - start - 2) : null;
    const value = this.decodeParts(start + 1, end - 1, parts, map);
    const lit = this.stringNode(t.image, value, this.dConstant, parts, start, end);
    if (code) this.embeds.push({ literal: lit, from: start + 1, to: end - 1, starts: this.dMapped ? map!.starts : null, ends: this.dMapped ? map!.ends : null });
    return lit;
  }

  private addSegment(st: CmdState, t: IToken): void {
    // a word may hold several `/`-separated segments (`/ip/firewall/filter/add`)
    const img = t.image;
    const base = t.startOffset;
    let i = 0;
    let path = st.path;
    if (img.charCodeAt(0) === 47) {
      i = 1;
      if (!path) {
        path = st.path = { kind: 'path', absolute: true, segments: [], range: this.range(base, base + 1) };
        st.pathStart = base;
      }
    }
    if (!path) {
      path = st.path = { kind: 'path', absolute: false, segments: [], range: this.range(base, base) };
      st.pathStart = base;
    }
    while (i < img.length) {
      let j = img.indexOf('/', i);
      if (j < 0) j = img.length;
      if (j > i) path.segments.push(this.wordAt(img.slice(i, j), base + i));
      i = j + 1;
    }
    (path.range as OffsetRange).endOffset = this.map.end(tokEnd(t)); // path.range is this path's own object
  }

  private startHead(st: CmdState, head: IToken): void {
    st.start = head.startOffset;
    const img = head.image;
    const c = img.charCodeAt(0);
    if (c === 47 /* / */) {
      this.addSegment(st, head);
      const path = st.path!;
      const segs = path.segments;
      const last = segs[segs.length - 1];
      if (last && VERBS.has(last.text) && img.charCodeAt(img.length - 1) !== 47) {
        // `/ip/firewall/filter/add`, `/export`
        segs.pop();
        st.verb = last;
        path.range = new OffsetRange(
          startOffsetOf(path.range),
          segs.length ? endOffsetOf(segs[segs.length - 1].range) : this.map.end(head.startOffset + 1),
          this.map.lines,
        );
      } else st.pathOpen = true;
    } else if (c === 58 /* : */ || VERBS.has(img) || GLOBAL_COMMANDS.has(img)) {
      st.verb = this.word(head);
    } else if (isPathWord(img)) {
      this.addSegment(st, head);
      st.pathOpen = true;
    } else {
      st.verb = this.word(head);
    }
  }

  /** `/ip firewall filter { add ... }`: a menu followed by one code block, run in that menu. */
  private isMenuBlock(st: CmdState): boolean {
    if (st.nArgs !== 1) return false;
    const a = st.args[0];
    return a.name === null && a.value !== null && a.value.kind === 'code';
  }

  private finishCommand(st: CmdState): Command {
    const p = st.path;
    if (!st.verb && !st.callee && p && st.nArgs > 0 && !this.isMenuBlock(st)) {
      // `/tool fetch url=...`, `/ping 1.1.1.1`: the last path word is the command
      const segs = p.segments;
      const last = segs[segs.length - 1];
      if (last && last.text !== '..') {
        segs.pop();
        st.verb = last;
        const ps = startOffsetOf(p.range);
        p.range = new OffsetRange(
          ps,
          segs.length ? endOffsetOf(segs[segs.length - 1].range) : p.absolute ? this.map.end(st.pathStart + 1) : ps,
          this.map.lines,
        );
      }
    }
    const m = this.map;
    const e = this.lastEnd(st.start);
    // st.args is a scratch list reused by every command at this depth: the node gets an exact-size copy
    // (an array grown by push keeps room for 17 elements, which most commands never use)
    const args = st.args.slice(0, st.nArgs);
    // the same for the path's segments, pushed one by one
    if (p) p.segments = p.segments.slice();
    const cmd = this.direct
      ? new CommandNode(p, st.verb, args, st.start, e, m.lines)
      : new CommandNode(p, st.verb, args, m.start(st.start), m.end(e), m.lines);
    if (st.callee) cmd.callee = st.callee;
    return cmd;
  }

  private positionalArg(st: CmdState | undefined, v: Value | undefined): void {
    if (!st) return;
    st.positionalCount++;
    st.lastPositionalWord = null;
    const at = this.LA(1).startOffset;
    st.args[st.nArgs++] = v ? this.argOver(v) : this.arg(null, null, at, at);
  }

  // =============================================================================================
  // Grammar. Cached alternatives first, rules after; all fields initialize before performSelfAnalysis.

  // ---- bodies: statements until a closer (not consumed) ----

  // A statement is a `{ }` block or a command. (There is no `statement` rule: its two alternatives sit
  // in each body's OR, which saves a rule invocation and an OR per statement.) `{` at statement start
  // is a block (a command could also start with a `{ }` value: the ambiguity is ignored).
  private blockAlt = {
    ALT: () => {
      const s = this.SUBRULE(this.blockStatement);
      if (!this.RECORDING_PHASE && s) this.fStmts[this.frame()].push(s);
    },
  };
  private commandAlt = {
    ALT: () => {
      const s = this.SUBRULE(this.command);
      if (!this.RECORDING_PHASE && s) this.fStmts[this.frame()].push(s);
    },
  };

  private bodyAlt(kind: 0 | 1 | 2) {
    const def = [
      { ALT: () => this.CONSUME(Newline) },
      { ALT: () => this.CONSUME(Semicolon) },
      this.blockAlt,
      this.commandAlt,
      kind === 0
        ? {
            ALT: () => {
              const t = this.CONSUME(Closer);
              if (!this.RECORDING_PHASE) this.err(`unexpected '${t.image}' with nothing to close`, t.startOffset, tokEnd(t));
            },
          }
        : kind === 1
          ? {
              ALT: () => {
                const t = this.CONSUME(StrayInBrace);
                if (!this.RECORDING_PHASE) this.err(`unexpected '${t.image}' inside '{ }'`, t.startOffset, tokEnd(t));
              },
            }
          : {
              ALT: () => {
                const t = this.CONSUME(StrayParen);
                if (!this.RECORDING_PHASE) this.err("unexpected ')' inside '[ ]'", t.startOffset, tokEnd(t));
              },
            },
    ];
    return { IGNORE_AMBIGUITIES: true, DEF: def };
  }

  private topAlts = this.bodyAlt(0);
  private braceAlts = this.bodyAlt(1);
  private bracketAlts = this.bodyAlt(2);
  private topMany = {
    DEF: () => {
      if (!this.RECORDING_PHASE && this.plainStatements()) return;
      this.OR(this.topAlts);
      if (!this.RECORDING_PHASE) this.releaseTokens();
    },
  };

  /**
   * Line ends and commands that start with a word (most of a file), one after another in a single
   * iteration of the top-level MANY: what the Newline and command alternatives of topAlts do, without
   * the alternation and the repetition's bookkeeping per statement. Returns false when it took nothing
   * (the grammar then decides); after taking something it returns and lets the MANY look again.
   */
  private plainStatements(): boolean {
    const stmts = this.fStmts[this.frame()];
    let took = false;
    for (;;) {
      const tt = this.LA(1).tokenType;
      if (tt === Newline) this.SKIP_TOKEN();
      else if (tt === WordTok) {
        const s = this.SUBRULE(this.command);
        if (s) stmts.push(s);
        this.releaseTokens();
      } else return took;
      took = true;
    }
  }

  /** Tokens before this index were replaced by RELEASED (see releaseTokens). */
  private released = 0;

  /**
   * Between top-level statements, drop the parser's hold on the tokens already consumed (all but the
   * last, which LA(0) reads): nothing reads them again (recovery only rewinds inside the statement
   * being parsed), and a large file's token objects then die young instead of staying alive, and being
   * copied by the garbage collector, until the whole file is parsed. Done in batches.
   */
  private releaseTokens(): void {
    const self = this as unknown as { currIdx: number; tokVector: IToken[] };
    const upTo = self.currIdx;
    if (upTo - this.released < 1024) return;
    const v = self.tokVector;
    for (let i = this.released; i < upTo; i++) v[i] = RELEASED;
    this.released = upTo;
  }
  private braceMany = { DEF: () => this.OR(this.braceAlts) };
  private bracketMany = { DEF: () => this.OR(this.bracketAlts) };

  private parenAlts = { IGNORE_AMBIGUITIES: true, DEF: [{ ALT: () => this.CONSUME(Semicolon) }, this.blockAlt, this.commandAlt] };
  private parenMany = { DEF: () => this.OR(this.parenAlts) };

  /** Commands inside `(:cmd ...)`, up to `)`. */
  private parenBody = this.RULE('parenBody', (): Statement[] => {
    const stmts: Statement[] = [];
    if (!this.RECORDING_PHASE) this.fStmts[this.frame()] = stmts;
    this.MANY(this.parenMany);
    return stmts;
  });

  private script = this.RULE('script', (): Statement[] => {
    const stmts: Statement[] = [];
    if (!this.RECORDING_PHASE) this.fStmts[this.frame()] = stmts;
    this.MANY(this.topMany);
    return stmts;
  });

  private braceBody = this.RULE('braceBody', (): Statement[] => {
    const stmts: Statement[] = [];
    if (!this.RECORDING_PHASE) this.fStmts[this.frame()] = stmts;
    this.MANY(this.braceMany);
    return stmts;
  });

  private bracketBody = this.RULE('bracketBody', (): Statement[] => {
    const stmts: Statement[] = [];
    if (!this.RECORDING_PHASE) this.fStmts[this.frame()] = stmts;
    this.MANY(this.bracketMany);
    return stmts;
  });

  // ---- statements ----

  private rbraceOpt = { DEF: () => this.CONSUME(RBrace) };

  private blockStatement = this.RULE('blockStatement', (): BlockStatement => {
    const open = this.CONSUME(LBrace);
    if (!this.RECORDING_PHASE) {
      const d = this.deferBody(1);
      if (d) return { kind: 'block', statements: d.statements, closed: true, range: this.range(open.startOffset, tokEnd(d.close)) };
      if (this.tooDeep(open)) return { kind: 'block', statements: [], closed: false, range: this.range(open.startOffset, tokEnd(open)) };
    }
    const statements = this.SUBRULE(this.braceBody);
    const close = this.OPTION(this.rbraceOpt);
    if (this.RECORDING_PHASE) return undefined as unknown as BlockStatement;
    if (!close) this.err("missing '}' to close this '{'", open.startOffset, tokEnd(open));
    return { kind: 'block', statements: statements ?? [], closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
  });

  // ---- commands ----

  private pathSegOpt = {
    DEF: () => {
      const w = this.CONSUME2(WordTok);
      if (!this.RECORDING_PHASE) this.addSegment(this.fCmd[this.frame()], w);
    },
  };

  private verbOpt = {
    DEF: () => {
      const v = this.CONSUME3(WordTok);
      if (!this.RECORDING_PHASE) {
        const st = this.fCmd[this.frame()];
        st.verb = this.word(v);
        st.pathOpen = false;
      }
    },
  };

  private headOr = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        ALT: () => {
          const head = this.CONSUME(WordTok);
          if (this.RECORDING_PHASE) {
            this.OPTION(this.pathSegOpt);
            this.OPTION2(this.verbOpt);
            return;
          }
          const st = this.fCmd[this.frame()];
          this.startHead(st, head);
          while (st.pathOpen) {
            const t = this.LA(1);
            if (t.tokenType !== WordTok || this.adjEqAt(2)) break;
            if (VERBS.has(t.image)) {
              this.OPTION2(this.verbOpt);
              break;
            }
            if (!isPathWord(t.image)) break;
            this.OPTION(this.pathSegOpt);
          }
        },
      },
      {
        ALT: () => {
          const v = this.CONSUME(Variable);
          if (!this.RECORDING_PHASE) {
            const st = this.fCmd[this.frame()];
            st.start = v.startOffset;
            st.callee = this.variable(v);
          }
        },
      },
      {
        ALT: () => {
          if (!this.RECORDING_PHASE) this.fCmd[this.frame()].start = this.LA(1).startOffset;
          this.SUBRULE(this.argument);
        },
      },
    ],
  };

  private argsMany = {
    DEF: () => {
      if (!this.RECORDING_PHASE && this.plainArg()) {
        // and the plain arguments right after it, in this same iteration
        while (this.plainArg());
        return;
      }
      this.OR2(this.argOr);
    },
  };

  /**
   * The commonest arguments after a command's head, `name=word`, `name="string"` and a lone word, taken
   * without the grammar's alternation: exactly what argOr's second alternative (with eqOpt and
   * plainValue) builds for them. Anything else returns false and goes through the grammar. Runs in the
   * command rule (argsMany), so the command's state is at this frame.
   */
  private plainArg(): boolean {
    const w = this.LA(1);
    if (w.tokenType !== WordTok) return false;
    const st = this.fCmd[this.frame()];
    const e = this.LA(2);
    if (e.tokenType !== EOF && hasCategory(e, EqOrOp)) {
      // name=value (an operator, a spaced or glued value, or any other value: the grammar)
      const wEnd = tokEnd(w);
      if (e.tokenType !== Equals || e.startOffset !== wEnd) return false;
      const name = w.image;
      const value = this.plainValueAt(3, wEnd + 1, CODE_ARGS.has(name) && holdsCodeString(name));
      if (!value) return false;
      const v = this.LA(3);
      this.SKIP_TOKEN();
      this.SKIP_TOKEN();
      this.SKIP_TOKEN();
      st.lastPositionalWord = null;
      const arg = this.arg(this.word(w), value, w.startOffset, tokEnd(v));
      arg.equalsStart = this.fileStart(e.startOffset);
      arg.equalsEnd = this.fileEnd(wEnd + 1);
      st.args[st.nArgs++] = arg;
      return true;
    }
    // a positional word
    this.SKIP_TOKEN();
    st.positionalCount++;
    st.lastPositionalWord = w.image;
    if (w.image === 'where') st.where = true;
    st.args[st.nArgs++] = this.argOver(this.word(w));
    return true;
  }
  private firstArgOpt = { DEF: () => this.SUBRULE3(this.argument) };

  private command = this.RULE('command', (): Command => {
    let st: CmdState | undefined;
    if (!this.RECORDING_PHASE) {
      // one state object per rule depth, reused by the commands parsed at that depth
      const d = this.frame();
      st = this.fCmd[d];
      if (st) {
        st.start = this.LA(1).startOffset;
        st.path = null;
        st.verb = null;
        st.callee = undefined;
        st.nArgs = 0;
        st.pathOpen = false;
        st.lastPositionalWord = null;
        st.positionalCount = 0;
        st.where = false;
      } else {
        st = { start: this.LA(1).startOffset, path: null, pathStart: 0, verb: null, callee: undefined, args: [], nArgs: 0, pathOpen: false, lastPositionalWord: null, positionalCount: 0, where: false };
        this.fCmd[d] = st;
      }
    }
    // a command that starts with `name=value` has no head: its first token is an argument
    const argFirst = !this.RECORDING_PHASE && this.LA(1).tokenType === WordTok && this.adjEqAt(2);
    if (this.RECORDING_PHASE || !argFirst) this.OR(this.headOr);
    if (this.RECORDING_PHASE || argFirst) this.OPTION3(this.firstArgOpt);
    this.MANY2(this.argsMany);
    if (this.RECORDING_PHASE || !st) return undefined as unknown as Command;
    return this.finishCommand(st);
  });

  // ---- arguments ----

  private negNameOpt = {
        // !name: unset property (verbose export) or `where !flag`
        DEF: () => {
          const w = this.CONSUME4(WordTok);
          if (!this.RECORDING_PHASE) {
            const d = this.frame();
            const st = this.fCmd[this.cmdDepth()];
            const bang = this.fTok[d];
            st.positionalCount++;
            const a = this.arg(this.word(w), null, bang.startOffset, tokEnd(w));
            a.negatedName = true;
            st.args[st.nArgs++] = a;
          }
        },
  };
  private negPosOpt = {
        // !value
        DEF: () => {
          this.vMode = 0;
          this.vCode = false;
          const v = this.RECORDING_PHASE || this.adjacent(this.LA(0), this.LA(1)) ? this.OPTION6(this.negValueOpt) : undefined;
          if (!this.RECORDING_PHASE) {
            const d = this.frame();
            const bang = this.fTok[d];
            if (!v) this.err("expected a value after '!'", bang.startOffset, tokEnd(bang));
            const neg: Negated = { kind: 'negated', value: v ?? null, range: this.range(bang.startOffset, this.lastEnd(tokEnd(bang))) };
            this.positionalArg(this.fCmd[this.cmdDepth()], neg);
          }
        },
  };

  private negValueOpt = { DEF: () => this.SUBRULE4(this.value) };
  private eqValueOpt = { DEF: () => this.SUBRULE5(this.value) };

  private eqOpt = {
    DEF: () => {
      const eq = this.CONSUME(EqOrOp);
      let name = '';
      if (!this.RECORDING_PHASE) {
        const d = this.frame();
        this.fTok2[d] = eq;
        name = this.fTok[d].image;
      }
      const code = CODE_ARGS.has(name);
      let mode: BraceMode = code ? 1 : 0;
      if (name === 'in') {
        // `:foreach k in={...}` is an array; `:onerror e in={...}` is code
        const verb = this.RECORDING_PHASE ? '' : (this.fCmd[this.cmdDepth()]?.verb?.text ?? '');
        mode = verb === ':onerror' || verb === 'onerror' ? 1 : 2;
      }
      this.vMode = mode;
      this.vCode = code && holdsCodeString(name);
      if (!this.RECORDING_PHASE) {
        const fast = this.plainValueAt(1, tokEnd(eq), this.vCode);
        if (fast) {
          this.SKIP_TOKEN();
          return fast;
        }
      }
      return this.RECORDING_PHASE || this.joinable(eq, this.LA(1)) ? this.OPTION7(this.eqValueOpt) : undefined;
    },
  };

  /**
   * The common values after `name=`, a bare word or a string without interpolation, built without
   * entering the `value` rule: what that rule would build for them, for a fraction of the cost. LA(k) is
   * the candidate and `eqEnd` where the `=` ends; the token is not consumed. Anything else (glued text,
   * `$var`, `[ ]`, `( )`, `{ }`, a value after a space or a `\` continuation) returns undefined and goes
   * through the grammar. `code`: the string holds code (parsed after the outer parse).
   */
  private plainValueAt(k: number, eqEnd: number, code: boolean): Value | undefined {
    const n = this.LA(k);
    if (n.startOffset !== eqEnd) return undefined;
    const tt = n.tokenType;
    if (tt === WordTok) {
      const after = this.LA(k + 1);
      if (after.startOffset === tokEnd(n) && after.tokenType !== EOF && hasCategory(after, WordPart)) return undefined;
      return this.word(n);
    }
    if (tt === StringSimple) return this.simpleString(n, code);
    return undefined;
  }

  private argOr = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        ALT: () => {
          const bang = this.CONSUME(Bang);
          if (!this.RECORDING_PHASE) this.fTok[this.frame()] = bang;
          const t = this.LA(1);
          const isName = !this.RECORDING_PHASE && t.tokenType === WordTok && this.adjacent(bang, t) && !this.adjEqAt(2);
          if (this.RECORDING_PHASE || isName) this.OPTION4(this.negNameOpt);
          if (this.RECORDING_PHASE || !isName) this.OPTION5(this.negPosOpt);
        },
      },
      {
        // name=value, name~value (where), or a positional word
        ALT: () => {
          const w = this.CONSUME5(WordTok);
          if (!this.RECORDING_PHASE) {
            const d = this.frame();
            this.fTok[d] = w;
            this.fTok2[d] = undefined;
          }
          const value = this.OPTION8(this.eqOpt) as Value | undefined;
          if (this.RECORDING_PHASE) return;
          const d = this.frame();
          const st = this.fCmd[this.cmdDepth()];
          const e = this.fTok2[d];
          if (!e) {
            st.positionalCount++;
            st.lastPositionalWord = w.image;
            if (w.image === 'where') st.where = true;
            const v = this.word(w);
            st.args[st.nArgs++] = this.argOver(v);
            return;
          }
          const val: Value = value ?? this.wordSpan('', tokEnd(e), tokEnd(e));
          st.lastPositionalWord = null;
          const arg = this.arg(this.word(w), val, w.startOffset, value ? this.lastEnd(tokEnd(e)) : tokEnd(e));
          const m = this.map;
          arg.equalsStart = this.direct ? e.startOffset : m.start(e.startOffset);
          arg.equalsEnd = this.direct ? tokEnd(e) : m.end(tokEnd(e));
          if (e.image !== '=') arg.operator = e.image;
          st.args[st.nArgs++] = arg;
        },
      },
      {
        // any other positional value: "string", $var, [cmd], (expr), {code|array}, glued words
        ALT: () => {
          if (!this.RECORDING_PHASE) {
            const st = this.fCmd[this.cmdDepth()];
            const verb = st?.verb?.text ?? '';
            this.vMode = CODE_POSITIONAL_VERBS.has(verb) || (st?.lastPositionalWord != null && CODE_KEYWORDS.has(st.lastPositionalWord)) ? 1 : 0;
            this.vCode = !!st && st.positionalCount === 0 && CODE_STRING_VERBS.has(verb);
            this.vWhere = !!st && st.where;
          }
          const v = this.SUBRULE6(this.value);
          if (!this.RECORDING_PHASE) this.positionalArg(this.fCmd[this.cmdDepth()], v);
        },
      },
    ],
  };

  private argument = this.RULE('argument', (): void => {
    this.OR(this.argOr);
  });

  // ---- values ----

  /** Swallow tokens glued to the last one (`url=http://x/?a=b`, `comment=<x>`): not grammar, just text. */
  private glue(vars = false): void {
    let last = this.LA(0);
    for (;;) {
      const n = this.LA(1);
      if (n.tokenType === EOF || tokEnd(last) !== n.startOffset) return;
      if (!hasCategory(n, WordPart) && !(vars && n.tokenType === Variable)) return;
      this.SKIP_TOKEN();
      last = n;
    }
  }

  private negInnerOpt = { DEF: () => this.SUBRULE(this.value) };

  private valueOr = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        ALT: (): Value => {
          const bang = this.CONSUME(Bang);
          if (!this.RECORDING_PHASE) {
            const d = this.frame();
            this.vMode = this.fMode[d];
            this.vCode = false;
          }
          const inner = this.RECORDING_PHASE || this.adjacent(bang, this.LA(1)) ? this.OPTION(this.negInnerOpt) : undefined;
          if (this.RECORDING_PHASE) return undefined as unknown as Value;
          if (!inner) this.err("expected a value after '!'", bang.startOffset, tokEnd(bang));
          return { kind: 'negated', value: inner ?? null, range: this.range(bang.startOffset, this.lastEnd(tokEnd(bang))) };
        },
      },
      {
        ALT: (): Value => {
          const first = this.CONSUME(WordStart);
          if (this.RECORDING_PHASE) return undefined as unknown as Value;
          this.glue();
          const end = this.lastEnd(tokEnd(first));
          if (end === tokEnd(first) && first.tokenType === WordTok) return this.word(first);
          return this.wordSpan(this.text.slice(first.startOffset, end), first.startOffset, end);
        },
      },
      {
        ALT: (): Value => {
          if (!this.RECORDING_PHASE) this.vCode = this.fCode[this.frame()];
          return this.SUBRULE(this.stringLit);
        },
      },
      {
        ALT: (): Value => {
          const t = this.CONSUME(Variable);
          if (this.RECORDING_PHASE) return undefined as unknown as Value;
          const v = this.variable(t);
          // `$dns1,$dns2`: text glued to a variable is part of the same (dynamic) value
          this.glue(true);
          return v;
        },
      },
      { ALT: (): Value => this.SUBRULE(this.substitution) },
      { ALT: (): Value => this.SUBRULE(this.paren) },
      {
        ALT: (): Value => {
          if (!this.RECORDING_PHASE) this.vMode = this.fMode[this.frame()];
          return this.SUBRULE(this.braceValue);
        },
      },
    ],
  };

  /** A value. Inputs: vMode (what `{ }` is), vCode (a string holds code). */
  private value = this.RULE('value', (): Value => {
    if (!this.RECORDING_PHASE) {
      const d = this.frame();
      this.fMode[d] = this.vMode;
      this.fCode[d] = this.vCode;
    }
    return this.OR(this.valueOr);
  });

  // (a gated OR: two OPTIONs would make the rule possibly empty, which Chevrotain's analysis rejects)
  private braceOr = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => {
          const m = this.fMode[this.frame()];
          return m === 1 || (m === 0 && this.looksLikeCode());
        },
        ALT: (): CodeBlock | ArrayLiteral => this.SUBRULE(this.codeBlock),
      },
      { ALT: (): CodeBlock | ArrayLiteral => this.SUBRULE(this.arrayLit) },
    ],
  };

  /** `{ }` as a value: code or array, by vMode (and by content when auto). */
  private braceValue = this.RULE('braceValue', (): CodeBlock | ArrayLiteral => {
    if (!this.RECORDING_PHASE) this.fMode[this.frame()] = this.vMode;
    return this.OR(this.braceOr);
  });

  // ---- strings ----

  private strPartAlts = [
    {
      ALT: () => {
        const c = this.CONSUME(StringChunk);
        if (!this.RECORDING_PHASE) {
          const d = this.frame();
          this.fValue[d] += this.decodeParts(c.startOffset, tokEnd(c), this.fParts[d]);
        }
      },
    },
    {
      ALT: () => {
        const from = this.LA(1).startOffset;
        const s = this.SUBRULE(this.substitution);
        if (!this.RECORDING_PHASE && s) {
          const d = this.frame();
          this.fParts[d].push({ kind: 'interpolation', value: s, range: s.range });
          // offsets in this parse's text (a Position's offset is in the file: not the same inside a string)
          this.fValue[d] += this.text.slice(from, this.lastEnd(from));
        }
      },
    },
    {
      ALT: () => {
        const from = this.LA(1).startOffset;
        const s = this.SUBRULE(this.paren);
        if (!this.RECORDING_PHASE && s) {
          const d = this.frame();
          this.fParts[d].push({ kind: 'interpolation', value: s, range: s.range });
          // offsets in this parse's text (a Position's offset is in the file: not the same inside a string)
          this.fValue[d] += this.text.slice(from, this.lastEnd(from));
        }
      },
    },
  ];
  private strPartMany = { DEF: () => this.OR2(this.strPartAlts) };
  private strEndOpt = { DEF: () => this.CONSUME(StringEnd) };

  private stringAlts = [
    {
      ALT: (): StringLiteral => {
        const t = this.CONSUME(StringSimple);
        if (this.RECORDING_PHASE) return undefined as unknown as StringLiteral;
        return this.simpleString(t, this.fCode[this.frame()]);
      },
    },
    {
      ALT: (): StringLiteral => {
        const open = this.CONSUME(StringStart);
        if (!this.RECORDING_PHASE && this.tooDeep(open)) {
          return this.stringNode(open.image, '', false, [], open.startOffset, tokEnd(open));
        }
        if (!this.RECORDING_PHASE) {
          const d = this.frame();
          this.fParts[d] = [];
          this.fValue[d] = '';
        }
        this.MANY(this.strPartMany);
        const close = this.OPTION(this.strEndOpt);
        if (this.RECORDING_PHASE) return undefined as unknown as StringLiteral;
        const d = this.frame();
        const parts = this.fParts[d];
        const end = close ? tokEnd(close) : this.lastEnd(tokEnd(open));
        if (!close) this.err('unterminated string: missing closing \'"\'', open.startOffset, tokEnd(open));
        let constant = true;
        for (const p of parts) if (p.kind !== 'text') constant = false;
        return this.stringNode(this.text.slice(open.startOffset, end), this.fValue[d], constant, parts, open.startOffset, end);
      },
    },
  ];

  /** A string literal. Input: vCode (the string holds code: parse it after the outer parse). */
  private stringLit = this.RULE('stringLit', (): StringLiteral => {
    if (!this.RECORDING_PHASE) this.fCode[this.frame()] = this.vCode;
    return this.OR(this.stringAlts);
  });

  // ---- [ ], { } code, { } arrays ----

  private openBracketAlts = [{ ALT: () => this.CONSUME(LBracket) }, { ALT: () => this.CONSUME(InterpBracket) }];
  private rbracketOpt = { DEF: () => this.CONSUME(RBracket) };

  private substitution = this.RULE('substitution', (): Substitution => {
    const open = this.OR(this.openBracketAlts);
    if (!this.RECORDING_PHASE) {
      const d = this.deferBody(2);
      if (d) return { kind: 'substitution', statements: d.statements, closed: true, range: this.range(open.startOffset, tokEnd(d.close)) };
      if (this.tooDeep(open)) return { kind: 'substitution', statements: [], closed: false, range: this.range(open.startOffset, tokEnd(open)) };
    }
    const statements = this.SUBRULE(this.bracketBody);
    const close = this.OPTION(this.rbracketOpt);
    if (this.RECORDING_PHASE) return undefined as unknown as Substitution;
    if (!close) this.err(`missing ']' to close this '${open.image}'`, open.startOffset, tokEnd(open));
    return { kind: 'substitution', statements: statements ?? [], closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
  });

  private codeBlock = this.RULE('codeBlock', (): CodeBlock => {
    const open = this.CONSUME(LBrace);
    if (!this.RECORDING_PHASE) {
      const d = this.deferBody(1);
      if (d) return { kind: 'code', statements: d.statements, closed: true, range: this.range(open.startOffset, tokEnd(d.close)) };
      if (this.tooDeep(open)) return { kind: 'code', statements: [], closed: false, range: this.range(open.startOffset, tokEnd(open)) };
    }
    const statements = this.SUBRULE(this.braceBody);
    const close = this.OPTION(this.rbraceOpt);
    if (this.RECORDING_PHASE) return undefined as unknown as CodeBlock;
    if (!close) this.err("missing '}' to close this '{'", open.startOffset, tokEnd(open));
    return { kind: 'code', statements: statements ?? [], closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
  });

  private arrayAlts = [
    { ALT: () => this.CONSUME(Newline) },
    { ALT: () => this.CONSUME(Semicolon) },
    { ALT: () => this.CONSUME(Comma) },
    {
      ALT: () => {
        const e = this.SUBRULE(this.element);
        if (!this.RECORDING_PHASE && e) this.fElems[this.frame()].push(e);
      },
    },
  ];
  private arrayMany = { DEF: () => this.OR(this.arrayAlts) };

  private arrayLit = this.RULE('arrayLit', (): ArrayLiteral => {
    const open = this.CONSUME(LBrace);
    const elements: ArrayElement[] = [];
    if (!this.RECORDING_PHASE && this.tooDeep(open)) return { kind: 'array', elements, closed: false, range: this.range(open.startOffset, tokEnd(open)) };
    if (!this.RECORDING_PHASE) this.fElems[this.frame()] = elements;
    this.MANY(this.arrayMany);
    const close = this.OPTION(this.rbraceOpt);
    if (this.RECORDING_PHASE) return undefined as unknown as ArrayLiteral;
    if (!close) this.err("missing '}' to close this array", open.startOffset, tokEnd(open));
    return { kind: 'array', elements, closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
  });

  private keyAlts = [{ ALT: () => this.CONSUME(WordTok) }, { ALT: () => this.CONSUME(StringSimple) }];
  private elemValueOpt = { DEF: () => this.SUBRULE(this.value) };

  private elementOr = {
    IGNORE_AMBIGUITIES: true,
    DEF: [
      {
        GATE: () => {
          const t = this.LA(1).tokenType;
          return (t === WordTok || t === StringSimple) && this.LA(2).tokenType === Equals;
        },
        ALT: (): ArrayElement => {
          const k = this.OR2(this.keyAlts);
          const eq = this.CONSUME(EqOrOp);
          this.vMode = 2;
          this.vCode = false;
          const v = this.RECORDING_PHASE || this.joinable(eq, this.LA(1)) ? this.OPTION(this.elemValueOpt) : undefined;
          if (this.RECORDING_PHASE) return undefined as unknown as ArrayElement;
          const key = k.tokenType === WordTok ? this.word(k) : this.simpleString(k);
          return { key, value: v ?? null, range: this.range(k.startOffset, this.lastEnd(tokEnd(eq))) };
        },
      },
      {
        ALT: (): ArrayElement => {
          this.vMode = 2;
          this.vCode = false;
          const v = this.SUBRULE2(this.value);
          if (this.RECORDING_PHASE) return undefined as unknown as ArrayElement;
          const at = this.LA(1).startOffset;
          return { key: null, value: v ?? null, range: v ? v.range : this.range(at, at) };
        },
      },
    ],
  };

  private element = this.RULE('element', (): ArrayElement => this.OR(this.elementOr));

  // ---- expressions ----

  private openParenAlts = [{ ALT: () => this.CONSUME(LParen) }, { ALT: () => this.CONSUME(InterpParen) }];
  private exprOpt = { DEF: () => this.SUBRULE(this.expression) };
  private junkAlts = [
    {
      ALT: () => {
        // values side by side: `where (a=1 b=2)` conditions, `($arr->"k" $v)`. RouterOS scripts in the
        // wild use it and RouterOS runs them, so it is not an error: kept as a binary ' ' node.
        const e = this.SUBRULE2(this.expression);
        if (!this.RECORDING_PHASE && e) {
          const d = this.frame();
          const prev = this.fExpr[d];
          this.fExpr[d] = prev ? new BinaryNode(' ', prev, e, startOffsetOf(prev.range), endOffsetOf(e.range), this.map.lines) : e;
        }
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Junk);
        if (!this.RECORDING_PHASE) this.err(`unexpected '${t.image}' in expression`, t.startOffset, tokEnd(t));
      },
    },
  ];
  private junkMany = { DEF: () => this.OR2(this.junkAlts) };
  private rparenOpt = { DEF: () => this.CONSUME(RParen) };
  private rparenCmdOpt = { DEF: () => this.CONSUME2(RParen) };

  private parenCmdOpt = { DEF: (): Statement[] => this.SUBRULE(this.parenBody) };

  private paren = this.RULE('paren', (): ParenExpr => {
    if (!this.RECORDING_PHASE) {
      this.fWhere[this.frame()] = this.vWhere;
      this.vWhere = false;
    }
    const open = this.OR(this.openParenAlts);
    if (!this.RECORDING_PHASE && this.tooDeep(open)) return new ParenNode(null, false, this.fileStart(open.startOffset), this.fileEnd(tokEnd(open)), this.map.lines);
    if (this.RECORDING_PHASE || this.LA(1).tokenType === ExprColonCmd) {
      // `(:put [...])`: a command in parentheses, kept as a substitution
      const s = this.LA(1).startOffset;
      const stmts = this.OPTION3(this.parenCmdOpt);
      const close = this.OPTION4(this.rparenCmdOpt);
      if (!this.RECORDING_PHASE) {
        if (!close) this.err(`missing ')' to close this '${open.image}'`, open.startOffset, tokEnd(open));
        const e = this.lastEnd(s);
        const sub: Substitution = { kind: 'substitution', statements: stmts ?? [], closed: !!close, range: this.range(s, close ? close.startOffset : e) };
        return new ParenNode(sub, !!close, this.fileStart(open.startOffset), this.fileEnd(this.lastEnd(tokEnd(open))), this.map.lines);
      }
    }
    const expr = this.OPTION(this.exprOpt);
    if (!this.RECORDING_PHASE) this.fExpr[this.frame()] = expr ?? null;
    this.MANY(this.junkMany);
    const close = this.OPTION2(this.rparenOpt);
    if (this.RECORDING_PHASE) return undefined as unknown as ParenExpr;
    const full = this.fExpr[this.frame()];
    if (!close) this.err(`missing ')' to close this '${open.image}'`, open.startOffset, tokEnd(open));
    return new ParenNode(full ?? null, !!close, this.fileStart(open.startOffset), this.fileEnd(this.lastEnd(tokEnd(open))), this.map.lines);
  });

  private rhsOpt = { DEF: () => this.SUBRULE2(this.unary) };
  private binopMany = {
    DEF: () => {
      const op = this.CONSUME(ExprOp);
      const rhs = this.OPTION(this.rhsOpt);
      if (!this.RECORDING_PHASE) {
        const d = this.frame();
        let ops = this.fOps[d];
        let operands = this.fOperands[d];
        if (!ops || !operands) {
          ops = this.fOps[d] = [];
          operands = this.fOperands[d] = [this.fFirst[d]];
        }
        ops.push(op);
        if (!rhs) this.err(`expected a value after '${op.image}'`, op.startOffset, tokEnd(op));
        operands.push(rhs ?? null);
      }
    },
  };

  private expression = this.RULE('expression', (): Expression => {
    const first = this.SUBRULE(this.unary);
    // the operand and operator lists are made by the first operator (most expressions are one operand)
    if (!this.RECORDING_PHASE) {
      const d = this.frame();
      this.fFirst[d] = first ?? null;
      this.fOps[d] = null;
      this.fOperands[d] = null;
    }
    this.MANY(this.binopMany);
    if (this.RECORDING_PHASE) return undefined as unknown as Expression;
    const d = this.frame();
    const ops = this.fOps[d];
    const operands = this.fOperands[d];
    if (!ops || !operands) return first ?? this.wordSpan('', 0, 0);
    return this.buildBinary(operands, ops);
  });

  private buildBinary(operands: (Expression | null)[], ops: IToken[]): Expression {
    if (ops.length === 1) {
      const op = ops[0];
      const left = operands[0];
      const right = operands[1];
      const s = left ? startOffsetOf(left.range) : this.map.start(op.startOffset);
      const e = right ? endOffsetOf(right.range) : this.map.end(tokEnd(op));
      return new BinaryNode(op.image, left, right, s, e, this.map.lines);
    }
    // precedence climbing over the flat lists: operands[i] stands left of ops[i]
    let i = 0;
    const parse = (minPrec: number): Expression | null => {
      let left = operands[i];
      while (i < ops.length) {
        const op = ops[i];
        const prec = PRECEDENCE[op.image] ?? 0;
        if (prec < minPrec) break;
        i++;
        const right = parse(prec + 1);
        const s = left ? startOffsetOf(left.range) : this.map.start(op.startOffset);
        const e = right ? endOffsetOf(right.range) : this.map.end(tokEnd(op));
        left = new BinaryNode(op.image, left, right, s, e, this.map.lines);
      }
      return left;
    };
    return parse(0) ?? this.wordSpan('', 0, 0);
  }

  private unaryOperandOpt = { DEF: () => this.SUBRULE(this.unary) };
  private prefixAlt = {
    ALT: (): Expression => {
      const t = this.CONSUME(ExprPrefix);
      const operand = this.OPTION(this.unaryOperandOpt);
      if (this.RECORDING_PHASE) return undefined as unknown as Expression;
      if (!operand) this.err(`expected a value after '${t.image}'`, t.startOffset, tokEnd(t));
      return { kind: 'unary', operator: t.image, operand: operand ?? null, range: new OffsetRange(this.map.start(t.startOffset), operand ? endOffsetOf(operand.range) : this.map.end(tokEnd(t)), this.map.lines) };
    },
  };

  private primaryAlts = [
    {
      ALT: (): Expression => {
        const t = this.CONSUME(ExprNumber);
        return this.RECORDING_PHASE ? (undefined as unknown as Expression) : this.word(t);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(ExprIPv6);
        return this.RECORDING_PHASE ? (undefined as unknown as Expression) : this.word(t);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(ExprIdent);
        return this.RECORDING_PHASE ? (undefined as unknown as Expression) : this.word(t);
      },
    },
    {
      ALT: (): Expression => {
        const t = this.CONSUME(Variable);
        return this.RECORDING_PHASE ? (undefined as unknown as Expression) : this.variable(t);
      },
    },
    {
      // a string without interpolation, taken here (the stringLit rule below handles the others)
      ALT: (): Expression => {
        const t = this.CONSUME(StringSimple);
        return this.RECORDING_PHASE ? (undefined as unknown as Expression) : this.simpleString(t);
      },
    },
    {
      ALT: (): Expression => {
        this.vCode = false;
        return this.SUBRULE(this.stringLit);
      },
    },
    { ALT: (): Expression => this.SUBRULE(this.substitution) },
    { ALT: (): Expression => this.SUBRULE(this.paren) },
    {
      ALT: (): Expression => {
        this.vMode = 0;
        return this.SUBRULE(this.braceValue);
      },
    },
  ];

  // The primaries sit in unary's OR (no separate rule: one rule invocation and one OR less per operand).
  private unaryAlts = { IGNORE_AMBIGUITIES: true, DEF: [this.prefixAlt, ...this.primaryAlts] };

  /** A prefix `!`/`-` chain and a primary (number, address, name, variable, string, [ ], ( ), { }): never empty. */
  private unary = this.RULE('unary', (): Expression => this.OR(this.unaryAlts));
}
