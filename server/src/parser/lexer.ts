// The RouterOS script lexer: a Chevrotain multi-mode lexer.
//
// RouterOS tokenizes differently by context, so the lexer keeps a mode stack:
//   cmd  (default, and inside `{ }` and `[ ]`): commands and arguments. A bare word takes almost any
//        character (`10.0.0.0/8`, `21,22,1000-2000`, `*1A`, `/ip/firewall/filter`, `1d2h`, `aa:bb:..`);
//        it stops at whitespace, `; { } [ ] ( ) " = \ ~ < > ! $`.
//   expr (inside `( )` and `$( )`): expressions, where `+ - * / . , -> ...` are operators and literals
//        are numbers/addresses/times (`10.0.0.0/8`, `1d2h`) or identifiers (`true`, `ether1`).
//        A raw newline inside an expression closes the mode: RouterOS never continues `( )` across a
//        line without `\`, so an unclosed `(` cannot swallow the rest of the file.
//   str  (inside a `"` string that holds `$( )` or `$[ ]`): string chunks and interpolations.
// Strings without `$(`/`$[` are one StringSimple token (the common case, and the fast one).
//
// Whitespace and `\` line continuations are skipped; comments go to the `comments` group.
// Positions: `positionTracking: "onlyOffset"`; line/column come from LineIndex when a node is built.
import { createToken, Lexer, type ILexingResult, type TokenType } from 'chevrotain';

const NL = /\r\n|\r|\n/;

/** One representative char per 256-code block above ASCII: Chevrotain buckets start chars that way. */
function unicodeBlockHints(): number[] {
  const out: number[] = [];
  for (let c = 0x100; c < 0x10000; c += 0x100) out.push(c);
  for (let c = 0x80; c < 0x100; c++) out.push(c);
  return out;
}

/** Printable ASCII start chars except `exclude`, plus every non-ASCII block. */
function hintsExcept(exclude: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (let c = 0x21; c < 0x7f; c++) {
    const ch = String.fromCharCode(c);
    if (!exclude.includes(ch)) out.push(ch);
  }
  // Some control characters are not whitespace for \s (e.g. \x01) and may appear in words.
  for (let c = 0x01; c < 0x20; c++) {
    const ch = String.fromCharCode(c);
    if (!/\s/.test(ch) && !exclude.includes(ch)) out.push(c);
  }
  return out.concat(unicodeBlockHints());
}

// ---- categories (abstract, matched by the parser) ----------------------------------------------

/** `}` `]` `)`. */
export const Closer = createToken({ name: 'Closer', pattern: Lexer.NA });
/** `]` `)`: stray inside `{ }`. */
export const StrayInBrace = createToken({ name: 'StrayInBrace', pattern: Lexer.NA });
/** Tokens a glued bare value may start with / continue with (`a=b`, `x<y`, `,1`). */
export const WordStart = createToken({ name: 'WordStart', pattern: Lexer.NA });
export const WordPart = createToken({ name: 'WordPart', pattern: Lexer.NA });
/** `=` `<` ... starting a bare value that is not a word (`comment=<x>`). */
export const GlueStart = createToken({ name: 'GlueStart', pattern: Lexer.NA });
/** `=` or a comparison operator after an argument name. */
export const EqOrOp = createToken({ name: 'EqOrOp', pattern: Lexer.NA });
/** Tokens skipped (with an error) inside a broken expression. */
export const Junk = createToken({ name: 'Junk', pattern: Lexer.NA });

// ---- shared tokens -----------------------------------------------------------------------------

