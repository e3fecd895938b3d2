// The RouterOS script parser: a Chevrotain EmbeddedActionsParser that builds the AST (ast.ts) directly
// in its actions (no CST). One instance is built lazily and reused for every parse.
//
// Error handling: closers (`}` `]` `)` `"`) are optional in the grammar and a missing one is reported
// with the opener's range; stray closers and junk are consumed with an error; Chevrotain's own
// recovery (recoveryEnabled) re-syncs anything else at the next command. Actions never assume a
// sub-rule returned a node (after recovery it returns undefined).
import { EmbeddedActionsParser, EOF, type IToken, type TokenType } from 'chevrotain';
import type {
  Argument, ArrayElement, ArrayLiteral, BlockStatement, CodeBlock, Command, Expression, MenuPath,
  Negated, ParenExpr, Position, Range, Statement, StringLiteral, StringPart, Substitution, Value,
  VariableRef, Word,
} from './ast';
import {
  allTokens, Bang, Closer, Comma, EqOrOp, ExprIdent, ExprNumber, ExprOp, InterpBracket, InterpParen,
  Junk, LBrace, LBracket, LParen, Newline, RBrace, RBracket, RParen, Semicolon, StrayInBrace,
  StringChunk, StringEnd, StringSimple, StringStart, Variable, Word as WordTok, WordPart, WordStart,
} from './lexer';
import { DecodeBuffer, decodeInto } from './strings';
import {
  CODE_ARGS, CODE_KEYWORDS, CODE_POSITIONAL_VERBS, CODE_STRING_VERBS, GLOBAL_COMMANDS, isPathWord, VERBS,
} from './words';

/** Maps offsets of the text being parsed to positions in the file. */
export interface PositionMapper {
  /** Position of the character at `offset` (a range start). */
  start(offset: number): Position;
  /** Position just after the character before `offset` (an exclusive range end). */
  end(offset: number): Position;
}

export interface PendingEmbed {
  literal: StringLiteral;
  /** Content offsets (without quotes) in the text being parsed. */
  from: number;
  to: number;
}

export interface RawError {
  message: string;
  start: number;
  end: number;
}

/** Per-command state shared with the argument rule. */
interface CmdState {
  verb: string | null;
  lastPositionalWord: string | null;
  positionalCount: number;
}

type BraceMode = 0 /* auto */ | 1 /* code */ | 2 /* array */;
type BodyKind = 0 /* top */ | 1 /* brace */ | 2 /* bracket */;

const PRECEDENCE: Record<string, number> = {
  '->': 12, '*': 11, '/': 11, '%': 11, '+': 10, '-': 10, '.': 9, '<<': 8, '>>': 8,
  '<': 7, '>': 7, '<=': 7, '>=': 7, '=': 6, '!=': 6, '~': 6, in: 6, '&': 5, '^': 4, '|': 3,
  '&&': 2, and: 2, '||': 1, or: 1, ',': 0,
};

function tokEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

export class RscParser extends EmbeddedActionsParser {
  // ---- per-parse state (set by run()) ----
  private text = '';
  private map!: PositionMapper;
  private errs: RawError[] = [];
  private embeds: PendingEmbed[] = [];