/** Blanks. ASCII only, so Chevrotain matches it with a character table instead of a regex. */
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v]+/,
  group: Lexer.SKIPPED,
});
/** The non-ASCII blanks RouterOS files carry: a BOM, no-break spaces. */
export const WhiteSpaceOther = createToken({
  name: 'WhiteSpaceOther',
  pattern: /[\uFEFF\u00A0]+/,
  group: Lexer.SKIPPED,
});
/** `\` at the end of a line (trailing blanks allowed): joins the next line. */
export const Continuation = createToken({
  name: 'Continuation',
  pattern: /\\[ \t]*(?:\r\n|\r|\n)/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** A line end: `\n` as a single-character token (the fast case), `\r\n` and `\r` as NewlineCR. */
export const Newline = createToken({ name: 'Newline', pattern: '\n', line_breaks: true });
export const NewlineCR = createToken({ name: 'NewlineCR', pattern: /\r\n?/, line_breaks: true, categories: [Newline] });
/** A newline inside an expression: also ends the expression mode (see file comment). */
export const NewlineExpr = createToken({
  name: 'NewlineExpr',
  pattern: NL,
  line_breaks: true,
  pop_mode: true,
  categories: [Newline],
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';', categories: [Junk] });
export const LBrace = createToken({ name: 'LBrace', pattern: '{', push_mode: 'cmd' });
export const RBrace = createToken({ name: 'RBrace', pattern: '}', pop_mode: true, categories: [Closer] });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', push_mode: 'cmd' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', pop_mode: true, categories: [Closer, StrayInBrace] });
export const LParen = createToken({ name: 'LParen', pattern: '(', push_mode: 'expr' });
/** `)` (stray in `[ ]`), and the category of both `)` tokens. */
export const StrayParen = createToken({ name: 'StrayParen', pattern: Lexer.NA });
export const RParen = createToken({ name: 'RParen', pattern: ')', pop_mode: true, categories: [Closer, StrayInBrace, StrayParen] });
/** `)` in command mode is always stray: it must not pop the mode a `{` or `[` pushed. */
export const RParenCmd = createToken({ name: 'RParenCmd', pattern: ')', categories: [Closer, StrayInBrace, StrayParen] });