  /**
   * `validate`: run Chevrotain's grammar checks (a test does; they need Object.groupBy, which Node 20
   * lacks, so production skips them as Langium does).
   */
  constructor(validate = false) {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 2, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  run(tokens: IToken[], text: string, map: PositionMapper): { statements: Statement[]; errors: RawError[]; embeds: PendingEmbed[]; chevErrors: { message: string; token: IToken }[] } {
    this.text = text;
    this.map = map;
    this.errs = [];
    this.embeds = [];
    this.input = tokens;
    const statements = (this.script() as Statement[] | undefined) ?? [];
    const chevErrors = this.errors.map((e) => ({ message: e.message, token: e.token }));
    const out = { statements, errors: this.errs, embeds: this.embeds, chevErrors };
    this.errs = [];
    this.embeds = [];
    this.text = '';
    return out;
  }

  // ---- helpers (only called from ACTION / GATE) ----

  private range(start: number, end: number): Range {
    return { start: this.map.start(start), end: this.map.end(end) };
  }

  private err(message: string, start: number, end: number): void {
    this.errs.push({ message, start, end });
  }

  private word(t: IToken): Word {
    return { kind: 'word', text: t.image, range: this.range(t.startOffset, tokEnd(t)) };
  }

  private wordAt(text: string, start: number): Word {
    return { kind: 'word', text, range: this.range(start, start + text.length) };
  }

  private lastEnd(fallback: number): number {
    const t = this.LA(0);
    if (!t || t.tokenType === EOF || isNaN(t.startOffset)) return fallback;
    return tokEnd(t);
  }

  private adjacent(a: IToken, b: IToken): boolean {
    return b.tokenType !== EOF && tokEnd(a) === b.startOffset;
  }

  /** LA(k) is `=`/operator glued to LA(k-1). */
  private adjEqAt(k: number): boolean {
    const t = this.LA(k);
    return this.tokenMatcher(t, EqOrOp) && this.adjacent(this.LA(k - 1), t);
  }

  /** The value after `name=` continues when nothing or only a `\` line continuation separates them. */
  private joinable(eq: IToken, next: IToken): boolean {
    if (next.tokenType === EOF) return false;
    const e = tokEnd(eq);
    if (e === next.startOffset) return true;
    return this.text.charCodeAt(e) === 92; // `\` (the lexer skipped a continuation)
  }

  private tokenMatcher(t: IToken, type: TokenType): boolean {
    if (!t || t.tokenType === EOF) return false;
    return t.tokenType === type || (t.tokenType.CATEGORIES?.includes(type) ?? false);
  }

  private looksLikeCode(): boolean {
    // token after `{` (skipping line ends and `;`)
    let k = 2;
    let t = this.LA(k);
    while (t.tokenType === Newline || t.tokenType.CATEGORIES?.includes(Newline) || t.tokenType === Semicolon) {
      k++;
      t = this.LA(k);
    }
    if (t.tokenType === LBrace) return false;
    if (t.tokenType === WordTok) {
      const img = t.image;
      const c = img.charCodeAt(0);
      if (c === 58 /* : */ || c === 47 /* / */) return true;
      if ((VERBS.has(img) || GLOBAL_COMMANDS.has(img)) && !this.adjEqAt(k + 1)) return true;
    }
    return false;
  }

  private decodeString(open: IToken, contentFrom: number, contentTo: number, close: IToken | undefined, withParts: StringPart[] | null): StringLiteral {
    const buf = new DecodeBuffer(false);
    const parts: StringPart[] = withParts ?? [];
    let textStart = contentFrom;
    let textDecodedStart = 0;
    let constant = true;
    decodeInto(this.text, contentFrom, contentTo, buf, (v, decodedAt) => {
      constant = false;
      if (v.start > textStart) {
        parts.push({ kind: 'text', text: buf.text.slice(textDecodedStart, decodedAt), range: this.range(textStart, v.start) });
      }
      const ref: VariableRef = { kind: 'variable', name: v.name, quoted: false, range: this.range(v.start, v.end) };
      parts.push({ kind: 'interpolation', value: ref, range: ref.range });
      textStart = v.end;
      textDecodedStart = buf.text.length;
    });
    if (contentTo > textStart) {
      parts.push({ kind: 'text', text: buf.text.slice(textDecodedStart), range: this.range(textStart, contentTo) });
    }
    const end = close ? tokEnd(close) : contentTo;
    return {
      kind: 'string',
      raw: this.text.slice(open.startOffset, end),
      value: buf.text,
      parts,
      constant,
      range: this.range(open.startOffset, end),
    };
  }

  // =============================================================================================
  // Grammar

  private script = this.RULE('script', (): Statement[] => {
    return this.SUBRULE(this.body, { ARGS: [0] });
  });

  /** Statements until the closer of `kind` (not consumed). */
  private body = this.RULE('body', (kind: BodyKind): Statement[] => {
    const stmts: Statement[] = [];
    this.MANY({
      GATE: () => {
        const t = this.LA(1).tokenType;
        return kind === 0 || !(t === RBrace || (kind === 2 && t === RBracket));
      },
      DEF: () => this.OR([
        { ALT: () => this.CONSUME(Newline) },
        { ALT: () => this.CONSUME(Semicolon) },
        {
          ALT: () => {
            const s = this.SUBRULE(this.statement);
            this.ACTION(() => {
              if (s) stmts.push(s);
            });
          },
        },
        {
          // a closer that does not belong here: report and skip it
          GATE: () => kind === 0,
          ALT: () => {
            const t = this.CONSUME(Closer);
            this.ACTION(() => this.err(`unexpected '${t.image}' with nothing to close`, t.startOffset, tokEnd(t)));
          },
        },
        {
          GATE: () => kind === 1,
          ALT: () => {
            const t = this.CONSUME(StrayInBrace);
            this.ACTION(() => this.err(`unexpected '${t.image}' inside '{ }'`, t.startOffset, tokEnd(t)));
          },
        },
        {
          GATE: () => kind === 2,
          ALT: () => {
            const t = this.CONSUME(RParen);
            this.ACTION(() => this.err(`unexpected ')' inside '[ ]'`, t.startOffset, tokEnd(t)));
          },
        },
      ]),
    });
    return stmts;
  });

  private statement = this.RULE('statement', (): Statement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.blockStatement) },
      { ALT: () => this.SUBRULE(this.command) },
    ]);
  });

  private blockStatement = this.RULE('blockStatement', (): BlockStatement => {
    const open = this.CONSUME(LBrace);
    const statements = this.SUBRULE(this.body, { ARGS: [1] });
    const close = this.OPTION(() => this.CONSUME(RBrace));
    return this.ACTION(() => {
      if (!close) this.err("missing '}' to close this '{'", open.startOffset, tokEnd(open));
      return {
        kind: 'block',
        statements: statements ?? [],
        closed: !!close,
        range: this.range(open.startOffset, this.lastEnd(tokEnd(open))),
      } as BlockStatement;
    });
  });

  private command = this.RULE('command', (): Command => {
    let start = 0;
    let path: MenuPath | null = null;
    let verb: Word | null = null;
    let callee: VariableRef | undefined;
    const args: Argument[] = [];
    let pathOpen = false;
    const st: CmdState = { verb: null, lastPositionalWord: null, positionalCount: 0 };

    const addSegment = (t: IToken) => {
      // a word may hold several `/`-separated segments (`/ip/firewall/filter/add`)
      const img = t.image;
      const base = t.startOffset;
      let i = 0;
      if (img.charCodeAt(0) === 47) {
        i = 1;
        if (!path) path = { kind: 'path', absolute: true, segments: [], range: this.range(base, base + 1) };
      }
      if (!path) path = { kind: 'path', absolute: false, segments: [], range: this.range(base, base) };
      while (i < img.length) {
        let j = img.indexOf('/', i);
        if (j < 0) j = img.length;
        if (j > i) path.segments.push(this.wordAt(img.slice(i, j), base + i));
        i = j + 1;
      }
      path.range = { start: path.range.start, end: this.map.end(tokEnd(t)) };
    };

    this.OR([
      {
        GATE: () => !this.adjEqAt(2),
        ALT: () => {
          const head = this.CONSUME(WordTok);
          this.ACTION(() => {
            start = head.startOffset;
            const img = head.image;
            const c = img.charCodeAt(0);
            if (c === 47 /* / */) {
              addSegment(head);
              const segs = path!.segments;
              const last = segs[segs.length - 1];
              if (last && VERBS.has(last.text) && !img.endsWith('/')) {
                // `/ip/firewall/filter/add`, `/export`
                segs.pop();
                verb = last;
                path!.range = { start: path!.range.start, end: this.map.end(segs.length ? segs[segs.length - 1].range.end.offset : head.startOffset + 1) };
              } else pathOpen = true;
            } else if (c === 58 /* : */ || VERBS.has(img) || GLOBAL_COMMANDS.has(img)) {
              verb = this.word(head);
            } else if (isPathWord(img)) {
              addSegment(head);
              pathOpen = true;
            } else {
              verb = this.word(head);
            }
          });
          this.MANY({
            GATE: () => {
              if (!pathOpen) return false;
              const t = this.LA(1);
              return t.tokenType === WordTok && isPathWord(t.image) && !VERBS.has(t.image) && !this.adjEqAt(2);
            },
            DEF: () => {
              const w = this.CONSUME2(WordTok);
              this.ACTION(() => addSegment(w));
            },
          });
          this.OPTION({
            GATE: () => {
              if (!pathOpen) return false;
              const t = this.LA(1);
              return t.tokenType === WordTok && VERBS.has(t.image) && !this.adjEqAt(2);
            },
            DEF: () => {
              const v = this.CONSUME3(WordTok);
              this.ACTION(() => {
                verb = this.word(v);
                pathOpen = false;
              });
            },
          });
        },
      },
      {
        ALT: () => {
          const v = this.CONSUME(Variable);
          this.ACTION(() => {
            start = v.startOffset;
            callee = this.variable(v);
          });
        },
      },
      {
        ALT: () => {
          this.ACTION(() => {
            start = this.LA(1).startOffset;
          });
          const a = this.SUBRULE(this.argument, { ARGS: [st] });
          this.ACTION(() => {
            if (a) args.push(a);
          });
        },
      },
    ], );
    this.ACTION(() => {
      st.verb = verb ? (verb as Word).text : null;
    });
    this.MANY2(() => {
      const a = this.SUBRULE2(this.argument, { ARGS: [st] });
      this.ACTION(() => {
        if (a) args.push(a);
      });
    });
    return this.ACTION(() => {
      const p = path as MenuPath | null;
      if (!verb && !callee && p && args.length > 0) {
        // `/tool fetch url=...`, `/ping 1.1.1.1`: the last path word is the command
        const segs = p.segments;
        const last = segs[segs.length - 1];
        if (last && last.text !== '..') {
          segs.pop();
          verb = last;
          p.range = { start: p.range.start, end: segs.length ? segs[segs.length - 1].range.end : p.absolute ? this.map.end(p.range.start.offset + 1) : p.range.start };
        }
      }
      const cmd: Command = {
        kind: 'command',
        path: p,
        verb,
        args,
        range: this.range(start, this.lastEnd(start)),
      };
      if (callee) cmd.callee = callee;
      return cmd;
    });
  });

  private variable(t: IToken): VariableRef {
    const img = t.image;
    const quoted = img.charCodeAt(1) === 34;
    let name = img.slice(1);
    if (quoted) {
      const buf = new DecodeBuffer(false);
      decodeInto(img, 2, img.length - 1, buf, null);
      name = buf.text;
    }
    return { kind: 'variable', name, quoted, range: this.range(t.startOffset, tokEnd(t)) };
  }

  private argument = this.RULE('argument', (st: CmdState): Argument => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // !name (unset property / where !flag) or !value
          ALT: () => {
            const bang = this.CONSUME(Bang);
            return this.OR2([
              {
                GATE: () => this.LA(1).tokenType === WordTok && this.adjacent(bang, this.LA(1)) && !this.adjEqAt(2),
                ALT: () => {
                  const w = this.CONSUME(WordTok);
                  return this.ACTION((): Argument => ({
                    kind: 'arg',
                    name: this.word(w),
                    value: null,
                    negatedName: true,
                    range: this.range(bang.startOffset, tokEnd(w)),
                  }));
                },
              },
              {
                ALT: () => {
                  const v = this.OPTION(() => this.SUBRULE(this.value, { ARGS: [0, false] }));
                  return this.ACTION((): Argument => {
                    const neg: Negated = { kind: 'negated', value: v ?? null, range: this.range(bang.startOffset, this.lastEnd(tokEnd(bang))) };
                    if (!v) this.err("expected a value after '!'", bang.startOffset, tokEnd(bang));
                    st.positionalCount++;
                    return { kind: 'arg', name: null, value: neg, range: neg.range };
                  });
                },
              },
            ]);
          },
        },
        {
          // name=value, name~value (where), or a positional word
          ALT: () => {
            const w = this.CONSUME2(WordTok);
            let eq: IToken | undefined;
            let value: Value | undefined;
            this.OPTION2({
              GATE: () => this.tokenMatcher(this.LA(1), EqOrOp),
              DEF: () => {
                eq = this.CONSUME(EqOrOp);
                value = this.OPTION3({
                  GATE: () => this.joinable(eq!, this.LA(1)),
                  DEF: () =>
                    this.SUBRULE2(this.value, {
                      ARGS: [
                        this.ACTION(() => (CODE_ARGS.has(w.image) ? 1 : w.image === 'in' ? (st.verb === ':onerror' || st.verb === 'onerror' ? 1 : 2) : 0)) as BraceMode,
                        this.ACTION(() => CODE_ARGS.has(w.image) && w.image !== 'do' && w.image !== 'else' && w.image !== 'on-error' && w.image !== 'command'),
                      ],
                    }),
                });
              },
            });
            return this.ACTION((): Argument => {
              if (!eq) {
                st.positionalCount++;
                st.lastPositionalWord = w.image;
                const v = this.word(w);
                return { kind: 'arg', name: null, value: v, range: v.range };
              }
              const e = eq;
              const name = this.word(w);
              const val: Value = value ?? { kind: 'word', text: '', range: this.range(tokEnd(e), tokEnd(e)) };
              st.lastPositionalWord = null;
              const arg: Argument = {
                kind: 'arg',
                name,
                equals: this.range(e.startOffset, tokEnd(e)),
                value: val,
                range: this.range(w.startOffset, value ? this.lastEnd(tokEnd(e)) : tokEnd(e)),
              };
              if (e.image !== '=') arg.operator = e.image;
              return arg;
            });
          },
        },
        {
          // any other positional value: "string", $var, [cmd], (expr), {code|array}, glued words
          ALT: () => {
            const v = this.SUBRULE3(this.value, {
              ARGS: [
                this.ACTION(() => {
                  if (st && (CODE_POSITIONAL_VERBS.has(st.verb ?? '') || (st.lastPositionalWord !== null && CODE_KEYWORDS.has(st.lastPositionalWord)))) return 1;
                  return 0;
                }) as BraceMode,
                this.ACTION(() => !!st && st.positionalCount === 0 && CODE_STRING_VERBS.has(st.verb ?? '')),
              ],
            });
            return this.ACTION((): Argument => {
              st.positionalCount++;
              st.lastPositionalWord = null;
              return { kind: 'arg', name: null, value: v ?? null, range: v ? v.range : this.range(this.LA(1).startOffset, this.LA(1).startOffset) };
            });
          },
        },
      ],
    });
  });

  /** A value. `mode` decides what `{ }` is; `code` marks strings that hold code. */
  private value = this.RULE('value', (mode: BraceMode, code: boolean): Value => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const bang = this.CONSUME(Bang);
            const inner = this.OPTION({
              GATE: () => this.adjacent(bang, this.LA(1)),
              DEF: () => this.SUBRULE(this.value, { ARGS: [mode, false] }),
            });
            return this.ACTION((): Negated => {
              if (!inner) this.err("expected a value after '!'", bang.startOffset, tokEnd(bang));
              return { kind: 'negated', value: inner ?? null, range: this.range(bang.startOffset, this.lastEnd(tokEnd(bang))) };
            });
          },
        },
        {
          ALT: () => {
            const first = this.CONSUME(WordStart);
            this.MANY({
              GATE: () => this.adjacent(this.LA(0), this.LA(1)),
              DEF: () => this.CONSUME(WordPart),
            });
            return this.ACTION((): Word => {
              const end = this.lastEnd(tokEnd(first));
              return { kind: 'word', text: this.text.slice(first.startOffset, end), range: this.range(first.startOffset, end) };
            });
          },
        },
        { ALT: () => this.SUBRULE(this.stringLit, { ARGS: [code] }) },
        {
          ALT: () => {
            const t = this.CONSUME(Variable);
            return this.ACTION(() => this.variable(t));
          },
        },
        { ALT: () => this.SUBRULE(this.substitution) },
        { ALT: () => this.SUBRULE(this.paren) },
        { ALT: () => this.SUBRULE(this.braceValue, { ARGS: [mode] }) },
      ],
    });
  });

  /** `{ }` as a value: code or array, by `mode` (and by content when mode is auto). */
  private braceValue = this.RULE('braceValue', (mode: BraceMode): CodeBlock | ArrayLiteral => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => mode === 1 || (mode === 0 && this.looksLikeCode()),
          ALT: () => this.SUBRULE(this.codeBlock),
        },
        { ALT: () => this.SUBRULE(this.arrayLit) },
      ],
    });
  });

  private stringLit = this.RULE('stringLit', (code: boolean): StringLiteral => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(StringSimple);
          return this.ACTION(() => {
            const lit = this.decodeString(t, t.startOffset + 1, tokEnd(t) - 1, t, null);
            if (code) this.embeds.push({ literal: lit, from: t.startOffset + 1, to: tokEnd(t) - 1 });
            return lit;
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(StringStart);
          const parts: StringPart[] = [];
          let value = '';
          this.MANY(() => {
            this.OR2([
              {
                ALT: () => {
                  const c = this.CONSUME(StringChunk);
                  this.ACTION(() => {
                    const lit = this.decodeString(c, c.startOffset, tokEnd(c), undefined, parts);
                    value += lit.value;
                  });
                },
              },
              {
                ALT: () => {
                  const s = this.SUBRULE(this.substitution);
                  this.ACTION(() => {
                    if (!s) return;
                    parts.push({ kind: 'interpolation', value: s, range: s.range });
                    value += this.text.slice(s.range.start.offset, s.range.end.offset);
                  });
                },
              },
              {
                ALT: () => {
                  const s = this.SUBRULE(this.paren);
                  this.ACTION(() => {
                    if (!s) return;
                    parts.push({ kind: 'interpolation', value: s, range: s.range });
                    value += this.text.slice(s.range.start.offset, s.range.end.offset);
                  });
                },
              },
            ]);
          });
          const close = this.OPTION(() => this.CONSUME(StringEnd));
          return this.ACTION((): StringLiteral => {
            const end = close ? tokEnd(close) : this.lastEnd(tokEnd(open));
            if (!close) this.err('unterminated string: missing closing \'"\'', open.startOffset, tokEnd(open));
            return {
              kind: 'string',
              raw: this.text.slice(open.startOffset, end),
              value,
              parts,
              constant: parts.every((p) => p.kind === 'text'),
              range: this.range(open.startOffset, end),
            };
          });
        },
      },
    ]);
  });

  private substitution = this.RULE('substitution', (): Substitution => {
    const open = this.OR([{ ALT: () => this.CONSUME(LBracket) }, { ALT: () => this.CONSUME(InterpBracket) }]);
    const statements = this.SUBRULE(this.body, { ARGS: [2] });
    const close = this.OPTION(() => this.CONSUME(RBracket));
    return this.ACTION((): Substitution => {
      if (!close) this.err(`missing ']' to close this '${open.image}'`, open.startOffset, tokEnd(open));
      return { kind: 'substitution', statements: statements ?? [], closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
    });
  });

  private codeBlock = this.RULE('codeBlock', (): CodeBlock => {
    const open = this.CONSUME(LBrace);
    const statements = this.SUBRULE(this.body, { ARGS: [1] });
    const close = this.OPTION(() => this.CONSUME(RBrace));
    return this.ACTION((): CodeBlock => {
      if (!close) this.err("missing '}' to close this '{'", open.startOffset, tokEnd(open));
      return { kind: 'code', statements: statements ?? [], closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
    });
  });

  private arrayLit = this.RULE('arrayLit', (): ArrayLiteral => {
    const open = this.CONSUME(LBrace);
    const elements: ArrayElement[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(Newline) },
        { ALT: () => this.CONSUME(Semicolon) },
        { ALT: () => this.CONSUME(Comma) },
        {
          ALT: () => {
            const e = this.SUBRULE(this.element);
            this.ACTION(() => {
              if (e) elements.push(e);
            });
          },
        },
      ]);
    });
    const close = this.OPTION(() => this.CONSUME(RBrace));
    return this.ACTION((): ArrayLiteral => {
      if (!close) this.err("missing '}' to close this array", open.startOffset, tokEnd(open));
      return { kind: 'array', elements, closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
    });
  });

  private element = this.RULE('element', (): ArrayElement => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => (this.LA(1).tokenType === WordTok || this.LA(1).tokenType === StringSimple) && this.LA(2).tokenType === EqualsTok(),
          ALT: () => {
            const k = this.OR2([{ ALT: () => this.CONSUME(WordTok) }, { ALT: () => this.CONSUME(StringSimple) }]);
            const eq = this.CONSUME(EqOrOp);
            const v = this.OPTION({
              GATE: () => this.joinable(eq, this.LA(1)),
              DEF: () => this.SUBRULE(this.value, { ARGS: [2, false] }),
            });
            return this.ACTION((): ArrayElement => {
              const key = k.tokenType === WordTok ? this.word(k) : this.decodeString(k, k.startOffset + 1, tokEnd(k) - 1, k, null);
              return { key, value: v ?? null, range: this.range(k.startOffset, this.lastEnd(tokEnd(eq))) };
            });
          },
        },
        {
          ALT: () => {
            const v = this.SUBRULE2(this.value, { ARGS: [2, false] });
            return this.ACTION((): ArrayElement => ({ key: null, value: v ?? null, range: v ? v.range : this.range(this.LA(1).startOffset, this.LA(1).startOffset) }));
          },
        },
      ],
    });
  });

  private paren = this.RULE('paren', (): ParenExpr => {
    const open = this.OR([{ ALT: () => this.CONSUME(LParen) }, { ALT: () => this.CONSUME(InterpParen) }]);
    const expr = this.OPTION({
      GATE: () => this.LA(1).tokenType !== ExprOp || this.LA(1).image === '!' || this.LA(1).image === '-',
      DEF: () => this.SUBRULE(this.expression),
    });
    // anything left before `)` is an error: operands without an operator, or junk
    this.MANY({
      GATE: () => {
        const t = this.LA(1);
        return t.tokenType !== EOF && t.tokenType !== RParen && !this.tokenMatcher(t, Closer) && !this.tokenMatcher(t, Newline);
      },
      DEF: () => {
        this.OR2([
          {
            ALT: () => {
              const s = this.LA(1).startOffset;
              this.SUBRULE2(this.unary);
              this.ACTION(() => this.err('expected an operator between values', s, this.lastEnd(s)));
            },
          },
          {
            ALT: () => {
              const t = this.CONSUME(Junk);
              this.ACTION(() => this.err(`unexpected '${t.image}' in expression`, t.startOffset, tokEnd(t)));
            },
          },
        ]);
      },
    });
    const close = this.OPTION2(() => this.CONSUME(RParen));
    return this.ACTION((): ParenExpr => {
      if (!close) this.err(`missing ')' to close this '${open.image}'`, open.startOffset, tokEnd(open));
      return { kind: 'paren', expression: expr ?? null, closed: !!close, range: this.range(open.startOffset, this.lastEnd(tokEnd(open))) };
    });
  });

  private isBinaryOp(t: IToken): boolean {
    if (t.tokenType === ExprOp) return t.image !== '!';
    if (t.tokenType === ExprIdent) return t.image === 'and' || t.image === 'or' || t.image === 'in';
    return false;
  }

  private expression = this.RULE('expression', (): Expression => {
    const operands: (Expression | null)[] = [];
    const ops: IToken[] = [];
    const first = this.SUBRULE(this.unary);
    this.ACTION(() => operands.push(first ?? null));
    this.MANY({
      GATE: () => this.isBinaryOp(this.LA(1)),
      DEF: () => {
        const op = this.OR([{ ALT: () => this.CONSUME(ExprOp) }, { ALT: () => this.CONSUME(ExprIdent) }]);
        const rhs = this.OPTION({
          GATE: () => !this.isBinaryOp(this.LA(1)) || this.LA(1).image === '-',
          DEF: () => this.SUBRULE2(this.unary),
        });
        this.ACTION(() => {
          ops.push(op);
          if (!rhs) this.err(`expected a value after '${op.image}'`, op.startOffset, tokEnd(op));
          operands.push(rhs ?? null);
        });
      },
    });
    return this.ACTION(() => this.buildBinary(operands, ops));
  });

  private buildBinary(operands: (Expression | null)[], ops: IToken[]): Expression {
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
        const s = left ? left.range.start : this.map.start(op.startOffset);
        const e = right ? right.range.end : this.map.end(tokEnd(op));
        left = { kind: 'binary', operator: op.image, left, right, range: { start: s, end: e } };
      }
      return left;
    };
    return parse(0) ?? { kind: 'word', text: '', range: this.range(0, 0) };
  }

  /** A prefix `!`/`-` chain and a primary: never empty. */
  private unary = this.RULE('unary', (): Expression => {
    return this.OR([
      {
        GATE: () => this.LA(1).image === '!' || this.LA(1).image === '-',
        ALT: () => {
          const t = this.CONSUME(ExprOp);
          const operand = this.OPTION(() => this.SUBRULE(this.unary));
          return this.ACTION((): Expression => {
            if (!operand) this.err(`expected a value after '${t.image}'`, t.startOffset, tokEnd(t));
            return { kind: 'unary', operator: t.image, operand: operand ?? null, range: { start: this.map.start(t.startOffset), end: operand ? operand.range.end : this.map.end(tokEnd(t)) } };
          });
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(ExprNumber);
          return this.ACTION(() => this.word(t));
        },
      },
      {
        GATE: () => !this.isBinaryOp(this.LA(1)),
        ALT: () => {
          const t = this.CONSUME(ExprIdent);
          return this.ACTION(() => this.word(t));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(Variable);
          return this.ACTION(() => this.variable(t));
        },
      },
      { ALT: () => this.SUBRULE(this.stringLit, { ARGS: [false] }) },
      { ALT: () => this.SUBRULE(this.substitution) },
      { ALT: () => this.SUBRULE(this.paren) },
      { ALT: () => this.SUBRULE(this.braceValue, { ARGS: [0] }) },
    ]);
  });
}

// `=` token type, resolved lazily to avoid an import cycle in GATE code
import { Equals } from './lexer';
function EqualsTok(): TokenType {
  return Equals;
}