/** A whole string without `$(` / `$[` interpolation (escapes and `$var` decoded later). */
export const StringSimple = createToken({
  name: 'StringSimple',
  // (the loop unrolled: runs of plain characters are taken in one step)
  pattern: /"[^"\\$]*(?:(?:\\[\s\S]|\$"[\w-]+"|\$(?![(\[]))[^"\\$]*)*"/,
  line_breaks: true,
});
/** Opening quote of a string with `$(`/`$[` inside (or an unterminated string). */
export const StringStart = createToken({ name: 'StringStart', pattern: '"', push_mode: 'str' });
export const StringChunk = createToken({
  name: 'StringChunk',
  pattern: /(?:[^"\\$]+|\\[\s\S]|\$"[\w-]+"|\$(?![(\[]))+/,
  line_breaks: true,
  start_chars_hint: hintsExcept('"').concat([9, 10, 13, 32]),
});
export const StringEnd = createToken({ name: 'StringEnd', pattern: '"', pop_mode: true, categories: [Junk] });
export const InterpParen = createToken({ name: 'InterpParen', pattern: '$(', push_mode: 'expr' });
export const InterpBracket = createToken({ name: 'InterpBracket', pattern: '$[', push_mode: 'cmd' });
export const Variable = createToken({
  name: 'Variable',
  // (the quoted name's loop unrolled: an alternation per character overflows the regex stack on a huge name)
  pattern: /\$(?:[A-Za-z0-9_]+|"[^"\\]*(?:\\[\s\S][^"\\]*)*")/,
});

// ---- command mode ------------------------------------------------------------------------------

/** Comparison operators in command position (`where name~"x"`, `rx-byte>100`, `a!=b`). */
export const Op = createToken({ name: 'Op', pattern: /!=|<=|>=|[<>~]/, categories: [WordStart, GlueStart, WordPart, EqOrOp, Junk] });
export const Equals = createToken({ name: 'Equals', pattern: '=', categories: [WordStart, GlueStart, WordPart, EqOrOp, Junk] });
export const Bang = createToken({ name: 'Bang', pattern: '!', categories: [WordPart, Junk] });
export const Comma = createToken({ name: 'Comma', pattern: ',', categories: [WordPart, Junk] });
const WORD_STOP = ' \t;{}[]()"=\\~<>!$';
export const Word = createToken({
  name: 'Word',
  pattern: /[^\s;{}\[\]()"=\\#!$~<>,][^\s;{}\[\]()"=\\~<>!$]*/,
  start_chars_hint: hintsExcept(WORD_STOP + '#,'),
  categories: [WordStart, WordPart, Junk],
});

// ---- expression mode ---------------------------------------------------------------------------

/** Binary operators (and `-`, which is binary or prefix; `!` is prefix only). */
export const ExprOp = createToken({ name: 'ExprOp', pattern: Lexer.NA });
/** `!` and `-` in prefix position. */
export const ExprPrefix = createToken({ name: 'ExprPrefix', pattern: Lexer.NA });
export const ExprBinOp = createToken({
  name: 'ExprBinOp',
  pattern: /->|&&|\|\||<%%|<<|>>|<=|>=|!=|[+*/%.,<>=&|^]/,
  categories: [ExprOp, Junk],
});
export const ExprMinus = createToken({ name: 'ExprMinus', pattern: '-', categories: [ExprOp, ExprPrefix] });
export const ExprNot = createToken({ name: 'ExprNot', pattern: '!', categories: [ExprPrefix] });
/** `~`: regex match (binary) or bitwise not (prefix). */
export const ExprTilde = createToken({ name: 'ExprTilde', pattern: '~', categories: [ExprOp, ExprPrefix] });
/** IPv6 literals that start with `::` (`::`, `::1`, `::/0`). */
export const ExprIPv6 = createToken({ name: 'ExprIPv6', pattern: /::[\dA-Fa-f:.]*(?:\/\d+)?/ });
/** `:cmd` right inside `( )`: `(:put [...])` runs a command; the rest of the parens is command mode. */
export const ExprColonCmd = createToken({
  name: 'ExprColonCmd',
  pattern: /:[A-Za-z][\w-]*/,
  pop_mode: true,
  push_mode: 'pcmd',
  categories: [Word],
});
/** Numbers, addresses, prefixes, MACs, times: `10`, `0x1F`, `10.0.0.0/8`, `1d2h`, `00:30:00`. */
export const ExprNumber = createToken({
  name: 'ExprNumber',
  pattern: /\d+(?:\.\d+){3}\/\d+|\d[\dA-Fa-f]*:[\w:]*\/\d+|\d[\w:.]*/,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
});
/** Identifiers inside expressions: `true`, `ether1-gateway`, `fe80::1`. */
export const ExprIdent = createToken({
  name: 'ExprIdent',
  pattern: /[A-Za-z_][\w:]*(?:-[A-Za-z_][\w:]*)*/,
});
/** `any $x` (v7: is set) and `not`, as prefix operators. */
export const ExprWordPrefix = createToken({
  name: 'ExprWordPrefix',
  pattern: /any|not/,
  longer_alt: ExprIdent,
  categories: [ExprPrefix],
});
/** `and` `or` `in` as operators (an identifier that merely starts with them stays an identifier). */
export const ExprWordOp = createToken({
  name: 'ExprWordOp',
  pattern: /and|or|in/,
  longer_alt: ExprIdent,
  categories: [ExprOp, Junk],
});

export const allTokens: TokenType[] = [
  Closer, StrayInBrace, StrayParen, RParenCmd, WordStart, WordPart, GlueStart, EqOrOp, Junk,
  WhiteSpace, WhiteSpaceOther, Continuation, Newline, NewlineCR, NewlineExpr, Comment, Semicolon, LBrace, RBrace, LBracket,
  RBracket, LParen, RParen, StringSimple, StringStart, StringChunk, StringEnd, InterpParen,
  InterpBracket, Variable, Op, Equals, Bang, Comma, Word, ExprOp, ExprPrefix, ExprBinOp, ExprMinus, ExprNot,
  ExprTilde, ExprIPv6, ExprColonCmd, ExprNumber, ExprWordPrefix, ExprWordOp, ExprIdent,
];

const common = [LBrace, RBrace, LBracket, RBracket, LParen, RParen, StringSimple, StringStart, InterpParen, InterpBracket, Variable];

export const lexerDefinition = {
  defaultMode: 'cmd',
  modes: {
    cmd: [WhiteSpace, WhiteSpaceOther, Continuation, Newline, NewlineCR, Comment, Semicolon, RParenCmd, ...common, Op, Equals, Bang, Comma, Word],
    // command mode inside `(:cmd ...)`: there `)` closes the parentheses
    pcmd: [WhiteSpace, WhiteSpaceOther, Continuation, Newline, NewlineCR, Comment, Semicolon, ...common, Op, Equals, Bang, Comma, Word],
    expr: [WhiteSpace, WhiteSpaceOther, Continuation, NewlineExpr, Semicolon, ...common, ExprBinOp, ExprMinus, ExprNot, ExprTilde, ExprIPv6, ExprColonCmd, ExprNumber, ExprWordPrefix, ExprWordOp, ExprIdent],
    str: [StringChunk, InterpParen, InterpBracket, StringEnd],
  },
};

let lexer: Lexer | undefined;

export function getLexer(): Lexer {
  if (!lexer) {
    lexer = new Lexer(lexerDefinition, {
      ensureOptimizations: true,
      positionTracking: 'onlyOffset',
      skipValidations: true,
    });
  }
  return lexer;
}

export function tokenize(text: string): ILexingResult {
  return getLexer().tokenize(text);
}
